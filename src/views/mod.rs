//! What users see: each view turns knowledge-base data or an answer into text, Markdown,
//! CSV or JSON. Views do no IO; `main` writes what they return.

/// The schema versions of the JSON documents, so that a script can tell what it reads.
pub const ANSWER_SCHEMA: &str = "interop/answer/1";
pub const ERROR_SCHEMA: &str = "interop/error/1";
pub const MATRIX_SCHEMA: &str = "interop/matrix/1";
pub const CATALOG_SCHEMA: &str = "interop/catalog/1";
pub const CHECK_SCHEMA: &str = "interop/check/1";
pub const KB_SCHEMA: &str = "interop/kb-check/1";

/// What an answer, a plan and JSON say when no fix is offered: the fix search offers no older
/// version and no product retired by the answer's date ([`crate::engine::suggest`]), so it says
/// which changes it left out.
pub const NO_FIX: &str =
    "no change of product makes it work (older versions and products retired by then are not offered)";

pub mod answer;
pub mod answer_json;
pub mod catalog;
pub mod graph;
pub mod matrix;
pub mod plan;

/// Output formats of the views; each view accepts the ones that make sense for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Md,
    Csv,
}

/// Escape text for a Markdown table cell: pipes, and characters that would start markup.
#[must_use]
pub fn md_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '`' | '*' | '_' | '[' | ']' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// A CSV field (RFC 4180): quoted when it holds a comma, quote or line break.
#[must_use]
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// A comfy-table table in the house style: ASCII-safe borders, no colour, a fixed width.
#[must_use]
pub fn table(width: u16) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
        .set_width(width);
    t
}
