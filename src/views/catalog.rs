//! `interop features` and `interop products`: canonical names and their aliases.

use std::fmt::Write as _;

use serde_json::json;

use super::{Format, csv_field, md_cell, table};
use crate::kb::{KnowledgeBase, Names};
use crate::text::display;

/// Aliases as shown: Chinese without the spaces that mark its words in the data.
fn shown<'a>(v: impl Iterator<Item = &'a str>) -> Vec<String> {
    v.map(display).collect()
}

fn aliases_json(n: &Names) -> serde_json::Value {
    json!({ "en": shown(n.en()), "fr": shown(n.fr()), "zh": shown(n.zh()) })
}

fn aliases_text(n: &Names) -> String {
    let mut parts = Vec::new();
    for (lang, v) in [("en", shown(n.en())), ("fr", shown(n.fr())), ("zh", shown(n.zh()))] {
        if !v.is_empty() {
            parts.push(format!("{lang}: {}", v.join(", ")));
        }
    }
    parts.join("\n")
}

fn aliases_flat(n: &Names) -> String {
    n.tagged()
        .map(|(l, a)| format!("{} ({l})", display(a)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The features: support-table rows first, in table order, then the other capabilities.
#[must_use]
pub fn features(kb: &KnowledgeBase, format: Format, width: u16) -> String {
    let mut order: Vec<usize> = Vec::new();
    for r in &kb.rows {
        if !order.contains(&r.feature) {
            order.push(r.feature);
        }
    }
    order.extend((0..kb.features.len()).filter(|&f| !kb.in_a_table(f)));
    let rows: Vec<[String; 3]> = order
        .iter()
        .map(|&i| {
            let f = &kb.features[i];
            let row = kb.row_number(i).map_or_else(|| "-".to_owned(), |r| r.to_string());
            [f.id.clone(), f.name.clone(), row]
        })
        .collect();
    match format {
        Format::Json => {
            let v: Vec<_> = order
                .iter()
                .map(|&i| {
                    let f = &kb.features[i];
                    json!({
                        "id": f.id, "name": f.name, "label": f.label,
                        "row": kb.row_number(i),
                        "requires": f.requires.iter().map(|&r| &kb.features[r].id).collect::<Vec<_>>(),
                        "aliases": aliases_json(&f.aliases),
                    })
                })
                .collect();
            let v = json!({ "schema": super::CATALOG_SCHEMA, "features": v });
            let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Md => {
            let mut s = String::from("| id | name | row | aliases |\n|:---|:---|:---|:---|\n");
            for (&i, r) in order.iter().zip(&rows) {
                let _ = writeln!(
                    s,
                    "| `{}` | {} | {} | {} |",
                    r[0],
                    md_cell(&r[1]),
                    r[2],
                    md_cell(&aliases_flat(&kb.features[i].aliases))
                );
            }
            s
        }
        Format::Csv => {
            let mut s = String::from("id,name,row,aliases\n");
            for (&i, r) in order.iter().zip(&rows) {
                let _ = writeln!(
                    s,
                    "{},{},{},{}",
                    csv_field(&r[0]),
                    csv_field(&r[1]),
                    r[2],
                    csv_field(&aliases_flat(&kb.features[i].aliases))
                );
            }
            s
        }
        Format::Text => {
            let mut t = table(width);
            t.set_header(["Feature", "Row", "Aliases"]);
            for (&i, r) in order.iter().zip(&rows) {
                t.add_row([
                    format!("{}\n{}", r[1], r[0]),
                    r[2].clone(),
                    aliases_text(&kb.features[i].aliases),
                ]);
            }
            format!("{t}\n")
        }
    }
}

/// The products, grouped by role, with families and aliases.
#[must_use]
pub fn products(kb: &KnowledgeBase, format: Format, width: u16) -> String {
    let fam = |p: &crate::kb::Product| {
        p.families
            .iter()
            .map(|&f| kb.families[f].id.as_str())
            .collect::<Vec<_>>()
    };
    match format {
        Format::Json => {
            let v: Vec<_> = kb
                .products
                .iter()
                .map(|p| {
                    let retired = kb
                        .lifecycle
                        .iter()
                        .find(|l| l.product == kb.product(&p.id).unwrap_or(usize::MAX))
                        .and_then(|l| l.retired);
                    json!({
                        "id": p.id, "name": p.name, "role": kb.roles[p.role].id,
                        "version": p.version, "deployment": p.deployment.map(|d| &kb.modes[d].id),
                        "families": fam(p), "retired": retired.map(|d| d.to_string()),
                        "aliases": aliases_json(&p.aliases),
                    })
                })
                .collect();
            let v = json!({ "schema": super::CATALOG_SCHEMA, "products": v });
            let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Md => {
            let mut s = String::from("| role | id | name | deployment | aliases |\n|:---|:---|:---|:---|:---|\n");
            for p in &kb.products {
                let _ = writeln!(
                    s,
                    "| {} | `{}` | {} | {} | {} |",
                    kb.roles[p.role].id,
                    p.id,
                    md_cell(&p.name),
                    p.deployment.map_or("-", |d| kb.modes[d].id.as_str()),
                    md_cell(&aliases_flat(&p.aliases))
                );
            }
            s
        }
        Format::Csv => {
            let mut s = String::from("role,id,name,deployment,aliases\n");
            for p in &kb.products {
                let _ = writeln!(
                    s,
                    "{},{},{},{},{}",
                    kb.roles[p.role].id,
                    p.id,
                    csv_field(&p.name),
                    p.deployment.map_or("", |d| kb.modes[d].id.as_str()),
                    csv_field(&aliases_flat(&p.aliases))
                );
            }
            s
        }
        Format::Text => {
            let mut t = table(width);
            t.set_header(["Role", "Product", "Deployment", "Aliases"]);
            for p in &kb.products {
                let mut name = format!("{}\n{}", p.name, p.id);
                let fams = fam(p);
                if !fams.is_empty() {
                    let _ = write!(name, "\nin {}", fams.join(", "));
                }
                t.add_row([
                    kb.roles[p.role].name.clone(),
                    name,
                    p.deployment
                        .map_or_else(|| "-".to_owned(), |d| kb.modes[d].name.clone()),
                    aliases_text(&p.aliases),
                ]);
            }
            let mut s = format!("{t}\n");
            for l in &kb.lifecycle {
                if let Some(r) = l.retired {
                    let _ = writeln!(s, "{} retired on {r}.", kb.products[l.product].name);
                }
            }
            s
        }
    }
}

/// `interop kb check`: what a sound knowledge base holds.
#[must_use]
pub fn summary(kb: &KnowledgeBase, format: Format) -> String {
    let s = kb.summary();
    if format == Format::Json {
        let warnings: Vec<_> = kb.warnings.iter().map(|w| w.to_json(&kb.files)).collect();
        let v = json!({ "schema": super::KB_SCHEMA, "ok": true, "summary": s, "warnings": warnings });
        let mut out = serde_json::to_string_pretty(&v).unwrap_or_default();
        out.push('\n');
        return out;
    }
    let mut out = format!("ok: the knowledge base is sound ({} files)\n", s.files);
    let in_tables = (0..kb.features.len()).filter(|&f| kb.in_a_table(f)).count();
    let cells = match kb.tables.as_slice() {
        [t] => format!("{} deployment columns × {} rows", t.columns.len(), t.rows.len()),
        ts => format!(
            "in {} tables: {}",
            ts.len(),
            ts.iter()
                .map(|t| format!("{} ({} × {})", t.id, t.columns.len(), t.rows.len()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let lines = [
        (
            "products",
            s.products,
            format!("in {} roles, {} families", s.roles, s.families),
        ),
        (
            "features",
            s.features,
            format!(
                "{in_tables} in the support {}",
                if kb.tables.len() == 1 { "table" } else { "tables" }
            ),
        ),
        ("cells", s.cells, cells),
        ("statements", s.statements, "support facts outside the table".to_owned()),
        ("rules", s.rules, "version, client, auth and storage rules".to_owned()),
        ("limits", s.limits, "sizes and limits".to_owned()),
        ("prerequisites", s.prerequisites, "ordered steps".to_owned()),
        ("lifecycle", s.lifecycle_events, "dated events".to_owned()),
        ("sources", s.sources, "documents cited".to_owned()),
        ("conflicts", s.conflicts, "kept side by side".to_owned()),
        (
            "uncovered",
            s.uncovered_products,
            "products no source covers (answered unknown)".to_owned(),
        ),
        (
            "synonyms",
            s.synonyms,
            "groups of words that mean the same in feature names".to_owned(),
        ),
        ("graph", s.graph_nodes, format!("nodes, {} edges", s.graph_edges)),
    ];
    for (what, n, detail) in lines {
        let _ = writeln!(out, "  {what:<14}{n:>4}  {detail}");
    }
    out
}
