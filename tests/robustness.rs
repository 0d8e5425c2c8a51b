//! No input makes interop panic: questions built from random pieces of names, filler, numbers
//! and stray characters, and knowledge bases with random damage, are answered or rejected.

use interop::diag::SourceText;

use crate::common::data_files;

/// A small deterministic generator (an LCG), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[usize::try_from(self.next()).unwrap_or(0) % items.len()]
    }
}

#[test]
fn random_questions_never_panic() {
    let kb = interop::kb::load_embedded().expect("loads");
    let index = interop::names::NameIndex::build(&kb);
    let pieces = [
        "does",
        "work",
        "with",
        "and",
        "UCS",
        "hi-res photo",
        "Exchange",
        "2013",
        "2010",
        "16",
        "Lync",
        "Lync 2010",
        "Skype for Business",
        "SfB Online",
        "on-prem",
        "online",
        "Office 365",
        "client",
        "why not",
        "what works",
        "what doesn't work",
        "from",
        "to",
        "→",
        "what do I need for",
        "?",
        ",",
        "+",
        "/",
        "(",
        ")",
        "统一联系人存储",
        "présence",
        "haute résolution",
        "٢٠١٣",
        "😀",
        "\u{200b}",
        "\0",
        "CU21",
        "SharePoint",
        "presence",
        "OWA",
        "Exchange 2007",
        "",
        " ",
        "-",
        "qu'est-ce",
        "不",
        "the",
        "Lync Server 2013",
        "LWA",
        "mobile",
        "x",
    ];
    let mut rng = Rng(42);
    let date = jiff::civil::Date::new(2026, 11, 23).expect("a date");
    for _ in 0..600 {
        let n = 1 + usize::try_from(rng.next() % 12).unwrap_or(0);
        let q: Vec<&str> = (0..n).map(|_| rng.pick(&pieces)).collect();
        let q = q.join(" ");
        if let Ok(parsed) = interop::query::parse(&kb, &index, &q) {
            let a = interop::engine::answer(&kb, &parsed, date);
            let _ = interop::views::answer::text(&kb, &a, &interop::views::answer::Style::plain());
            let _ = interop::views::answer::to_json(&kb, &a);
        }
    }
}

#[test]
fn damaged_knowledge_bases_never_panic() {
    let files = data_files();
    let mut rng = Rng(7);
    for _ in 0..150 {
        let which = usize::try_from(rng.next()).unwrap_or(0) % files.len();
        let texts: Vec<SourceText> = files
            .iter()
            .enumerate()
            .map(|(i, (name, text))| {
                let mut text = text.clone();
                if i == which && !text.is_empty() {
                    let at = usize::try_from(rng.next()).unwrap_or(0) % text.len();
                    let at = (0..=at).rev().find(|&k| text.is_char_boundary(k)).unwrap_or(0);
                    let len = usize::try_from(rng.next() % 40).unwrap_or(0);
                    let end = (at..=(at + len).min(text.len()))
                        .rev()
                        .find(|&k| text.is_char_boundary(k))
                        .unwrap_or(at);
                    let insert = ["", "\"", "]", "[[", "=", "\n", "x", "{", "}", "#", "2021-13-01"]
                        [usize::try_from(rng.next()).unwrap_or(0) % 11];
                    text.replace_range(at..end, insert);
                }
                SourceText::new(format!("data/{name}"), text)
            })
            .collect();
        if let Err(e) = interop::kb::load(texts) {
            assert!(!e.diagnostics.is_empty());
            for d in &e.diagnostics {
                let _ = d.render(&e.files, false);
            }
        }
    }
}
