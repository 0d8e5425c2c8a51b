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
            SourceText::new(format!("data/{name}"), text)
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
    assert!(!run.stderr.contains("error"), "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
    // What it warns of: the products the table in force leaves out.
    insta::assert_snapshot!("shipped_warnings", run.stderr);
    let run = interop(&["kb", "check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(v["ok"], true);
    // Three revisions of the support table: 5, 5 and 2 columns of 17 rows.
    assert_eq!(v["summary"]["cells"], 204);
    assert_eq!(v["summary"]["deployments"], 12);
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
    "sources = [{ doc = \"lync-2013-high-resolution-photos\", section = \"Configuring the use of high-resolution photos in Microsoft Lync Server 2013\", quote = \"Each JPEG photo with a size of 648x648 and a depth of 24 bits results in a file size of approximately 240 kilobytes. That means you will need approximately 1 megabyte of disk space for every 4 user photos.\" }]",
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

// ------------------------------------------------------------------ what a maintainer adds

/// The shipped data with every `(file, find, replace)` applied (each `find` replaced
/// everywhere in its file) and new files added; the loader's verdict.
fn edited(
    edits: &[(&str, &str, &str)],
    added: &[(&str, &str)],
) -> Result<kb::KnowledgeBase, (Vec<String>, Vec<String>)> {
    let mut files: Vec<SourceText> = data_files()
        .into_iter()
        .map(|(name, mut text)| {
            for (file, find, replace) in edits {
                if *file == name {
                    assert!(text.contains(find), "{file} has no `{find}`");
                    text = text.replace(find, replace);
                }
            }
            SourceText::new(format!("data/{name}"), text)
        })
        .collect();
    for (name, text) in added {
        files.push(SourceText::new(format!("data/{name}"), (*text).to_owned()));
    }
    kb::load(files).map_err(|err| {
        let rendered = err.diagnostics.iter().map(|d| d.render(&err.files, false)).collect();
        let locations = err
            .diagnostics
            .iter()
            .map(|d| d.location(&err.files).unwrap_or_default())
            .collect();
        (rendered, locations)
    })
}

/// A sixth column, Exchange 2013 with Skype for Business Server 2019, that says `N` where
/// column (1), which covers it too, says `Y`.
const SIXTH_COLUMN: &str = r#"
[[deployment]]
id = "exchange-2013-sfb-2019"
name = "Exchange 2013 + Skype for Business Server 2019"
short = "Exchange 2013 + SfB Server 2019"
when = "exchange = exchange-2013 and server = sfb-server-2019"
sources = [{ doc = "seed-004", section = "Prise en charge des fonctionnalités", quote = "Exchange 2016/2013/2010 (local) + Skype Entreprise Server (local)" }]
"#;

#[test]
fn a_column_that_overlaps_another_and_disagrees_is_an_error_unless_declared() {
    let edits = [
        (
            "matrix.toml",
            "    \"exchange-online-sfb-online\",\n]",
            "    \"exchange-online-sfb-online\",\n    \"exchange-2013-sfb-2019\",\n]",
        ),
        (
            "matrix.toml",
            "cells = { onprem-exchange-onprem-sfb = ",
            "cells = { exchange-2013-sfb-2019 = \"N\", onprem-exchange-onprem-sfb = ",
        ),
    ];
    let Err((problems, locations)) = edited(&edits, &[("sixth.toml", SIXTH_COLUMN)]) else {
        panic!("a column that contradicts column (1) is accepted");
    };
    let presence = problems
        .iter()
        .find(|p| p.contains("`presence-in-outlook` gives `Y` in column `onprem-exchange-onprem-sfb` and `N` in column `exchange-2013-sfb-2019`"))
        .unwrap_or_else(|| panic!("{problems:#?}"));
    assert!(
        presence.contains("Exchange Server 2013") && presence.contains("[[conflict]]"),
        "{presence}"
    );
    assert!(
        locations.iter().all(|l| l.starts_with("data/matrix.toml:")),
        "{locations:?}"
    );
    // Declared as a conflict of the sources, it is accepted, and the answer says so.
    let conflict = r#"
[[conflict]]
id = "presence-2019"
topic = "Does presence in Outlook work with Exchange 2013 and Skype for Business Server 2019?"
features = ["presence-in-outlook"]
when = "server = sfb-server-2019"
claims = [
  { says = "Yes", sources = [{ doc = "seed-004", section = "Prise en charge des fonctionnalités", quote = "Présence dans Outlook" }] },
  { says = "No", sources = [{ doc = "seed-004", section = "Prise en charge des fonctionnalités", quote = "Présence dans Outlook" }] },
]
resolution = "Both are kept."
"#;
    let Err((problems, _)) = edited(&edits, &[("sixth.toml", SIXTH_COLUMN), ("presence.toml", conflict)]) else {
        panic!("the other rows still disagree");
    };
    assert!(
        !problems.iter().any(|p| p.contains("`presence-in-outlook` gives")),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("`unified-contact-store` gives")),
        "{problems:#?}"
    );
}

#[test]
fn a_column_no_table_lists_is_an_error() {
    let Err((problems, locations)) = edited(&[], &[("sixth.toml", SIXTH_COLUMN)]) else {
        panic!("a column outside every table is accepted");
    };
    assert!(
        problems
            .iter()
            .any(|p| p.contains("column `exchange-2013-sfb-2019` is in no table")),
        "{problems:#?}"
    );
    assert!(locations.contains(&"data/sixth.toml:3:6".to_owned()), "{locations:?}");
}

/// Cloud Voicemail with its own table: a column of its own, not the Exchange columns.
const CLOUD_TABLE: &str = r#"
[[table]]
id = "cloud-voicemail-servers"
title = "Cloud Voicemail"
columns = ["sfb-server-cloud-voicemail"]
rows = ["cloud-voicemail"]
sources = [{ doc = "seed-004", section = "Prise en charge des fonctionnalités", quote = "Il existe un service Messagerie vocale infonuagique pris en charge" }]

[[deployment]]
id = "sfb-server-cloud-voicemail"
name = "Skype for Business Server (on premises)"
short = "SfB Server"
when = "server in [sfb-server]"
sources = [{ doc = "seed-004", section = "Prise en charge des fonctionnalités", quote = "Il existe un service Messagerie vocale infonuagique pris en charge" }]

[[row]]
feature = "cloud-voicemail"
cells = { sfb-server-cloud-voicemail = "Y" }
sources = [{ doc = "seed-004", section = "Prise en charge des fonctionnalités", quote = "Il existe un service Messagerie vocale infonuagique pris en charge" }]
"#;

#[test]
fn a_row_of_a_feature_outside_the_table_needs_a_table_of_its_own() {
    // A row alone, in a file whose name sorts first: not forced into the Exchange columns,
    // and not taken for the first row of the table.
    let row_only = &CLOUD_TABLE[CLOUD_TABLE.find("[[row]]").expect("a row")..];
    let Err((problems, _)) = edited(&[], &[("0-cloud.toml", row_only)]) else {
        panic!("a row no table lists is accepted");
    };
    assert!(
        problems.iter().any(|p| p.contains("no table lists `cloud-voicemail`")),
        "{problems:#?}"
    );
    // With its table, it loads; the Exchange table keeps its first row and its first column.
    let kb = edited(&[], &[("0-cloud.toml", CLOUD_TABLE)]).expect("a table of its own loads");
    let exchange = kb
        .tables
        .iter()
        .find(|t| t.id == "plan-exchange-2021")
        .expect("the Exchange table");
    assert_eq!(kb.features[kb.rows[exchange.rows[0]].feature].id, "presence-in-outlook");
    assert_eq!(kb.deployments[exchange.columns[0]].id, "onprem-exchange-onprem-sfb");
    assert_eq!(exchange.columns.len(), 5);
    let cloud = kb
        .tables
        .iter()
        .find(|t| t.id == "cloud-voicemail-servers")
        .expect("its table");
    assert_eq!(cloud.rows.len(), 1);
}

#[test]
fn a_new_table_in_its_own_file_leaves_the_matrix_as_it_was() {
    let dir = crate::common::data_copy("matrix.toml", str::to_owned);
    std::fs::write(dir.path().join("0-cloud.toml"), CLOUD_TABLE).expect("written");
    let path = dir.path().to_str().expect("UTF-8 path");
    let before = interop(&["matrix", "--format", "csv"]);
    let after = interop(&["--data", path, "matrix", "--format", "csv"]);
    assert_eq!(after.code, 0, "{}", after.stderr);
    assert_eq!(before.stdout, after.stdout);
    let cloud = interop(&[
        "--data",
        path,
        "matrix",
        "--table",
        "cloud-voicemail-servers",
        "--format",
        "csv",
    ]);
    assert_eq!(
        cloud.stdout,
        "feature,Skype for Business Server (on premises)\nCloud Voicemail,Y\n"
    );
    let typo = interop(&["--data", path, "matrix", "--table", "cloud-voicemail-server"]);
    assert_eq!(typo.code, 2);
    assert!(
        typo.stderr.contains("did you mean `cloud-voicemail-servers`?"),
        "{}",
        typo.stderr
    );
}

#[test]
fn a_product_no_column_covers_is_reported() {
    let product = r#"
[[product]]
id = "exchange-2022"
name = "Exchange Server Subscription Edition"
role = "exchange"
deployment = "on-premises"
sources = [{ doc = "seed-004", section = "Prise en charge des fonctionnalités", quote = "Présence dans Outlook" }]
"#;
    let dir = crate::common::data_copy("products.toml", |t| format!("{t}\n{product}"));
    let run = interop(&["--data", dir.path().to_str().expect("UTF-8 path"), "kb", "check"]);
    assert_eq!(run.code, 0, "a warning does not reject the data: {}", run.stderr);
    assert!(
        run.stderr.contains("warning: product `exchange-2022` is in no column of table `plan-exchange-2025`: with it, 17 of the table's features answer `unknown`"),
        "{}",
        run.stderr
    );
    let json = interop(&[
        "--data",
        dir.path().to_str().expect("UTF-8 path"),
        "kb",
        "check",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert!(
        v["warnings"]
            .as_array()
            .expect("warnings")
            .iter()
            .any(|w| w["level"] == "warning" && w["message"].as_str().is_some_and(|m| m.contains("exchange-2022"))),
        "{v}"
    );
}

/// A later revision of the page: a table of the same page with its own date.
const REVISION: &str = r#"
[[table]]
id = "plan-exchange-2030"
title = "Feature support (a later revision)"
page = "plan-exchange"
from = 2030-01-01
columns = ["all-on-premises-2030"]
rows = ["presence-in-outlook"]
sources = [{ doc = "seed-004", section = "Prise en charge des fonctionnalités", quote = "Présence dans Outlook" }]

[[deployment]]
id = "all-on-premises-2030"
name = "Exchange Server (on premises) + Skype for Business Server (on premises)"
short = "Exchange Server + SfB Server"
when = "exchange in [exchange-server] and server in [sfb-server]"
sources = [{ doc = "seed-004", section = "Prise en charge des fonctionnalités", quote = "Présence dans Outlook" }]

[[row]]
feature = "presence-in-outlook"
table = "plan-exchange-2030"
cells = { all-on-premises-2030 = "N" }
sources = [{ doc = "seed-004", section = "Prise en charge des fonctionnalités", quote = "Présence dans Outlook" }]
"#;

#[test]
fn a_revision_of_the_table_is_in_force_from_its_date() {
    let dir = crate::common::data_copy("matrix.toml", str::to_owned);
    std::fs::write(dir.path().join("revision.toml"), REVISION).expect("written");
    let path = dir.path().to_str().expect("UTF-8 path");
    let check = interop(&["--data", path, "kb", "check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    let q = "presence in Outlook with Exchange 2016 and SfB Server 2015";
    let before = interop(&["--data", path, "ask", q, "--as-of", "2029-12-31", "--format", "json"]);
    let after = interop(&["--data", path, "ask", q, "--as-of", "2030-01-01", "--format", "json"]);
    let verdict =
        |r: &crate::common::Run| serde_json::from_str::<serde_json::Value>(&r.stdout).expect("JSON")["verdict"].clone();
    assert_eq!(verdict(&before), "yes", "{}", before.stdout);
    assert_eq!(verdict(&after), "no", "{}", after.stdout);
    let old = interop(&["--data", path, "matrix", "--as-of", "2029-12-31", "--format", "csv"]);
    assert_eq!(old.stdout.lines().count(), 18);
    let new = interop(&["--data", path, "matrix", "--as-of", "2030-06-01", "--format", "csv"]);
    assert_eq!(
        new.stdout,
        "feature,Exchange Server (on premises) + Skype for Business Server (on premises)\nPresence in Outlook,N\n"
    );
    // Two revisions on one date cannot both be in force.
    let clash = REVISION
        .replace("plan-exchange-2030", "plan-exchange-2030b")
        .replace("all-on-premises-2030", "all-on-premises-2030b");
    std::fs::write(dir.path().join("revision-b.toml"), clash).expect("written");
    let both = interop(&["--data", path, "kb", "check"]);
    assert_eq!(both.code, 2);
    assert!(
        both.stderr.contains("revise `plan-exchange` on the same date"),
        "{}",
        both.stderr
    );
}

/// The topologies with these shipped products, each in its role.
fn topology_of(kb: &kb::KnowledgeBase, ids: &[&str]) -> interop::region::Cube {
    let u = &kb.universe;
    ids.iter().fold(u.full(), |cube, id| {
        let p = kb.product(id).expect("a shipped product");
        cube.intersect(&u.restrict(kb.products[p].role, [p]))
    })
}

/// A chain of `n` features, each requiring the one before; the first needs Exchange 2013 or
/// later. Each works with Lync Server 2013 and Exchange Server, by a statement of its own.
fn requirement_chain(n: usize) -> String {
    const WHEN: &str = "server = lync-server-2013 and exchange in [exchange-server]";
    let ids: Vec<String> = (0..n).map(|i| format!("chain-{i}")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let features: Vec<(&str, &[&str], &str)> = (0..n).map(|i| (ids[i], &ids[i.saturating_sub(1)..i], WHEN)).collect();
    requirement_graph(&features, &["chain-0"])
}

/// How many levels of reasons an explanation has.
fn levels(reasons: &[interop::engine::Reason]) -> usize {
    reasons.iter().map(|r| 1 + levels(&r.because)).max().unwrap_or(0)
}

#[test]
fn a_requirement_however_deep_decides_the_verdict_and_its_explanation_stays_readable() {
    use interop::engine::{Answerer, Verdict, evaluate, evaluate_lean};
    let n = 40;
    let chain = requirement_chain(n);
    let kb = edited(&[], &[("chain.toml", &chain)]).unwrap_or_else(|(p, _)| panic!("{p:#?}"));
    let on = |ids: &[&str]| topology_of(&kb, ids);
    let date = jiff::civil::date(2026, 11, 23);
    let old = on(&["exchange-2010", "lync-server-2013"]);
    let new = on(&["exchange-2013", "lync-server-2013"]);
    let answerer = Answerer::new(&kb);
    let (listed_old, listed_new) = (answerer.listing(&old, date), answerer.listing(&new, date));
    for i in 0..n {
        let f = kb.feature(&format!("chain-{i}")).expect("a chained feature");
        // Exchange 2010 breaks the first link, and with it every feature above, however far.
        let ev = evaluate(&kb, f, &old, date);
        assert_eq!(ev.verdict, Verdict::No, "chain-{i} with Exchange 2010");
        assert_eq!(
            evaluate_lean(&kb, f, &old, date).verdict,
            Verdict::No,
            "chain-{i}, lean"
        );
        assert_eq!(listed_old[f], Verdict::No, "chain-{i} in a listing");
        assert_eq!(
            evaluate(&kb, f, &new, date).verdict,
            Verdict::Yes,
            "chain-{i} with Exchange 2013"
        );
        assert_eq!(listed_new[f], Verdict::Yes, "chain-{i} in a listing with Exchange 2013");
        // The reasons go down the chain to the rule, or sixteen levels below the feature.
        let mut level = &ev.reasons;
        for below in (0..i).rev().take(16) {
            let needs = level
                .iter()
                .find(|r| r.id == format!("chain-{below}"))
                .unwrap_or_else(|| panic!("chain-{i} does not say it needs chain-{below}: {level:#?}"));
            level = &needs.because;
        }
        if i <= 16 {
            assert!(
                level.iter().any(|r| r.id == "graph-needs-exchange-2013"),
                "chain-{i}: {level:#?}"
            );
        }
        assert_eq!(levels(&ev.reasons), (i + 1).min(17), "chain-{i}");
        // Where the explanation stops, the required feature says that its reasons are left out.
        if i > 16 {
            assert!(level.iter().all(|r| r.because.is_empty()), "chain-{i}");
            let needs = level.iter().find(|r| r.id == format!("chain-{}", i - 17));
            assert!(
                needs.is_some_and(|r| r.here.as_ref().is_some_and(|h| h.contains("left out"))),
                "chain-{i}: {level:#?}"
            );
        }
    }
}

/// Features for the tests of requirement graphs: `(id, requires, statement's condition)`, each
/// feature working where its condition holds; `breaks` need Exchange 2013 or later.
fn requirement_graph(features: &[(&str, &[&str], &str)], breaks: &[&str]) -> String {
    let cite = r#"sources = [{ doc = "seed-004", section = "Prise en charge des fonctionnalités", quote = "Présence dans Outlook" }]"#;
    let list = |ids: &[&str]| ids.iter().map(|i| format!("\"{i}\"")).collect::<Vec<_>>().join(", ");
    let mut s = String::new();
    for (id, requires, when) in features {
        s += &format!(
            "[[feature]]\nid = \"{id}\"\nname = \"Graph feature {id}\"\nrequires = [{}]\n{cite}\n\n\
             [[statement]]\nid = \"{id}-works\"\nfeature = \"{id}\"\nwhen = \"{when}\"\nsupport = \"yes\"\n\
             says = \"{id} works\"\n{cite}\n\n",
            list(requires)
        );
    }
    s += &format!(
        "[[rule]]\nid = \"graph-needs-exchange-2013\"\nkind = \"version\"\nfeatures = [{}]\n\
         requires = \"exchange != exchange-2010\"\nsays = \"needs Exchange 2013 or later\"\n{cite}\n",
        list(breaks)
    );
    s
}

/// All the reasons of an explanation, at every level.
fn reasons_in(reasons: &[interop::engine::Reason]) -> usize {
    reasons.iter().map(|r| 1 + reasons_in(&r.because)).sum()
}

#[test]
fn a_required_feature_shared_by_several_is_judged_on_the_roles_of_each() {
    use interop::engine::{Answerer, Verdict, evaluate};
    const BOTH: &str = "server = lync-server-2013 and exchange in [exchange-server]";
    const SERVER: &str = "server = lync-server-2013";
    let features: &[(&str, &[&str], &str)] = &[
        // A diamond: the top needs both sides, and both sides need the base.
        ("diamond-base", &[], BOTH),
        ("diamond-left", &["diamond-base"], BOTH),
        ("diamond-right", &["diamond-base"], BOTH),
        ("diamond-top", &["diamond-left", "diamond-right"], BOTH),
        // One required feature, two features that need it: one involves Exchange, whose
        // version the shared feature's rule is about; the other involves the server alone.
        ("shared", &[], SERVER),
        ("needs-shared-with-exchange", &["shared"], BOTH),
        ("needs-shared-on-the-server", &["shared"], SERVER),
    ];
    let base = requirement_graph(features, &["diamond-base", "shared"]);
    let kb = edited(&[], &[("graph.toml", &base)]).unwrap_or_else(|(p, _)| panic!("{p:#?}"));
    let on = |ids: &[&str]| topology_of(&kb, ids);
    let date = jiff::civil::date(2026, 11, 23);
    let t = on(&["exchange-2010", "lync-server-2013"]);
    let listed = Answerer::new(&kb).listing(&t, date);
    for (id, expected) in [
        ("diamond-top", Verdict::No),
        ("diamond-left", Verdict::No),
        ("needs-shared-with-exchange", Verdict::No),
        // Judged on the server alone, the shared feature works: its rule speaks of Exchange.
        ("needs-shared-on-the-server", Verdict::Yes),
    ] {
        let f = kb.feature(id).expect("a graph feature");
        let ev = evaluate(&kb, f, &t, date);
        assert_eq!(ev.verdict, expected, "{id}: {:#?}", ev.reasons);
        assert_eq!(listed[f], expected, "{id} in a listing");
    }
    // The top of the diamond says why through both sides, each down to the rule.
    let top = evaluate(&kb, kb.feature("diamond-top").expect("the top"), &t, date);
    for side in ["diamond-left", "diamond-right"] {
        let needs = top.reasons.iter().find(|r| r.id == side).expect("each side");
        let base = needs.because.iter().find(|r| r.id == "diamond-base").expect("the base");
        assert!(
            base.because.iter().any(|r| r.id == "graph-needs-exchange-2013"),
            "{side}"
        );
    }
}

#[test]
fn an_explanation_of_a_wide_deep_requirement_graph_stays_small() {
    use interop::engine::{ReasonKind, Verdict, evaluate};
    // Twenty levels of three features, each needing all three of the level below; the bottom
    // level needs Exchange 2013. Explained as a tree, that is 3^20 paths.
    const WHEN: &str = "server = lync-server-2013 and exchange in [exchange-server]";
    let ids: Vec<Vec<String>> = (0..20)
        .map(|level| (0..3).map(|i| format!("lattice-{level}-{i}")).collect())
        .collect();
    let below: Vec<Vec<&str>> = (0..20)
        .map(|level| {
            ids.get(level + 1)
                .map_or_else(Vec::new, |next| next.iter().map(String::as_str).collect())
        })
        .collect();
    let features: Vec<(&str, &[&str], &str)> = (0..20)
        .flat_map(|level| ids[level].iter().map(move |id| (level, id)))
        .map(|(level, id)| (id.as_str(), below[level].as_slice(), WHEN))
        .collect();
    let bottom: Vec<&str> = ids[19].iter().map(String::as_str).collect();
    let base = requirement_graph(&features, &bottom);
    let kb = edited(&[], &[("lattice.toml", &base)]).unwrap_or_else(|(p, _)| panic!("{p:#?}"));
    let t = topology_of(&kb, &["exchange-2010", "lync-server-2013"]);
    let date = jiff::civil::date(2026, 11, 23);
    let ev = evaluate(&kb, kb.feature("lattice-0-0").expect("the top"), &t, date);
    assert_eq!(ev.verdict, Verdict::No, "the bottom breaks the top, nineteen levels up");
    // Three required features, each explained by the whole levels below it that fit in a
    // hundred reasons: 3 + 9 + 27 (with 81 more, 120 would not fit); the last shown say that
    // their own reasons are left out.
    let needs: Vec<_> = ev.reasons.iter().filter(|r| r.kind == ReasonKind::Requires).collect();
    assert_eq!(needs.len(), 3, "{:#?}", ev.reasons);
    for r in &needs {
        assert_eq!(reasons_in(&r.because), 3 + 9 + 27, "{}", r.id);
        assert_eq!(levels(&r.because), 3, "{}", r.id);
        let deepest = &r.because[0].because[0].because[0];
        assert!(deepest.because.is_empty());
        assert!(
            deepest.here.as_ref().is_some_and(|h| h.contains("left out")),
            "{deepest:#?}"
        );
    }
    assert!(
        needs.iter().all(|r| r.because.len() == 3),
        "each shows the level below it"
    );
}
