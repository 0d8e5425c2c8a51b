//! `interop plan`, `check`, `diff` and `graph`: the documents and checks built on the engine.
//! Output files are written whole or not at all (a temporary file in the same directory,
//! renamed into place), and an existing file is kept unless `--force`.

use std::io::Write as _;
use std::path::Path;

use interop::diag::{Diagnostic, SourceText, did_you_mean};
use interop::engine;
use interop::env::{self, Environment};
use interop::kb::KnowledgeBase;
use interop::names::NameIndex;
use interop::plan;
use interop::query::{self, Kind, Question};
use interop::views;

use crate::{AnswerFormat, Ctx, GraphFormat, Outcome, PlanFormat, render_answer, report, today};

/// Read an environment file; a problem is reported with its place.
fn read_env(kb: &KnowledgeBase, ctx: &Ctx, index: &NameIndex, path: &Path) -> Result<Environment, Outcome> {
    let name = path.display().to_string();
    let text = match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let files = [SourceText::new(name, text)];
                report(
                    ctx,
                    &files,
                    &[Diagnostic::new("the environment file is not valid UTF-8").at(0, at..at)],
                );
                return Err(Outcome::BadInput);
            }
        },
        Err(e) => {
            report(
                ctx,
                &[],
                &[Diagnostic::new(format!(
                    "cannot read the environment file `{name}`: {e}"
                ))],
            );
            return Err(Outcome::BadInput);
        }
    };
    env::parse(kb, index, &name, &text).map_err(|d| {
        let files = [SourceText::new(name, text)];
        report(ctx, &files, &[d]);
        Outcome::BadInput
    })
}

/// A deployment written as in questions, reported against its own text when it cannot be read.
fn read_topology(kb: &KnowledgeBase, ctx: &Ctx, index: &NameIndex, text: &str) -> Result<Question, Outcome> {
    query::parse_topology(kb, index, text).map_err(|d| {
        let files = [SourceText::new("<topology>".into(), text.to_owned())];
        let d = if d.span.is_some() {
            Diagnostic { file: Some(0), ..d }
        } else {
            d
        };
        report(ctx, &files, &[d]);
        Outcome::BadInput
    })
}

/// Write `content` to `path` whole or not at all; without `force`, never over an existing file.
#[allow(clippy::result_large_err)] // one per command, on the way to the user
fn write_file(path: &Path, content: &str, force: bool) -> Result<(), Diagnostic> {
    let shown = path.display();
    if !force && path.exists() {
        return Err(Diagnostic::new(format!("`{shown}` exists")).note("`--force` replaces it"));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let fail = |e: &dyn std::fmt::Display| Diagnostic::new(format!("cannot write `{shown}`: {e}"));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| fail(&e))?;
    tmp.write_all(content.as_bytes()).map_err(|e| fail(&e))?;
    tmp.as_file().sync_all().map_err(|e| fail(&e))?;
    if force {
        tmp.persist(path).map_err(|e| fail(&e.error))?;
    } else {
        // Atomic even against another writer: no file is replaced.
        tmp.persist_noclobber(path).map_err(|e| fail(&e.error))?;
    }
    Ok(())
}

/// Print to stdout or write the file.
fn emit(ctx: &Ctx, content: String, output: Option<&Path>, force: bool, out: &mut String) -> Outcome {
    match output {
        None => {
            out.push_str(&content);
            Outcome::Success
        }
        Some(path) => match write_file(path, &content, force) {
            Ok(()) => Outcome::Success,
            Err(d) => {
                report(ctx, &[], &[d]);
                Outcome::BadInput
            }
        },
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn plan(
    kb: &KnowledgeBase,
    index: &NameIndex,
    ctx: &Ctx,
    topology: &[String],
    env_file: Option<&Path>,
    as_of: Option<jiff::civil::Date>,
    format: PlanFormat,
    output: Option<&Path>,
    force: bool,
    out: &mut String,
) -> Outcome {
    let as_of = as_of.unwrap_or_else(today);
    let (deployment, environment) = match env_file {
        Some(path) => match read_env(kb, ctx, index, path) {
            Ok(e) => (e.topology.clone(), Some(e)),
            Err(o) => return o,
        },
        None => match read_topology(kb, ctx, index, &topology.join(" ")) {
            Ok(q) => (q, None),
            Err(o) => return o,
        },
    };
    let p = plan::build(kb, &deployment, environment.as_ref(), as_of);
    let content = match format {
        PlanFormat::Md => views::plan::markdown(kb, &p),
        PlanFormat::Html => views::plan::html(kb, &p),
    };
    emit(ctx, content, output, force, out)
}

pub(crate) fn check(
    kb: &KnowledgeBase,
    index: &NameIndex,
    ctx: &Ctx,
    env_file: &Path,
    as_of: Option<jiff::civil::Date>,
    format: AnswerFormat,
    out: &mut String,
) -> Outcome {
    let environment = match read_env(kb, ctx, index, env_file) {
        Ok(e) => e,
        Err(o) => return o,
    };
    let p = plan::build(
        kb,
        &environment.topology,
        Some(&environment),
        as_of.unwrap_or_else(today),
    );
    let (_, fail, undeclared) = p.tally();
    match format {
        AnswerFormat::Json => {
            let checks: Vec<serde_json::Value> = p
                .steps
                .iter()
                .flat_map(|s| {
                    let step = &kb.steps[s.step];
                    s.findings.iter().filter_map(move |(ti, f)| {
                        let t = &step.tests[*ti];
                        f.as_ref().map(|f| {
                            let (result, detail) = match f {
                                env::Finding::Pass => ("pass", None),
                                env::Finding::Fail(w) => ("fail", Some(w.clone())),
                                env::Finding::NotDeclared(w) => ("not-declared", Some(w.clone())),
                            };
                            serde_json::json!({
                                "step": step.id, "test": t.test, "says": t.says, "result": result, "detail": detail,
                                "fix": (if t.fix.is_empty() { &step.configure } else { &t.fix })
                                    .iter().map(|c| serde_json::json!({"shell": c.shell, "run": c.run})).collect::<Vec<_>>(),
                                "sources": step.sources.iter().map(|c| serde_json::json!({
                                    "document": kb.sources[c.doc].id, "url": kb.sources[c.doc].url, "section": c.section(),
                                })).collect::<Vec<_>>(),
                            })
                        })
                    })
                })
                .collect();
            let v = serde_json::json!({
                "schema": views::CHECK_SCHEMA,
                "topology": engine::describe_cube(kb, &p.topology),
                "as_of": p.as_of.to_string(),
                "ok": fail == 0 && undeclared == 0,
                "checks": checks,
            });
            out.push_str(&serde_json::to_string_pretty(&v).unwrap_or_default());
            out.push('\n');
        }
        _ => out.push_str(&views::plan::check_text(kb, &p)),
    }
    if fail == 0 && undeclared == 0 {
        Outcome::Success
    } else {
        Outcome::No
    }
}

/// One side of a diff: an environment file (a path that exists and ends in `.toml`), or a
/// deployment written as in questions.
fn side(kb: &KnowledgeBase, ctx: &Ctx, index: &NameIndex, text: &str) -> Result<Question, Outcome> {
    let path = Path::new(text);
    if path.extension().is_some_and(|x| x == "toml") && path.is_file() {
        return read_env(kb, ctx, index, path).map(|e| e.topology);
    }
    read_topology(kb, ctx, index, text)
}

pub(crate) fn diff(
    kb: &KnowledgeBase,
    index: &NameIndex,
    ctx: &Ctx,
    (from, to): (&str, &str),
    as_of: Option<jiff::civil::Date>,
    format: AnswerFormat,
    out: &mut String,
) -> Outcome {
    let (before, after) = match (side(kb, ctx, index, from), side(kb, ctx, index, to)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(o), _) | (_, Err(o)) => return o,
    };
    // The same engine path as "what changes from … to …?".
    let mut unknown = before.unknown_versions.clone();
    unknown.extend(after.unknown_versions.iter().cloned());
    let q = Question {
        text: format!("what changes from {} to {}", before.text, after.text),
        kind: Kind::Diff,
        features: Vec::new(),
        topology: after.topology,
        from: before.topology,
        unknown_versions: unknown,
        reading: after.reading,
    };
    let a = engine::answer(kb, &q, as_of.unwrap_or_else(today));
    render_answer(kb, ctx, &a, format, out);
    Outcome::Success
}

pub(crate) fn graph(
    kb: &KnowledgeBase,
    ctx: &Ctx,
    feature: Option<&str>,
    format: GraphFormat,
    output: Option<&Path>,
    force: bool,
    out: &mut String,
) -> Outcome {
    let feature = match feature {
        None => None,
        Some(name) => {
            let found = kb.feature(name).or_else(|| {
                let n = name.to_lowercase();
                (0..kb.features.len()).find(|&f| {
                    kb.features[f].name.to_lowercase() == n
                        || kb.features[f].aliases.tagged().any(|(_, a)| a.to_lowercase() == n)
                })
            });
            match found {
                Some(f) => Some(f),
                None => {
                    let d = Diagnostic::new(format!("unknown feature `{name}`"))
                        .suggest(did_you_mean(name, kb.features.iter().map(|f| f.id.as_str())))
                        .note("`interop features` lists them");
                    report(ctx, &[], &[d]);
                    return Outcome::BadInput;
                }
            }
        }
    };
    let dot = views::graph::dot(kb, feature);
    let content = match format {
        GraphFormat::Dot => dot,
        GraphFormat::Svg => {
            let run = std::process::Command::new("dot")
                .arg("-Tsvg")
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .and_then(|mut child| {
                    if let Some(mut stdin) = child.stdin.take() {
                        stdin.write_all(dot.as_bytes())?;
                    }
                    child.wait_with_output()
                });
            match run {
                Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
                Ok(o) => {
                    report(
                        ctx,
                        &[],
                        &[Diagnostic::new(format!(
                            "Graphviz's `dot` failed: {}",
                            String::from_utf8_lossy(&o.stderr).trim()
                        ))],
                    );
                    return Outcome::BadInput;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    report(
                        ctx,
                        &[],
                        &[Diagnostic::new("SVG needs Graphviz's `dot`, which is not installed")
                            .note("install Graphviz (Debian: `apt-get install graphviz`), or use `--format dot`")],
                    );
                    return Outcome::BadInput;
                }
                Err(e) => {
                    report(
                        ctx,
                        &[],
                        &[Diagnostic::new(format!("cannot run Graphviz's `dot`: {e}"))],
                    );
                    return Outcome::BadInput;
                }
            }
        }
    };
    emit(ctx, content, output, force, out)
}
