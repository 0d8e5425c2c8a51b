//! `interop matrix`: the support table, in the order of the source.

use std::fmt::Write as _;

use serde_json::json;

use super::{Format, csv_field, md_cell, table};
use crate::kb::{Deployment, KnowledgeBase, Row, Support, Table};

/// Render a support table.
#[must_use]
pub fn render(kb: &KnowledgeBase, table: &Table, format: Format, width: u16) -> String {
    let t = View { kb, table };
    match format {
        Format::Text => text(&t, width),
        Format::Md => markdown(&t),
        Format::Csv => csv(&t),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&to_json(kb, table)).unwrap_or_default();
            s.push('\n');
            s
        }
    }
}

/// A table with the knowledge base it is read in.
struct View<'a> {
    kb: &'a KnowledgeBase,
    table: &'a Table,
}

impl<'a> View<'a> {
    fn columns(&self) -> impl Iterator<Item = &'a Deployment> + use<'a> {
        let kb = self.kb;
        self.table.columns.iter().map(move |&d| &kb.deployments[d])
    }

    fn rows(&self) -> impl Iterator<Item = &'a Row> + use<'a> {
        let kb = self.kb;
        self.table.rows.iter().map(move |&r| &kb.rows[r])
    }
}

fn label(kb: &KnowledgeBase, feature: usize) -> &str {
    let f = &kb.features[feature];
    f.label.as_deref().unwrap_or(&f.name)
}

/// The table as the English source writes it: `Y`, `N`, `Y (need Exchange 2016/2013)`.
fn markdown(t: &View<'_>) -> String {
    let kb = t.kb;
    let mut s = String::from("|&nbsp;|");
    for d in t.columns() {
        let _ = write!(s, "{}|", md_cell(&d.name));
    }
    s.push_str("\n|");
    for _ in 0..=t.table.columns.len() {
        s.push_str(":-----|");
    }
    s.push('\n');
    for row in t.rows() {
        let _ = write!(s, "|{}|", md_cell(label(kb, row.feature)));
        for c in &row.cells {
            let _ = write!(s, "{}|", md_cell(c.cell_text()));
        }
        s.push('\n');
    }
    s
}

fn csv(t: &View<'_>) -> String {
    let kb = t.kb;
    let mut s = String::from("feature");
    for d in t.columns() {
        let _ = write!(s, ",{}", csv_field(&d.name));
    }
    s.push('\n');
    for row in t.rows() {
        s.push_str(&csv_field(label(kb, row.feature)));
        for c in &row.cells {
            let _ = write!(s, ",{}", csv_field(c.cell_text()));
        }
        s.push('\n');
    }
    s
}

/// A terminal table: the feature's short name, a word per cell, footnotes for conditions.
fn text(v: &View<'_>, width: u16) -> String {
    let kb = v.kb;
    let mut notes: Vec<String> = Vec::new();
    let mut t = table(width);
    let mut header = vec!["Feature".to_owned()];
    header.extend((1..=v.table.columns.len()).map(|i| format!("({i})")));
    t.set_header(header);
    for row in v.rows() {
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
        s.push_str(&wrap(&format!("[{}] {n}", i + 1), width));
    }
    for (i, d) in v.columns().enumerate() {
        s.push_str(&wrap(&format!("({}) {}", i + 1, d.name), width));
    }
    // A retirement that touches a column of this table.
    let touches = |p: usize| {
        v.columns().any(|d| {
            d.when.region.cubes().iter().any(|c| {
                let role = kb.products[p].role;
                !kb.universe.is_free(c, role) && kb.universe.allowed(c, role).any(|x| x == p)
            })
        })
    };
    if let Some(l) = kb.lifecycle.iter().find(|l| l.retired.is_some() && touches(l.product)) {
        s.push_str(&wrap(&format!("Note: {}.", l.says), width));
    }
    s
}

/// `{"deployments": [...], "features": [...]}` as product.md fixes it.
#[must_use]
pub fn to_json(kb: &KnowledgeBase, table: &Table) -> serde_json::Value {
    let v = View { kb, table };
    let deployments: Vec<_> = v.columns().map(|d| json!({ "id": d.id, "name": d.name })).collect();
    let features: Vec<_> = v
        .rows()
        .map(|row| {
            let f = &kb.features[row.feature];
            let mut cells = serde_json::Map::new();
            for (d, c) in kb.cells(row) {
                cells.insert(d.id.clone(), json!({ "support": c.word(), "condition": c.condition() }));
            }
            json!({ "id": f.id, "name": f.name, "label": f.label, "cells": cells })
        })
        .collect();
    json!({ "schema": super::MATRIX_SCHEMA, "table": table.id, "deployments": deployments, "features": features })
}

/// A line of text folded at `width` columns, on spaces, the following lines indented.
fn wrap(text: &str, width: u16) -> String {
    let width = usize::from(width.max(20));
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from("    ");
        } else if len > 0 {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}
