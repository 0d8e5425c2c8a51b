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
