//! The loader accepts the shipped knowledge base and rejects broken copies, one kind of
//! problem each, with the right message at the right place. Each broken copy is the shipped
//! data with one edit, so the fixtures cannot drift from the real files.

use interop::diag::SourceText;
use interop::kb;

use crate::common::{data_copy, data_files, interop};

/// Load the shipped data with `find` replaced by `replace` in `file`; return the rendered
/// problems, their locations, and the edited text of `file`.
fn broken(file: &str, find: &str, replace: &str) -> (String, Vec<String>, String) {
    let mut found = false;
    let mut edited = String::new();
    let files: Vec<SourceText> = data_files()
        .into_iter()
        .map(|(name, text)| {
            let text = if name == file {
                assert!(text.contains(find), "{file} has no `{find}`");
                found = true;
                edited = text.replacen(find, replace, 1);
                edited.clone()
            } else {
                text
            };
            SourceText {
                name: format!("data/{name}"),
                text,
            }
        })
        .collect();
    assert!(found, "no data file {file}");
    let err = kb::load(files).expect_err("the broken copy is rejected");
    let rendered = err
        .diagnostics
        .iter()
        .map(|d| d.render(&err.files, false))
        .collect::<Vec<_>>()
        .join("\n\n");
    let locations = err
        .diagnostics
        .iter()
        .map(|d| d.location(&err.files).unwrap_or_default())
        .collect();
    (rendered, locations, edited)
}

/// `data/FILE:LINE:COL` of the `^` in `anchor`, found once in the edited text, so that the
/// expected places follow the data files as they change.
fn place(file: &str, edited: &str, anchor: &str) -> String {
    let caret = anchor.find('^').expect("the anchor marks the place with ^");
    let needle = anchor.replacen('^', "", 1);
    let at = edited
        .find(&needle)
        .unwrap_or_else(|| panic!("`{needle}` is not in the edited {file}"));
    assert_eq!(edited.matches(&needle).count(), 1, "`{needle}` is not unique in {file}");
    let (line, col) = interop::diag::line_col(edited, at + caret);
    format!("data/{file}:{line}:{col}")
}

#[test]
fn the_shipped_knowledge_base_is_sound() {
    let run = interop(&["kb", "check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.is_empty());
    insta::assert_snapshot!(run.stdout);
    let run = interop(&["kb", "check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(v["ok"], true);
    assert_eq!(v["summary"]["cells"], 85);
    assert_eq!(v["summary"]["deployments"], 5);
}

#[test]
fn the_directory_form_loads_the_same_data() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data");
    let embedded = interop(&["kb", "check"]);
    let from_dir = interop(&["kb", "check", "--data", dir]);
    assert_eq!(from_dir.code, 0, "{}", from_dir.stderr);
    assert_eq!(embedded.stdout, from_dir.stdout);
}

macro_rules! broken_case {
    ($name:ident, $file:expr, $find:expr, $replace:expr, $message:expr, $anchor:expr) => {
        #[test]
        fn $name() {
            let (rendered, locations, edited) = broken($file, $find, $replace);
            assert!(rendered.contains($message), "{rendered}");
            let expected = place($file, &edited, $anchor);
            assert!(
                locations.iter().any(|l| *l == expected),
                "expected a problem at {expected}, got {locations:?}\n{rendered}"
            );
            insta::assert_snapshot!(rendered);
        }
    };
}

broken_case!(
    unknown_key_with_did_you_mean,
    "products.toml",
    "name = \"Exchange Server 2013\"",
    "nmae = \"Exchange Server 2013\"",
    "did you mean `name`?",
    "^nmae = "
);
broken_case!(
    duplicate_id_names_both_places,
    "products.toml",
    "# ------------------------------------------------------------------ SharePoint",
    "[[product]]\nid = \"outlook\"\nname = \"Outlook 2016\"\nrole = \"mail-client\"\ndeployment = \"on-premises\"\nsources = [{ doc = \"seed-004\", section = \"Prise en charge des fonctionnalités\", quote = \"Présence dans Outlook\" }]",
    "duplicate product id `outlook`",
    "id = ^\"outlook\"\nname = \"Outlook 2016\""
);
broken_case!(
    dangling_reference_with_did_you_mean,
    "products.toml",
    "role = \"exchange\"\nfamilies = [\"exchange-server\"]\nversion = 2013",
    "role = \"exchnage\"\nfamilies = [\"exchange-server\"]\nversion = 2013",
    "unknown role `exchnage`",
    "role = ^\"exchnage\""
);
broken_case!(
    dangling_reference_inside_a_condition,
    "matrix.toml",
    "when = \"exchange = exchange-2010 and server = sfb-online\"",
    "when = \"exchange = exchange-2101 and server = sfb-online\"",
    "unknown product or family `exchange-2101`",
    "^exchange-2101"
);
broken_case!(
    unknown_role_inside_a_condition,
    "matrix.toml",
    "when = \"exchange = exchange-2010 and server = sfb-online\"",
    "when = \"exchange = exchange-2010 and sever = sfb-online\"",
    "did you mean `server`?",
    "^sever = sfb-online"
);
broken_case!(
    invalid_condition_syntax,
    "rules.toml",
    "requires = \"exchange != exchange-2010\"",
    "requires = \"exchange !== exchange-2010\"",
    "invalid condition",
    "exchange !=^= exchange-2010"
);
broken_case!(
    feature_requirement_cycle_shows_its_path,
    "features.toml",
    "steps = [\"partner-applications\"]",
    "steps = [\"partner-applications\"]\nrequires = [\"unified-contact-store\"]",
    "requirement cycle: feature `unified-contact-store` → feature `server-to-server-auth` → feature `unified-contact-store`",
    "id = ^\"unified-contact-store\""
);
broken_case!(
    step_order_cycle_shows_its_path,
    "prerequisites.toml",
    "on = \"server\"\nchecks = [\"Exchange Server",
    "on = \"server\"\nafter = [\"partner-applications\"]\nchecks = [\"Exchange Server",
    "requirement cycle: step `partner-applications` → step `servers-running`",
    "id = ^\"partner-applications\""
);
broken_case!(
    impossible_calendar_date,
    "products.toml",
    "retired = 2021-07-31",
    "retired = 2021-02-30",
    "invalid TOML",
    "^2021-02-30"
);
broken_case!(
    retirement_before_release,
    "products.toml",
    "retired = 2021-07-31",
    "released = 2022-01-01\nretired = 2021-07-31",
    "retired on 2021-07-31, before it was released on 2022-01-01",
    "retired = ^2021-07-31"
);
broken_case!(
    fact_without_a_source,
    "rules.toml",
    "sources = [{ doc = \"domain\", section = \"3.4 High-resolution photos, item 26\", quote = \"Recommended: 648×648 JPEG, 24-bit, about **240 KB** each, so about **1 MB per 4 photos**.\" }]",
    "sources = []",
    "cites no source",
    "id = ^\"recommended-photo\""
);
broken_case!(
    fact_missing_its_sources_key,
    "products.toml",
    "sources = [{ doc = \"seed-004\", section = \"Prise en charge des fonctionnalités\", quote = \"Non pris en charge pour LWA\"",
    "xsources = [{ doc = \"seed-004\", section = \"Prise en charge des fonctionnalités\", quote = \"Non pris en charge pour LWA\"",
    "`[[product]]` `lwa` has no `sources`",
    "^[[product]]\nid = \"lwa\""
);
broken_case!(
    citation_of_an_unknown_document,
    "features.toml",
    "sources = [{ doc = \"seed-004\", section = \"Prise en charge des fonctionnalités\", quote = \"Délégation de réunion\"",
    "sources = [{ doc = \"seed-040\", section = \"Prise en charge des fonctionnalités\", quote = \"Délégation de réunion\"",
    "unknown source `seed-040`",
    "doc = ^\"seed-040\""
);
broken_case!(
    malformed_toml,
    "conflicts.toml",
    "[[conflict]]\nid = \"s2s-cross-premises\"",
    "[[conflict]\nid = \"s2s-cross-premises\"",
    "invalid TOML",
    "[[conflict]^\nid = \"s2s-cross-premises\""
);
broken_case!(
    unknown_table_with_did_you_mean,
    "features.toml",
    "[[feature]]\nid = \"meeting-delegation\"",
    "[[featrue]]\nid = \"meeting-delegation\"",
    "did you mean `feature`?",
    "[[^featrue]]"
);
broken_case!(
    french_cell_value_explained,
    "matrix.toml",
    "cells = { onprem-exchange-onprem-sfb = \"Y\"",
    "cells = { onprem-exchange-onprem-sfb = \"v\"",
    "the French table writes `v` for `Y`",
    "cells = { onprem-exchange-onprem-sfb = ^\"v\""
);
broken_case!(
    missing_cell,
    "matrix.toml",
    ", exchange-online-sfb-online = \"N\" }",
    " }",
    "has no cell for `exchange-online-sfb-online`",
    "cells = ^{ onprem-exchange-onprem-sfb = \"Y\", exchange-online-onprem-sfb = \"Y\", exchange-2010-sfb-online = \"N\", exchange-2016-2013-sfb-online = \"N\" }"
);

#[test]
fn every_problem_is_reported_not_only_the_first() {
    let dir = data_copy("products.toml", |t| {
        t.replacen(
            "name = \"Exchange Server 2013\"",
            "nmae = \"Exchange Server 2013\"\ncolour = \"blue\"",
            1,
        )
        .replacen("role = \"client\"", "role = \"cleint\"", 1)
        .replacen("deployment = \"online\"", "deployment = \"in the cloud\"", 1)
    });
    let run = interop(&["kb", "check", "--data", dir.path().to_str().expect("UTF-8 path")]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    for expected in [
        "unknown key `nmae`",
        "unknown key `colour`",
        "unknown role `cleint`",
        "unknown deployment mode `in the cloud`",
        "problems found",
    ] {
        assert!(run.stderr.contains(expected), "missing {expected}:\n{}", run.stderr);
    }
}

#[test]
fn json_lists_every_problem_with_its_place() {
    let dir = data_copy("products.toml", |t| {
        t.replacen("role = \"client\"", "role = \"cleint\"", 1)
    });
    let run = interop(&[
        "kb",
        "check",
        "--data",
        dir.path().to_str().expect("UTF-8 path"),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 2);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(v["ok"], false);
    let p = &v["problems"][0];
    assert_eq!(p["message"], "unknown role `cleint`");
    assert_eq!(p["suggestion"], "`client`");
    assert!(p["file"].as_str().expect("a file").ends_with("products.toml"));
    assert!(p["line"].as_u64().expect("a line") > 1);
}

#[test]
fn a_file_that_is_not_utf8_is_located() {
    let dir = data_copy("conflicts.toml", |t| t.to_owned());
    let mut bytes = b"# caf".to_vec();
    bytes.push(0xe9);
    bytes.extend_from_slice(b"\n");
    std::fs::write(dir.path().join("zz-latin1.toml"), bytes).expect("written");
    let run = interop(&["kb", "check", "--data", dir.path().to_str().expect("UTF-8 path")]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not valid UTF-8"), "{}", run.stderr);
    assert!(run.stderr.contains("zz-latin1.toml:1:6"), "{}", run.stderr);
}

#[test]
fn a_missing_directory_is_bad_input() {
    let run = interop(&["kb", "check", "--data", "/nonexistent/interop-data"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read the knowledge-base directory"),
        "{}",
        run.stderr
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let run = interop(&["kb", "check", "--data", dir.path().to_str().expect("UTF-8 path")]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("has no `.toml` files"), "{}", run.stderr);
}

#[test]
fn a_cell_text_that_contradicts_its_condition_is_rejected() {
    let (rendered, locations, edited) = broken(
        "matrix.toml",
        "text = \"Y (need Exchange 2016/2013)\"",
        "text = \"Y (need Exchange 2061/2013)\"",
    );
    assert!(rendered.contains("does not match its condition"), "{rendered}");
    let expected = place(
        "matrix.toml",
        &edited,
        "cells = { onprem-exchange-onprem-sfb = ^{ text = \"Y (need Exchange 2061/2013)\"",
    );
    assert!(locations.contains(&expected), "{expected} not in {locations:?}");
}
