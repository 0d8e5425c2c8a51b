//! The stages of an answer, each timed alone, on the shipped knowledge base and on synthetic
//! ones 10× and 100× its size (`interop::synth`): load, the name index, reading a question,
//! rejecting questions that name no feature, evaluating it with its fixes, a listing of every
//! feature, rendering text and JSON.
//! `cargo bench` runs them; the book's performance page gives the figures and the script that
//! times the whole program.

use divan::{Bencher, black_box};
use interop::diag::SourceText;
use interop::kb::{self, KnowledgeBase};
use interop::names::NameIndex;
use interop::{engine, query, views};

const QUESTION: &str = "does high-resolution photo work with Exchange 2010 and Lync 2010?";
const DATE: jiff::civil::Date = jiff::civil::date(2026, 11, 23);

/// The question, read.
fn question(kb: &KnowledgeBase) -> interop::query::Question {
    query::parse(kb, &NameIndex::build(kb), QUESTION).expect("reads")
}

fn main() {
    divan::main();
}

fn files(scale: usize) -> Vec<SourceText> {
    interop::synth::knowledge_base(scale)
        .into_iter()
        .map(|(name, text)| SourceText::new(name, text))
        .collect()
}

fn base(scale: usize) -> KnowledgeBase {
    kb::load(files(scale)).expect("the synthetic base loads")
}

#[divan::bench(args = [1, 10, 100], sample_count = 10)]
fn load_checked(bencher: Bencher, scale: usize) {
    let f = files(scale);
    bencher.bench(|| kb::load(black_box(f.clone())).expect("loads"));
}

#[divan::bench]
fn load_embedded_for_answers() -> KnowledgeBase {
    kb::load_embedded_for_answers().expect("loads")
}

/// What the binary does at start: read back the base and vocabulary the build compiled.
#[divan::bench]
fn load_compiled() -> (KnowledgeBase, Option<NameIndex>) {
    interop::embedded::load().expect("loads")
}

/// Reading back the compiled base alone (without its vocabulary).
#[divan::bench]
fn decode_base(bencher: Bencher) {
    let bytes = postcard::to_allocvec(&base(1)).expect("encodes");
    bencher.bench(|| postcard::from_bytes::<KnowledgeBase>(black_box(&bytes)).expect("decodes"));
}

/// Reading back the compiled vocabulary alone.
#[divan::bench]
fn decode_names(bencher: Bencher) {
    let bytes = postcard::to_allocvec(&NameIndex::build(&base(1))).expect("encodes");
    bencher.bench(|| postcard::from_bytes::<NameIndex>(black_box(&bytes)).expect("decodes"));
}

#[divan::bench(args = [1, 10, 100], sample_count = 10)]
fn name_index(bencher: Bencher, scale: usize) {
    let kb = base(scale);
    bencher.bench(|| NameIndex::build(black_box(&kb)));
}

#[divan::bench(args = [1, 10, 100])]
fn read_question(bencher: Bencher, scale: usize) {
    let kb = base(scale);
    let index = NameIndex::build(&kb);
    bencher.bench(|| query::parse(&kb, &index, black_box(QUESTION)).expect("reads"));
}

/// Questions that name no feature, in English, Chinese and French: each is rejected with its
/// did-you-mean, the feature names closest to its words (after the first reading, the index
/// keeps the feature keys by length and letters).
const REJECTED: [&str; 3] = [
    "does printer bandwidth work with Exchange 2013 and Lync Server 2013?",
    "打印机咖啡能在Exchange 2013上用吗？",
    "est-ce que imprimante facture marche avec Exchange 2013 ?",
];

#[divan::bench(args = [1, 10, 100])]
fn read_rejected(bencher: Bencher, scale: usize) {
    let kb = base(scale);
    let index = NameIndex::build(&kb);
    assert!(REJECTED.iter().all(|q| query::parse(&kb, &index, q).is_err()));
    bencher.bench(|| {
        REJECTED
            .iter()
            .filter(|q| query::parse(&kb, &index, black_box(q)).is_err())
            .count()
    });
}

#[divan::bench(args = [1, 10, 100])]
fn answer(bencher: Bencher, scale: usize) {
    let kb = base(scale);
    let q = question(&kb);
    bencher.bench(|| engine::answer(&kb, black_box(&q), DATE));
}

/// The same, inside a batch: what the fix search starts from is kept between questions.
#[divan::bench(args = [1, 10, 100])]
fn answer_in_batch(bencher: Bencher, scale: usize) {
    let kb = base(scale);
    let q = question(&kb);
    let answerer = engine::Answerer::new(&kb);
    bencher.bench(|| answerer.answer(black_box(&q), DATE));
}

/// A listing ("what works with …"): every feature's verdict on one topology, the features
/// they require worked out once for them all (what `Answerer::listing` keeps).
#[divan::bench(args = [1, 10, 100], sample_count = 10)]
fn listing(bencher: Bencher, scale: usize) {
    let kb = base(scale);
    let q = query::parse(
        &kb,
        &NameIndex::build(&kb),
        "what works with Exchange 2013 and Skype for Business Server 2015?",
    )
    .expect("reads");
    let t = engine::answer(&kb, &q, DATE).topology;
    bencher.bench(|| {
        let mut required = engine::eval::Required::lean(&kb, black_box(&t), DATE);
        (0..kb.features.len())
            .filter(|&f| required.evaluate(f).verdict == engine::Verdict::Yes)
            .count()
    });
}

#[divan::bench]
fn render_text(bencher: Bencher) {
    let kb = base(1);
    let a = engine::answer(&kb, &question(&kb), DATE);
    let style = views::answer::Style::plain();
    bencher.bench(|| views::answer::short(&kb, black_box(&a), &style));
}

#[divan::bench]
fn render_json(bencher: Bencher) {
    let kb = base(1);
    let a = engine::answer(&kb, &question(&kb), DATE);
    bencher.bench(|| serde_json::to_string(&views::answer_json::AnswerJ(&kb, black_box(&a), None)).expect("JSON"));
}

/// Writing the answer in a batch, where the citations written before are copied.
#[divan::bench]
fn render_json_in_batch(bencher: Bencher) {
    let kb = base(1);
    let a = engine::answer(&kb, &question(&kb), DATE);
    let cites = views::answer_json::Written::default();
    bencher
        .bench(|| serde_json::to_string(&views::answer_json::AnswerJ(&kb, black_box(&a), Some(&cites))).expect("JSON"));
}
