//! Loading and validating a knowledge base in one pass that reports every problem.
//!
//! 1. Each file is parsed with error recovery; every syntax error is kept.
//! 2. Each entry of each top-level array is deserialized on its own, so one bad entry does
//!    not hide the next; within an entry, an offending key is dropped and the entry retried,
//!    so every unknown key is reported, not only the first.
//! 3. Ids are indexed (duplicates reported with both places), references resolved (with a
//!    did-you-mean), conditions parsed and compiled, dates and cycles checked.
//!
//! Nothing is returned unless everything is sound.

use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;
use std::path::Path;

use jiff::civil::Date;
use serde::de::{DeserializeOwned, IntoDeserializer};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::raw::{self, Str};
use super::{
    Cite, Claim, Command, Condition, Conflict, Deployment, Family, Feature, Index, KnowledgeBase, Lifecycle, Limit,
    Mode, Names, Product, Provider, Role, Row, Rule, Source, Statement, Step, Support, Synonym, Table, Uncovered,
};
use crate::diag::{Diagnostic, SourceText, did_you_mean};
use crate::expr::{self, Expr, Subject};
use crate::graph::{Edge, Graph, Node};
use crate::region::{Cube, Region, Universe};

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// Largest data file read, so a stray huge file is an error rather than an exhausted machine.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Every problem found in a knowledge base, with the texts they point into.
#[derive(Debug)]
pub struct LoadError {
    pub files: Vec<SourceText>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The knowledge base compiled into the binary from `data/`.
///
/// # Errors
/// Only if the shipped data is broken, which the test suite rules out.
pub fn load_embedded() -> Result<KnowledgeBase, LoadError> {
    load(embedded_files())
}

/// The knowledge base compiled into the binary, without the checks that compare facts across
/// the whole base (disagreeing cells, uncovered products): the test suite runs them on the
/// shipped data (`interop kb check`), so answers need not pay for them at every start.
///
/// # Errors
/// Only if the shipped data is broken, which the test suite rules out.
pub fn load_embedded_for_answers() -> Result<KnowledgeBase, LoadError> {
    load_checked(embedded_files(), false)
}

fn embedded_files() -> Vec<SourceText> {
    EMBEDDED
        .iter()
        .map(|(name, text)| SourceText::new((*name).to_owned(), (*text).to_owned()))
        .collect()
}

/// Every `*.toml` file of a directory, in name order.
///
/// # Errors
/// A directory that cannot be read, a file that is not UTF-8 or too large, and every problem
/// of the data itself.
pub fn load_dir(dir: &Path) -> Result<KnowledgeBase, LoadError> {
    load(read_dir_files(dir)?)
}

/// [`load_dir`], and the vocabulary of the base built while the checks of the whole base run
/// (on another core), for a command that reads questions.
///
/// # Errors
/// As [`load_dir`].
pub fn load_dir_indexed(dir: &Path) -> Result<(KnowledgeBase, crate::names::NameIndex), LoadError> {
    let (kb, names) = load_checked_indexed(read_dir_files(dir)?, true, true)?;
    let names = names.unwrap_or_else(|| crate::names::NameIndex::build(&kb));
    Ok((kb, names))
}

/// The texts of every `*.toml` file of a directory, in name order.
fn read_dir_files(dir: &Path) -> Result<Vec<SourceText>, LoadError> {
    let fail = |d: Diagnostic| LoadError {
        files: Vec::new(),
        diagnostics: vec![d],
    };
    let shown = dir.display().to_string();
    let entries = std::fs::read_dir(dir).map_err(|e| {
        fail(Diagnostic::new(format!(
            "cannot read the knowledge-base directory `{shown}`: {e}"
        )))
    })?;
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(fail(Diagnostic::new(format!(
            "the knowledge-base directory `{shown}` has no `.toml` files"
        ))));
    }
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        match std::fs::metadata(&path) {
            Ok(m) if m.len() > MAX_FILE_BYTES => {
                diagnostics.push(Diagnostic::new(format!(
                    "`{name}` is {} bytes; data files are limited to {MAX_FILE_BYTES} bytes",
                    m.len()
                )));
                continue;
            }
            _ => {}
        }
        match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => files.push(SourceText::new(name, text)),
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    let valid = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
                    files.push(SourceText::new(name, valid));
                    let ix = files.len() - 1;
                    diagnostics.push(
                        Diagnostic::new("the file is not valid UTF-8")
                            .at(ix, at..at)
                            .label(format!("invalid byte at offset {at}"))
                            .note("save data files as UTF-8"),
                    );
                }
            },
            Err(e) => diagnostics.push(Diagnostic::new(format!("cannot read `{name}`: {e}"))),
        }
    }
    if !diagnostics.is_empty() {
        return Err(LoadError { files, diagnostics });
    }
    Ok(files)
}

/// Load a knowledge base from file texts.
///
/// # Errors
/// Every problem found, each with where it is.
pub fn load(files: Vec<SourceText>) -> Result<KnowledgeBase, LoadError> {
    load_checked(files, true)
}

fn load_checked(files: Vec<SourceText>, whole: bool) -> Result<KnowledgeBase, LoadError> {
    load_checked_indexed(files, whole, false).map(|(kb, _)| kb)
}

/// `index`: build the vocabulary too, alongside the checks of the whole base.
fn load_checked_indexed(
    files: Vec<SourceText>,
    whole: bool,
    index: bool,
) -> Result<(KnowledgeBase, Option<crate::names::NameIndex>), LoadError> {
    let mut l = Loader {
        whole,
        index,
        names: None,
        diags: Vec::new(),
        files: &files,
        broken_ids: rustc_hash::FxHashSet::default(),
        syntax_errors: false,
    };
    // Files parse independently: a large base is parsed on every core (each part with its own
    // loader, whose findings are then merged); the shipped one, small, on this thread.
    let bytes: usize = files.iter().map(|f| f.text.len()).sum();
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(files.len());
    let docs: Vec<(usize, raw::Document)> = if bytes < 1 << 20 || threads < 2 {
        files
            .iter()
            .enumerate()
            .map(|(ix, f)| (ix, l.parse_file(ix, &f.text)))
            .collect()
    } else {
        let parts: Vec<(Vec<(usize, raw::Document)>, Loader<'_>)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|part| {
                    let files = &files;
                    scope.spawn(move || {
                        let mut own = Loader {
                            whole,
                            index: false,
                            names: None,
                            diags: Vec::new(),
                            files,
                            broken_ids: rustc_hash::FxHashSet::default(),
                            syntax_errors: false,
                        };
                        let docs: Vec<(usize, raw::Document)> = (part..files.len())
                            .step_by(threads)
                            .map(|ix| (ix, own.parse_file(ix, &files[ix].text)))
                            .collect();
                        (docs, own)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        let mut docs = Vec::with_capacity(files.len());
        for (d, own) in parts {
            docs.extend(d);
            l.diags.extend(own.diags);
            l.broken_ids.extend(own.broken_ids);
            l.syntax_errors |= own.syntax_errors;
        }
        docs.sort_by_key(|(ix, _)| *ix);
        docs
    };
    let built = if l.syntax_errors { None } else { l.build(docs) };
    let mut diagnostics = l.diags;
    let names = l.names;
    match built {
        Some(mut kb) if diagnostics.is_empty() => {
            kb.files = files;
            Ok((kb, names))
        }
        _ => {
            diagnostics.sort_by_key(|d| (d.file, d.span.as_ref().map(|s| s.start)));
            diagnostics.dedup();
            Err(LoadError { files, diagnostics })
        }
    }
}

struct Loader<'f> {
    /// Whether to run the checks that compare facts across the whole base.
    whole: bool,
    /// Whether to build the vocabulary of the base ([`Loader::names`]) while they run.
    index: bool,
    names: Option<crate::names::NameIndex>,
    diags: Vec<Diagnostic>,
    files: &'f [SourceText],
    /// Ids of entries rejected while parsing: references to them are not reported again.
    broken_ids: rustc_hash::FxHashSet<String>,
    /// Whether some file is not valid TOML: then cross-references are not checked, since
    /// every entry of that file would look missing.
    syntax_errors: bool,
}

/// One entry of an array and the file it came from.
type At<T> = (usize, T);

fn span_of<T>(s: &Spanned<T>) -> Range<usize> {
    s.span()
}

impl Loader<'_> {
    fn err(&mut self, file: usize, span: Range<usize>, message: impl Into<String>) -> &mut Diagnostic {
        self.diags.push(Diagnostic::new(message).at(file, span));
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    // ---------------------------------------------------------------- parsing

    fn parse_file(&mut self, file: usize, text: &str) -> raw::Document {
        let (root, errors) = DeTable::parse_recoverable(text);
        if !errors.is_empty() {
            self.syntax_errors = true;
            for e in errors {
                let span = e.span().unwrap_or(0..0);
                self.diags
                    .push(Diagnostic::new(format!("invalid TOML: {}", e.message().trim_end())).at(file, span));
            }
            return raw::Document::default();
        }
        let mut doc = raw::Document::default();
        for (key, value) in root.into_inner() {
            let name: &str = key.get_ref();
            let key_span = key.span();
            if !raw::TABLES.contains(&name) {
                let d = Diagnostic::new(format!("unknown table `{name}`"))
                    .at(file, key_span)
                    .label("not a kind of entry")
                    .suggest(did_you_mean(name, raw::TABLES.iter().copied()))
                    .note(format!(
                        "a data file holds arrays of tables: {}",
                        raw::TABLES
                            .iter()
                            .map(|t| format!("[[{t}]]"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                self.diags.push(d);
                // What the unknown table defines is not reported again as missing.
                if let DeValue::Array(a) = value.get_ref() {
                    for item in a.iter() {
                        if let Some(id) = item
                            .get_ref()
                            .as_table()
                            .and_then(|t| t.get("id"))
                            .and_then(|v| v.get_ref().as_str())
                        {
                            self.broken_ids.insert(id.to_owned());
                        }
                    }
                }
                continue;
            }
            let items = match value.into_inner() {
                DeValue::Array(a) => a,
                _ => {
                    self.err(file, key_span, format!("`{name}` must be an array of tables"))
                        .notes
                        .push(format!("write each entry under a `[[{name}]]` header"));
                    continue;
                }
            };
            match name {
                "source" => self.entries(file, text, name, items, &mut doc.source),
                "role" => self.entries(file, text, name, items, &mut doc.role),
                "family" => self.entries(file, text, name, items, &mut doc.family),
                "product" => self.entries(file, text, name, items, &mut doc.product),
                "lifecycle" => self.entries(file, text, name, items, &mut doc.lifecycle),
                "deployment-mode" => self.entries(file, text, name, items, &mut doc.deployment_mode),
                "feature" => self.entries(file, text, name, items, &mut doc.feature),
                "deployment" => self.entries(file, text, name, items, &mut doc.deployment),
                "row" => self.entries(file, text, name, items, &mut doc.row),
                "table" => self.entries(file, text, name, items, &mut doc.table),
                "statement" => self.entries(file, text, name, items, &mut doc.statement),
                "rule" => self.entries(file, text, name, items, &mut doc.rule),
                "limit" => self.entries(file, text, name, items, &mut doc.limit),
                "step" => self.entries(file, text, name, items, &mut doc.step),
                "uncovered-product" => self.entries(file, text, name, items, &mut doc.uncovered_product),
                "synonym" => self.entries(file, text, name, items, &mut doc.synonym),
                _ => self.entries(file, text, name, items, &mut doc.conflict),
            }
        }
        doc
    }

    fn entries<T: DeserializeOwned>(
        &mut self,
        file: usize,
        text: &str,
        table: &str,
        items: toml::de::DeArray<'_>,
        out: &mut Vec<T>,
    ) {
        for (i, item) in items.into_iter().enumerate() {
            if !item.get_ref().is_table() {
                self.err(file, item.span(), format!("each `{table}` entry must be a table"));
                continue;
            }
            if let Some(v) = self.entry(file, text, table, i, item) {
                out.push(v);
            }
        }
    }

    /// Deserialize one entry; on an error, report it, drop the key it points at and try again,
    /// so that every bad key of the entry is reported.
    fn entry<T: DeserializeOwned>(
        &mut self,
        file: usize,
        text: &str,
        table: &str,
        index: usize,
        item: Spanned<DeValue<'_>>,
    ) -> Option<T> {
        // Remembered in case the entry is rejected.
        let id = item
            .get_ref()
            .as_table()
            .and_then(|t| t.get("id"))
            .and_then(|v| v.get_ref().as_str())
            .map(str::to_owned);
        let span = item.span();
        // Most entries are right: read as they are, without a copy kept for the messages.
        let first = match T::deserialize(item.into_deserializer()) {
            Ok(v) => return Some(v),
            Err(e) => e,
        };
        // This one is not: read it again from the text, to say what is wrong with each key.
        let (root, _) = DeTable::parse_recoverable(text);
        let again = root
            .into_inner()
            .into_iter()
            .find(|(k, _)| k.get_ref() == table)
            .and_then(|(_, v)| match v.into_inner() {
                DeValue::Array(a) => a.into_iter().nth(index),
                _ => None,
            });
        let mut clean = true;
        let result = match again {
            Some(item) => self.entry_inner(file, table, item, &mut clean),
            None => {
                let span = first.span().unwrap_or(span);
                self.err(
                    file,
                    span,
                    format!("invalid `{table}` entry: {}", first.message().trim()),
                );
                None
            }
        };
        if result.is_none()
            && let Some(id) = id
        {
            self.broken_ids.insert(id);
        }
        result
    }

    fn entry_inner<T: DeserializeOwned>(
        &mut self,
        file: usize,
        table: &str,
        mut item: Spanned<DeValue<'_>>,
        clean: &mut bool,
    ) -> Option<T> {
        for _ in 0..32 {
            match T::deserialize(item.clone().into_deserializer()) {
                Ok(v) => return clean.then_some(v),
                Err(e) => {
                    *clean = false;
                    let span = e.span().unwrap_or_else(|| item.span());
                    self.diags
                        .push(self.serde_diagnostic(file, table, &e, span.clone(), &item));
                    if !remove_key_at(&mut item, &span) {
                        return None;
                    }
                }
            }
        }
        None
    }

    fn serde_diagnostic(
        &self,
        file: usize,
        table: &str,
        e: &toml::de::Error,
        span: Range<usize>,
        item: &Spanned<DeValue<'_>>,
    ) -> Diagnostic {
        let msg = e.message().trim();
        if let Some(rest) = msg.strip_prefix("unknown field `") {
            let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
            let known: Vec<&str> = expected
                .split('`')
                .enumerate()
                .filter(|(i, _)| i % 2 == 1)
                .map(|(_, s)| s)
                .collect();
            let mut d = Diagnostic::new(format!("unknown key `{field}` in a `[[{table}]]` entry"))
                .at(file, span)
                .label("not a key of this table")
                .suggest(did_you_mean(field, known.iter().copied()));
            if !known.is_empty() {
                d = d.note(format!(
                    "the keys are {}",
                    known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                ));
            }
            return d;
        }
        if let Some(rest) = msg.strip_prefix("missing field `") {
            let field = rest.split('`').next().unwrap_or(rest);
            let id = item
                .get_ref()
                .as_table()
                .and_then(|t| t.get("id").or_else(|| t.get("feature")).or_else(|| t.get("product")))
                .and_then(|v| v.get_ref().as_str().map(str::to_owned));
            let what = id.map_or_else(
                || format!("a `[[{table}]]` entry"),
                |id| format!("`[[{table}]]` `{id}`"),
            );
            let mut d = Diagnostic::new(format!("{what} has no `{field}`"))
                .at(file, header_span(&self.files[file].text, item.span()))
                .label(format!("`{field}` is required"));
            if field == "sources" {
                d = d
                    .note("every fact cites its source: `sources = [{ doc = \"…\", section = \"…\", quote = \"…\" }]`");
            }
            return d;
        }
        Diagnostic::new(format!("invalid `[[{table}]]` entry: {msg}")).at(file, span)
    }

    // ---------------------------------------------------------------- building

    #[allow(clippy::too_many_lines)]
    fn build(&mut self, docs: Vec<(usize, raw::Document)>) -> Option<KnowledgeBase> {
        macro_rules! gather {
            ($field:ident) => {{
                let mut v = Vec::new();
                for (f, d) in &docs {
                    for x in &d.$field {
                        v.push((*f, x));
                    }
                }
                v
            }};
        }
        let sources = gather!(source);
        let roles = gather!(role);
        let families = gather!(family);
        let products = gather!(product);
        let lifecycle = gather!(lifecycle);
        let modes = gather!(deployment_mode);
        let features = gather!(feature);
        let mut tables = gather!(table);
        let mut deployments = gather!(deployment);
        let mut rows = gather!(row);
        // The order of tables, columns and rows is the data's own, never that of the files:
        // tables by page and date, columns and rows as each table lists them.
        tables.sort_by(|(_, a), (_, b)| {
            let key = |t: &raw::Table| {
                (
                    t.page.clone().unwrap_or_else(|| t.id.get_ref().clone()),
                    t.from.as_ref().map(|d| d.get_ref().to_string()),
                )
            };
            key(a).cmp(&key(b))
        });
        let column_at: HashMap<&str, (usize, usize)> = tables
            .iter()
            .enumerate()
            .flat_map(|(ti, (_, t))| {
                t.columns
                    .iter()
                    .enumerate()
                    .map(move |(ci, c)| (c.get_ref().as_str(), (ti, ci)))
            })
            .collect();
        deployments.sort_by_key(|(_, d)| {
            column_at
                .get(d.id.get_ref().as_str())
                .copied()
                .unwrap_or((usize::MAX, 0))
        });
        // Where each feature is listed: (table, position), in table order.
        let mut listed: HashMap<String, Vec<(usize, usize)>> = HashMap::default();
        for (ti, (_, t)) in tables.iter().enumerate() {
            for (ri, f) in t.rows.iter().enumerate() {
                listed.entry(f.get_ref().clone()).or_default().push((ti, ri));
            }
        }
        let row_at = |r: &raw::Row| -> (usize, usize) {
            listed
                .get(r.feature.get_ref())
                .and_then(|at| {
                    at.iter()
                        .find(|(ti, _)| {
                            r.table
                                .as_ref()
                                .is_none_or(|n| n.get_ref() == tables[*ti].1.id.get_ref())
                        })
                        .copied()
                })
                .unwrap_or((usize::MAX, 0))
        };
        rows.sort_by_key(|(_, r)| row_at(r));
        let statements = gather!(statement);
        let rules = gather!(rule);
        let limits = gather!(limit);
        let steps = gather!(step);
        let conflicts = gather!(conflict);
        let uncovered = gather!(uncovered_product);
        let synonyms = gather!(synonym);

        let mut index = Index {
            sources: self.ids("source", sources.iter().map(|(f, s)| (*f, &s.id))),
            roles: self.ids("role", roles.iter().map(|(f, s)| (*f, &s.id))),
            families: self.ids("family", families.iter().map(|(f, s)| (*f, &s.id))),
            products: self.ids("product", products.iter().map(|(f, s)| (*f, &s.id))),
            modes: self.ids("deployment mode", modes.iter().map(|(f, s)| (*f, &s.id))),
            features: self.ids("feature", features.iter().map(|(f, s)| (*f, &s.id))),
            deployments: self.ids("deployment", deployments.iter().map(|(f, s)| (*f, &s.id))),
            tables: self.ids("table", tables.iter().map(|(f, s)| (*f, &s.id))),
            steps: self.ids("step", steps.iter().map(|(f, s)| (*f, &s.id))),
        };
        // Statements, rules, limits and conflicts have ids too; they must be unique, but
        // nothing refers to them.
        let _ = self.ids("statement", statements.iter().map(|(f, s)| (*f, &s.id)));
        let _ = self.ids("rule", rules.iter().map(|(f, s)| (*f, &s.id)));
        let _ = self.ids("limit", limits.iter().map(|(f, s)| (*f, &s.id)));
        let _ = self.ids("conflict", conflicts.iter().map(|(f, s)| (*f, &s.id)));
        let _ = self.ids("uncovered product", uncovered.iter().map(|(f, s)| (*f, &s.id)));
        let _ = self.ids("synonym", synonyms.iter().map(|(f, s)| (*f, &s.id)));
        for (f, role) in &roles {
            if role.id.get_ref() == "deployment" {
                self.err(
                    *f,
                    role.id.span(),
                    "`deployment` is a keyword of the condition language, not a role name",
                );
            }
        }

        // Sources first: everything cites them.
        let sources_out: Vec<Source> = sources
            .iter()
            .map(|(f, s)| {
                let translation = s.translation.get_ref().clone();
                if !["machine", "human", "original"].contains(&translation.as_str()) {
                    self.err(
                        *f,
                        s.translation.span(),
                        format!("unknown translation kind `{translation}`"),
                    )
                    .notes
                    .push("use `machine`, `human` or `original`".into());
                }
                if let Some(c) = &s.commit
                    && !(c.get_ref().len() >= 7 && c.get_ref().chars().all(|x| x.is_ascii_hexdigit()))
                {
                    self.err(*f, c.span(), format!("`{}` is not a commit id", c.get_ref()))
                        .notes
                        .push("write the commit the text was read from, in hexadecimal".into());
                }
                let file = s.file.get_ref();
                if file.is_empty()
                    || file.starts_with('/')
                    || file.contains('\\')
                    || file.split('/').any(|part| part == ".." || part.is_empty())
                {
                    self.err(*f, s.file.span(), format!("`{file}` is not a path under `sources/`"))
                        .notes
                        .push("name the document's text by its path under `sources/`, e.g. `seeds/004_….txt`".into());
                }
                Source {
                    id: s.id.get_ref().clone(),
                    file: file.clone(),
                    title: s.title.clone(),
                    english_title: s.english_title.clone(),
                    language: s.language.clone(),
                    translation,
                    date: s.date.as_ref().and_then(|d| self.date(*f, d)),
                    url: s.url.clone(),
                    repository: s.repository.clone(),
                    path: s.path.clone(),
                    commit: s.commit.as_ref().map(|c| c.get_ref().clone()),
                    revision_of: s.revision_of.clone(),
                }
            })
            .collect();

        let modes_out: Vec<Mode> = modes
            .iter()
            .map(|(f, m)| Mode {
                id: m.id.get_ref().clone(),
                name: m.name.clone(),
                aliases: self.names(*f, &m.aliases),
            })
            .collect();

        let mut roles_out: Vec<Role> = roles
            .iter()
            .map(|(f, r)| Role {
                id: r.id.get_ref().clone(),
                name: r.name.clone(),
                description: r.description.clone(),
                aliases: self.names(*f, &r.aliases),
                optional: r.optional,
                products: Vec::new(),
            })
            .collect();

        let mut families_out: Vec<Family> = Vec::new();
        for (f, fam) in &families {
            let role = self.resolve(*f, &fam.role, "role", &index.roles);
            let sources = self.cites(*f, &fam.sources, &index.sources, &fam.id);
            families_out.push(Family {
                id: fam.id.get_ref().clone(),
                name: fam.name.clone(),
                role: role.unwrap_or(0),
                members: Vec::new(),
                aliases: self.names(*f, &fam.aliases),
                sources,
            });
        }

        let mut products_out: Vec<Product> = Vec::new();
        for (pi, (f, p)) in products.iter().enumerate() {
            let role = self.resolve(*f, &p.role, "role", &index.roles).unwrap_or(0);
            let deployment = p
                .deployment
                .as_ref()
                .and_then(|d| self.resolve(*f, d, "deployment mode", &index.modes));
            let mut fams = Vec::new();
            for fam in &p.families {
                if let Some(fi) = self.resolve(*f, fam, "family", &index.families) {
                    if families_out[fi].role != role && !roles_out.is_empty() {
                        self.err(
                            *f,
                            fam.span(),
                            format!(
                                "product `{}` is a {} but family `{}` groups {} products",
                                p.id.get_ref(),
                                roles_out.get(role).map_or("?", |r| r.id.as_str()),
                                families_out[fi].id,
                                roles_out.get(families_out[fi].role).map_or("?", |r| r.id.as_str()),
                            ),
                        );
                    }
                    families_out[fi].members.push(pi);
                    fams.push(fi);
                }
            }
            if let Some(r) = roles_out.get_mut(role) {
                r.products.push(pi);
            }
            let sources = self.cites(*f, &p.sources, &index.sources, &p.id);
            products_out.push(Product {
                id: p.id.get_ref().clone(),
                name: p.name.clone(),
                role,
                families: fams,
                version: p.version.as_ref().map(|v| *v.get_ref()),
                deployment,
                aliases: self.names(*f, &p.aliases),
                description: p.description.clone(),
                sources,
            });
        }
        for (fi, (f, fam)) in families.iter().enumerate() {
            if families_out[fi].members.is_empty() {
                self.err(
                    *f,
                    fam.id.span(),
                    format!("family `{}` has no products", fam.id.get_ref()),
                )
                .notes
                .push("list it in the `families` of the products it groups".into());
            }
        }
        if roles_out.is_empty() {
            self.diags
                .push(Diagnostic::new("the knowledge base defines no `[[role]]`"));
            return None;
        }

        let role_of: Vec<usize> = products_out.iter().map(|p| p.role).collect();
        let universe = Universe::new(roles_out.len(), &role_of);
        let cx = CondCx {
            index: &index,
            products: &products_out,
            families: &families_out,
            universe: &universe,
        };

        let lifecycle_out: Vec<Lifecycle> = lifecycle
            .iter()
            .filter_map(|(f, l)| {
                let product = self.resolve(*f, &l.product, "product", &index.products);
                let released = l.released.as_ref().and_then(|d| self.date(*f, d));
                let retired = l.retired.as_ref().and_then(|d| self.date(*f, d));
                if let (Some(a), Some(b), Some(rs)) = (released, retired, &l.retired)
                    && b < a
                {
                    self.err(*f, rs.span(), format!("retired on {b}, before it was released on {a}"))
                        .label = Some("impossible date".into());
                }
                if released.is_none() && retired.is_none() {
                    self.err(*f, l.product.span(), "a lifecycle entry needs `released` or `retired`");
                }
                let sources = self.cites(*f, &l.sources, &index.sources, &l.product);
                Some(Lifecycle {
                    product: product?,
                    released,
                    retired,
                    says: l.says.clone(),
                    sources,
                })
            })
            .collect();

        // Steps before features: features name the steps that set them up.
        let mut steps_out: Vec<Step> = Vec::new();
        for (f, s) in &steps {
            let on = self.resolve(*f, &s.on, "role", &index.roles).unwrap_or(0);
            let after = s
                .after
                .iter()
                .filter_map(|a| self.resolve(*f, a, "step", &index.steps))
                .collect();
            let when = s.when.as_ref().and_then(|w| self.condition(*f, w, &cx));
            let sources = self.cites(*f, &s.sources, &index.sources, &s.id);
            let cmd = |c: &raw::Command| Command {
                shell: c.shell.clone(),
                run: c.run.clone(),
                expect: c.expect.clone(),
            };
            steps_out.push(Step {
                id: s.id.get_ref().clone(),
                title: s.title.clone(),
                on,
                after,
                when,
                checks: s.checks.clone(),
                configure: s.configure.iter().map(cmd).collect(),
                verify: s.verify.iter().map(cmd).collect(),
                tests: s
                    .tests
                    .iter()
                    .filter_map(|t| {
                        if !crate::kb::TESTS.contains(&t.test.get_ref().as_str()) {
                            let d = Diagnostic::new(format!("unknown test `{}`", t.test.get_ref()))
                                .at(*f, t.test.span())
                                .suggest(did_you_mean(t.test.get_ref(), crate::kb::TESTS.iter().copied()))
                                .note(format!("the tests are {}", crate::kb::TESTS.join(", ")));
                            self.diags.push(d);
                            return None;
                        }
                        Some(crate::kb::StepTest {
                            test: t.test.get_ref().clone(),
                            min: t.min,
                            says: t.says.clone(),
                            fix: t.fix.iter().map(cmd).collect(),
                        })
                    })
                    .collect(),
                sources,
            });
        }

        let mut features_out: Vec<Feature> = Vec::new();
        for (f, feat) in &features {
            let requires = feat
                .requires
                .iter()
                .filter_map(|r| self.resolve(*f, r, "feature", &index.features))
                .collect();
            let steps = feat
                .steps
                .iter()
                .filter_map(|r| self.resolve(*f, r, "step", &index.steps))
                .collect();
            let provided_by = feat
                .provided_by
                .iter()
                .filter_map(|r| {
                    if let Some(&p) = index.products.get(r.get_ref()) {
                        Some(Provider::Product(p))
                    } else if let Some(&fam) = index.families.get(r.get_ref()) {
                        Some(Provider::Family(fam))
                    } else if self.broken_ids.contains(r.get_ref()) {
                        None
                    } else {
                        let names = index.products.keys().chain(index.families.keys()).map(String::as_str);
                        let d = Diagnostic::new(format!("unknown product or family `{}`", r.get_ref()))
                            .at(*f, r.span())
                            .label("no product or family has this id")
                            .suggest(did_you_mean(r.get_ref(), names));
                        self.diags.push(d);
                        None
                    }
                })
                .collect();
            let sources = self.cites(*f, &feat.sources, &index.sources, &feat.id);
            let replaced_by = feat.replaced_by.as_ref().and_then(|r| {
                let sources = self.cites(*f, &r.sources, &index.sources, &r.feature);
                let to = self.resolve(*f, &r.feature, "feature", &index.features)?;
                if r.feature.get_ref() == feat.id.get_ref() {
                    self.err(*f, r.feature.span(), "a feature cannot replace itself");
                    return None;
                }
                Some(crate::kb::Replacement {
                    feature: to,
                    says: r.says.clone(),
                    sources,
                })
            });
            features_out.push(Feature {
                id: feat.id.get_ref().clone(),
                name: feat.name.clone(),
                label: feat.label.clone(),
                label_fr: feat.label_fr.clone(),
                description: feat.description.clone(),
                requires,
                steps,
                provided_by,
                aliases: self.names(*f, &feat.aliases),
                sources,
                rows: Vec::new(),
                replaced_by,
            });
        }

        let deployments_out: Vec<Deployment> = deployments
            .iter()
            .map(|(f, d)| {
                let when = self.condition(*f, &d.when, &cx);
                let sources = self.cites(*f, &d.sources, &index.sources, &d.id);
                Deployment {
                    id: d.id.get_ref().clone(),
                    name: d.name.clone(),
                    short: d.short.clone(),
                    when: when.unwrap_or_else(|| cx.always()),
                    aliases: self.names(*f, &d.aliases),
                    sources,
                }
            })
            .collect();

        let mut tables_out = self.tables(&tables, &index, &deployments);
        // The (feature, table) pairs rows name explicitly, with how many rows name each.
        let mut claims: HashMap<(String, String), usize> = HashMap::default();
        for (_, r) in &rows {
            if let Some(t) = &r.table {
                *claims
                    .entry((r.feature.get_ref().clone(), t.get_ref().clone()))
                    .or_default() += 1;
            }
        }
        let mut rows_out: Vec<Row> = Vec::new();
        // Where each row's cells are written, for the checks that need the whole base.
        let mut row_at: Vec<(usize, Range<usize>)> = Vec::new();
        // The rows written for each table, sound or not: a broken row is reported once.
        let mut written: rustc_hash::FxHashSet<(usize, usize)> = rustc_hash::FxHashSet::default();
        for (f, row) in &rows {
            let Some(feature) = self.resolve(*f, &row.feature, "feature", &index.features) else {
                continue;
            };
            let Some(table) = self.table_of(*f, row, &listed, &claims, &tables_out, &index) else {
                continue;
            };
            written.insert((table, feature));
            if features_out[feature].rows.iter().any(|&r| rows_out[r].table == table) {
                self.err(
                    *f,
                    row.feature.span(),
                    format!(
                        "feature `{}` has a second row in table `{}`",
                        row.feature.get_ref(),
                        tables_out[table].id
                    ),
                )
                .label = Some("one row per feature and table".into());
                continue;
            }
            let columns = tables_out[table].columns.clone();
            let mut cells: Vec<Option<Support>> = vec![None; columns.len()];
            let mut present = vec![false; columns.len()];
            for (key, cell) in row.cells.get_ref() {
                let Some(ci) = index
                    .deployments
                    .get(key)
                    .and_then(|d| columns.iter().position(|c| c == d))
                else {
                    let span = key_span(&self.files[*f].text, row.cells.span(), key);
                    let known = index.deployments.contains_key(key);
                    let d = Diagnostic::new(if known {
                        format!("`{key}` is not a column of table `{}`", tables_out[table].id)
                    } else {
                        format!("unknown deployment `{key}`")
                    })
                    .at(*f, span)
                    .label("not a column of the table")
                    .suggest(did_you_mean(
                        key,
                        columns.iter().map(|&c| deployments_out[c].id.as_str()),
                    ));
                    self.diags.push(d);
                    continue;
                };
                present[ci] = true;
                cells[ci] = self.cell(*f, cell, &cx);
            }
            let missing: Vec<&str> = present
                .iter()
                .zip(&columns)
                .filter(|(p, _)| !**p)
                .map(|(_, &d)| deployments_out[d].id.as_str())
                .collect();
            if !missing.is_empty() {
                let span = header_span(&self.files[*f].text, row.cells.span());
                self.err(
                    *f,
                    span,
                    format!(
                        "the row of `{}` has no cell for {}",
                        row.feature.get_ref(),
                        missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
                    ),
                );
                continue;
            }
            if cells.iter().any(Option::is_none) {
                continue;
            }
            let sources = self.cites(*f, &row.sources, &index.sources, &row.feature);
            row_at.push((*f, row.cells.span()));
            features_out[feature].rows.push(rows_out.len());
            tables_out[table].rows.push(rows_out.len());
            rows_out.push(Row {
                feature,
                table,
                cells: cells.into_iter().flatten().collect(),
                sources,
            });
        }
        // Every feature a table lists has its row there.
        for (ti, ((f, t), out)) in tables.iter().zip(&tables_out).enumerate() {
            for name in &t.rows {
                let Some(&feature) = index.features.get(name.get_ref()) else {
                    continue;
                };
                if !written.contains(&(ti, feature)) && !self.broken_ids.contains(name.get_ref()) {
                    self.err(
                        *f,
                        name.span(),
                        format!(
                            "table `{}` lists `{}`, but no `[[row]]` gives its cells",
                            out.id,
                            name.get_ref()
                        ),
                    )
                    .notes
                    .push(format!(
                        "add `[[row]]` with `feature = \"{}\"` and a cell for each column of the table",
                        name.get_ref()
                    ));
                }
            }
        }

        let (statements_out, statement_at): (Vec<Statement>, Vec<(usize, Range<usize>)>) = statements
            .iter()
            .filter_map(|(f, s)| {
                let feature = self.resolve(*f, &s.feature, "feature", &index.features);
                let when = self.condition(*f, &s.when, &cx);
                let support = match s.support.get_ref().as_str() {
                    "yes" => Some(Support::Yes),
                    "no" => Some(Support::No),
                    "conditional" => match &s.condition {
                        Some(c) => Some(Support::Qualified { condition: c.clone() }),
                        None => {
                            self.err(*f, s.support.span(), "a `conditional` statement needs a `condition`");
                            None
                        }
                    },
                    other => {
                        let d = Diagnostic::new(format!("unknown support `{other}`"))
                            .at(*f, s.support.span())
                            .label("`yes`, `no` or `conditional`")
                            .suggest(did_you_mean(other, ["yes", "no", "conditional"]));
                        self.diags.push(d);
                        None
                    }
                };
                let sources = self.cites(*f, &s.sources, &index.sources, &s.id);
                let from = s.from.as_ref().and_then(|d| self.date(*f, d));
                let until = s.until.as_ref().and_then(|d| self.date(*f, d));
                if let (Some(a), Some(b), Some(at)) = (from, until, s.until.as_ref())
                    && b <= a
                {
                    self.err(*f, span_of(at), format!("`until` {b} is not after `from` {a}"));
                }
                Some((
                    Statement {
                        id: s.id.get_ref().clone(),
                        feature: feature?,
                        when: when?,
                        support: support?,
                        from,
                        until,
                        says: s.says.clone(),
                        sources,
                    },
                    (*f, s.id.span()),
                ))
            })
            .unzip();

        const RULE_KINDS: [&str; 6] = ["version", "client", "auth", "storage", "limit", "lifecycle"];
        let rules_out: Vec<Rule> = rules
            .iter()
            .filter_map(|(f, r)| {
                if !RULE_KINDS.contains(&r.kind.get_ref().as_str()) {
                    let d = Diagnostic::new(format!("unknown rule kind `{}`", r.kind.get_ref()))
                        .at(*f, r.kind.span())
                        .suggest(did_you_mean(r.kind.get_ref(), RULE_KINDS))
                        .note(format!(
                            "the kinds are {}",
                            RULE_KINDS.map(|k| format!("`{k}`")).join(", ")
                        ));
                    self.diags.push(d);
                }
                let features: Vec<usize> = r
                    .features
                    .iter()
                    .filter_map(|x| self.resolve(*f, x, "feature", &index.features))
                    .collect();
                if r.features.is_empty() {
                    self.err(
                        *f,
                        r.id.span(),
                        format!("rule `{}` applies to no feature", r.id.get_ref()),
                    );
                }
                let when = match &r.when {
                    Some(w) => Some(self.condition(*f, w, &cx)?),
                    None => None,
                };
                let requires = self.condition(*f, &r.requires, &cx);
                let sources = self.cites(*f, &r.sources, &index.sources, &r.id);
                Some(Rule {
                    id: r.id.get_ref().clone(),
                    kind: r.kind.get_ref().clone(),
                    features,
                    when,
                    requires: requires?,
                    says: r.says.clone(),
                    sources,
                })
            })
            .collect();

        let limits_out: Vec<Limit> = limits
            .iter()
            .map(|(f, l)| Limit {
                id: l.id.get_ref().clone(),
                features: l
                    .features
                    .iter()
                    .filter_map(|x| self.resolve(*f, x, "feature", &index.features))
                    .collect(),
                what: l.what.clone(),
                value: l.value.clone(),
                sources: self.cites(*f, &l.sources, &index.sources, &l.id),
            })
            .collect();

        let conflicts_out: Vec<Conflict> = conflicts
            .iter()
            .map(|(f, c)| {
                if c.claims.len() < 2 {
                    self.err(
                        *f,
                        c.id.span(),
                        format!("conflict `{}` needs at least two claims", c.id.get_ref()),
                    );
                }
                Conflict {
                    id: c.id.get_ref().clone(),
                    topic: c.topic.clone(),
                    features: c
                        .features
                        .iter()
                        .filter_map(|x| self.resolve(*f, x, "feature", &index.features))
                        .collect(),
                    when: c.when.as_ref().and_then(|w| self.condition(*f, w, &cx)),
                    claims: c
                        .claims
                        .iter()
                        .map(|cl| Claim {
                            says: cl.says.clone(),
                            sources: self.cites(*f, &cl.sources, &index.sources, &c.id),
                        })
                        .collect(),
                    resolution: c.resolution.clone(),
                }
            })
            .collect();

        for (ri, role) in roles_out.iter().enumerate() {
            if role.products.is_empty() {
                let (f, r) = &roles[ri];
                self.err(*f, r.id.span(), format!("role `{}` has no products", role.id));
            }
        }

        // The dependency graph.
        let mut graph = Graph::default();
        for (pi, p) in products_out.iter().enumerate() {
            graph.node(Node::Product(pi));
            for &fam in &p.families {
                graph.edge(Node::Product(pi), Node::Family(fam), Edge::MemberOf);
            }
        }
        for (fi, feat) in features_out.iter().enumerate() {
            graph.node(Node::Feature(fi));
            for &r in &feat.requires {
                graph.edge(Node::Feature(fi), Node::Feature(r), Edge::Requires);
            }
            for &s in &feat.steps {
                graph.edge(Node::Feature(fi), Node::Step(s), Edge::Requires);
            }
            for p in &feat.provided_by {
                let to = match *p {
                    Provider::Product(p) => Node::Product(p),
                    Provider::Family(f) => Node::Family(f),
                };
                graph.edge(Node::Feature(fi), to, Edge::ProvidedBy);
            }
        }
        for (ri, r) in rules_out.iter().enumerate() {
            for &fi in &r.features {
                graph.edge(Node::Feature(fi), Node::Rule(ri), Edge::Requires);
            }
        }
        for (si, s) in steps_out.iter().enumerate() {
            graph.node(Node::Step(si));
            for &a in &s.after {
                graph.edge(Node::Step(a), Node::Step(si), Edge::Precedes);
            }
        }
        for (ci, c) in conflicts_out.iter().enumerate() {
            for &fi in &c.features {
                graph.edge(Node::Conflict(ci), Node::Feature(fi), Edge::ConflictsWith);
            }
        }
        for cycle in graph.cycles(&[Edge::Requires, Edge::Precedes]) {
            self.cycle(&cycle, &features, &steps, &features_out, &steps_out);
        }

        let uncovered_out: Vec<Uncovered> = uncovered
            .iter()
            .map(|(f, u)| Uncovered {
                id: u.id.get_ref().clone(),
                name: u.name.clone(),
                role: u.role.as_ref().and_then(|r| self.resolve(*f, r, "role", &index.roles)),
                aliases: self.names(*f, &u.aliases),
            })
            .collect();

        let synonyms_out: Vec<Synonym> = synonyms
            .iter()
            .map(|(f, s)| Synonym {
                id: s.id.get_ref().clone(),
                words: self.names(*f, &s.words),
            })
            .collect();

        index.sources.shrink_to_fit();
        let kb = KnowledgeBase {
            files: Vec::new(),
            sources: sources_out,
            roles: roles_out,
            families: families_out,
            products: products_out,
            lifecycle: lifecycle_out,
            modes: modes_out,
            features: features_out,
            deployments: deployments_out,
            tables: tables_out,
            rows: rows_out,
            statements: statements_out,
            rules: rules_out,
            limits: limits_out,
            steps: steps_out,
            conflicts: conflicts_out,
            uncovered: uncovered_out,
            synonyms: synonyms_out,
            universe,
            graph,
            warnings: Vec::new(),
            facts_of: Vec::new(),
            index,
        };
        // Only on an otherwise sound base: a condition that failed to parse reads as "always",
        // and would seem to overlap everything.
        let mut kb = kb;
        let mut facts_of = vec![crate::kb::FeatureFacts::default(); kb.features.len()];
        for (i, s) in kb.statements.iter().enumerate() {
            facts_of[s.feature].statements.push(i);
        }
        for (i, r) in kb.rules.iter().enumerate() {
            for &f in &r.features {
                if !facts_of[f].rules.contains(&i) {
                    facts_of[f].rules.push(i);
                }
            }
        }
        kb.facts_of = facts_of;
        let sound = self.diags.is_empty();
        // The vocabulary, if wanted, on another core while the whole base is checked: both
        // only read it.
        let (names, warnings) = std::thread::scope(|scope| {
            let kb = &kb;
            let names = (self.index && sound).then(|| scope.spawn(|| crate::names::NameIndex::build(kb)));
            let warnings = if self.whole && sound {
                self.disagreements(kb, &row_at, &statement_at);
                coverage(kb, &products)
            } else {
                Vec::new()
            };
            let names = names.map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
            (names, warnings)
        });
        kb.warnings = warnings;
        self.names = names;
        Some(kb)
    }

    /// The tables, their columns resolved; each column in exactly one table.
    fn tables(
        &mut self,
        tables: &[At<&raw::Table>],
        index: &Index,
        deployments: &[At<&raw::Deployment>],
    ) -> Vec<Table> {
        let mut owner: Vec<Option<usize>> = vec![None; deployments.len()];
        let mut out: Vec<Table> = Vec::new();
        for (ti, (f, t)) in tables.iter().enumerate() {
            let mut columns = Vec::new();
            for c in &t.columns {
                let Some(d) = self.resolve(*f, c, "deployment", &index.deployments) else {
                    continue;
                };
                match owner[d] {
                    Some(other) if other == ti => {
                        self.err(*f, c.span(), format!("column `{}` is listed twice", c.get_ref()));
                    }
                    Some(other) => {
                        self.err(
                            *f,
                            c.span(),
                            format!(
                                "column `{}` is already a column of table `{}`",
                                c.get_ref(),
                                tables[other].1.id.get_ref()
                            ),
                        )
                        .notes
                        .push("a deployment column belongs to one table; give the other table its own column".into());
                    }
                    None => {
                        owner[d] = Some(ti);
                        columns.push(d);
                    }
                }
            }
            let mut seen: Vec<&str> = Vec::new();
            for r in &t.rows {
                if seen.contains(&r.get_ref().as_str()) {
                    self.err(
                        *f,
                        r.span(),
                        format!("`{}` is listed twice in table `{}`", r.get_ref(), t.id.get_ref()),
                    );
                }
                seen.push(r.get_ref());
                let _ = self.resolve(*f, r, "feature", &index.features);
            }
            if t.columns.is_empty() {
                self.err(*f, t.id.span(), format!("table `{}` has no columns", t.id.get_ref()));
            }
            let from = t.from.as_ref().and_then(|d| self.date(*f, d));
            let sources = self.cites(*f, &t.sources, &index.sources, &t.id);
            out.push(Table {
                id: t.id.get_ref().clone(),
                title: t.title.clone(),
                page: t.page.clone().unwrap_or_else(|| t.id.get_ref().clone()),
                from,
                until: None,
                first: false,
                columns,
                rows: Vec::new(),
                sources,
            });
        }
        // Revisions of one page: each until the next; two without a date, or on one date, are
        // ambiguous.
        for i in 0..out.len() {
            let same: Vec<usize> = (0..out.len()).filter(|&j| out[j].page == out[i].page).collect();
            if same.len() > 1 && out[i].from.is_none() {
                let (f, t) = tables[i];
                self.err(
                    f,
                    t.id.span(),
                    format!(
                        "table `{}` is a revision of `{}` but has no `from` date",
                        t.id.get_ref(),
                        out[i].page
                    ),
                )
                .notes
                .push("the revisions of a page are in force one after another: give each its date".into());
            }
            let next = same
                .iter()
                .filter(|&&j| j != i && out[j].from.is_some() && out[j].from >= out[i].from)
                .filter_map(|&j| out[j].from.map(|d| (d, j)))
                .min();
            if let Some((d, j)) = next {
                if Some(d) == out[i].from {
                    if j > i {
                        let (f, t) = tables[j];
                        self.err(
                            f,
                            t.id.span(),
                            format!(
                                "tables `{}` and `{}` revise `{}` on the same date",
                                out[i].id, out[j].id, out[i].page
                            ),
                        );
                    }
                } else {
                    out[i].until = Some(d);
                }
            }
            out[i].first = same
                .iter()
                .all(|&j| out[j].from >= out[i].from || out[i].from.is_none());
        }
        for (o, (f, d)) in owner.iter().zip(deployments) {
            if o.is_none() && index.deployments.contains_key(d.id.get_ref()) {
                self.err(*f, d.id.span(), format!("column `{}` is in no table", d.id.get_ref()))
                    .notes
                    .push("list it in the `columns` of a `[[table]]`, in the order of its source".into());
            }
        }
        out
    }

    /// The table a row belongs to: the one it names, or the one table that lists its feature.
    fn table_of(
        &mut self,
        file: usize,
        row: &raw::Row,
        listed: &HashMap<String, Vec<(usize, usize)>>,
        claims: &HashMap<(String, String), usize>,
        tables: &[Table],
        index: &Index,
    ) -> Option<usize> {
        // The tables that list the feature, but for those another row of it names (this row,
        // without a `table`, names none).
        let feature = row.feature.get_ref();
        let claimed = |t: &str| claims.get(&(feature.clone(), t.to_owned())).is_some_and(|&n| n > 0);
        let listing: Vec<usize> = listed
            .get(feature)
            .map(|at| at.iter().map(|&(ti, _)| ti).collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .filter(|&t| row.table.is_some() || !claimed(&tables[t].id))
            .collect();
        if let Some(name) = &row.table {
            let t = self.resolve(file, name, "table", &index.tables)?;
            if !listing.contains(&t) {
                self.err(
                    file,
                    name.span(),
                    format!("table `{}` does not list `{}`", tables[t].id, row.feature.get_ref()),
                )
                .notes
                .push("add the feature to the table's `rows`, where the source prints it".into());
                return None;
            }
            return Some(t);
        }
        match listing.as_slice() {
            [t] => Some(*t),
            [] => {
                self.err(
                    file,
                    row.feature.span(),
                    format!("no table lists `{}`", row.feature.get_ref()),
                )
                .notes
                .push("a row belongs to a support table: add the feature to the `rows` of its `[[table]]`".into());
                None
            }
            _ => {
                self.err(
                    file,
                    row.feature.span(),
                    format!(
                        "several tables list `{}`: say which with `table = …`",
                        row.feature.get_ref()
                    ),
                );
                None
            }
        }
    }

    /// Two facts that cover the same topology and disagree (one allows what the other
    /// forbids) are an error, unless a `[[conflict]]` declares it for the feature there: cells
    /// of two overlapping columns, rows of tables in force at once, and statements.
    fn disagreements(
        &mut self,
        kb: &KnowledgeBase,
        row_at: &[(usize, Range<usize>)],
        statement_at: &[(usize, Range<usize>)],
    ) {
        let u = &kb.universe;
        // What a fact allows and forbids.
        let sides = |when: &Region, s: &Support| -> (Region, Region) {
            match s {
                Support::Yes | Support::Qualified { .. } => (when.clone(), Region::empty()),
                Support::No => (Region::empty(), when.clone()),
                Support::Conditional { requires, .. } => {
                    (when.intersect(u, &requires.region), when.subtract(u, &requires.region))
                }
            }
        };
        let declared = |feature: usize, clash: &Region| {
            kb.conflicts.iter().any(|c| {
                c.features.contains(&feature)
                    && c.when.as_ref().is_none_or(|w| !w.region.intersect(u, clash).is_empty())
            })
        };
        let clash_of = |a: (Region, Region), b: (Region, Region)| -> Region {
            a.0.intersect(u, &b.1).union(u, &a.1.intersect(u, &b.0))
        };
        let where_ = |clash: &Region| {
            clash
                .cubes()
                .first()
                .map_or_else(String::new, |c| crate::kb::describe_cube(kb, c))
        };
        // Cells: every pair of columns of a row, and rows of one feature in tables in force together.
        let mut cells: Vec<(usize, usize, usize)> = Vec::new(); // (feature, row, column index)
        for (ri, row) in kb.rows.iter().enumerate() {
            for ci in 0..row.cells.len() {
                cells.push((row.feature, ri, ci));
            }
        }
        let overlap_in_time = |a: &crate::kb::Table, b: &crate::kb::Table| {
            if a.page == b.page && a.id != b.id {
                return false;
            }
            let start = |t: &crate::kb::Table| if t.first { None } else { t.from };
            let (sa, sb) = (start(a), start(b));
            let s = sa.max(sb);
            let e = match (a.until, b.until) {
                (Some(x), Some(y)) => Some(x.min(y)),
                (x, None) => x,
                (None, y) => y,
            };
            e.is_none_or(|e| s.is_none_or(|s| s < e))
        };
        let mut reported: Vec<(usize, usize)> = Vec::new();
        // Only cells of one feature can disagree: compare within each feature's cells.
        let mut by_feature: HashMap<usize, Vec<(usize, usize, usize)>> = HashMap::default();
        for &c in &cells {
            by_feature.entry(c.0).or_default().push(c);
        }
        let mut groups: Vec<&Vec<(usize, usize, usize)>> = by_feature.values().collect();
        groups.sort_by_key(|g| g[0]);
        for (i, &(fa, ra, ca), group) in groups
            .iter()
            .flat_map(|g| g.iter().enumerate().map(move |(i, c)| (i, c, *g)))
        {
            for &(fb, rb, cb) in &group[i + 1..] {
                if fa != fb || reported.contains(&(ra, rb)) {
                    continue;
                }
                let (rowa, rowb) = (&kb.rows[ra], &kb.rows[rb]);
                let (ta, tb) = (&kb.tables[rowa.table], &kb.tables[rowb.table]);
                if !(ra == rb || overlap_in_time(ta, tb)) {
                    continue;
                }
                let (da, db) = (&kb.deployments[ta.columns[ca]], &kb.deployments[tb.columns[cb]]);
                let clash = clash_of(
                    sides(&da.when.region, &rowa.cells[ca]),
                    sides(&db.when.region, &rowb.cells[cb]),
                );
                if clash.is_empty() || declared(fa, &clash) {
                    continue;
                }
                reported.push((ra, rb));
                let (file, span) = row_at[rb].clone();
                self.err(
                    file,
                    span,
                    format!(
                        "`{}` gives `{}` in column `{}` and `{}` in column `{}`, and both cover {}",
                        kb.features[fa].id,
                        rowa.cells[ca].cell_text(),
                        da.id,
                        rowb.cells[cb].cell_text(),
                        db.id,
                        where_(&clash)
                    ),
                )
                .notes
                .push(format!(
                    "make the columns' `when` not overlap, or, if the sources disagree, declare it with a `[[conflict]]` whose `features` include `{}`",
                    kb.features[fa].id
                ));
            }
        }
        let mut statements_of: HashMap<usize, Vec<usize>> = HashMap::default();
        for (i, s) in kb.statements.iter().enumerate() {
            statements_of.entry(s.feature).or_default().push(i);
        }
        let mut pairs: Vec<(usize, usize)> = statements_of
            .values()
            .flat_map(|ix| {
                ix.iter()
                    .enumerate()
                    .flat_map(move |(k, &i)| ix[k + 1..].iter().map(move |&j| (i, j)))
            })
            .collect();
        pairs.sort_unstable();
        for (i, j) in pairs {
            let (a, b) = (&kb.statements[i], &kb.statements[j]);
            {
                // Facts of one feature in force at some same date.
                let together = a
                    .from
                    .max(b.from)
                    .is_none_or(|s| [a.until, b.until].into_iter().flatten().min().is_none_or(|e| s < e));
                if a.feature != b.feature || !together {
                    continue;
                }
                let clash = clash_of(sides(&a.when.region, &a.support), sides(&b.when.region, &b.support));
                if clash.is_empty() || declared(a.feature, &clash) {
                    continue;
                }
                let (file, span) = statement_at[j].clone();
                self.err(
                    file,
                    span,
                    format!(
                        "statements `{}` and `{}` disagree on `{}` for {}",
                        a.id,
                        b.id,
                        kb.features[a.feature].id,
                        where_(&clash)
                    ),
                )
                .notes
                .push(format!(
                    "narrow one's `when`, or, if the sources disagree, declare it with a `[[conflict]]` whose `features` include `{}`",
                    kb.features[a.feature].id
                ));
            }
        }
    }

    fn cycle(
        &mut self,
        cycle: &[Node],
        features: &[At<&raw::Feature>],
        steps: &[At<&raw::Step>],
        features_out: &[Feature],
        steps_out: &[Step],
    ) {
        let name = |n: &Node| match *n {
            Node::Feature(i) => format!("feature `{}`", features_out[i].id),
            Node::Step(i) => format!("step `{}`", steps_out[i].id),
            other => format!("{other:?}"),
        };
        let mut path: Vec<String> = cycle.iter().map(name).collect();
        if let Some(first) = path.first().cloned() {
            path.push(first);
        }
        let (file, span, what) = match cycle.first() {
            Some(Node::Feature(i)) => (features[*i].0, features[*i].1.id.span(), "requires"),
            Some(Node::Step(i)) => (steps[*i].0, steps[*i].1.id.span(), "must come after"),
            _ => return,
        };
        let d = Diagnostic::new(format!("requirement cycle: {}", path.join(" → ")))
            .at(file, span)
            .label(format!("this {what} itself, through the cycle"))
            .note("requirements and step order must form no cycle; remove one of the links");
        self.diags.push(d);
    }

    // ---------------------------------------------------------------- helpers

    /// Index ids of one kind, reporting empty and duplicate ones.
    fn ids<'a>(&mut self, kind: &str, ids: impl Iterator<Item = (usize, &'a Str)>) -> HashMap<String, usize> {
        let mut map: HashMap<String, usize> = HashMap::default();
        let mut first: HashMap<String, (usize, Range<usize>)> = HashMap::default();
        for (i, (f, id)) in ids.enumerate() {
            let text = id.get_ref();
            if text.trim().is_empty() {
                self.err(f, id.span(), format!("empty {kind} id"));
                continue;
            }
            if let Some((pf, ps)) = first.get(text) {
                let (line, col) = crate::diag::line_col(&self.files[*pf].text, ps.start);
                let d = Diagnostic::new(format!("duplicate {kind} id `{text}`"))
                    .at(f, id.span())
                    .label("defined again here")
                    .note(format!("first defined at {}:{line}:{col}", self.files[*pf].name));
                self.diags.push(d);
                continue;
            }
            first.insert(text.clone(), (f, id.span()));
            map.insert(text.clone(), i);
        }
        map
    }

    fn resolve(&mut self, file: usize, name: &Str, kind: &str, map: &HashMap<String, usize>) -> Option<usize> {
        if let Some(&i) = map.get(name.get_ref()) {
            return Some(i);
        }
        if self.broken_ids.contains(name.get_ref()) {
            return None;
        }
        let d = Diagnostic::new(format!("unknown {kind} `{}`", name.get_ref()))
            .at(file, name.span())
            .label(format!("no {kind} has this id"))
            .suggest(did_you_mean(name.get_ref(), map.keys().map(String::as_str)));
        self.diags.push(d);
        None
    }

    fn cites(&mut self, file: usize, cites: &[raw::Cite], sources: &HashMap<String, usize>, owner: &Str) -> Vec<Cite> {
        if cites.is_empty() {
            let span = owner.span();
            self.err(file, span, format!("`{}` cites no source", owner.get_ref()))
                .notes
                .push(
                    "every fact cites its source: `sources = [{ doc = \"…\", section = \"…\", quote = \"…\" }]`".into(),
                );
        }
        cites
            .iter()
            .filter_map(|c| {
                if c.quote.trim().is_empty() {
                    self.err(file, c.doc.span(), "a citation with an empty quote");
                }
                Some(Cite {
                    doc: self.resolve(file, &c.doc, "source", sources)?,
                    section: c.section.clone(),
                    quote: c.quote.clone(),
                    english: c.english.clone(),
                    inferred: c.inferred.clone(),
                })
            })
            .collect()
    }

    fn names(&mut self, file: usize, a: &raw::Aliases) -> Names {
        let mut check = |v: &[Str]| -> Vec<String> {
            v.iter()
                .filter_map(|s| {
                    if s.get_ref().trim().is_empty() {
                        self.err(file, s.span(), "empty alias");
                        None
                    } else {
                        Some(s.get_ref().clone())
                    }
                })
                .collect()
        };
        Names {
            en: check(&a.en),
            fr: check(&a.fr),
            zh: check(&a.zh),
        }
    }

    fn date(&mut self, file: usize, d: &Spanned<toml::value::Datetime>) -> Option<Date> {
        let dt = d.get_ref();
        match (dt.date, dt.time, dt.offset) {
            (Some(date), None, None) => {
                match Date::new(
                    i16::try_from(date.year).unwrap_or(i16::MAX),
                    date.month as i8,
                    date.day as i8,
                ) {
                    Ok(x) => Some(x),
                    Err(e) => {
                        self.err(file, span_of(d), format!("impossible date: {e}"));
                        None
                    }
                }
            }
            _ => {
                self.err(file, span_of(d), format!("`{dt}` is not a plain date"))
                    .notes
                    .push("write dates as YYYY-MM-DD, without a time".into());
                None
            }
        }
    }

    fn cell(&mut self, file: usize, cell: &Spanned<raw::Cell>, cx: &CondCx<'_>) -> Option<Support> {
        match cell.get_ref() {
            raw::Cell::Plain(s) => match s.as_str() {
                "Y" => Some(Support::Yes),
                "N" => Some(Support::No),
                other => {
                    let mut d = Diagnostic::new(format!("unknown cell value `{other}`"))
                        .at(file, cell.span())
                        .label("`Y`, `N`, or a table with `text`, `condition` and `requires`");
                    if other == "v" {
                        d = d.note("the French table writes `v` for `Y`; write `Y`");
                    }
                    self.diags.push(d);
                    None
                }
            },
            raw::Cell::Conditional(c) => {
                if c.text != format!("Y ({})", c.condition) {
                    self.err(
                        file,
                        cell.span(),
                        format!(
                            "the cell text `{}` does not match its condition `{}`",
                            c.text, c.condition
                        ),
                    )
                    .notes
                    .push(format!(
                        "write `text = \"Y ({})\"`, or correct `condition`",
                        c.condition
                    ));
                }
                // Point at the condition's string inside the inline table.
                let text = &self.files[file].text;
                let span = cell.span();
                let inner = text
                    .get(span.clone())
                    .and_then(|t| t.find(&c.requires))
                    .map_or(span.clone(), |i| {
                        span.start + i - 1..span.start + i + c.requires.len() + 1
                    });
                let requires = Spanned::new(inner, c.requires.clone());
                let requires = self.condition(file, &requires, cx)?;
                Some(Support::Conditional {
                    text: c.text.clone(),
                    condition: c.condition.clone(),
                    requires,
                })
            }
        }
    }

    /// Parse, check and compile a condition.
    fn condition(&mut self, file: usize, text: &Str, cx: &CondCx<'_>) -> Option<Condition> {
        let raw_text = &self.files[file].text;
        let base = text.span().start + quote_width(raw_text, text.span().start);
        let expr = match expr::parse(text.get_ref()) {
            Ok(e) => e,
            Err(e) => {
                let at = base + e.offset;
                self.err(file, at..at + 1, format!("invalid condition: expected {}", e.expected))
                    .notes
                    .push("see grammar/CONDITIONS.md".into());
                return None;
            }
        };
        let before = self.diags.len();
        self.check_names(file, base, &expr, cx);
        if self.diags.len() > before {
            return None;
        }
        let region = cx.compile(&expr);
        Some(Condition {
            text: text.get_ref().clone(),
            expr,
            region,
        })
    }

    fn check_names(&mut self, file: usize, base: usize, e: &Expr, cx: &CondCx<'_>) {
        let mut stack = vec![e];
        while let Some(e) = stack.pop() {
            match e {
                Expr::True => {}
                Expr::And(v) | Expr::Or(v) => stack.extend(v),
                Expr::Not(x) => stack.push(x),
                Expr::Compare { role, .. } => {
                    self.check_role(file, base, role, cx);
                }
                Expr::In { subject, values, .. } => {
                    let Some(role) = self.check_role(file, base, subject.role(), cx) else {
                        continue;
                    };
                    for v in values {
                        let span = base + v.span.start..base + v.span.end;
                        match subject {
                            Subject::Deployment(_) => {
                                if !cx.index.modes.contains_key(&v.text) {
                                    let d = Diagnostic::new(format!("unknown deployment mode `{}`", v.text))
                                        .at(file, span)
                                        .suggest(did_you_mean(&v.text, cx.index.modes.keys().map(String::as_str)));
                                    self.diags.push(d);
                                }
                            }
                            Subject::Role(r) => {
                                let roles = cx.value_role(&v.text);
                                match roles {
                                    None if self.broken_ids.contains(&v.text) => {}
                                    None => {
                                        let names = cx
                                            .products
                                            .iter()
                                            .filter(|p| p.role == role)
                                            .map(|p| p.id.as_str())
                                            .chain(
                                                cx.families.iter().filter(|f| f.role == role).map(|f| f.id.as_str()),
                                            );
                                        let d = Diagnostic::new(format!("unknown product or family `{}`", v.text))
                                            .at(file, span)
                                            .label(format!("not a product of role `{}`", r.text))
                                            .suggest(did_you_mean(&v.text, names));
                                        self.diags.push(d);
                                    }
                                    Some(vr) if vr != role => {
                                        let d = Diagnostic::new(format!(
                                            "`{}` is not a product of role `{}`",
                                            v.text, r.text
                                        ))
                                        .at(file, span)
                                        .label("never true: wrong role");
                                        self.diags.push(d);
                                    }
                                    Some(_) => {}
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    fn check_role(&mut self, file: usize, base: usize, name: &expr::Name, cx: &CondCx<'_>) -> Option<usize> {
        if let Some(&r) = cx.index.roles.get(&name.text) {
            return Some(r);
        }
        if self.broken_ids.contains(&name.text) {
            return None;
        }
        let d = Diagnostic::new(format!("unknown role `{}`", name.text))
            .at(file, base + name.span.start..base + name.span.end)
            .label("not a role")
            .suggest(did_you_mean(&name.text, cx.index.roles.keys().map(String::as_str)));
        self.diags.push(d);
        None
    }
}

/// What compiling a condition needs to know.
struct CondCx<'a> {
    index: &'a Index,
    products: &'a [Product],
    families: &'a [Family],
    universe: &'a Universe,
}

impl CondCx<'_> {
    fn always(&self) -> Condition {
        Condition {
            text: "true".into(),
            expr: Expr::True,
            region: Region::from_cube(self.universe, self.universe.full()),
        }
    }

    /// The role of a product or family id.
    fn value_role(&self, id: &str) -> Option<usize> {
        if let Some(&p) = self.index.products.get(id) {
            return Some(self.products[p].role);
        }
        self.index.families.get(id).map(|&f| self.families[f].role)
    }

    /// The products a list of ids denotes, families expanded.
    fn products_of(&self, values: &[expr::Name]) -> Vec<usize> {
        let mut out = Vec::new();
        for v in values {
            if let Some(&p) = self.index.products.get(&v.text) {
                out.push(p);
            } else if let Some(&f) = self.index.families.get(&v.text) {
                out.extend(&self.families[f].members);
            }
        }
        out
    }

    /// The set of topologies where a condition holds.
    fn compile(&self, e: &Expr) -> Region {
        self.compile_signed(e, false)
    }

    fn compile_signed(&self, e: &Expr, negate: bool) -> Region {
        let u = self.universe;
        match e {
            Expr::True => {
                if negate {
                    Region::empty()
                } else {
                    Region::from_cube(u, u.full())
                }
            }
            Expr::Not(x) => self.compile_signed(x, !negate),
            Expr::And(v) | Expr::Or(v) => {
                // De Morgan: a negated `and` is an `or` of negations.
                let conjunction = matches!(e, Expr::And(_)) != negate;
                let mut parts = v.iter().map(|x| self.compile_signed(x, negate));
                let first = parts.next().unwrap_or_default();
                parts.fold(first, |acc, r| {
                    if conjunction {
                        acc.intersect(u, &r)
                    } else {
                        acc.union(u, &r)
                    }
                })
            }
            Expr::In {
                subject,
                values,
                negated,
                ..
            } => {
                let Some(&role) = self.index.roles.get(&subject.role().text) else {
                    return Region::empty();
                };
                let matching: Vec<usize> = match subject {
                    Subject::Role(_) => self.products_of(values),
                    Subject::Deployment(_) => {
                        let modes: Vec<usize> = values
                            .iter()
                            .filter_map(|v| self.index.modes.get(&v.text).copied())
                            .collect();
                        self.role_products(role)
                            .filter(|&p| self.products[p].deployment.is_some_and(|d| modes.contains(&d)))
                            .collect()
                    }
                };
                self.set(role, &matching, *negated != negate)
            }
            Expr::Compare { role, op, version } => {
                let Some(&role) = self.index.roles.get(&role.text) else {
                    return Region::empty();
                };
                let matching: Vec<usize> = self
                    .role_products(role)
                    .filter(|&p| self.products[p].version.is_some_and(|v| op.holds(v, *version)))
                    .collect();
                self.set(role, &matching, negate)
            }
        }
    }

    fn role_products(&self, role: usize) -> impl Iterator<Item = usize> + '_ {
        self.universe.role_products(role).ones()
    }

    fn set(&self, role: usize, products: &[usize], complement: bool) -> Region {
        let u = self.universe;
        let cube: Cube = if complement {
            u.restrict_except(role, products.iter().copied())
        } else {
            u.restrict(role, products.iter().copied())
        };
        Region::from_cube(u, cube)
    }
}

/// Drop the key of a table (at any depth) whose key or value is at `span`. Returns whether
/// something was removed.
fn remove_key_at(item: &mut Spanned<DeValue<'_>>, span: &Range<usize>) -> bool {
    fn walk(v: &mut DeValue<'_>, span: &Range<usize>) -> bool {
        match v {
            DeValue::Table(t) => {
                let hit = t
                    .iter()
                    .find(|(k, v)| k.span() == *span || v.span() == *span)
                    .map(|(k, _)| k.get_ref().clone());
                if let Some(k) = hit {
                    t.remove(k.as_ref());
                    return true;
                }
                t.iter_mut().any(|(_, v)| {
                    let s = v.span();
                    s.start <= span.start && span.end <= s.end && walk(v.get_mut(), span)
                })
            }
            DeValue::Array(a) => a.iter_mut().any(|v| {
                let s = v.span();
                s.start <= span.start && span.end <= s.end && walk(v.get_mut(), span)
            }),
            _ => false,
        }
    }
    walk(item.get_mut(), span)
}

/// How many characters open the string token at `at`: 3 for `"""`/`'''`, else 1.
fn quote_width(text: &str, at: usize) -> usize {
    let rest = text.get(at..).unwrap_or("");
    if rest.starts_with("\"\"\"") || rest.starts_with("'''") {
        3
    } else {
        usize::from(rest.starts_with('"') || rest.starts_with('\''))
    }
}

/// The first line of a span: a whole table is shown by its first line.
fn header_span(text: &str, span: Range<usize>) -> Range<usize> {
    let start = span.start.min(text.len());
    let end = text[start..]
        .find('\n')
        .map_or(span.end, |i| start + i)
        .min(span.end.max(start));
    start..end
}

/// The span of `key` inside an inline table at `within`, or the table's first line.
fn key_span(text: &str, within: Range<usize>, key: &str) -> Range<usize> {
    let start = within.start.min(text.len());
    let end = within.end.min(text.len());
    text.get(start..end).and_then(|s| s.find(key)).map_or_else(
        || header_span(text, within.clone()),
        |i| start + i..start + i + key.len(),
    )
}

/// Products that answers cannot speak of: those no column of a current table, no
/// statement and no rule names (every feature answers `unknown` with them), and those of a
/// role the tables' columns divide that are in no column (the table's features answer
/// `unknown` with them, but for what statements say).
fn coverage(kb: &KnowledgeBase, products: &[At<&raw::Product>]) -> Vec<Diagnostic> {
    use crate::bits::Bits;
    let u = &kb.universe;
    let n = kb.products.len();
    // The latest revision of each table.
    let tables: Vec<&Table> = kb.tables.iter().filter(|t| t.until.is_none()).collect();
    // The products a region names: those its cubes allow in a role they restrict. Each set is
    // made once, so that the check grows with the data, not with its square.
    let named = |regions: &mut dyn Iterator<Item = &Region>| -> Bits {
        let mut set = Bits::with_capacity(n);
        for region in regions {
            for c in region.cubes() {
                for role in 0..kb.roles.len() {
                    if !u.is_free(c, role) {
                        // Bit sets, not products one by one: a rule "not this client"
                        // allows thousands.
                        let mut part = c.bits().clone();
                        part.intersect_with(u.role_products(role));
                        set.union_with(&part);
                    }
                }
            }
        }
        set
    };
    let columns_of = |ts: &[&Table]| -> Vec<usize> { ts.iter().flat_map(|t| t.columns.iter().copied()).collect() };
    let current_columns = columns_of(&tables);
    let in_columns = named(&mut current_columns.iter().map(|&d| &kb.deployments[d].when.region));
    let restricts = |region: &Region, role: usize| region.cubes().iter().any(|c| !u.is_free(c, role));
    let divided: Vec<bool> = (0..kb.roles.len())
        .map(|role| {
            current_columns
                .iter()
                .any(|&d| restricts(&kb.deployments[d].when.region, role))
        })
        .collect();
    let restricted: Vec<bool> = (0..kb.roles.len())
        .map(|role| {
            kb.deployments.iter().any(|d| restricts(&d.when.region, role))
                || kb.statements.iter().any(|s| restricts(&s.when.region, role))
                || kb.rules.iter().any(|r| restricts(&r.requires.region, role))
        })
        .collect();
    // The features some statement answers with each product.
    let mut stated: Vec<Vec<usize>> = vec![Vec::new(); n];
    for st in &kb.statements {
        for p in named(&mut std::iter::once(&st.when.region)).ones() {
            stated[p].push(st.feature);
        }
    }
    // The features a rule rules out for each product: where it applies and no cube of what it
    // requires allows the product.
    let mut ruled_out = stated.clone();
    let mut spoken = named(
        &mut kb
            .rules
            .iter()
            .flat_map(|r| std::iter::once(&r.requires.region).chain(r.when.as_ref().map(|w| &w.region))),
    );
    spoken.union_with(&in_columns);
    for r in &kb.rules {
        let mut allowed = Bits::with_capacity(n);
        for c in r.requires.region.cubes() {
            allowed.union_with(c.bits());
        }
        let mut applies = Bits::with_capacity(n);
        match &r.when {
            None => applies.insert_all(),
            Some(w) => {
                for c in w.region.cubes() {
                    applies.union_with(c.bits());
                }
            }
        }
        applies.difference_with(&allowed);
        for p in applies.ones() {
            ruled_out[p].extend(&r.features);
        }
    }
    let place: HashMap<&str, (usize, Range<usize>)> = products
        .iter()
        .map(|(f, x)| (x.id.get_ref().as_str(), (*f, x.id.span())))
        .collect();
    let mut out = Vec::new();
    for (p, prod) in kb.products.iter().enumerate() {
        let role = prod.role;
        // A retired product is answered: it no longer works.
        if kb.lifecycle.iter().any(|l| l.product == p && l.retired.is_some()) {
            continue;
        }
        let stated = &ruled_out[p];
        let in_column = |_: &&Table| in_columns.contains(p);
        let divided = divided[role];
        let ruled = !stated.is_empty() || spoken.contains(p);
        let restricted = restricted[role];
        let (f, at) = place.get(prod.id.as_str()).cloned().unwrap_or((0, 0..0));
        if divided && !tables.iter().any(in_column) {
            let open: Vec<&str> = tables
                .iter()
                .flat_map(|t| &t.rows)
                .map(|&r| kb.rows[r].feature)
                .filter(|fe| !stated.contains(fe))
                .map(|fe| kb.features[fe].id.as_str())
                .collect();
            if open.is_empty() {
                continue;
            }
            let dividing: Vec<&&Table> = tables
                .iter()
                .filter(|t| {
                    t.columns
                        .iter()
                        .any(|&d| restricts(&kb.deployments[d].when.region, role))
                })
                .collect();
            let which = if dividing.len() <= 3 {
                dividing
                    .iter()
                    .map(|t| format!("table `{}`", t.id))
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                format!("the {} current tables whose columns name its role", dividing.len())
            };
            out.push(
                Diagnostic::new(format!(
                    "product `{}` is in no column of {which}: with it, {} of the table's features answer `unknown`",
                    prod.id,
                    open.len()
                ))
                .at(f, at)
                .warning()
                .note("add a column (or a later revision of the table) that covers it, or statements for its features"),
            );
        } else if restricted && !divided && !ruled && !tables.iter().any(in_column) {
            out.push(
                Diagnostic::new(format!("no column, statement or rule speaks of product `{}`", prod.id))
                    .at(f, at)
                    .warning()
                    .note("every question with it answers `unknown`"),
            );
        }
    }
    out
}
