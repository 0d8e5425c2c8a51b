//! Synthetic knowledge bases (`interop synth`, what the benchmarks load) many times the size of
//! the shipped one: they pass `kb check`, and every answer about the real products — verdict,
//! reasons and fixes — is the one the shipped base gives.

use crate::common::interop;

const README: &str = "does high-resolution photo work with Exchange 2010 and Lync 2010?";
const AS_OF: &str = "2026-11-23";

/// The parts of a JSON answer that must not depend on the size of the base.
fn answer(data: Option<&str>, question: &str) -> (i32, serde_json::Value) {
    let mut args = vec![];
    if let Some(dir) = data {
        args.extend(["--data", dir]);
    }
    args.extend(["ask", question, "--format", "json", "--as-of", AS_OF]);
    let run = interop(&args);
    assert!(run.stderr.is_empty(), "{question}: {}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("one JSON answer");
    let keep = [
        "verdict",
        "feature",
        "reasons",
        "suggestions",
        "prerequisites",
        "conflicts",
    ];
    let kept = keep.iter().map(|k| ((*k).to_owned(), v[*k].clone())).collect();
    (run.code, serde_json::Value::Object(kept))
}

/// Seventy times: more than 64 files and 1 MB of TOML, so that the files are read and parsed
/// on every core, as a large base is.
#[test]
fn a_base_seventy_times_larger_checks_and_answers_the_same() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("kb");
    let out = out.to_str().expect("a UTF-8 path");
    let run = interop(&["synth", "--scale", "70", "--out", out]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let files = std::fs::read_dir(out).expect("synth wrote a directory").count();
    assert!(files > 69, "the base has its 69 synthetic copies: {files} files");

    let check = interop(&["kb", "check", "--data", out, "--format", "json"]);
    assert_eq!(check.code, 0, "the synthetic base is sound: {}", check.stdout);

    let features = |data: Option<&str>| {
        let mut args = vec![];
        if let Some(d) = data {
            args.extend(["--data", d]);
        }
        args.extend(["features", "--format", "json"]);
        let run = interop(&args);
        let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON features");
        v["features"].as_array().map_or(0, Vec::len)
    };
    let (shipped, large) = (features(None), features(Some(out)));
    assert!(large >= shipped * 10, "{large} features at 70× against {shipped}");

    for question in [
        README,
        "UCS with Exchange 2013 and SfB Server 2015",
        "presence in OWA with Exchange Online and SfB Server 2019",
        "UM voicemail with Exchange Online and SfB Server 2015",
        "does archiving work with Exchange 2010 and Lync Server 2013?",
    ] {
        let (code, small) = answer(None, question);
        let (large_code, large) = answer(Some(out), question);
        assert!(
            small["verdict"].is_string() && small["reasons"].is_array(),
            "{question}"
        );
        assert_eq!(code, large_code, "{question}: the exit code changes with the size");
        assert_eq!(small, large, "{question}: the answer changes with the size");
    }
}

/// A batch writes each citation's JSON once and copies it after, by the citation's number: two
/// citations with one number would show one's quote for the other. A large base compiles parts
/// of itself on several cores; its citations must still be numbered one by one.
#[test]
fn every_citation_of_a_large_base_has_its_own_number() {
    fn numbers(v: &serde_json::Value, out: &mut Vec<u64>) {
        match v {
            serde_json::Value::Object(m) => {
                // A citation: its number and its document.
                if let (Some(ix), true) = (m.get("ix").and_then(serde_json::Value::as_u64), m.contains_key("doc")) {
                    out.push(ix);
                }
                m.values().for_each(|x| numbers(x, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| numbers(x, out)),
            _ => {}
        }
    }
    let files = interop::synth::knowledge_base(70)
        .into_iter()
        .map(|(name, text)| interop::diag::SourceText::new(name, text))
        .collect();
    let kb = interop::kb::load(files).expect("the synthetic base loads");
    let mut ix = Vec::new();
    // Every part that holds facts (the graph and indexes hold none, and have keys JSON cannot).
    let parts = serde_json::to_value((
        (
            &kb.sources,
            &kb.roles,
            &kb.families,
            &kb.products,
            &kb.lifecycle,
            &kb.modes,
        ),
        (
            &kb.features,
            &kb.deployments,
            &kb.tables,
            &kb.rows,
            &kb.statements,
            &kb.rules,
        ),
        (&kb.limits, &kb.steps, &kb.conflicts, &kb.uncovered, &kb.synonyms),
    ))
    .expect("the facts as JSON");
    numbers(&parts, &mut ix);
    let cited = ix.len();
    assert!(cited > 70 * 100, "{cited} citations");
    ix.sort_unstable();
    ix.dedup();
    assert_eq!(ix.len(), cited, "some citations share a number");
}
