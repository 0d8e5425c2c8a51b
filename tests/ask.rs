//! `interop ask`: verdicts, reasons with sources, verified fixes, exit codes, JSON, batches,
//! dates, and a corpus of questions written the ways administrators write them.

use serde_json::Value;

use crate::common::{english_table, interop, interop_with_stdin};

/// A date pinned for every answer, so that snapshots do not move with the calendar.
const TODAY: &str = "2026-11-23";

fn ask_json(question: &str, as_of: &str) -> (Value, i32) {
    let run = interop(&["ask", question, "--format", "json", "--as-of", as_of]);
    assert!(run.code != 2, "`{question}` was rejected: {}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("`{question}`: {e}\n{}", run.stdout));
    (v, run.code)
}

/// Every cell of the table, asked as a question, from the independent transcription: the
/// column's products (with a current client, so no answer is conditional on the client), and
/// for the first column each of its Exchange versions.
#[test]
fn every_cell_asked_as_a_question_gets_the_tables_verdict() {
    let rows = english_table();
    assert_eq!(rows.len(), 17);
    // Column → the topologies it covers, as an administrator names them.
    let columns: [&[&str]; 5] = [
        &[
            "Exchange 2010 and Skype for Business Server 2015",
            "Exchange 2013 and SfB Server 2019",
            "Exchange 2016 and Skype for Business Server 2015",
        ],
        &["Exchange Online and Skype for Business Server 2015"],
        &["Exchange 2010 and Skype for Business Online"],
        &[
            "Exchange 2013 and SfB Online",
            "Exchange 2016 and Skype for Business Online",
        ],
        &["Exchange Online and Skype for Business Online"],
    ];
    let mut asked = 0;
    for row in &rows {
        let label = &row[0];
        for (col, topologies) in columns.iter().enumerate() {
            let cell = &row[col + 1];
            for topology in *topologies {
                let q = format!("does {label} work with {topology} and the Skype for Business client?");
                // Asked on a day the table's cells held: after its revision of March 2018,
                // before Exchange Online UM and Skype for Business Online were retired (2020,
                // 2021), before the June 2025 revision.
                let as_of = "2020-01-01";
                let expected = match cell.as_str() {
                    "Y" => "yes",
                    "N" => "no",
                    _ if topology.starts_with("Exchange 2010") => "no",
                    _ => "yes",
                };
                let (v, code) = ask_json(&q, as_of);
                assert_eq!(
                    v["verdict"],
                    expected,
                    "{q} (as of {as_of}): {}",
                    serde_json::to_string_pretty(&v["reasons"]).unwrap_or_default()
                );
                assert_eq!(code, if expected == "yes" { 0 } else { 1 });
                assert!(!v["reasons"].as_array().expect("reasons").is_empty(), "{q}: no reason");
                asked += 1;
            }
        }
    }
    assert_eq!(asked, 17 * 8);
}

#[test]
fn the_mission_question_is_no_for_three_independent_reasons_each_cited() {
    let q = "does high-resolution photo work with Exchange 2010 and Lync 2010?";
    let (v, code) = ask_json(q, TODAY);
    assert_eq!(code, 1);
    assert_eq!(v["verdict"], "no");
    assert_eq!(v["feature"]["id"], "high-resolution-photo");
    let failing: Vec<&str> = v["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .filter(|r| r["outcome"] == "fails")
        .map(|r| r["id"].as_str().expect("an id"))
        .collect();
    for id in [
        "needs-exchange-2013-or-later",
        "needs-lync-server-2013-or-later",
        "no-high-resolution-photos-in-lync-2010",
        "high-resolution-photo-clients",
    ] {
        assert!(failing.contains(&id), "{id} missing from {failing:?}");
    }
    for r in v["reasons"].as_array().expect("reasons") {
        for s in r["sources"].as_array().expect("sources") {
            assert!(s["file"].as_str().is_some_and(|f| !f.is_empty()));
            assert!(s["quote"].as_str().is_some_and(|q| !q.is_empty()));
            assert!(s["section"].as_str().is_some_and(|q| !q.is_empty()));
        }
    }
    // "Lync 2010" is both a server and a client; the answer does not depend on it.
    assert_eq!(v["readings"][0]["text"], "Lync 2010");
    assert!(v["readings"][0]["others"].as_array().expect("others").is_empty());
}

/// Each suggested fix, applied and asked again, gives `yes`.
#[test]
fn every_suggestion_is_verified_by_asking_again() {
    for q in [
        "does high-resolution photo work with Exchange 2010 and Lync 2010?",
        "does UCS work with Exchange 2010 and SfB Server 2015?",
        "can I archive IM in Exchange with Exchange 2010 and Lync Server 2013?",
        "does presence in OWA work with Exchange 2013 and SfB Online?",
        "hi-res photo with Exchange 2016, SfB Server 2019 and Lync for Mac?",
    ] {
        let (v, _) = ask_json(q, TODAY);
        let fixes = v["suggestions"].as_array().expect("suggestions");
        assert!(!fixes.is_empty(), "{q}: no fix");
        let roles = &v["topology"]["roles"];
        for fix in fixes {
            // Rebuild the topology with the changes, by product id.
            let mut products: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
            for (role, ids) in roles.as_object().expect("roles") {
                if let [one] = ids.as_array().expect("ids").as_slice() {
                    products.insert(role.clone(), one.as_str().expect("id").to_owned());
                }
            }
            for c in fix["changes"].as_array().expect("changes") {
                products.insert(
                    c["role"].as_str().expect("role").to_owned(),
                    c["to"].as_str().expect("to").to_owned(),
                );
            }
            let names: Vec<String> = products.values().cloned().collect();
            let again = format!(
                "does {} work with {}?",
                v["feature"]["id"].as_str().expect("feature"),
                names.join(" and ")
            );
            let (w, code) = ask_json(&again, TODAY);
            assert_eq!(
                w["verdict"], "yes",
                "{q}: the fix {fix} gives {} for `{again}`",
                w["verdict"]
            );
            assert_eq!(code, 0);
        }
    }
}

#[test]
fn exit_codes_follow_the_verdict() {
    let code = |q: &str| interop(&["ask", q, "--as-of", TODAY]).code;
    assert_eq!(
        code("does UCS work with Exchange 2013, SfB Server 2015 and the Lync 2013 client?"),
        0
    );
    assert_eq!(
        code("does UCS work with Exchange 2013 and SfB Server 2015?"),
        0,
        "conditional is 0"
    );
    assert_eq!(code("does UCS work with Exchange 2010 and SfB Server 2015?"), 1);
    assert_eq!(
        code("does meeting delegation work with Exchange 2013 and Lync Server 2013?"),
        3
    );
    assert_eq!(code("does UCS work with Exchange 2007 and SfB Server 2015?"), 3);
    assert_eq!(code("does blorp work with Exchange 2013?"), 2);
    assert_eq!(code("does UCS work with 2016?"), 2, "a version of no product");
}

#[test]
fn bad_questions_say_where_with_a_caret_and_print_nothing_on_stdout() {
    let run = interop(&["ask", "does UCS work with 2016?"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    insta::assert_snapshot!("bad_question_unplaced_version", run.stderr);
    let run = interop(&["ask", "does blorp work?"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("bad_question_stranger", run.stderr);
    let run = interop(&["ask", "???"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("the question has no words"), "{}", run.stderr);
    let huge = "UCS ".repeat(5000);
    let run = interop(&["ask", &huge]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("questions are limited to 4096"), "{}", run.stderr);
}

#[test]
fn json_has_the_fields_scripts_rely_on() {
    let (v, _) = ask_json("is UCS supported on Exchange 2013 + SfB Server 2015?", TODAY);
    assert_eq!(v["verdict"], "conditional");
    assert_eq!(v["as_of"], TODAY);
    assert_eq!(v["feature"]["id"], "unified-contact-store");
    assert_eq!(v["topology"]["roles"]["exchange"], serde_json::json!(["exchange-2013"]));
    assert_eq!(v["topology"]["roles"]["server"], serde_json::json!(["sfb-server-2015"]));
    assert!(v["conditions"][0].as_str().expect("a condition").contains("client"));
    assert!(!v["reasons"].as_array().expect("reasons").is_empty());
    assert!(!v["suggestions"].as_array().expect("suggestions").is_empty());
    assert!(
        v["prerequisites"]
            .as_array()
            .expect("steps")
            .iter()
            .any(|s| s["id"] == "partner-applications")
    );
}

#[test]
fn retirement_depends_on_the_date() {
    let q = "does presence in Outlook work with Exchange 2013 and Skype for Business Online?";
    let (before, _) = ask_json(q, "2021-07-30");
    assert_eq!(before["verdict"], "yes");
    let (after, code) = ask_json(q, "2021-08-01");
    assert_eq!(after["verdict"], "no");
    assert_eq!(code, 1);
    let lifecycle = after["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .find(|r| r["kind"] == "lifecycle")
        .expect("a lifecycle reason");
    assert_eq!(lifecycle["outcome"], "fails");
    assert!(lifecycle["says"].as_str().expect("says").contains("July 31, 2021"));
    // Today is the default.
    let run = interop(&["ask", q, "--format", "json"]);
    let v: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(v["verdict"], "no");
}

#[test]
fn a_bad_date_is_a_usage_error() {
    for d in ["2021-02-30", "yesterday", "2021-7-31"] {
        let run = interop(&["ask", "UCS with Exchange 2013", "--as-of", d]);
        assert_eq!(run.code, 2, "{d}");
        assert!(run.stdout.is_empty());
        assert!(run.stderr.contains("--as-of"), "{}", run.stderr);
    }
}

#[test]
fn stdin_answers_one_question_per_line_as_json_lines() {
    let input = "# a comment\nUCS with Exchange 2013 and SfB Server 2015\n\ndoes blorp work with Exchange 2013?\nhi-res photo with Exchange 2010 and Lync 2010\n";
    let run = interop_with_stdin(&["ask", "-", "--format", "json", "--as-of", TODAY], input);
    assert_eq!(run.code, 2, "a bad line makes the batch exit 2");
    let lines: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON value per line"))
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["verdict"], "conditional");
    assert_eq!(lines[1]["line"], 4);
    assert_eq!(lines[1]["error"]["message"], "the question names no feature");
    assert_eq!(lines[2]["verdict"], "no");
    // Its error on stderr too, as JSON, with its place.
    let err: Value = serde_json::from_str(run.stderr.lines().next().expect("an error line")).expect("JSON");
    assert_eq!(err["errors"][0]["file"], "<stdin>");
    assert_eq!(err["errors"][0]["line"], 4);
}

#[test]
fn text_has_no_colour_when_not_a_terminal_and_colour_when_asked() {
    let q = "UCS with Exchange 2010 and SfB Server 2015";
    let plain = interop(&["ask", q]);
    assert!(!plain.stdout.contains('\u{1b}'));
    let coloured = interop(&["--color", "always", "ask", q]);
    assert!(coloured.stdout.contains('\u{1b}'));
}

/// The corpus: `questions/*.txt`, one question per line, each followed by `=> verdict`.
/// Every file is also snapshotted as the text answers a user reads.
#[test]
fn the_question_corpus() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/questions");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("questions/")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert!(files.len() >= 5);
    let mut total = 0;
    let mut wrong = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("UTF-8");
        let name = path.file_stem().expect("a name").to_string_lossy().into_owned();
        let mut as_of = TODAY.to_owned();
        let mut transcript = String::new();
        let mut json_digest: Vec<Value> = Vec::new();
        for line in text.lines() {
            if let Some(d) = line.strip_prefix("# as-of: ") {
                as_of = d.trim().to_owned();
                continue;
            }
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let (question, expected) = line
                .rsplit_once("=>")
                .unwrap_or_else(|| panic!("{name}: `{line}` has no => verdict"));
            let (question, expected) = (question.trim(), expected.trim());
            let run = interop(&["ask", question, "--as-of", &as_of]);
            let got = match run.code {
                0 if run.stdout.starts_with("yes") => "yes",
                0 if run.stdout.starts_with("conditional") => "conditional",
                0 => "answered",
                1 => "no",
                3 => "unknown",
                2 => "error",
                other => panic!("exit {other}"),
            };
            if got != expected {
                let first = run
                    .stdout
                    .lines()
                    .next()
                    .or_else(|| run.stderr.lines().next())
                    .unwrap_or_default()
                    .to_owned();
                wrong.push(format!(
                    "{name}: `{question}` (as of {as_of}): expected {expected}, got {got}: {first}"
                ));
            }
            transcript.push_str(&format!(
                "$ interop ask \"{question}\" --as-of {as_of}\n{}{}\n",
                run.stdout, run.stderr
            ));
            json_digest.push(digest(question, &as_of));
            total += 1;
        }
        if wrong.is_empty() {
            insta::assert_snapshot!(format!("questions_{name}"), transcript);
            insta::assert_json_snapshot!(format!("questions_{name}_json"), json_digest);
        }
    }
    assert!(wrong.is_empty(), "{} wrong answers:\n{}", wrong.len(), wrong.join("\n"));
    assert!(total >= 60, "only {total} questions");
}

/// The README's example is what the tool prints.
#[test]
fn the_readme_example_is_current() {
    let readme = include_str!("../README.md");
    let block = readme.split("```console\n").nth(1).expect("a console block");
    let mut lines = block.lines();
    let command = lines
        .next()
        .expect("a command")
        .strip_prefix("$ interop ask ")
        .expect("an ask");
    let question = command.trim_matches('"');
    let expected_first = lines.next().expect("the verdict line");
    let run = interop(&["ask", question]);
    assert_eq!(run.stdout.lines().next(), Some(expected_first));
    // Every line of the example is in the real answer; `…` stands for words left out.
    let body: Vec<&str> = block.lines().skip(1).take_while(|l| !l.starts_with("```")).collect();
    assert!(body.iter().any(|l| l.starts_with("Fix: ")), "the example shows its fix");
    for l in body.iter().filter(|l| !l.starts_with("as of ")) {
        for part in l.split('…').map(str::trim).filter(|p| p.len() > 2) {
            assert!(
                run.stdout.contains(part),
                "`{part}` is not in the answer:\n{}",
                run.stdout
            );
        }
    }
}

/// The JSON answer to a question, without the quotes (the text snapshot has them): what a
/// script reads.
fn digest(question: &str, as_of: &str) -> Value {
    let run = interop(&["ask", question, "--format", "json", "--as-of", as_of]);
    let Ok(v) = serde_json::from_str::<Value>(&run.stdout) else {
        // A JSON answer's error is JSON too, on stderr.
        let error = serde_json::from_str::<Value>(&run.stderr)
            .ok()
            .and_then(|e| e["errors"][0]["message"].as_str().map(|m| format!("error: {m}")));
        return serde_json::json!({ "question": question, "exit": run.code, "error": error });
    };
    let reasons: Vec<String> = v["reasons"]
        .as_array()
        .map(|rs| {
            rs.iter()
                .map(|r| {
                    format!(
                        "{} {} {}",
                        r["outcome"].as_str().unwrap_or(""),
                        r["kind"].as_str().unwrap_or(""),
                        r["id"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let suggestions: Vec<Value> = v["suggestions"]
        .as_array()
        .map(|s| {
            s.iter()
                .map(|f| {
                    f["changes"]
                        .as_array()
                        .map(|c| c.iter().map(|c| c["text"].clone()).collect::<Vec<_>>())
                        .into()
                })
                .collect()
        })
        .unwrap_or_default();
    let read: Vec<String> = v["reading"]["parts"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    let ids: Vec<&str> = p["ids"]
                        .as_array()
                        .map(|i| i.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    format!("{} → {}", p["text"].as_str().unwrap_or(""), ids.join("|"))
                })
                .collect()
        })
        .unwrap_or_default();
    let skipped: Vec<&str> = v["reading"]["skipped"]
        .as_array()
        .map(|s| s.iter().filter_map(|x| x["text"].as_str()).collect())
        .unwrap_or_default();
    serde_json::json!({
        "question": question,
        "exit": run.code,
        "read": read,
        "skipped": skipped,
        "kind": v["kind"],
        "verdict": v["verdict"],
        "feature": v["feature"]["id"],
        "topology": v["topology"]["roles"],
        "conditions": v["conditions"],
        "caveats": v["caveats"],
        "readings": v["readings"],
        "reasons": reasons,
        "suggestions": suggestions,
        "prerequisites": v["prerequisites"].as_array().map(|p| p.iter().map(|s| s["id"].clone()).collect::<Vec<_>>()),
        "conflicts": v["conflicts"].as_array().map(|p| p.iter().map(|s| s["id"].clone()).collect::<Vec<_>>()),
        "features": v["features"],
        "changes": v["changes"],
    })
}

/// The binary answers from the knowledge base its build compiled; `--data data` loads and
/// checks the same TOML at start. Every question of the corpus, bad ones included, gets the
/// same answer, byte for byte, both ways.
#[test]
fn the_compiled_base_answers_as_the_toml_does() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/questions");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("tests/questions exists")
        .map(|e| e.expect("readable").path())
        .collect();
    paths.sort();
    let mut questions = String::new();
    for p in paths {
        let text = std::fs::read_to_string(&p).expect("UTF-8");
        for line in text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
            questions.push_str(line.split(" => ").next().unwrap_or(line));
            questions.push('\n');
        }
    }
    assert!(questions.lines().count() > 100, "the corpus was not found");
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/data");
    for format in ["json", "text"] {
        let args = ["ask", "-", "--format", format, "--as-of", "2026-11-23"];
        let compiled = interop_with_stdin(&args, &questions);
        let mut with_data = vec!["--data", data];
        with_data.extend(args);
        let toml = interop_with_stdin(&with_data, &questions);
        assert_eq!(compiled.code, toml.code);
        assert!(
            compiled.stdout == toml.stdout,
            "{format} answers differ between the compiled base and --data"
        );
        assert_eq!(compiled.stderr, toml.stderr);
        assert!(compiled.stdout.lines().count() >= questions.lines().count());
    }
}

/// A rejected line of a batch is located in the whole input (`<stdin>:LINE:COL`), in text and
/// in JSON, and the lines around it are still answered.
#[test]
fn a_rejected_batch_line_is_located_by_its_line_number() {
    let mut input = String::new();
    for _ in 0..40 {
        input.push_str("UCS with Exchange 2013 and SfB Server 2015\n");
    }
    input.push_str("does hi-res foto work with Exchange 2013 and Lync 2013?\n# a comment\n\n");
    input.push_str("does blorp work with Exchange 2013?\n");
    let run = interop_with_stdin(&["ask", "-"], &input);
    assert_eq!(run.code, 2, "a rejected line makes the batch exit 2");
    assert!(run.stderr.contains("--> <stdin>:44:6"), "{}", run.stderr);
    assert!(run.stderr.contains("44 | does blorp work"), "{}", run.stderr);
    assert_eq!(run.stdout.matches("read: ").count(), 41, "{}", run.stdout);

    let run = interop_with_stdin(&["ask", "-", "--format", "json"], &input);
    let last: Value = serde_json::from_str(run.stdout.lines().last().expect("lines")).expect("JSON");
    assert_eq!(last["line"], 44);
    assert_eq!(last["error"]["line"], 44);
    assert_eq!(last["error"]["column"], 6);
    assert_eq!(run.stdout.lines().count(), 42);
}

/// A batch keeps what does not depend on the question between answers (`engine::Answerer`),
/// and each feature's explained answer per topology: each answer is still the one the question
/// gets asked alone, in other words too, and a version nobody documents changes nothing kept
/// for the same feature and topology, asked before it or after.
#[test]
fn a_batch_answers_each_question_as_it_is_answered_alone() {
    let questions = [
        "does UCS work with SfB Server 2015?",
        "does UCS work with Exchange 2007 and SfB Server 2015?",
        "is the unified contact store supported with Skype for Business Server 2015?",
        "does high-resolution photo work with Exchange 2010 and Lync 2010?",
        "UCS with Exchange 2013 and SfB Server 2015",
        "does high-resolution photo work with Exchange 2013 and Lync 2013?",
        "UM voicemail with Exchange Online and SfB Server 2015",
        "UM voicemail with Exchange 2016 and SfB Server 2015",
        "meeting delegation with Exchange 2010 and SfB Online",
        "presence in OWA with Exchange 2013 and Lync Server 2013",
        "what works with Exchange 2010 and Lync Server 2013?",
        "why not UCS with Exchange 2010 and SfB Server 2015?",
        "UCS with Exchange 2013 and SfB Server 2015",
        "does high-resolution photo work with Exchange 2010 and Lync 2010?",
    ];
    let args = ["ask", "-", "--format", "json", "--as-of", "2026-11-23"];
    let batch = interop_with_stdin(&args, &(questions.join("\n") + "\n"));
    let lines: Vec<&str> = batch.stdout.lines().collect();
    assert_eq!(lines.len(), questions.len(), "{}", batch.stderr);
    for (q, line) in questions.iter().zip(lines) {
        let alone = interop(&["ask", q, "--format", "json", "--as-of", "2026-11-23"]);
        assert_eq!(alone.stdout.trim_end(), line, "{q}");
    }
}

/// A program that sends questions one at a time over a pipe and waits for each answer (an
/// editor integration) gets every answer before it sends the next question: the batch is
/// buffered, but flushed before it waits for input.
#[test]
fn a_batch_answers_each_line_before_the_next_arrives() {
    use std::io::{BufRead, BufReader, Write};
    use std::sync::mpsc;
    use std::time::Duration;

    let mut child = crate::common::spawn(None, &["ask", "-", "--format", "json", "--as-of", TODAY]);
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let stdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.expect("stdout is UTF-8")).is_err() {
                break;
            }
        }
    });
    for (question, verdict) in [
        (
            "does high-resolution photo work with Exchange 2010 and Lync 2010?",
            "no",
        ),
        ("does blorp work with Exchange 2013?", ""),
        ("UCS with Exchange 2013 and SfB Server 2015", "conditional"),
    ] {
        writeln!(stdin, "{question}").expect("the question is sent");
        stdin.flush().expect("the question is sent");
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|e| panic!("no answer to `{question}` while stdin is still open: {e}"));
        let v: Value = serde_json::from_str(&line).expect("a JSON line");
        assert_eq!(v["question"], question);
        if verdict.is_empty() {
            assert!(v["error"].is_object(), "{line}");
        } else {
            assert_eq!(v["verdict"], verdict, "{line}");
        }
    }
    drop(stdin);
    assert_eq!(
        child.wait().expect("interop finishes").code(),
        Some(2),
        "a rejected line makes it exit 2"
    );
}
