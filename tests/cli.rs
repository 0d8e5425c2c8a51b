//! The manners of a command line people already trust: exit codes, colour and width rules,
//! machine output and its errors, closed pipes, completions, the manual page, help whose
//! examples run, did-you-mean.

use std::io::Read;
use std::process::Command;

use serde_json::Value;

use crate::common::{interop, interop_in, spawn};

/// Run `interop` with these environment variables set and nothing else about colour.
fn with_env(args: &[&str], vars: &[(&str, &str)]) -> (String, String, i32) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_interop"));
    cmd.args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("COLUMNS")
        .env("TERM", "xterm-256color");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

const NO: &str = "does high-resolution photo work with Exchange 2010 and Lync 2010?";

#[test]
fn each_outcome_has_its_exit_code() {
    let cases: &[(&[&str], i32)] = &[
        (
            &[
                "ask",
                "does UCS work with Exchange 2016 and SfB Server 2015 with the SfB client?",
            ],
            0,
        ),
        (&["ask", "does UCS work with Exchange 2013 and SfB Server 2015?"], 0),
        (&["ask", NO], 1),
        (&["ask", "does UCS work with Exchange 2007 and SfB Server 2015?"], 3),
        (&["ask", "zzz"], 2),
        (&["matrix", "--format", "xml"], 2),
        (&["frobnicate"], 2),
        (&["--version"], 0),
        (&["kb", "check"], 0),
    ];
    for (args, code) in cases {
        let run = interop(args);
        assert_eq!(
            run.code,
            *code,
            "interop {}: {}{}",
            args.join(" "),
            run.stdout,
            run.stderr
        );
    }
    let help = interop(&["--help"]);
    assert!(help.stdout.contains("Exit status:") && help.stdout.contains("3  for `ask`: unknown"));
}

#[test]
fn colour_follows_the_conventions() {
    let esc = |s: &str| s.contains('\u{1b}');
    // Piped: no colour, whatever TERM says.
    assert!(!esc(&with_env(&["ask", NO], &[]).0));
    // Asked for: colour, piped or not; refused: none.
    assert!(esc(&with_env(&["ask", NO, "--color", "always"], &[]).0));
    assert!(!esc(&with_env(
        &["ask", NO, "--color", "never"],
        &[("CLICOLOR_FORCE", "1")]
    )
    .0));
    // CLICOLOR_FORCE forces it on a pipe; NO_COLOR wins over it; an empty NO_COLOR is unset.
    assert!(esc(&with_env(&["ask", NO], &[("CLICOLOR_FORCE", "1")]).0));
    assert!(!esc(&with_env(
        &["ask", NO],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    )
    .0));
    assert!(esc(&with_env(
        &["ask", NO],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "")]
    )
    .0));
    // Meaning never rests on colour: the same words either way.
    let plain = with_env(&["ask", NO], &[]).0;
    let coloured = with_env(&["ask", NO, "--color", "always"], &[]).0;
    let strip = |s: &str| {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                for d in chars.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    };
    assert_eq!(strip(&coloured), plain);
    // Errors on stderr follow the same rule.
    let (_, err, _) = with_env(&["ask", "zzz"], &[]);
    assert!(!esc(&err), "{err}");
}

#[test]
fn tables_fit_the_width_asked() {
    let widest = |s: &str| s.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    let (narrow, _, code) = with_env(&["matrix", "--width", "60"], &[("COLUMNS", "200")]);
    assert_eq!(code, 0);
    assert!(widest(&narrow) <= 60, "{narrow}");
    // A table with more to say grows to the width it is given, and no further.
    let (wide, _, _) = with_env(&["features"], &[("COLUMNS", "120")]);
    assert!(widest(&wide) <= 120 && widest(&wide) > 80, "{wide}");
    let (default, _, _) = with_env(&["features"], &[]);
    assert!(widest(&default) <= 80);
    let (_, err, code) = with_env(&["matrix", "--width", "10"], &[]);
    assert_eq!(code, 2, "{err}");
}

/// Every JSON-producing case: stdout is one JSON document with a schema, or empty with one
/// JSON error document on stderr; the exit code is the text mode's.
#[test]
fn json_output_and_json_errors() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(
        dir.path().join("env.toml"),
        "topology = \"Exchange 2016 and SfB Server 2015\"\n",
    )
    .expect("written");
    std::fs::write(dir.path().join("bad.toml"), "topology = 3\n").expect("written");
    let cases: &[(&[&str], i32)] = &[
        (&["ask", NO, "--format", "json"], 1),
        (
            &[
                "ask",
                "does UCS work with Exchange 2007 and SfB Server 2015?",
                "--format",
                "json",
            ],
            3,
        ),
        (&["ask", "zzz", "--format", "json"], 2),
        (
            &[
                "ask",
                "what works with Exchange 2013 and Lync Server 2013?",
                "--format",
                "json",
            ],
            0,
        ),
        (&["matrix", "--format", "json"], 0),
        (&["matrix", "--table", "nope", "--format", "json"], 2),
        (&["features", "--format", "json"], 0),
        (&["products", "--format", "json"], 0),
        (&["kb", "check", "--format", "json"], 0),
        (&["check", "env.toml", "--format", "json"], 1),
        (&["check", "bad.toml", "--format", "json"], 2),
        (
            &[
                "diff",
                "Exchange 2010 and Lync Server 2013",
                "Exchange 2016 and SfB Server 2015",
                "--format",
                "json",
            ],
            0,
        ),
    ];
    for (args, code) in cases {
        let run = interop_in(Some(dir.path()), args, "");
        assert_eq!(
            run.code,
            *code,
            "interop {}: {}{}",
            args.join(" "),
            run.stdout,
            run.stderr
        );
        if run.stdout.trim().is_empty() {
            let err: Value = serde_json::from_str(&run.stderr)
                .unwrap_or_else(|e| panic!("{args:?}: stderr is not one JSON document ({e}): {}", run.stderr));
            assert_eq!(err["schema"], "interop/error/1");
            assert!(err["errors"][0]["message"].is_string());
        } else {
            let out: Value = serde_json::from_str(&run.stdout)
                .unwrap_or_else(|e| panic!("{args:?}: stdout is not one JSON document ({e})"));
            assert!(
                out["schema"].as_str().is_some_and(|s| s.starts_with("interop/")),
                "{args:?}: no schema"
            );
            if !run.stderr.is_empty() {
                let _: Value = serde_json::from_str(&run.stderr)
                    .unwrap_or_else(|e| panic!("{args:?}: stderr ({e}): {}", run.stderr));
            }
        }
    }
    // JSON Lines: one document per question, errors in their place.
    let run = crate::common::interop_with_stdin(&["ask", "-", "--format", "json"], &format!("{NO}\nzzz\n"));
    let lines: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["schema"], "interop/answer/1");
    assert_eq!(lines[1]["schema"], "interop/error/1");
}

/// A small JSON Schema checker: `type`, `const`, `enum`, `required`, `properties`, `items`,
/// `pattern` (a date only) and `$ref` to `$defs` — what the answer schema uses.
fn conforms(value: &Value, schema: &Value, root: &Value, at: &str) -> Result<(), String> {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/$defs/");
        return conforms(value, &root["$defs"][name], root, at);
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let kind = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        if !(types.contains(&kind) || kind == "number" && types.contains(&"integer")) {
            return Err(format!("{at}: {kind}, not {types:?}"));
        }
    }
    if let Some(c) = schema.get("const")
        && value != c
    {
        return Err(format!("{at}: {value}, not {c}"));
    }
    if let Some(e) = schema["enum"].as_array()
        && !e.contains(value)
    {
        return Err(format!("{at}: {value} is none of {e:?}"));
    }
    if let Some(p) = schema["pattern"].as_str() {
        let s = value.as_str().unwrap_or("");
        let date = s.len() == 10
            && s.chars()
                .enumerate()
                .all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() });
        if p.contains("[0-9]{4}") && !date {
            return Err(format!("{at}: `{s}` is no date"));
        }
    }
    if let Value::Object(map) = value {
        if let Some(req) = schema["required"].as_array() {
            for r in req.iter().filter_map(Value::as_str) {
                if !map.contains_key(r) {
                    return Err(format!("{at}: no `{r}`"));
                }
            }
        }
        if let Some(props) = schema["properties"].as_object() {
            for (k, s) in props {
                if let Some(v) = map.get(k) {
                    conforms(v, s, root, &format!("{at}.{k}"))?;
                }
            }
        }
    }
    if let (Value::Array(items), Some(s)) = (value, schema.get("items")) {
        for (i, v) in items.iter().enumerate() {
            conforms(v, s, root, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

#[test]
fn answers_follow_the_documented_json_schema() {
    let schema: Value =
        serde_json::from_str(include_str!("../book/src/reference/answer.schema.json")).expect("a JSON Schema");
    let questions = [
        NO,
        "does UCS work with Exchange 2013 and SfB Server 2015?",
        "UM voice mail with Exchange Online and SfB Server 2015",
        "does UCS work with Exchange 2007 and SfB Server 2015?",
        "what works with Exchange 2013 and Lync Server 2013?",
        "what changes from Exchange 2010 and Lync Server 2013 to Exchange 2016 and SfB Server 2015?",
        "what do I need for UCS with Exchange 2013 and SfB Server 2015?",
    ];
    for q in questions {
        let run = interop(&["ask", q, "--format", "json"]);
        let v: Value = serde_json::from_str(&run.stdout).expect("JSON");
        conforms(&v, &schema, &schema, "$").unwrap_or_else(|e| panic!("{q}: {e}"));
    }
    // The checker can fail.
    let bad = serde_json::json!({ "schema": "interop/answer/1", "verdict": "maybe" });
    assert!(conforms(&bad, &schema, &schema, "$").is_err());
}

#[test]
fn a_closed_pipe_ends_quietly() {
    for args in [
        &["features"][..],
        &["matrix"],
        &["products", "--format", "json"],
        &["ask", "-"],
    ] {
        let mut child = spawn(None, args);
        if let Some(mut stdin) = child.stdin.take() {
            use std::io::Write as _;
            let many = format!("{NO}\n").repeat(200);
            let _ = stdin.write_all(many.as_bytes());
        }
        // Read one byte, then close the pipe, like `| head -c 1`.
        let mut one = [0u8; 1];
        let mut out = child.stdout.take().expect("stdout");
        let _ = out.read(&mut one);
        drop(out);
        let status = child.wait().expect("finishes");
        let mut err = String::new();
        child
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut err)
            .expect("stderr");
        assert!(err.is_empty(), "interop {}: {err}", args.join(" "));
        assert!(status.code().is_some(), "interop {} died of a signal", args.join(" "));
    }
}

/// The subcommands and their long options, read from the help.
fn options() -> Vec<(String, Vec<String>)> {
    let top = interop(&["--help"]).stdout;
    let subs: Vec<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|s| *s != "help")
        .map(str::to_owned)
        .collect();
    assert!(subs.len() >= 12, "{subs:?}");
    subs.into_iter()
        .map(|s| {
            let help = interop(&[s.as_str(), "--help"]).stdout;
            let flags: Vec<String> = help
                .split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']' || c == '=')
                .filter(|w| {
                    w.starts_with("--") && w.len() > 2 && w[2..].chars().all(|c| c.is_ascii_lowercase() || c == '-')
                })
                .map(str::to_owned)
                .collect();
            (s, flags)
        })
        .collect()
}

#[test]
fn completions_know_every_command_option_and_name() {
    let opts = options();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = interop(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        for (sub, flags) in &opts {
            assert!(run.stdout.contains(sub.as_str()), "{shell}: no `{sub}`");
            for f in flags {
                let name = f.trim_start_matches('-');
                assert!(run.stdout.contains(name), "{shell}: no `{f}` of `{sub}`");
            }
        }
    }
    // The names of features, for `graph --feature`, and of tables, for `matrix --table`.
    let bash = interop(&["completions", "bash"]).stdout;
    assert!(bash.contains("unified-contact-store") && bash.contains("plan-exchange-2025"));
    let bad = interop(&["completions", "tcsh"]);
    assert_eq!(bad.code, 2);
}

#[test]
fn the_manual_page_has_every_command_and_the_exit_status() {
    let run = interop(&["man"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.starts_with(".ie") || run.stdout.contains(".TH interop 1"),
        "roff"
    );
    assert!(run.stdout.contains("Exit status"));
    for (sub, _) in options() {
        assert!(run.stdout.contains(&sub), "no `{sub}` in the manual page");
    }
}

#[test]
fn short_help_fits_one_screen_and_long_help_teaches() {
    let short = interop(&["-h"]);
    assert!(short.stdout.lines().count() <= 40, "{}", short.stdout);
    for (sub, _) in options() {
        let long = interop(&[sub.as_str(), "--help"]).stdout;
        assert!(long.contains("Examples:"), "`interop {sub} --help` has no examples");
    }
}

/// Split a shell line into words: spaces, and double-quoted strings (with \" inside).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if !cur.is_empty() || any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() || any {
        out.push(cur);
    }
    out
}

#[test]
fn every_help_example_runs() {
    // A directory with what the examples name: the book's environment file, two others, data.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let book = include_str!("../book/src/guide/environments.md");
    let start = book.find("# contoso.toml\n").expect("the example") + "# contoso.toml\n".len();
    let contoso = &book[start..start + book[start..].find("```").expect("its end")];
    for (name, text) in [
        ("contoso.toml", contoso),
        ("before.toml", "topology = \"Exchange 2010 and Lync Server 2013\"\n"),
        (
            "after.toml",
            "topology = \"Exchange 2016 and Skype for Business Server 2015\"\n",
        ),
    ] {
        std::fs::write(dir.path().join(name), text).expect("written");
    }
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    std::fs::create_dir(dir.path().join("data")).expect("data");
    for e in std::fs::read_dir(&data).expect("data/").filter_map(Result::ok) {
        if e.path().extension().is_some_and(|x| x == "toml") {
            std::fs::copy(e.path(), dir.path().join("data").join(e.file_name())).expect("copied");
        }
    }
    let mut ran = 0;
    for (sub, _) in options() {
        let help = interop(&[sub.as_str(), "--help"]).stdout;
        let examples = help
            .lines()
            .skip_while(|l| !l.starts_with("Examples:"))
            .skip(1)
            .take_while(|l| l.starts_with("  "));
        for line in examples {
            let line = line.trim();
            // One command: what comes before a pipe, a redirection or a second command.
            let cmd = line
                .split(" | ")
                .next()
                .unwrap_or(line)
                .split(" > ")
                .next()
                .unwrap_or(line)
                .split(" && ")
                .next()
                .unwrap_or(line);
            let cmd = cmd.split("   (").next().unwrap_or(cmd);
            let Some(rest) = cmd.strip_prefix("interop") else {
                continue;
            };
            let args = words(rest.trim());
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let run = interop_in(Some(dir.path()), &args, "");
            assert!(
                matches!(run.code, 0 | 1 | 3),
                "the example `{line}` fails ({}): {}{}",
                run.code,
                run.stdout,
                run.stderr
            );
            ran += 1;
        }
    }
    assert!(ran >= 25, "only {ran} examples");
}

#[test]
fn did_you_mean_for_commands_options_and_names() {
    let cases: &[(&[&str], &str)] = &[
        (&["plam"], "similar subcommand exists: 'plan'"),
        (&["matrix", "--colr", "never"], "similar argument exists: '--color'"),
        (
            &["graph", "--feature", "unified-contact-stor"],
            "did you mean `unified-contact-store`?",
        ),
        (&["matrix", "--table", "plan-exchange-2020"], "did you mean"),
        (
            &[
                "ask",
                "does UCS work with Exchange 2016 and Skype for Busines Server 2015?",
            ],
            "read as “business”",
        ),
    ];
    for (args, hint) in cases {
        let run = interop(args);
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(
            all.contains(hint),
            "interop {}: expected `{hint}`:\n{all}",
            args.join(" ")
        );
    }
    let run = crate::common::interop_with_stdin(&["repl"], "evn\n");
    assert!(run.stderr.contains("or the command `env`?"), "{}", run.stderr);
}

#[test]
fn paths_says_where_history_is_kept() {
    let run = interop(&["paths"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("history:"));
    let (out, _, _) = with_env(&["paths"], &[("INTEROP_HISTORY", "")]);
    assert!(out.contains("history:        none"), "{out}");
    let (out, _, _) = with_env(
        &["paths"],
        &[("XDG_STATE_HOME", "/tmp/state-x"), ("HOME", "/tmp/home-x")],
    );
    assert!(out.contains("/tmp/state-x/interop/history"), "{out}");
}
