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
use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;

use jiff::civil::Date;
use serde::de::{DeserializeOwned, IntoDeserializer};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::raw::{self, Str};
use super::{Cite, Feature, Index, KnowledgeBase, Names, Step, Support, Table};
use crate::diag::{Diagnostic, SourceText, did_you_mean};
use crate::graph::Node;
use crate::region::Region;

mod build;
mod condition;

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// Largest data file read, so a stray huge file is an error rather than an exhausted machine.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// From how many bytes of TOML a base is loaded on every core (the shipped one, 0.2 MB, is not).
const LARGE_BASE_BYTES: usize = 1 << 20;

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

/// `work(state, i)` for every `i` below `n`, on `threads` threads (this one among them), each
/// with a state of its own made by `state`; the results in the order of `i`, and the threads'
/// states. Each thread takes the next `i` not yet taken, so that a thread slowed by a busy core
/// leaves more to the others. When no thread can be made, this one does it all.
fn shared_out<S: Send, T: Send>(
    n: usize,
    threads: usize,
    state: &(impl Fn() -> S + Sync),
    work: &(impl Fn(&mut S, usize) -> T + Sync),
) -> (Vec<T>, Vec<S>) {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let run = || {
        let mut s = state();
        let mut done: Vec<(usize, T)> = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if i >= n {
                break;
            }
            done.push((i, work(&mut s, i)));
        }
        (done, s)
    };
    let parts: Vec<(Vec<(usize, T)>, S)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..threads)
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, run).ok())
            .collect();
        let mut parts = vec![run()];
        parts.extend(
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))),
        );
        parts
    });
    let mut done = Vec::with_capacity(n);
    let mut states = Vec::with_capacity(parts.len());
    for (d, s) in parts {
        done.extend(d);
        states.push(s);
    }
    done.sort_unstable_by_key(|(i, _)| *i);
    (done.into_iter().map(|(_, t)| t).collect(), states)
}

/// What reading one data file gave.
enum Read {
    TooLarge(u64),
    Text(Result<String, std::string::FromUtf8Error>),
    Failed(std::io::Error),
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
    // Many files are read on every core; what each holds is then taken in name order.
    let read = |path: &std::path::PathBuf| -> Read {
        match std::fs::metadata(path) {
            Ok(m) if m.len() > MAX_FILE_BYTES => return Read::TooLarge(m.len()),
            _ => {}
        }
        match std::fs::read(path) {
            Ok(bytes) => Read::Text(String::from_utf8(bytes)),
            Err(e) => Read::Failed(e),
        }
    };
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let contents: Vec<Read> = if paths.len() < 64 || threads < 2 {
        paths.iter().map(read).collect()
    } else {
        shared_out(paths.len(), threads, &|| (), &|(), i| read(&paths[i])).0
    };
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    for (path, content) in paths.iter().zip(contents) {
        let name = path.display().to_string();
        match content {
            Read::TooLarge(len) => diagnostics.push(Diagnostic::new(format!(
                "`{name}` is {len} bytes; data files are limited to {MAX_FILE_BYTES} bytes"
            ))),
            Read::Text(Ok(text)) => files.push(SourceText::new(name, text)),
            Read::Text(Err(e)) => {
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
            Read::Failed(e) => diagnostics.push(Diagnostic::new(format!("cannot read `{name}`: {e}"))),
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
        cites_made: 0,
    };
    // Files parse independently: a large base is parsed on every core (each part with its own
    // loader, whose findings are then merged); the shipped one, small, on this thread.
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(files.len());
    let docs: Vec<(usize, raw::Document)> = if !l.large() || threads < 2 {
        files
            .iter()
            .enumerate()
            .map(|(ix, f)| (ix, l.parse_file(ix, &f.text)))
            .collect()
    } else {
        let (docs, parts) = shared_out(files.len(), threads, &|| l.apart(), &|own: &mut Loader<'_>, ix| {
            own.parse_file(ix, &files[ix].text)
        });
        for own in parts {
            l.absorb(own);
        }
        docs.into_iter().enumerate().collect()
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
    /// How many citations have been made: the next one's [`Cite::ix`].
    cites_made: u32,
}

/// One entry of an array and the file it came from.
type At<T> = (usize, T);

fn span_of<T>(s: &Spanned<T>) -> Range<usize> {
    s.span()
}

impl<'f> Loader<'f> {
    /// A loader for part of the work on another thread: what it finds is then taken back
    /// with [`Loader::absorb`]. Its citations are numbered on from this one's: the caller sets
    /// a range apart for them.
    fn apart(&self) -> Loader<'f> {
        Loader {
            whole: self.whole,
            index: false,
            names: None,
            diags: Vec::new(),
            files: self.files,
            broken_ids: self.broken_ids.clone(),
            syntax_errors: false,
            cites_made: self.cites_made,
        }
    }

    /// Whether the base is large enough to be loaded on every core.
    fn large(&self) -> bool {
        self.files.iter().map(|f| f.text.len()).sum::<usize>() >= LARGE_BASE_BYTES
    }

    /// Take back what a loader from [`Loader::apart`] found (not its citation count: that
    /// range was set apart).
    fn absorb(&mut self, other: Loader<'_>) {
        self.diags.extend(other.diags);
        self.broken_ids.extend(other.broken_ids);
        self.syntax_errors |= other.syntax_errors;
    }
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
        // What a fact allows and forbids (a `yes` or `no` fact's own region, not a copy).
        fn sides<'r>(u: &crate::region::Universe, when: &'r Region, s: &Support) -> (Cow<'r, Region>, Cow<'r, Region>) {
            match s {
                Support::Yes | Support::Qualified { .. } => (Cow::Borrowed(when), Cow::Owned(Region::empty())),
                Support::No => (Cow::Owned(Region::empty()), Cow::Borrowed(when)),
                Support::Conditional { requires, .. } => (
                    Cow::Owned(when.intersect(u, &requires.region)),
                    Cow::Owned(when.subtract(u, &requires.region)),
                ),
            }
        }
        let declared = |feature: usize, clash: &Region| {
            kb.conflicts.iter().any(|c| {
                c.features.contains(&feature)
                    && c.when.as_ref().is_none_or(|w| !w.region.intersect(u, clash).is_empty())
            })
        };
        let clash_of = |a: (Cow<'_, Region>, Cow<'_, Region>), b: (Cow<'_, Region>, Cow<'_, Region>)| -> Region {
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
                    sides(u, &da.when.region, &rowa.cells[ca]),
                    sides(u, &db.when.region, &rowb.cells[cb]),
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
                let clash = clash_of(
                    sides(u, &a.when.region, &a.support),
                    sides(u, &b.when.region, &b.support),
                );
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
        let mut map: HashMap<String, usize> = HashMap::with_capacity_and_hasher(ids.size_hint().0, Default::default());
        // Where each id is, by its number: a duplicate says where the first one was.
        let mut at: Vec<(usize, Range<usize>)> = Vec::with_capacity(ids.size_hint().0);
        for (i, (f, id)) in ids.enumerate() {
            at.push((f, id.span()));
            let text = id.get_ref();
            if text.trim().is_empty() {
                self.err(f, id.span(), format!("empty {kind} id"));
                continue;
            }
            if let Some(&first) = map.get(text.as_str()) {
                let (pf, ps) = &at[first];
                let (line, col) = crate::diag::line_col(&self.files[*pf].text, ps.start);
                let d = Diagnostic::new(format!("duplicate {kind} id `{text}`"))
                    .at(f, id.span())
                    .label("defined again here")
                    .note(format!("first defined at {}:{line}:{col}", self.files[*pf].name));
                self.diags.push(d);
                continue;
            }
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
                let doc = self.resolve(file, &c.doc, "source", sources)?;
                self.cites_made += 1;
                Some(Cite::new(
                    self.cites_made - 1,
                    doc,
                    &c.section,
                    &c.quote,
                    c.english.as_deref(),
                    c.inferred.as_deref(),
                ))
            })
            .collect()
    }

    fn names<'r>(&mut self, file: usize, a: &'r raw::Aliases) -> Names {
        let mut check = |v: &'r [Str]| -> Vec<&'r str> {
            v.iter()
                .filter_map(|s| {
                    if s.get_ref().trim().is_empty() {
                        self.err(file, s.span(), "empty alias");
                        None
                    } else {
                        Some(s.get_ref().as_str())
                    }
                })
                .collect()
        };
        let (en, fr, zh) = (check(&a.en), check(&a.fr), check(&a.zh));
        Names::new(en, fr, zh)
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
                        set.union_with_meet(c.bits(), u.role_bits(role));
                    }
                }
            }
        }
        u.products_of(&set)
    };
    let columns_of = |ts: &[&Table]| -> Vec<usize> { ts.iter().flat_map(|t| t.columns.iter().copied()).collect() };
    let current_columns = columns_of(&tables);
    let in_columns = named(&mut current_columns.iter().map(|&d| &*kb.deployments[d].when.region));
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
    // The features some statement answers with each product: those its cubes allow in a
    // role they restrict, found in that role's bits alone (a statement names a few products
    // of a large base).
    let mut stated: Vec<Vec<usize>> = vec![Vec::new(); n];
    for st in &kb.statements {
        for c in st.when.region.cubes() {
            for role in (0..kb.roles.len()).filter(|&role| !u.is_free(c, role)) {
                for p in u.allowed(c, role) {
                    // Once for a product two cubes allow.
                    if stated[p].last() != Some(&st.feature) {
                        stated[p].push(st.feature);
                    }
                }
            }
        }
    }
    // The features a rule rules out for each product: where it applies and no cube of what it
    // requires allows the product.
    let mut ruled_out = stated.clone();
    let mut spoken = named(
        &mut kb
            .rules
            .iter()
            .flat_map(|r| std::iter::once(&*r.requires.region).chain(r.when.as_ref().map(|w| &*w.region))),
    );
    spoken.union_with(&in_columns);
    // (Two sets of bits of cubes, cleared for each rule.)
    let (mut allowed, mut applies) = (Bits::with_capacity(n), Bits::with_capacity(n));
    for r in &kb.rules {
        allowed.clear();
        for c in r.requires.region.cubes() {
            allowed.union_with(c.bits());
        }
        match &r.when {
            None => applies.insert_all(),
            Some(w) => {
                applies.clear();
                for c in w.region.cubes() {
                    applies.union_with(c.bits());
                }
            }
        }
        applies.difference_with(&allowed);
        for p in u.products_in(&applies) {
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
