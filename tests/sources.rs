//! Every quote in `data/` stands, word for word, in the document it cites: the seeds and the
//! English reference beside the repository (`../shared`). Whitespace may differ.

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

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_quote_is_in_its_document() {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if !shared.join("seeds").is_dir() {
        eprintln!("skipped: the source documents are not beside the repository (../shared/seeds)");
        return;
    }
    let kb = interop::kb::load_embedded().expect("loads");
    let mut missing = Vec::new();
    let mut checked = 0;
    for (what, c) in all_cites(&kb) {
        let src = &kb.sources[c.doc];
        let path = if src.file.starts_with("reference/") {
            shared.join(&src.file)
        } else {
            shared.join("seeds").join(&src.file)
        };
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if !squash(&text).contains(&squash(&c.quote)) {
            missing.push(format!("{what} cites {}: «{}»", src.id, c.quote));
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
