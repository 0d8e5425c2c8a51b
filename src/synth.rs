//! Synthetic knowledge bases for benchmarks and scale tests: the shipped data, plus `scale - 1`
//! synthetic copies of its size (products in every role, features, a support table with its
//! columns and rows, statements, rules, prerequisite steps), written in the real TOML format
//! so that the loader, the checks and the engine do the same work they do on real data.
//!
//! The synthetic products sit in their own product lines and in no column of the real tables,
//! so every answer about the real products — the README example and its fixes among them — is
//! the same at every scale.

use std::fmt::Write as _;

use crate::kb::EMBEDDED;

/// A citation every synthetic fact can carry: a quote that stands in seed 004.
const CITE: &str = r#"sources = [{ doc = "seed-004", section = "Prise en charge des fonctionnalités", quote = "Présence dans Outlook" }]"#;

/// Per copy: products per role, features, and the columns of its table.
const PRODUCTS_PER_ROLE: usize = 4;
const FEATURES: usize = 20;
const COLUMNS: usize = 4;
const ROLES: [(&str, &str, &str); 5] = [
    ("exchange", "Synthetic Exchange", "on-premises"),
    ("server", "Synthetic Server", "on-premises"),
    ("client", "Synthetic Client", ""),
    ("mail-client", "Synthetic Mail Client", ""),
    ("sharepoint", "Synthetic SharePoint", "on-premises"),
];

/// The files of a knowledge base `scale` times the shipped one, as (name, text): the shipped
/// files, then one synthetic file per copy.
#[must_use]
pub fn knowledge_base(scale: usize) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = EMBEDDED
        .iter()
        .map(|(name, text)| (name.trim_start_matches("data/").to_owned(), (*text).to_owned()))
        .collect();
    for k in 1..scale {
        files.push((format!("synthetic-{k:05}.toml"), copy(k)));
    }
    files
}

/// One synthetic copy.
#[allow(clippy::too_many_lines)]
fn copy(k: usize) -> String {
    let mut s = String::new();
    // Product lines, one per role, and their versions.
    for (role, name, mode) in ROLES {
        let _ = writeln!(
            s,
            "[[family]]\nid = \"synth-{role}-{k}\"\nname = \"{name} {k}\"\nrole = \"{role}\"\n{CITE}\n"
        );
        for v in 0..PRODUCTS_PER_ROLE {
            let deployment = if mode.is_empty() {
                String::new()
            } else {
                format!("deployment = \"{mode}\"\n")
            };
            let _ = writeln!(
                s,
                "[[product]]\nid = \"synth-{role}-{k}-{v}\"\nname = \"{name} {k} v{v}\"\nrole = \"{role}\"\nfamilies = [\"synth-{role}-{k}\"]\nversion = {}\n{deployment}aliases = {{ en = [\"{name} {k} v{v}\", \"synth {role} {k} {v}\"] }}\n{CITE}\n",
                v + 1
            );
        }
    }
    // Features, with a requirement chain and a step each.
    for f in 0..FEATURES {
        let requires = if f > 0 {
            format!("requires = [\"synth-feature-{k}-{}\"]\n", f - 1)
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "[[feature]]\nid = \"synth-feature-{k}-{f}\"\nname = \"Synthetic feature {k} {f}\"\n{requires}steps = [\"synth-step-{k}-{f}\"]\naliases = {{ en = [\"synthetic capability {k} {f}\", \"synth feature {k} {f}\"], fr = [\"fonction synthétique {k} {f}\"] }}\n{CITE}\n"
        );
        let after = if f > 0 {
            format!("after = [\"synth-step-{k}-{}\"]\n", f - 1)
        } else {
            "after = [\"servers-running\"]\n".to_owned()
        };
        let _ = writeln!(
            s,
            "[[step]]\nid = \"synth-step-{k}-{f}\"\ntitle = \"Set up synthetic feature {k} {f}\"\non = \"server\"\n{after}checks = [\"synthetic check {k} {f}\"]\nconfigure = [{{ shell = \"Synthetic Shell\", run = \"Set-Synthetic -Copy {k} -Feature {f}\" }}]\n{CITE}\n"
        );
    }
    // Its support table: columns pairing its Exchange and server versions.
    let columns: Vec<String> = (0..COLUMNS).map(|c| format!("synth-column-{k}-{c}")).collect();
    let rows: Vec<String> = (0..FEATURES).map(|f| format!("synth-feature-{k}-{f}")).collect();
    let _ = writeln!(
        s,
        "[[table]]\nid = \"synth-table-{k}\"\ntitle = \"Synthetic table {k}\"\ncolumns = [{}]\nrows = [{}]\n{CITE}\n",
        columns
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", "),
        rows.iter().map(|r| format!("\"{r}\"")).collect::<Vec<_>>().join(", ")
    );
    for c in 0..COLUMNS {
        let _ = writeln!(
            s,
            "[[deployment]]\nid = \"synth-column-{k}-{c}\"\nname = \"Synthetic column {k} {c}\"\nshort = \"Synth {k} {c}\"\nwhen = \"exchange = synth-exchange-{k}-{c} and server = synth-server-{k}-{c}\"\n{CITE}\n"
        );
    }
    for f in 0..FEATURES {
        let cells: Vec<String> = (0..COLUMNS)
            .map(|c| {
                let v = if (f + c) % 3 == 0 { "N" } else { "Y" };
                format!("synth-column-{k}-{c} = \"{v}\"")
            })
            .collect();
        let _ = writeln!(
            s,
            "[[row]]\nfeature = \"synth-feature-{k}-{f}\"\ncells = {{ {} }}\n{CITE}\n",
            cells.join(", ")
        );
    }
    // Its SharePoint and mail-client versions are named too: a statement for its first feature.
    let _ = writeln!(
        s,
        "[[statement]]\nid = \"synth-sharepoint-{k}\"\nfeature = \"synth-feature-{k}-0\"\nwhen = \"sharepoint in [synth-sharepoint-{k}] and server in [synth-server-{k}]\"\nsupport = \"yes\"\nsays = \"synthetic statement {k} with SharePoint\"\n{CITE}\n"
    );
    // Statements, rules: a client rule per feature, a statement for its newest server.
    for f in 0..FEATURES {
        let _ = writeln!(
            s,
            "[[statement]]\nid = \"synth-statement-{k}-{f}\"\nfeature = \"synth-feature-{k}-{f}\"\nwhen = \"server = synth-server-{k}-{} and exchange in [synth-exchange-{k}]\"\nsupport = \"yes\"\nsays = \"synthetic statement {k} {f}\"\n{CITE}\n",
            PRODUCTS_PER_ROLE - 1
        );
        let _ = writeln!(
            s,
            "[[rule]]\nid = \"synth-rule-{k}-{f}\"\nkind = \"client\"\nfeatures = [\"synth-feature-{k}-{f}\"]\nrequires = \"client != synth-client-{k}-0\"\nsays = \"synthetic rule {k} {f}\"\n{CITE}\n"
        );
    }
    s
}

/// Write a synthetic knowledge base to a directory.
///
/// # Errors
/// When a file cannot be written.
pub fn write(dir: &std::path::Path, scale: usize) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, text) in knowledge_base(scale) {
        std::fs::write(dir.join(name), text)?;
    }
    Ok(())
}
