//! Every example in `grammar/CONDITIONS.md` parses, and prints as an equivalent condition.

#[test]
fn every_condition_example_parses() {
    let text = include_str!("../grammar/CONDITIONS.md");
    let mut found = 0;
    let mut rest = text;
    while let Some(start) = rest.find("```condition\n") {
        let body = &rest[start + "```condition\n".len()..];
        let end = body.find("```").expect("a closing fence");
        let example = body[..end].trim();
        let parsed = interop::expr::parse(example).unwrap_or_else(|e| panic!("`{example}`: {e}"));
        let reparsed = interop::expr::parse(&parsed.to_string()).expect("the printed form parses");
        assert_eq!(
            reparsed.to_string(),
            parsed.to_string(),
            "`{example}` prints as an equivalent condition"
        );
        found += 1;
        rest = &body[end..];
    }
    assert!(found >= 10, "only {found} examples found");
}
