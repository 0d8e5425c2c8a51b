//! `interop matrix` reproduces the source table: every cell is checked against an independent
//! transcription of the English table (domain.md §2.1, `fixtures/english-table.md`), and each
//! format is snapshotted.

use crate::common::interop;

/// The English table, parsed independently of the engine: (row label, [cell; 5]).
fn transcription() -> (Vec<String>, Vec<(String, Vec<String>)>) {
    let text = include_str!("fixtures/english-table.md");
    let mut lines = text.lines().filter(|l| l.starts_with('|'));
    let split = |l: &str| -> Vec<String> {
        l.trim_matches('|')
            .split('|')
            .map(|c| c.replace("**", "").trim().to_owned())
            .collect()
    };
    let header = split(lines.next().expect("a header"));
    let _rule = lines.next();
    let rows = lines
        .map(|l| {
            let cells = split(l);
            (cells[0].clone(), cells[1..].to_vec())
        })
        .collect();
    (header[1..].to_vec(), rows)
}

/// The revision of the plan page whose table the transcription is of (December 2021, the seed).
const DEC_2021: &str = "plan-exchange-2021";

#[test]
fn the_revision_in_force_on_a_date_is_the_one_shown() {
    let header = |args: &[&str]| {
        let run = interop(args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stdout.lines().next().expect("a header").to_owned()
    };
    // Before the March 2018 revision: the February 2018 one, columns named for SfB Server 2015.
    assert!(
        header(&["matrix", "--as-of", "2018-03-01", "--format", "csv"])
            .contains("Skype for Business Server 2015 (on premises)")
    );
    let dec_2021 = header(&["matrix", "--table", DEC_2021, "--format", "csv"]);
    assert_eq!(
        header(&["matrix", "--as-of", "2024-01-01", "--format", "csv"]),
        dec_2021
    );
    // From June 2025: two columns, Exchange Server on premises or Exchange Online.
    assert_eq!(
        header(&["matrix", "--as-of", "2025-06-26", "--format", "csv"]),
        "feature,Exchange Server (on premises) + Skype for Business Server (on premises),Exchange Online + Skype for Business Server (on premises)"
    );
    let unknown = interop(&["matrix", "--table", "plan-exchange-2020"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("did you mean"), "{}", unknown.stderr);
}

#[test]
fn every_cell_matches_the_english_table() {
    let (columns, rows) = transcription();
    assert_eq!(columns.len(), 5);
    assert_eq!(rows.len(), 17);
    let run = interop(&["matrix", "--table", DEC_2021, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    let deployments = json["deployments"].as_array().expect("deployments");
    let features = json["features"].as_array().expect("features");
    assert_eq!(deployments.len(), 5);
    assert_eq!(features.len(), 17);
    for (d, name) in deployments.iter().zip(&columns) {
        assert_eq!(d["name"].as_str(), Some(name.as_str()));
    }
    let mut checked = 0;
    for ((label, cells), feature) in rows.iter().zip(features) {
        assert_eq!(feature["label"].as_str(), Some(label.as_str()), "row order");
        for (cell, d) in cells.iter().zip(deployments) {
            let id = d["id"].as_str().expect("an id");
            let got = &feature["cells"][id];
            let (support, condition) = match cell.as_str() {
                "Y" => ("yes", None),
                "N" => ("no", None),
                other => {
                    let inner = other
                        .strip_prefix("Y (")
                        .and_then(|s| s.strip_suffix(')'))
                        .expect("a conditional cell");
                    ("conditional", Some(inner))
                }
            };
            assert_eq!(got["support"].as_str(), Some(support), "{label} / {id}");
            assert_eq!(got["condition"].as_str(), condition, "{label} / {id}");
            checked += 1;
        }
    }
    assert_eq!(checked, 85);
}

#[test]
fn markdown_reproduces_the_table_cell_for_cell() {
    let (columns, rows) = transcription();
    let run = interop(&["matrix", "--table", DEC_2021, "--format", "md"]);
    assert_eq!(run.code, 0);
    let mut lines = run.stdout.lines();
    let header: Vec<&str> = lines.next().expect("a header").trim_matches('|').split('|').collect();
    assert_eq!(header[0], "&nbsp;");
    assert_eq!(&header[1..], columns.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(lines.next(), Some("|:-----|:-----|:-----|:-----|:-----|:-----|"));
    let body: Vec<Vec<&str>> = lines.map(|l| l.trim_matches('|').split('|').collect()).collect();
    assert_eq!(body.len(), rows.len());
    for ((label, cells), got) in rows.iter().zip(&body) {
        assert_eq!(got[0], label);
        assert_eq!(&got[1..], cells.iter().map(String::as_str).collect::<Vec<_>>());
    }
}

#[test]
fn text_fits_an_80_column_terminal_and_spells_out_every_cell() {
    let run = interop(&["matrix", "--table", DEC_2021]);
    assert_eq!(run.code, 0);
    for line in run.stdout.lines().filter(|l| l.starts_with(['┌', '│', '╞', '└'])) {
        assert!(line.chars().count() <= 80, "too wide: {line}");
    }
    // Words, not colours: no escape sequences, and every cell says yes or no.
    assert!(!run.stdout.contains('\u{1b}'));
    insta::assert_snapshot!("matrix_text", run.stdout);
}

#[test]
fn formats_are_stable() {
    for format in ["md", "csv", "json"] {
        let run = interop(&["matrix", "--table", DEC_2021, "--format", format]);
        assert_eq!(run.code, 0);
        assert!(run.stderr.is_empty());
        insta::assert_snapshot!(format!("matrix_{format}"), run.stdout);
    }
}

#[test]
fn csv_quotes_fields_with_commas() {
    let run = interop(&["matrix", "--table", DEC_2021, "--format", "csv"]);
    let second = run.stdout.lines().nth(2).expect("a second row");
    assert!(second.starts_with("\"Respond via IM, PSTN Call, Skype Call or Video Call from an Outlook email\",Y,"));
    assert_eq!(run.stdout.lines().count(), 18);
}

#[test]
fn an_unknown_format_is_a_usage_error() {
    let run = interop(&["matrix", "--format", "xml"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("invalid value 'xml'"), "{}", run.stderr);
}
