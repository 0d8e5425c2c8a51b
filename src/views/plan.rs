//! `interop plan` as Markdown or as a self-contained HTML page, and `interop check` as text.
//!
//! The HTML page has its CSS inline and loads nothing; every text from the knowledge base or
//! the environment file goes through [`esc`]; the checklist is made of checkboxes, and the page
//! prints as it reads.

use std::fmt::Write as _;

use super::md_cell;
use crate::engine::{Reason, Verdict, describe_cube, describe_set};
use crate::env::Finding;
use crate::kb::{Command, KnowledgeBase};
use crate::plan::{FeatureLine, Plan};

/// HTML text: `&`, `<`, `>`, `"` and `'` escaped.
#[must_use]
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Inline code in Markdown, fenced with more backticks than the text holds.
fn md_code(s: &str) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

fn reason_line(kb: &KnowledgeBase, r: &Reason) -> String {
    let mut s = r.says.clone();
    if let Some(h) = &r.here {
        let _ = write!(s, " — {h}");
    }
    if let Some(c) = r.sources.first() {
        let _ = write!(s, " ({}, “{}”)", kb.sources[c.doc].id, c.section());
    }
    s
}

fn fix_lines(kb: &KnowledgeBase, line: &FeatureLine) -> Vec<String> {
    let mut out = Vec::new();
    if let Some((f, v)) = line.replacement {
        out.push(format!(
            "use {} instead, the documented replacement ⇒ {}",
            kb.features[f].name,
            v.word()
        ));
    }
    for fix in line.fixes.iter().take(2) {
        let changes: Vec<String> = fix
            .changes
            .iter()
            .map(|c| {
                let to = &kb.products[c.to].name;
                if c.from.is_empty() {
                    format!("{}: {to}", kb.roles[c.role].name)
                } else {
                    format!("{} → {to}", describe_set(kb, c.role, &c.from))
                }
            })
            .collect();
        out.push(format!("{} ⇒ {}", changes.join(", "), fix.result.word()));
    }
    out
}

fn finding_text(f: &Finding) -> (&'static str, String) {
    match f {
        Finding::Pass => ("✓", "passes".into()),
        Finding::Fail(why) => ("✗", why.clone()),
        Finding::NotDeclared(what) => ("?", format!("not declared: add {what} to the environment file")),
    }
}

fn command_md(c: &Command) -> String {
    let mut s = format!("({}) {}", c.shell, md_code(&c.run));
    if let Some(e) = &c.expect {
        let _ = write!(s, " — expect {e}");
    }
    s
}

/// The plan as Markdown.
#[must_use]
pub fn markdown(kb: &KnowledgeBase, p: &Plan) -> String {
    let mut out = String::new();
    let topo = describe_cube(kb, &p.topology);
    let _ = writeln!(out, "# Integration plan: {}\n", md_cell(&topo));
    let _ = writeln!(
        out,
        "As of {}. Every verdict and step below comes from interop's knowledge base; each cites the Microsoft page that states it.\n",
        p.as_of
    );
    let count = |v: Verdict| p.features.iter().filter(|l| l.evaluation.verdict == v).count();
    let _ = writeln!(out, "## Summary\n");
    let _ = writeln!(
        out,
        "- Works: {} features; works with conditions: {}; does not work: {}; no source covers: {}",
        count(Verdict::Yes),
        count(Verdict::Conditional),
        count(Verdict::No),
        count(Verdict::Unknown)
    );
    let _ = writeln!(out, "- Prerequisite steps: {}", p.steps.len());
    let (pass, fail, undeclared) = p.tally();
    if pass + fail + undeclared > 0 {
        let _ = writeln!(
            out,
            "- Environment checks: {pass} pass, {fail} fail, {undeclared} not declared"
        );
    }
    let _ = writeln!(out, "\n## Features\n");
    let _ = writeln!(out, "| Feature | Verdict | Why |\n|:---|:---|:---|");
    for l in &p.features {
        let why: Vec<String> = l.deciding().iter().map(|r| reason_line(kb, r)).collect();
        let mut verdict = l.evaluation.verdict.word().to_owned();
        if !l.evaluation.conditions.is_empty() {
            let _ = write!(verdict, " (if {})", l.evaluation.conditions.join(", or if "));
        }
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            md_cell(&kb.features[l.feature].name),
            md_cell(&verdict),
            md_cell(&why.join("; "))
        );
    }
    let missing: Vec<&FeatureLine> = p
        .features
        .iter()
        .filter(|l| {
            matches!(
                l.evaluation.verdict,
                Verdict::No | Verdict::Unknown | Verdict::Conditional
            )
        })
        .collect();
    if !missing.is_empty() {
        let _ = writeln!(out, "\n## Not available, and what would bring it\n");
        for l in missing {
            let fixes = fix_lines(kb, l);
            let fix = if fixes.is_empty() {
                super::NO_FIX.to_owned()
            } else {
                fixes.join("; or ")
            };
            let _ = writeln!(
                out,
                "- **{}** ({}): {}",
                md_cell(&kb.features[l.feature].name),
                l.evaluation.verdict.word(),
                md_cell(&fix)
            );
        }
    }
    let _ = writeln!(out, "\n## Prerequisites, in the order they must be done\n");
    if p.steps.is_empty() {
        let _ = writeln!(out, "None for the features that work here.");
    }
    for (i, s) in p.steps.iter().enumerate() {
        let step = &kb.steps[s.step];
        let _ = writeln!(
            out,
            "- [ ] **{}. {}** (on {})",
            i + 1,
            md_cell(&step.title),
            kb.roles[step.on].name
        );
        for c in &step.checks {
            let _ = writeln!(out, "  - Check: {}", md_cell(c));
        }
        for c in &step.configure {
            let _ = writeln!(out, "  - Configure: {}", command_md(c));
        }
        for c in &step.verify {
            let _ = writeln!(out, "  - Verify: {}", command_md(c));
        }
        for (ti, f) in &s.findings {
            if let Some(f) = f {
                let (mark, text) = finding_text(f);
                let _ = writeln!(
                    out,
                    "  - Environment {mark} {}: {}",
                    md_cell(&step.tests[*ti].says),
                    md_cell(&text)
                );
            }
        }
        if let Some(c) = step.sources.first() {
            let _ = writeln!(out, "  - Source: {}, “{}”", kb.sources[c.doc].id, md_cell(c.section()));
        }
    }
    if !p.caveats.is_empty() {
        let _ = writeln!(out, "\n## Caveats\n");
        for c in &p.caveats {
            let _ = writeln!(out, "- {}", md_cell(c));
        }
    }
    let _ = writeln!(out, "\n## Sources\n");
    for &d in &p.sources {
        let s = &kb.sources[d];
        let date = s.date.map(|d| format!(", {d}")).unwrap_or_default();
        let url = s.url.as_deref().map(|u| format!(" <{u}>")).unwrap_or_default();
        let _ = writeln!(out, "- {}: {}{date}{url}", s.id, md_cell(&s.title));
    }
    out
}

const CSS: &str = "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}\
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}\
.yes{color:#106010}.no{color:#a00000}.conditional,.unknown{color:#8a5a00}\
code{font:13px ui-monospace,Consolas,monospace;background:#f3f3f3;padding:0 .2rem;word-break:break-all}\
ol.steps{list-style:none;padding:0}ol.steps>li{margin:.8rem 0;padding:.5rem;border:1px solid #ddd;break-inside:avoid}\
.pass{color:#106010}.fail{color:#a00000}.undeclared{color:#8a5a00}\
@media print{body{margin:0;max-width:none}a{color:inherit}}";

fn command_html(c: &Command) -> String {
    let mut s = format!("{}: <code>{}</code>", esc(&c.shell), esc(&c.run));
    if let Some(e) = &c.expect {
        let _ = write!(s, " — expect {}", esc(e));
    }
    s
}

/// The plan as a self-contained HTML page.
#[must_use]
pub fn html(kb: &KnowledgeBase, p: &Plan) -> String {
    let mut out = String::new();
    let topo = esc(&describe_cube(kb, &p.topology));
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Integration plan: {topo}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>Integration plan: {topo}</h1>\n<p>As of {}. Every verdict and step below comes from interop's knowledge base; each cites the Microsoft page that states it.</p>\n",
        p.as_of
    );
    let count = |v: Verdict| p.features.iter().filter(|l| l.evaluation.verdict == v).count();
    let (pass, fail, undeclared) = p.tally();
    let _ = write!(
        out,
        "<h2 id=\"summary\">Summary</h2>\n<ul>\n<li>Works: {} features; works with conditions: {}; does not work: {}; no source covers: {}</li>\n<li>Prerequisite steps: {}</li>\n",
        count(Verdict::Yes),
        count(Verdict::Conditional),
        count(Verdict::No),
        count(Verdict::Unknown),
        p.steps.len()
    );
    if pass + fail + undeclared > 0 {
        let _ = writeln!(
            out,
            "<li>Environment checks: {pass} pass, {fail} fail, {undeclared} not declared</li>"
        );
    }
    out.push_str("</ul>\n<h2 id=\"features\">Features</h2>\n<table>\n<thead><tr><th>Feature</th><th>Verdict</th><th>Why</th></tr></thead>\n<tbody>\n");
    for l in &p.features {
        let v = l.evaluation.verdict.word();
        let why: Vec<String> = l.deciding().iter().map(|r| esc(&reason_line(kb, r))).collect();
        let mut verdict = esc(v);
        if !l.evaluation.conditions.is_empty() {
            let _ = write!(verdict, " (if {})", esc(&l.evaluation.conditions.join(", or if ")));
        }
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"{v}\">{verdict}</td><td>{}</td></tr>",
            esc(&kb.features[l.feature].name),
            why.join("<br>")
        );
    }
    out.push_str("</tbody>\n</table>\n");
    let missing: Vec<&FeatureLine> = p
        .features
        .iter()
        .filter(|l| {
            matches!(
                l.evaluation.verdict,
                Verdict::No | Verdict::Unknown | Verdict::Conditional
            )
        })
        .collect();
    if !missing.is_empty() {
        out.push_str("<h2 id=\"unavailable\">Not available, and what would bring it</h2>\n<ul>\n");
        for l in missing {
            let fixes = fix_lines(kb, l);
            let fix = if fixes.is_empty() {
                super::NO_FIX.to_owned()
            } else {
                fixes.join("; or ")
            };
            let _ = writeln!(
                out,
                "<li><strong>{}</strong> ({}): {}</li>",
                esc(&kb.features[l.feature].name),
                esc(l.evaluation.verdict.word()),
                esc(&fix)
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("<h2 id=\"prerequisites\">Prerequisites, in the order they must be done</h2>\n<ol class=\"steps\">\n");
    for (i, s) in p.steps.iter().enumerate() {
        let step = &kb.steps[s.step];
        let id = format!("step-{}", esc(&step.id));
        let _ = writeln!(
            out,
            "<li><input type=\"checkbox\" id=\"{id}\"> <label for=\"{id}\"><strong>{}. {}</strong> (on {})</label>\n<ul>",
            i + 1,
            esc(&step.title),
            esc(&kb.roles[step.on].name)
        );
        for c in &step.checks {
            let _ = writeln!(out, "<li>Check: {}</li>", esc(c));
        }
        for c in &step.configure {
            let _ = writeln!(out, "<li>Configure ({})</li>", command_html(c));
        }
        for c in &step.verify {
            let _ = writeln!(out, "<li>Verify ({})</li>", command_html(c));
        }
        for (ti, f) in &s.findings {
            if let Some(f) = f {
                let (mark, text) = finding_text(f);
                let class = match f {
                    Finding::Pass => "pass",
                    Finding::Fail(_) => "fail",
                    Finding::NotDeclared(_) => "undeclared",
                };
                let _ = writeln!(
                    out,
                    "<li class=\"{class}\">Environment {mark} {}: {}</li>",
                    esc(&step.tests[*ti].says),
                    esc(&text)
                );
            }
        }
        if let Some(c) = step.sources.first() {
            let _ = writeln!(
                out,
                "<li>Source: {}, “{}”</li>",
                esc(&kb.sources[c.doc].id),
                esc(c.section())
            );
        }
        out.push_str("</ul></li>\n");
    }
    out.push_str("</ol>\n");
    if !p.caveats.is_empty() {
        out.push_str("<h2 id=\"caveats\">Caveats</h2>\n<ul>\n");
        for c in &p.caveats {
            let _ = writeln!(out, "<li>{}</li>", esc(c));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("<h2 id=\"sources\">Sources</h2>\n<ul>\n");
    for &d in &p.sources {
        let s = &kb.sources[d];
        let date = s.date.map(|d| format!(", {d}")).unwrap_or_default();
        match &s.url {
            Some(u) => {
                let _ = writeln!(
                    out,
                    "<li>{}: <a href=\"{}\">{}</a>{date}</li>",
                    esc(&s.id),
                    esc(u),
                    esc(&s.title)
                );
            }
            None => {
                let _ = writeln!(out, "<li>{}: {}{date}</li>", esc(&s.id), esc(&s.title));
            }
        }
    }
    out.push_str("</ul>\n</body>\n</html>\n");
    out
}

/// `interop check`: each test of each step, with its finding; for a failure, the source and
/// the commands that fix it.
#[must_use]
pub fn check_text(kb: &KnowledgeBase, p: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Checking {} (as of {}):", describe_cube(kb, &p.topology), p.as_of);
    for s in &p.steps {
        let step = &kb.steps[s.step];
        for (ti, f) in &s.findings {
            let Some(f) = f else { continue };
            let test = &step.tests[*ti];
            let (mark, text) = finding_text(f);
            let _ = writeln!(out, "  {mark} {}", test.says);
            if !matches!(f, Finding::Pass) {
                let _ = writeln!(out, "      {text}");
                let fixes = if test.fix.is_empty() {
                    &step.configure
                } else {
                    &test.fix
                };
                for c in fixes {
                    let _ = writeln!(out, "      fix ({}): {}", c.shell, c.run);
                }
                if let Some(c) = step.sources.first() {
                    let _ = writeln!(out, "      source: {}, “{}”", kb.sources[c.doc].id, c.section());
                }
            }
        }
    }
    let (pass, fail, undeclared) = p.tally();
    if pass + fail + undeclared == 0 {
        let _ = writeln!(out, "  no prerequisite with a check applies to this deployment");
    }
    let _ = writeln!(out, "{pass} pass, {fail} fail, {undeclared} not declared.");
    out
}
