//! Every example of `grammar/`: conditions parse and print as equivalent conditions;
//! questions parse, and `question error` examples are rejected.

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

#[test]
fn every_question_example_parses_or_is_rejected_as_marked() {
    let kb = interop::kb::load_embedded().expect("the shipped knowledge base loads");
    let index = interop::names::NameIndex::build(&kb);
    let text = include_str!("../grammar/GRAMMAR.md");
    let (mut good, mut bad) = (0, 0);
    let mut rest = text;
    while let Some(start) = rest.find("```question") {
        let after = &rest[start + "```question".len()..];
        let (header, body) = after.split_once('\n').expect("a fenced block");
        let end = body.find("```").expect("a closing fence");
        let example = body[..end].trim();
        let parsed = interop::query::parse(&kb, &index, example);
        if header.trim() == "error" {
            assert!(parsed.is_err(), "`{example}` should be rejected");
            bad += 1;
        } else {
            assert!(parsed.is_ok(), "`{example}`: {:?}", parsed.err());
            good += 1;
        }
        rest = &body[end..];
    }
    assert!(good >= 12 && bad >= 3, "{good} examples, {bad} errors");
}
