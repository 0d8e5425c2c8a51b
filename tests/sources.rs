//! Every quote in `data/` stands, word for word, in the document it cites, whose text is in
//! `data/sources/` (the rule: `interop::kb::quote_stands_in`).

use interop::kb::{Cite, KnowledgeBase};

fn all_cites(kb: &KnowledgeBase) -> Vec<(&'static str, &Cite)> {
    let mut out: Vec<(&'static str, &Cite)> = Vec::new();
    out.extend(kb.families.iter().flat_map(|x| &x.sources).map(|c| ("family", c)));
    out.extend(kb.products.iter().flat_map(|x| &x.sources).map(|c| ("product", c)));
    out.extend(kb.lifecycle.iter().flat_map(|x| &x.sources).map(|c| ("lifecycle", c)));
    out.extend(kb.features.iter().flat_map(|x| &x.sources).map(|c| ("feature", c)));
    out.extend(
        kb.deployments
            .iter()
            .flat_map(|x| &x.sources)
            .map(|c| ("deployment", c)),
    );
    out.extend(kb.rows.iter().flat_map(|x| &x.sources).map(|c| ("row", c)));
    out.extend(kb.statements.iter().flat_map(|x| &x.sources).map(|c| ("statement", c)));
    out.extend(kb.rules.iter().flat_map(|x| &x.sources).map(|c| ("rule", c)));
    out.extend(kb.limits.iter().flat_map(|x| &x.sources).map(|c| ("limit", c)));
    out.extend(kb.steps.iter().flat_map(|x| &x.sources).map(|c| ("step", c)));
    out.extend(
        kb.conflicts
            .iter()
            .flat_map(|x| &x.claims)
            .flat_map(|cl| &cl.sources)
            .map(|c| ("conflict", c)),
    );
    out
}

#[test]
fn every_quote_is_in_its_document() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let kb = interop::kb::load_embedded().expect("loads");
    let mut missing = Vec::new();
    let mut checked = 0;
    for (what, c) in all_cites(&kb) {
        let src = &kb.sources[c.doc];
        let path = data.join("sources").join(&src.file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if !interop::kb::quote_stands_in(c.quote(), &text) {
            missing.push(format!("{what} cites {}: «{}»", src.id, c.quote()));
        }
        checked += 1;
    }
    assert!(
        missing.is_empty(),
        "{} quotes are not in their documents:\n{}",
        missing.len(),
        missing.join("\n")
    );
    assert!(checked > 150, "only {checked} quotes");
}

#[test]
fn every_source_can_be_opened_by_a_reader() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let kb = interop::kb::load_embedded().expect("loads");
    for s in &kb.sources {
        assert!(
            s.url.as_deref().is_some_and(|u| u.starts_with("https://")),
            "{} has no public URL",
            s.id
        );
        assert!(s.date.is_some(), "{} has no date", s.id);
        assert!(
            data.join("sources").join(&s.file).is_file(),
            "{}: no text at sources/{}",
            s.id,
            s.file
        );
        if s.translation == "original" {
            assert!(
                s.repository.is_some() && s.path.is_some() && s.commit.is_some(),
                "{} does not say which repository, path and commit its text was read from",
                s.id
            );
        }
    }
}

#[test]
fn the_quote_rule_reads_no_break_spaces_and_line_breaks_as_spaces() {
    use interop::kb::quote_stands_in;
    assert!(quote_stands_in(
        "au moins 2 048 bits",
        "La longueur est d’au moins 2\u{a0}048 bits."
    ));
    assert!(quote_stands_in("two words", "two\n   words"));
    assert!(quote_stands_in("pre\u{301}sence", "la présence"));
    assert!(!quote_stands_in("2 049 bits", "2\u{a0}048 bits"));
    assert!(!quote_stands_in("  ", "anything"));
}
