//! Any text asked as a question: it is read or rejected with a located message, never a panic;
//! what is read is answered and rendered as text and JSON.
#![no_main]

use std::sync::OnceLock;

use interop::kb::KnowledgeBase;
use interop::names::NameIndex;
use interop::{engine, query, views};
use libfuzzer_sys::fuzz_target;

fn base() -> &'static (KnowledgeBase, NameIndex) {
    static BASE: OnceLock<(KnowledgeBase, NameIndex)> = OnceLock::new();
    BASE.get_or_init(|| {
        let (kb, names) = interop::embedded::load().expect("the shipped base loads");
        let names = names.unwrap_or_else(|| NameIndex::build(&kb));
        (kb, names)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (kb, names) = base();
    match query::parse(kb, names, text) {
        Ok(q) => {
            let a = engine::answer(kb, &q, jiff::civil::date(2026, 11, 23));
            let style = views::answer::Style::plain();
            let _ = views::answer::short(kb, &a, &style);
            let _ = views::answer::text(kb, &a, &style);
            let _ = views::answer::markdown(kb, &a);
            let json = serde_json::to_string(&views::answer_json::AnswerJ(kb, &a, None)).expect("JSON");
            assert!(json.starts_with('{'));
            // As a batch writes it, with the parts of the base written by earlier inputs: the same.
            static WRITTEN: OnceLock<views::answer_json::Written> = OnceLock::new();
            let written = WRITTEN.get_or_init(Default::default);
            let kept = serde_json::to_string(&views::answer_json::AnswerJ(kb, &a, Some(written))).expect("JSON");
            assert_eq!(json, kept);
        }
        Err(d) => {
            let files = [interop::diag::SourceText::new("<question>".into(), text.to_owned())];
            assert!(!d.render(&files, false).is_empty());
            let _ = d.to_json(&files);
        }
    }
});
