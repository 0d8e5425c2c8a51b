//! `interop matrix`: the support table, in the order of the source.

use std::fmt::Write as _;

use serde_json::json;

use super::{Format, csv_field, md_cell, table};
use crate::kb::{KnowledgeBase, Support};

/// Render the support table.
#[must_use]
pub fn render(kb: &KnowledgeBase, format: Format, width: u16) -> String {
    match format {
        Format::Text => text(kb, width),
        Format::Md => markdown(kb),
        Format::Csv => csv(kb),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&to_json(kb)).unwrap_or_default();
            s.push('\n');
            s
        }
    }
}

fn label(kb: &KnowledgeBase, feature: usize) -> &str {
    let f = &kb.features[feature];
    f.label.as_deref().unwrap_or(&f.name)
}

/// The table as the English source writes it: `Y`, `N`, `Y (need Exchange 2016/2013)`.
fn markdown(kb: &KnowledgeBase) -> String {
    let mut s = String::from("|&nbsp;|");
    for d in &kb.deployments {
        let _ = write!(s, "{}|", md_cell(&d.name));
    }
    s.push_str("\n|");
    for _ in 0..=kb.deployments.len() {
        s.push_str(":-----|");
    }
    s.push('\n');
    for row in &kb.rows {
        let _ = write!(s, "|{}|", md_cell(label(kb, row.feature)));
        for c in &row.cells {
            let _ = write!(s, "{}|", md_cell(c.cell_text()));
        }
        s.push('\n');
    }
    s
}

fn csv(kb: &KnowledgeBase) -> String {
    let mut s = String::from("feature");
    for d in &kb.deployments {
        let _ = write!(s, ",{}", csv_field(&d.name));
    }
    s.push('\n');
    for row in &kb.rows {
        s.push_str(&csv_field(label(kb, row.feature)));
        for c in &row.cells {
            let _ = write!(s, ",{}", csv_field(c.cell_text()));
        }
        s.push('\n');
    }
    s
}

/// A terminal table: the feature's short name, a word per cell, footnotes for conditions.
fn text(kb: &KnowledgeBase, width: u16) -> String {
    let mut notes: Vec<String> = Vec::new();
    let mut t = table(width);
    let mut header = vec!["Feature".to_owned()];
    header.extend((1..=kb.deployments.len()).map(|i| format!("({i})")));
    t.set_header(header);
    for row in &kb.rows {
        let mut cells = vec![kb.features[row.feature].name.clone()];
        for c in &row.cells {
            cells.push(match c {
                Support::Yes => "yes".to_owned(),
                Support::No => "no".to_owned(),
                Support::Conditional { condition, .. } | Support::Qualified { condition } => {
                    let n = match notes.iter().position(|x| x == condition) {
                        Some(i) => i + 1,
                        None => {
                            notes.push(condition.clone());
                            notes.len()
                        }
                    };
                    format!("yes [{n}]")
                }
            });
        }
        t.add_row(cells);
    }
    let mut s = t.to_string();
    s.push('\n');
    for (i, n) in notes.iter().enumerate() {
        let _ = writeln!(s, "[{}] {n}", i + 1);
    }
    for (i, d) in kb.deployments.iter().enumerate() {
        let _ = writeln!(s, "({}) {}", i + 1, d.name);
    }
    if let Some(l) = kb.lifecycle.iter().find(|l| l.retired.is_some()) {
        let _ = writeln!(s, "Note: {}.", l.says);
    }
    s
}

/// `{"deployments": [...], "features": [...]}` as product.md fixes it.
#[must_use]
pub fn to_json(kb: &KnowledgeBase) -> serde_json::Value {
    let deployments: Vec<_> = kb
        .deployments
        .iter()
        .map(|d| json!({ "id": d.id, "name": d.name }))
        .collect();
    let features: Vec<_> = kb
        .rows
        .iter()
        .map(|row| {
            let f = &kb.features[row.feature];
            let mut cells = serde_json::Map::new();
            for (d, c) in kb.deployments.iter().zip(&row.cells) {
                cells.insert(d.id.clone(), json!({ "support": c.word(), "condition": c.condition() }));
            }
            json!({ "id": f.id, "name": f.name, "label": f.label, "cells": cells })
        })
        .collect();
    json!({ "deployments": deployments, "features": features })
}
