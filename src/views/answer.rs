//! `interop ask`: an answer as text — short by default (the verdict, the reading, one line per
//! deciding reason with a short source reference, the best fix), whole with `--explain` (every
//! reason as a tree with its quotes, the fixes, the prerequisites, the disagreements) — as JSON
//! (product.md's fields, everything whatever the mode), or as Markdown.

use std::fmt::Write as _;

use serde_json::Value;

use crate::engine::{Answer, FeatureAnswer, Outcome, Polarity, Reason, Verdict, describe_cube, describe_set};
use crate::kb::{Cite, KnowledgeBase};
use crate::query::Kind;

/// Colours for the text view; empty strings when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub yes: &'static str,
    pub no: &'static str,
    pub warn: &'static str,
    pub dim: &'static str,
    pub bold: &'static str,
    pub reset: &'static str,
    /// Number the reasons of a short answer, so that the REPL's `why N` can open one.
    pub numbered: bool,
}

impl Style {
    #[must_use]
    pub fn plain() -> Self {
        Style {
            yes: "",
            no: "",
            warn: "",
            dim: "",
            bold: "",
            reset: "",
            numbered: false,
        }
    }

    #[must_use]
    pub fn ansi() -> Self {
        Style {
            yes: "\x1b[32m",
            no: "\x1b[31m",
            warn: "\x1b[33m",
            dim: "\x1b[2m",
            bold: "\x1b[1m",
            reset: "\x1b[0m",
            numbered: false,
        }
    }

    fn verdict(&self, v: Verdict) -> &'static str {
        match v {
            Verdict::Yes => self.yes,
            Verdict::No => self.no,
            Verdict::Conditional | Verdict::Unknown => self.warn,
        }
    }
}

fn outcome_tag(r: &Reason) -> &'static str {
    match (r.outcome, r.polarity) {
        (Outcome::Holds, _) => "[holds]",
        (Outcome::Fails, _) => "[fails]",
        (Outcome::Partly, Polarity::Allows) => "[holds for part]",
        (Outcome::Partly, Polarity::Forbids) => "[fails for part]",
        (Outcome::Partly, Polarity::Both) => "[depends]",
        (Outcome::Note, _) => "[note]",
    }
}

fn topology_text(kb: &KnowledgeBase, a: &Answer) -> String {
    describe_cube(kb, &a.topology)
}

/// The one-line verdict.
fn headline(kb: &KnowledgeBase, a: &Answer, fa: &FeatureAnswer, s: &Style) -> String {
    let ev = &fa.evaluation;
    let name = &kb.features[ev.feature].name;
    let topo = topology_text(kb, a);
    let what = match ev.verdict {
        Verdict::Yes => format!("{name} works with {topo}"),
        Verdict::No => format!("{name} does not work with {topo}"),
        Verdict::Conditional => {
            let mut s = format!("{name} works with {topo}");
            if !ev.conditions.is_empty() {
                s.push_str(&format!(" only if {}", ev.conditions.join(", or if ")));
            }
            for c in &ev.caveats {
                s.push_str(&format!("; {c}"));
            }
            s
        }
        Verdict::Unknown if !a.unknown_versions.is_empty() => format!(
            "the knowledge base does not know {}, so it cannot say whether {name} works with it",
            a.unknown_versions.join(" or ")
        ),
        Verdict::Unknown => format!("no source says whether {name} works with {topo}"),
    };
    format!(
        "{}{}{}{}: {what}",
        s.bold,
        s.verdict(ev.verdict),
        ev.verdict.word(),
        s.reset
    )
}

/// The note for an answer no change of product mends ([`super::NO_FIX`]), as a sentence.
fn no_fix(out: &mut String) {
    // (Capitalised: the note starts with "no".)
    let _ = writeln!(out, "\nNo{}.", &super::NO_FIX[2..]);
}

fn cite_text(kb: &KnowledgeBase, c: &Cite) -> String {
    let src = &kb.sources[c.doc];
    // Where a reader opens it: its public page, else its text in the data.
    let at = src.url.clone().unwrap_or_else(|| format!("sources/{}", src.file));
    let mut s = format!("{} ({at}), “{}”: «{}»", src.id, c.section(), c.quote().trim());
    if let Some(e) = c.english() {
        let _ = write!(s, " — “{}”", e.trim());
    }
    if let Some(how) = c.inferred() {
        let _ = write!(s, " (inferred: {})", how.trim());
    }
    s
}

fn reason_text(kb: &KnowledgeBase, r: &Reason, depth: usize, out: &mut String, s: &Style) {
    let pad = "  ".repeat(depth + 1);
    let color = match r.outcome {
        Outcome::Holds => s.yes,
        Outcome::Fails => s.no,
        Outcome::Partly | Outcome::Note => s.warn,
    };
    let _ = writeln!(out, "{pad}{color}{}{} {}", outcome_tag(r), s.reset, r.says);
    if let Some(h) = &r.here {
        let _ = writeln!(out, "{pad}    here: {h}");
    }
    for c in &r.sources {
        let _ = writeln!(out, "{pad}    {}source: {}{}", s.dim, cite_text(kb, c), s.reset);
    }
    for b in &r.because {
        reason_text(kb, b, depth + 2, out, s);
    }
}

pub(crate) fn change_text(kb: &KnowledgeBase, c: &crate::engine::Change) -> String {
    let role = &kb.roles[c.role].name;
    let to = &kb.products[c.to].name;
    if c.from.is_empty() {
        format!("use {to} as the {role}")
    } else {
        format!("replace {} with {to}", describe_set(kb, c.role, &c.from))
    }
}

/// A change in few words: "Exchange Server 2010 → Exchange Server 2019", "the Lync/SfB client:
/// Skype for Business client".
fn change_short(kb: &KnowledgeBase, c: &crate::engine::Change) -> String {
    let to = &kb.products[c.to].name;
    if c.from.is_empty() {
        format!("{}: {to}", kb.roles[c.role].name)
    } else {
        format!("{} → {to}", describe_set(kb, c.role, &c.from))
    }
}

fn feature_text(kb: &KnowledgeBase, a: &Answer, fa: &FeatureAnswer, s: &Style, out: &mut String) {
    let ev = &fa.evaluation;
    let _ = writeln!(out, "{}", headline(kb, a, fa, s));
    let _ = writeln!(out, "{}as of {}{}", s.dim, a.as_of, s.reset);
    reading_text(a, s, out);
    if !ev.reasons.is_empty() {
        let _ = writeln!(out, "\nWhy:");
        for r in &ev.reasons {
            reason_text(kb, r, 0, out, s);
        }
    }
    if let (Some((f, v)), Some(r)) = (fa.replacement, kb.features[ev.feature].replaced_by.as_ref()) {
        let _ = writeln!(out, "\nInstead: {} → {} ({})", kb.features[f].name, v.word(), r.says);
        for c in &r.sources {
            let _ = writeln!(out, "    {}source: {}{}", s.dim, cite_text(kb, c), s.reset);
        }
    }
    if !fa.suggestions.is_empty() {
        let _ = writeln!(out, "\nTo make it work (smallest changes, each verified):");
        for (i, f) in fa.suggestions.iter().enumerate() {
            let changes: Vec<String> = f.changes.iter().map(|c| change_text(kb, c)).collect();
            let _ = writeln!(out, "  {}. {} → {}", i + 1, changes.join(", then "), f.result.word());
        }
    } else if matches!(ev.verdict, Verdict::No | Verdict::Conditional) && a.unknown_versions.is_empty() {
        no_fix(out);
    }
    // The steps that set it up, where it works (or in full, when asked what is needed).
    let show_steps = a.kind == Kind::Needs || matches!(ev.verdict, Verdict::Yes | Verdict::Conditional);
    if show_steps && !fa.steps.is_empty() {
        let _ = writeln!(out, "\nPrerequisites, in order:");
        for (i, &st) in fa.steps.iter().enumerate() {
            let step = &kb.steps[st];
            let _ = writeln!(out, "  {}. {} ({})", i + 1, step.title, kb.roles[step.on].name);
            if a.kind == Kind::Needs {
                for c in &step.checks {
                    let _ = writeln!(out, "       check: {c}");
                }
                for c in &step.configure {
                    let _ = writeln!(out, "       do ({}): {}", c.shell, c.run);
                }
                for c in &step.verify {
                    let _ = write!(out, "       verify ({}): {}", c.shell, c.run);
                    if let Some(e) = &c.expect {
                        let _ = write!(out, " — expect {e}");
                    }
                    out.push('\n');
                }
            }
        }
    }
    for &ci in &fa.conflicts {
        let c = &kb.conflicts[ci];
        let _ = writeln!(out, "\n{}Sources disagree:{} {}", s.warn, s.reset, c.topic);
        for cl in &c.claims {
            let _ = writeln!(out, "  - {}", cl.says);
            for src in &cl.sources {
                let _ = writeln!(out, "      {}source: {}{}", s.dim, cite_text(kb, src), s.reset);
            }
        }
        let _ = writeln!(out, "  This answer: {}", c.resolution);
    }
    if !fa.limits.is_empty() && ev.verdict != Verdict::No {
        let _ = writeln!(out, "\nLimits:");
        for &li in &fa.limits {
            let l = &kb.limits[li];
            let src = l
                .sources
                .first()
                .map(|c| format!(" ({})", kb.sources[c.doc].id))
                .unwrap_or_default();
            let _ = writeln!(out, "  - {}: {}{src}", l.what, l.value);
        }
    }
}

/// How the question was read: one line with each part and what it was taken as (with the
/// readings of an ambiguous name), then the notes and the words skipped.
fn reading_text(a: &Answer, s: &Style, out: &mut String) {
    let mut parts: Vec<String> = Vec::new();
    for p in &a.reading.parts {
        let ambiguous = a.readings.iter().find(|r| r.text == p.text);
        let mut part = format!(
            "“{}” → {}",
            p.text,
            ambiguous.map_or(p.read_as.as_str(), |r| r.taken.as_str())
        );
        if let Some(r) = ambiguous {
            if r.others.is_empty() {
                part.push_str(" (the other readings give the same answer)");
            } else {
                let others: Vec<String> = r.others.iter().map(|(l, v)| format!("as {l}: {}", v.word())).collect();
                let _ = write!(part, " (read otherwise the answer differs: {})", others.join("; "));
            }
        }
        parts.push(part);
    }
    if !parts.is_empty() {
        let _ = writeln!(out, "{}read:{} {}", s.dim, s.reset, parts.join(" · "));
    }
    if !a.reading.notes.is_empty() {
        let notes: Vec<String> = a
            .reading
            .notes
            .iter()
            .map(|n| format!("“{}”: {}", n.text, n.note))
            .collect();
        let _ = writeln!(out, "{}noted:{} {}", s.dim, s.reset, notes.join(" · "));
    }
    if !a.reading.skipped.is_empty() {
        let words: Vec<String> = a.reading.skipped.iter().map(|n| format!("“{}”", n.text)).collect();
        let _ = writeln!(
            out,
            "{}skipped:{} {} (no name the knowledge base knows)",
            s.dim,
            s.reset,
            words.join(", ")
        );
    }
}

/// A short reference to where a fact is said: the document and the section.
fn cite_short(kb: &KnowledgeBase, cites: &[Cite]) -> String {
    let Some(c) = cites.first() else { return String::new() };
    let mut s = format!("{}, “{}”", kb.sources[c.doc].id, c.section());
    if c.inferred().is_some() {
        s.push_str(" (inferred)");
    }
    if cites.len() > 1 {
        let _ = write!(s, " +{}", cites.len() - 1);
    }
    s
}

fn mark(r: &Reason) -> &'static str {
    match (r.outcome, r.polarity) {
        (Outcome::Holds, _) => "✓",
        (Outcome::Fails, _) => "✗",
        (Outcome::Partly, _) => "?",
        (Outcome::Note, _) => "·",
    }
}

/// The reasons that decide a verdict: what fails for `no`, what depends on the unstated for
/// `conditional`, what makes it work for `yes`, the gap for `unknown`.
fn deciding(ev: &crate::engine::Evaluation) -> Vec<&Reason> {
    let pick = |o: Outcome| ev.reasons.iter().filter(move |r| r.outcome == o);
    let mut out = deciding_all(ev, pick);
    // A required feature that fails only for a reason already given says nothing new.
    let given: Vec<&str> = out
        .iter()
        .filter(|r| r.because.is_empty())
        .map(|r| r.id.as_str())
        .collect();
    out.retain(|r| r.because.is_empty() || !r.because.iter().all(|b| given.contains(&b.id.as_str())));
    out
}

fn deciding_all<'e, I: Iterator<Item = &'e Reason>>(
    ev: &'e crate::engine::Evaluation,
    pick: impl Fn(Outcome) -> I,
) -> Vec<&'e Reason> {
    match ev.verdict {
        Verdict::No => pick(Outcome::Fails).collect(),
        Verdict::Conditional => {
            let partly: Vec<&Reason> = pick(Outcome::Partly).collect();
            if partly.is_empty() {
                // A condition a source puts: the fact that puts it.
                ev.reasons
                    .iter()
                    .filter(|r| r.here.as_deref().is_some_and(|h| h.starts_with("on condition")))
                    .collect()
            } else {
                partly
            }
        }
        Verdict::Yes => pick(Outcome::Holds)
            .filter(|r| r.polarity != Polarity::Forbids)
            .take(2)
            .collect(),
        Verdict::Unknown => {
            let notes: Vec<&Reason> = pick(Outcome::Note).collect();
            if notes.is_empty() {
                pick(Outcome::Partly).collect()
            } else {
                notes
            }
        }
    }
}

fn short_reason(kb: &KnowledgeBase, r: &Reason, number: Option<usize>, pad: &str, out: &mut String, s: &Style) {
    let color = match r.outcome {
        Outcome::Holds => s.yes,
        Outcome::Fails => s.no,
        Outcome::Partly | Outcome::Note => s.warn,
    };
    let n = number
        .filter(|_| s.numbered)
        .map(|n| format!("{n}. "))
        .unwrap_or_default();
    let mut line = format!("{pad}{n}{color}{}{} {}", mark(r), s.reset, r.says);
    if let Some(h) = &r.here {
        let _ = write!(line, " — {h}");
    }
    let src = cite_short(kb, &r.sources);
    if !src.is_empty() && r.because.is_empty() {
        let _ = write!(line, "  {}[{src}]{}", s.dim, s.reset);
    }
    let _ = writeln!(out, "{line}");
    // A required feature that fails: why, one level down.
    for b in r
        .because
        .iter()
        .filter(|b| matches!(b.outcome, Outcome::Fails | Outcome::Partly))
        .take(2)
    {
        short_reason(kb, b, None, &format!("{pad}    "), out, s);
    }
}

fn short_feature(kb: &KnowledgeBase, a: &Answer, fa: &FeatureAnswer, s: &Style, out: &mut String) {
    let ev = &fa.evaluation;
    let _ = writeln!(out, "{}", headline(kb, a, fa, s));
    reading_text(a, s, out);
    let _ = writeln!(out, "{}as of {}{}", s.dim, a.as_of, s.reset);
    if !a.unknown_versions.is_empty() {
        // Nothing is known of the version: nothing else decides.
        let _ = writeln!(
            out,
            "\nWhy:\n  · no source covers {}: the knowledge base does not have it",
            a.unknown_versions.join(" or ")
        );
        return;
    }
    let why = deciding(ev);
    /// At most this many reasons in a short answer.
    const SHOWN: usize = 4;
    if !why.is_empty() {
        let _ = writeln!(out, "\nWhy:");
        for r in why.iter().take(SHOWN) {
            let n = ev.reasons.iter().position(|x| std::ptr::eq(x, *r)).map(|i| i + 1);
            short_reason(kb, r, n, "  ", out, s);
        }
        if why.len() > SHOWN {
            let _ = writeln!(out, "  … and {} more like them", why.len() - SHOWN);
        }
    }
    let mut fixes: Vec<String> = Vec::new();
    if let Some((f, v)) = fa.replacement {
        fixes.push(format!(
            "use {} instead, the documented replacement ⇒ {}",
            kb.features[f].name,
            v.word()
        ));
    }
    fixes.extend(fa.suggestions.iter().map(|f| {
        let changes: Vec<String> = f.changes.iter().map(|c| change_short(kb, c)).collect();
        format!("{} ⇒ {}", changes.join(", "), f.result.word())
    }));
    if let Some((first, rest)) = fixes.split_first() {
        let _ = writeln!(out, "\nFix: {first}");
        if let Some(second) = rest.first() {
            let _ = writeln!(out, " or: {second}");
        }
        if rest.len() > 1 {
            let _ = writeln!(out, "     ({} more with --explain)", rest.len() - 1);
        }
    } else if matches!(ev.verdict, Verdict::No | Verdict::Conditional) && a.unknown_versions.is_empty() {
        no_fix(out);
    }
    if a.kind == Kind::Needs && !fa.steps.is_empty() {
        let _ = writeln!(out, "\nPrerequisites, in order:");
        for (i, &st) in fa.steps.iter().enumerate() {
            let step = &kb.steps[st];
            let _ = writeln!(out, "  {}. {} ({})", i + 1, step.title, kb.roles[step.on].name);
        }
    }
    // Disagreements that bear on this topology in particular; the general ones are counted.
    // Disagreements about the products the question names (every role they are about is
    // stated, and meets them); the others are counted.
    let u = &kb.universe;
    let names_stated = |c: usize| {
        kb.conflicts[c].when.as_ref().is_some_and(|w| {
            w.region.cubes().iter().any(|cube| {
                let about: Vec<usize> = (0..kb.roles.len()).filter(|&r| !u.is_free(cube, r)).collect();
                !about.is_empty()
                    && about.iter().all(|&r| !u.is_free(&a.topology, r))
                    && !u.is_empty(&cube.intersect(&a.topology))
            })
        })
    };
    let (specific, general): (Vec<usize>, Vec<usize>) = fa.conflicts.iter().partition(|&&c| names_stated(c));
    for &ci in &specific {
        let _ = writeln!(
            out,
            "\n{}Sources disagree:{} {}",
            s.warn, s.reset, kb.conflicts[ci].topic
        );
    }
    let mut more: Vec<String> = Vec::new();
    if ev.reasons.len() > why.len() {
        more.push(format!("{} reasons in all, with their quotes", ev.reasons.len()));
    }
    if a.kind != Kind::Needs && !fa.steps.is_empty() && ev.verdict != Verdict::No {
        more.push(format!("{} prerequisite steps", fa.steps.len()));
    }
    if !general.is_empty() || !specific.is_empty() {
        more.push(format!(
            "{} disagreement{} between sources",
            general.len() + specific.len(),
            if general.len() + specific.len() == 1 { "" } else { "s" }
        ));
    }
    if !fa.limits.is_empty() && ev.verdict != Verdict::No {
        more.push(format!(
            "{} documented limit{}",
            fa.limits.len(),
            if fa.limits.len() == 1 { "" } else { "s" }
        ));
    }
    if !more.is_empty() {
        let _ = writeln!(out, "\n{}More with --explain: {}.{}", s.dim, more.join(", "), s.reset);
    }
}

/// One reason of an answer (the `n`-th of its first feature, from 1) in full: what it says,
/// how it meets the topology, each source with its quote, translation and URL, and what a
/// required feature fails on.
#[must_use]
pub fn reason_full(kb: &KnowledgeBase, a: &Answer, n: usize, s: &Style) -> Option<String> {
    let r = a.features.first()?.evaluation.reasons.get(n.checked_sub(1)?)?;
    let mut out = String::new();
    reason_text(kb, r, 0, &mut out, s);
    Some(out)
}

/// Every verified change that makes an answer `yes`, and the documented replacement.
#[must_use]
pub fn fixes_full(kb: &KnowledgeBase, a: &Answer) -> String {
    let mut out = String::new();
    for fa in &a.features {
        let name = &kb.features[fa.evaluation.feature].name;
        if let Some((f, v)) = fa.replacement {
            let _ = writeln!(
                out,
                "  use {} instead of {name}, the documented replacement ⇒ {}",
                kb.features[f].name,
                v.word()
            );
        }
        for (i, f) in fa.suggestions.iter().enumerate() {
            let changes: Vec<String> = f.changes.iter().map(|c| change_short(kb, c)).collect();
            let _ = writeln!(out, "  {}. {} ⇒ {}", i + 1, changes.join(", "), f.result.word());
        }
        if fa.replacement.is_none() && fa.suggestions.is_empty() {
            let _ = writeln!(
                out,
                "  {}",
                if fa.evaluation.verdict == Verdict::Yes {
                    format!("{name} already works")
                } else {
                    "no change of product makes it work".to_owned()
                }
            );
        }
    }
    out
}

/// The documents an answer rests on: each once, with its title, date and where to read it.
#[must_use]
pub fn sources_list(kb: &KnowledgeBase, a: &Answer) -> String {
    fn walk<'a>(r: &'a Reason, out: &mut Vec<&'a Cite>) {
        out.extend(&r.sources);
        for b in &r.because {
            walk(b, out);
        }
    }
    let mut cites: Vec<&Cite> = Vec::new();
    for fa in &a.features {
        for r in &fa.evaluation.reasons {
            walk(r, &mut cites);
        }
        for &c in &fa.conflicts {
            cites.extend(kb.conflicts[c].claims.iter().flat_map(|cl| &cl.sources));
        }
        if let Some(by) = &kb.features[fa.evaluation.feature].replaced_by {
            cites.extend(&by.sources);
        }
    }
    let mut docs: Vec<usize> = Vec::new();
    for c in cites {
        if !docs.contains(&c.doc) {
            docs.push(c.doc);
        }
    }
    let mut out = String::new();
    for d in docs {
        let src = &kb.sources[d];
        let date = src.date.map(|d| format!(", {d}")).unwrap_or_default();
        let _ = writeln!(out, "  {}: {}{date}", src.id, src.title);
        let _ = writeln!(out, "      {}", src.url.as_deref().unwrap_or(&src.file));
    }
    out
}

/// The answer as short text: for a check, why or needs question, what decides it.
#[must_use]
pub fn short(kb: &KnowledgeBase, a: &Answer, s: &Style) -> String {
    let mut out = String::new();
    short_to(kb, a, s, &mut out);
    out
}

/// [`short`], written at the end of `out` (a batch writes its answers into one buffer).
pub fn short_to(kb: &KnowledgeBase, a: &Answer, s: &Style, out: &mut String) {
    if !matches!(a.kind, Kind::Check | Kind::Why | Kind::Needs) {
        return text_to(kb, a, s, out);
    }
    for (i, fa) in a.features.iter().enumerate() {
        if i > 0 {
            out.push_str("\n----\n\n");
        }
        short_feature(kb, a, fa, s, out);
    }
}

/// The answer as text.
#[must_use]
pub fn text(kb: &KnowledgeBase, a: &Answer, s: &Style) -> String {
    let mut out = String::new();
    text_to(kb, a, s, &mut out);
    out
}

/// [`text`], written at the end of `out`.
pub fn text_to(kb: &KnowledgeBase, a: &Answer, s: &Style, out: &mut String) {
    match a.kind {
        Kind::Check | Kind::Why | Kind::Needs => {
            for (i, fa) in a.features.iter().enumerate() {
                if i > 0 {
                    out.push_str("\n----\n\n");
                }
                feature_text(kb, a, fa, s, out);
            }
        }
        Kind::WhatWorks | Kind::WhatFails => {
            let topo = topology_text(kb, a);
            if !a.unknown_versions.is_empty() {
                let _ = writeln!(
                    out,
                    "{}unknown{}: the knowledge base does not know {}",
                    s.warn,
                    s.reset,
                    a.unknown_versions.join(" or ")
                );
                return;
            }
            let what = if a.kind == Kind::WhatWorks {
                "What works"
            } else {
                "What does not work"
            };
            let _ = writeln!(out, "{what} with {topo} (as of {}):", a.as_of);
            reading_text(a, s, out);
            let picked: Vec<(usize, Verdict)> = a.listed().collect();
            if picked.is_empty() {
                let _ = writeln!(out, "  nothing the sources document");
            }
            for (f, v) in picked {
                let _ = writeln!(
                    out,
                    "  {}{:<11}{} {}",
                    s.verdict(v),
                    v.word(),
                    s.reset,
                    kb.features[f].name
                );
            }
            let unknown: Vec<&str> = a
                .listing
                .iter()
                .filter(|(_, v)| *v == Verdict::Unknown)
                .map(|(f, _)| kb.features[*f].name.as_str())
                .collect();
            if !unknown.is_empty() {
                let _ = writeln!(out, "No source covers, with this topology: {}.", unknown.join("; "));
            }
        }
        Kind::Diff => {
            let from = a.from.as_ref().map(|f| describe_cube(kb, f)).unwrap_or_default();
            let _ = writeln!(out, "From {from} to {} (as of {}):", topology_text(kb, a), a.as_of);
            reading_text(a, s, out);
            type Pick = fn(Verdict, Verdict) -> bool;
            let groups: [(&str, Pick); 4] = [
                ("Gained", |a, b| {
                    matches!(b, Verdict::Yes | Verdict::Conditional) && matches!(a, Verdict::No | Verdict::Unknown)
                }),
                ("Lost", |a, b| {
                    matches!(a, Verdict::Yes | Verdict::Conditional) && b == Verdict::No
                }),
                ("No longer documented", |a, b| {
                    matches!(a, Verdict::Yes | Verdict::Conditional) && b == Verdict::Unknown
                }),
                ("Changed", |_, _| true),
            ];
            let mut shown = Vec::new();
            for (title, pick) in groups {
                let items: Vec<_> = a
                    .changes()
                    .filter(|(f, from, to)| !shown.contains(f) && pick(*from, *to))
                    .collect();
                if items.is_empty() {
                    continue;
                }
                let _ = writeln!(out, "{title}:");
                for (f, from, to) in items {
                    shown.push(f);
                    let _ = writeln!(out, "  {} → {}  {}", from.word(), to.word(), kb.features[f].name);
                }
            }
            if a.changes().next().is_none() {
                let _ = writeln!(out, "  no feature changes its verdict");
            }
            let count = |vs: &[Verdict]| {
                [Verdict::Yes, Verdict::Conditional, Verdict::No, Verdict::Unknown]
                    .iter()
                    .map(|w| format!("{} {}", vs.iter().filter(|v| *v == w).count(), w.word()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let _ = writeln!(out, "Before: {}. After: {}.", count(&a.before), count(&a.after));
        }
    }
}

/// The answer as one JSON value (what `interop ask --format json` writes, through
/// [`super::answer_json::AnswerJ`] straight to the output).
#[must_use]
pub fn to_json(kb: &KnowledgeBase, a: &Answer) -> Value {
    serde_json::to_value(super::answer_json::AnswerJ(kb, a, None)).unwrap_or(Value::Null)
}

/// The answer as Markdown.
#[must_use]
pub fn markdown(kb: &KnowledgeBase, a: &Answer) -> String {
    let plain = text(kb, a, &Style::plain());
    let mut out = String::new();
    let mut lines = plain.lines();
    if let Some(first) = lines.next() {
        let _ = writeln!(out, "**{}**\n", super::md_cell(first));
    }
    for l in lines {
        if l.is_empty() {
            out.push('\n');
        } else if !l.starts_with(' ') && l.ends_with(':') {
            let _ = writeln!(out, "### {}\n", l.trim_end_matches(':'));
        } else if let Some(rest) = l.strip_prefix("  ") {
            let depth = rest.len() - rest.trim_start().len();
            let _ = writeln!(out, "{}- {}", "  ".repeat(depth / 2), super::md_cell(rest.trim_start()));
        } else {
            let _ = writeln!(out, "{}\n", super::md_cell(l));
        }
    }
    out
}
