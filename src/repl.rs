//! `interop` with no command, or `interop repl`: the interactive shell. It keeps a session — the
//! deployment set with `use`, the date set with `as of`, the last answer — and answers with the
//! same code as `interop ask`: the question is read by [`query::parse`], given the session's
//! products by [`query::with_environment`], answered by [`engine::answer`] and shown by the
//! short view. On a terminal it edits lines with rustyline (completion of commands and of
//! every feature and product name, hints from history, history kept across sessions); from a
//! pipe it reads one line at a time and prints only the answers, so sessions can be scripted.

use std::borrow::Cow;
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;

use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{Config, Context, Editor};

use interop::diag::{Diagnostic, SourceText};
use interop::engine::{self, Answer};
use interop::kb::KnowledgeBase;
use interop::names::NameIndex;
use interop::query::{self, Question};
use interop::views::answer::{self, Style};
use interop::views::{self, Format};

use crate::{Ctx, Outcome, report, today};

/// The commands, each with what it does and an example, for `help` and completion.
const COMMANDS: &[(&str, &str, &str)] = &[
    (
        "use",
        "set the session's deployment; questions may then leave it out",
        "use Exchange 2013 and Skype for Business Server 2015 with the Lync 2013 client",
    ),
    ("env", "show the session's deployment and date", "env"),
    ("plan", "a plan for the session's deployment (Markdown)", "plan"),
    (
        "check",
        "judge the environment file `use` read against every prerequisite",
        "use contoso.toml, then check",
    ),
    ("clear", "forget the session's deployment", "clear"),
    (
        "as of",
        "answer as of a date (`as of today` to go back)",
        "as of 2021-01-01",
    ),
    (
        "why",
        "the last answer in full; `why N` opens its reason N with its quote and link",
        "why 2",
    ),
    (
        "fix",
        "every verified change that would make the last answer yes",
        "fix",
    ),
    ("sources", "the documents behind the last answer", "sources"),
    ("matrix", "the support table in force on the session's date", "matrix"),
    (
        "features",
        "the features, with their names in English, French and Chinese",
        "features",
    ),
    ("products", "the products, roles and versions", "products"),
    ("help", "this list", "help"),
    ("quit", "leave (Ctrl-D too)", "quit"),
];

/// What a line did.
enum Step {
    /// Print this (an answer, a listing).
    Say(String),
    /// Nothing to print.
    Quiet,
    /// A bad line: this diagnostic, against this text.
    Bad(Diagnostic, String),
    /// A bad file the line named: this diagnostic, against it.
    BadFile(Diagnostic, SourceText),
    Quit,
}

/// The session.
struct Session<'k> {
    kb: &'k KnowledgeBase,
    index: &'k NameIndex,
    /// Answers the session's questions, keeping what earlier ones worked out.
    answerer: engine::Answerer<'k>,
    env: Option<Question>,
    /// The environment file `use FILE.toml` read, if the deployment came from one.
    env_file: Option<interop::env::Environment>,
    as_of: Option<jiff::civil::Date>,
    last: Option<Answer>,
    style: Style,
    width: u16,
}

impl Session<'_> {
    fn date(&self) -> jiff::civil::Date {
        self.as_of.unwrap_or_else(today)
    }

    /// The deployment, briefly, for the prompt and `env`.
    fn env_text(&self) -> Option<String> {
        let env = self.env.as_ref()?;
        let t = engine::answer(self.kb, env, self.date()).topology;
        Some(engine::describe_cube(self.kb, &t))
    }

    fn handle(&mut self, line: &str) -> Step {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return Step::Quiet;
        }
        let lower = line.to_lowercase();
        let (head, rest) = lower.split_once(char::is_whitespace).unwrap_or((lower.as_str(), ""));
        let rest_at = line.len() - line[head.len()..].trim_start().len();
        let args = line[rest_at..].trim();
        match head {
            "quit" | "exit" | ":q" => Step::Quit,
            "help" | "?" => Step::Say(help()),
            "env" if rest.is_empty() => Step::Say(format!(
                "deployment: {}\nas of: {}{}\n",
                self.env_text().unwrap_or_else(|| "none (`use …` sets one)".into()),
                self.date(),
                if self.as_of.is_none() { " (today)" } else { "" }
            )),
            "clear" if rest.is_empty() => {
                self.env = None;
                self.env_file = None;
                Step::Say("deployment: none\n".into())
            }
            "use" if args.is_empty() => Step::Bad(
                Diagnostic::new("`use` needs a deployment").note(
                    "for example: use Exchange 2013 and Skype for Business Server 2015 with the Lync 2013 client",
                ),
                line.to_owned(),
            ),
            "use" if std::path::Path::new(args).extension().is_some_and(|x| x == "toml") => {
                let text = match std::fs::read_to_string(args) {
                    Ok(t) => t,
                    Err(e) => {
                        return Step::Bad(
                            Diagnostic::new(format!("cannot read the environment file `{args}`: {e}")),
                            line.to_owned(),
                        );
                    }
                };
                match interop::env::parse(self.kb, self.index, args, &text) {
                    Ok(e) => {
                        self.env = Some(e.topology.clone());
                        self.env_file = Some(e);
                        Step::Say(format!(
                            "deployment: {} (from {args})\n",
                            self.env_text().unwrap_or_default()
                        ))
                    }
                    Err(d) => Step::BadFile(d, SourceText::new(args.to_owned(), text)),
                }
            }
            "plan" if rest.is_empty() => match &self.env {
                Some(env) => {
                    let p = interop::plan::build(self.kb, env, self.env_file.as_ref(), self.date());
                    Step::Say(views::plan::markdown(self.kb, &p))
                }
                None => Step::Bad(
                    Diagnostic::new("no deployment: `use` one first")
                        .note("for example: use Exchange 2013 and Skype for Business Server 2015"),
                    line.to_owned(),
                ),
            },
            "check" if rest.is_empty() => match &self.env_file {
                Some(e) => {
                    let p = interop::plan::build(self.kb, &e.topology, Some(e), self.date());
                    Step::Say(views::plan::check_text(self.kb, &p))
                }
                None => Step::Bad(
                    Diagnostic::new("`check` judges an environment file: `use FILE.toml` first")
                        .note("the book's \"Environment files\" page shows one"),
                    line.to_owned(),
                ),
            },
            "use" => match query::parse_topology(self.kb, self.index, args) {
                Ok(env) => {
                    self.env = Some(env);
                    self.env_file = None;
                    Step::Say(format!("deployment: {}\n", self.env_text().unwrap_or_default()))
                }
                Err(d) => Step::Bad(shift(d, rest_at), line.to_owned()),
            },
            "as" | "as-of" => self.as_of_command(line, &lower),
            "why" => self.why(args, line),
            "fix" | "fixes" if rest.is_empty() => match &self.last {
                Some(a) => Step::Say(answer::fixes_full(self.kb, a)),
                None => Step::Bad(Diagnostic::new("no answer yet: ask a question first"), line.to_owned()),
            },
            "sources" if rest.is_empty() => match &self.last {
                Some(a) => Step::Say(answer::sources_list(self.kb, a)),
                None => Step::Bad(Diagnostic::new("no answer yet: ask a question first"), line.to_owned()),
            },
            "matrix" if rest.is_empty() => {
                let date = self.date();
                match self.kb.tables_in_force(date).max_by_key(|t| t.rows.len()) {
                    Some(t) => Step::Say(views::matrix::render(self.kb, t, Format::Text, self.width)),
                    None => Step::Bad(
                        Diagnostic::new(format!("no support table is in force on {date}")),
                        line.to_owned(),
                    ),
                }
            }
            "features" if rest.is_empty() => Step::Say(views::catalog::features(self.kb, Format::Text, self.width)),
            "products" if rest.is_empty() => Step::Say(views::catalog::products(self.kb, Format::Text, self.width)),
            _ => self.question(line, head),
        }
    }

    fn as_of_command(&mut self, line: &str, lower: &str) -> Step {
        let date = lower
            .strip_prefix("as of")
            .or_else(|| lower.strip_prefix("as-of"))
            .map(str::trim);
        match date {
            Some("today" | "") => {
                self.as_of = None;
                Step::Say(format!("as of: {} (today)\n", self.date()))
            }
            Some(d) => match crate::parse_date(d) {
                Ok(d) => {
                    self.as_of = Some(d);
                    Step::Say(format!("as of: {d}\n"))
                }
                Err(e) => {
                    let at = line.len() - d.len();
                    Step::Bad(Diagnostic::new(e).at(0, at..line.len()), line.to_owned())
                }
            },
            None => self.question(line, "as"),
        }
    }

    fn why(&mut self, args: &str, line: &str) -> Step {
        let Some(a) = &self.last else {
            // "why doesn't UCS work with …": a question.
            return self.question(line, "why");
        };
        if args.is_empty() {
            return Step::Say(answer::text(
                self.kb,
                a,
                &Style {
                    numbered: false,
                    ..self.style
                },
            ));
        }
        match args.parse::<usize>() {
            Ok(n) => match answer::reason_full(self.kb, a, n, &self.style) {
                Some(s) => Step::Say(s),
                None => {
                    let count = a.features.first().map_or(0, |f| f.evaluation.reasons.len());
                    let at = line.len() - args.len();
                    Step::Bad(
                        Diagnostic::new(format!("the last answer has reasons 1 to {count}"))
                            .at(0, at..line.len())
                            .label("no such reason"),
                        line.to_owned(),
                    )
                }
            },
            // "why does UCS fail with Exchange 2010?": a question.
            Err(_) => self.question(line, "why"),
        }
    }

    fn question(&mut self, line: &str, head: &str) -> Step {
        let mut parsed = query::parse(self.kb, self.index, line);
        // "what doesn't work?": a listing of the session's deployment.
        if parsed.is_err()
            && let Some(env) = &self.env
        {
            let with = format!("{} with {}", line.trim_end_matches(['?', '？', ' ']), env.text);
            if let Ok(q) = query::parse(self.kb, self.index, &with)
                && matches!(q.kind, query::Kind::WhatWorks | query::Kind::WhatFails)
            {
                parsed = Ok(q);
            }
        }
        match parsed {
            Ok(mut q) => {
                if let Some(env) = &self.env {
                    query::with_environment(self.kb, &mut q, env);
                }
                let a = self.answerer.answer(&q, self.date());
                let shown = answer::short(self.kb, &a, &self.style);
                self.last = Some(a);
                Step::Say(shown)
            }
            Err(mut d) => {
                // A command written wrong reads as a question that names nothing.
                if d.suggestion.is_none()
                    && let Some(cmd) = interop::diag::did_you_mean(head, COMMANDS.iter().map(|c| c.0))
                {
                    d = d.note(format!("or the command {cmd}? (`help` lists them)"));
                }
                Step::Bad(d, line.to_owned())
            }
        }
    }

    /// The prompt: the deployment, briefly.
    fn prompt(&self) -> String {
        match self.env_text() {
            Some(t) => {
                let mut t = t;
                if t.chars().count() > 48 {
                    t = t.chars().take(47).collect::<String>() + "…";
                }
                format!("interop [{t}]> ")
            }
            None => "interop> ".into(),
        }
    }
}

/// A diagnostic on the arguments of a command, moved to its place in the line.
fn shift(mut d: Diagnostic, by: usize) -> Diagnostic {
    d.span = d.span.map(|s| s.start + by..s.end + by);
    d
}

fn help() -> String {
    let mut s = String::from("Ask a question, or:\n");
    for (name, what, example) in COMMANDS {
        s.push_str(&format!("  {name:<9} {what}\n            {example}\n"));
    }
    s.push_str("A question may leave out what `use` set, or name a product of its own for that question only.\n");
    s
}

/// Completion of commands and names, and hints from history.
struct Helper {
    /// Every name a question may use, as written in the data, and the commands.
    names: Vec<String>,
    hinter: HistoryHinter,
}

impl Helper {
    fn new(kb: &KnowledgeBase) -> Self {
        let mut names: Vec<String> = COMMANDS.iter().map(|c| c.0.to_owned()).collect();
        let mut seen: std::collections::HashSet<String> = names.iter().cloned().collect();
        // Each name once, as first written (a feature's own name before its aliases), whatever
        // its case: completion then extends to their common part.
        let mut add = |n: &str| {
            let n = interop::text::display(n);
            if seen.insert(n.to_lowercase()) {
                names.push(n);
            }
        };
        for f in &kb.features {
            add(&f.name);
            f.aliases.tagged().for_each(|(_, a)| add(a));
        }
        for p in &kb.products {
            add(&p.name);
            p.aliases.tagged().for_each(|(_, a)| add(a));
        }
        for f in &kb.families {
            add(&f.name);
            f.aliases.tagged().for_each(|(_, a)| add(a));
        }
        names.sort_by_key(|n| n.to_lowercase());
        Helper {
            names,
            hinter: HistoryHinter::new(),
        }
    }

    /// The names that complete what ends at `pos`: from the earliest start of a word whose text
    /// to `pos` begins some name (so that multi-word names complete: "high-res" → "High-resolution
    /// contact photo", "Skype for B" → "Skype for Business Server 2015").
    fn candidates(&self, line: &str, pos: usize) -> (usize, Vec<Pair>) {
        let before = &line[..pos];
        let starts = std::iter::once(0).chain(
            before
                .char_indices()
                .filter(|(_, c)| c.is_whitespace())
                .map(|(i, c)| i + c.len_utf8()),
        );
        for start in starts {
            let frag = before[start..].to_lowercase();
            if frag.trim().is_empty() {
                continue;
            }
            let found: Vec<Pair> = self
                .names
                .iter()
                .filter(|n| n.to_lowercase().starts_with(&frag) && n.len() > frag.len())
                .take(64)
                .map(|n| Pair {
                    display: n.clone(),
                    // What was typed, as typed, and the rest of the name: the candidates then
                    // share what was typed, and Tab extends it as far as they agree.
                    replacement: before[start..].to_owned()
                        + &n.chars().skip(before[start..].chars().count()).collect::<String>(),
                })
                .collect();
            if !found.is_empty() {
                return (start, found);
            }
        }
        (pos, Vec::new())
    }
}

impl Completer for Helper {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, _: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        Ok(self.candidates(line, pos))
    }
}

impl Hinter for Helper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        self.hinter.hint(line, pos, ctx)
    }
}

impl Highlighter for Helper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        Cow::Borrowed(hint)
    }
}

impl Validator for Helper {}

impl rustyline::Helper for Helper {}

/// Where history is kept: `INTEROP_HISTORY` (empty: nowhere), else the user's state directory
/// (`$XDG_STATE_HOME/interop/history`, or the platform's equivalent).
pub(crate) fn history_path() -> Option<PathBuf> {
    match std::env::var_os("INTEROP_HISTORY") {
        Some(p) if p.is_empty() => None,
        Some(p) => Some(PathBuf::from(p)),
        None => {
            use etcetera::BaseStrategy as _;
            let base = etcetera::choose_base_strategy().ok()?;
            let dir = base.state_dir().unwrap_or_else(|| base.data_dir());
            Some(dir.join("interop").join("history"))
        }
    }
}

/// Run the shell until `quit` or the end of input. Piped input: one answer per line, errors on
/// stderr, and the exit status says whether a line was bad.
pub(crate) fn run(kb: &KnowledgeBase, index: &NameIndex, ctx: &Ctx) -> Outcome {
    let mut session = Session {
        kb,
        index,
        answerer: engine::Answerer::new(kb),
        env: None,
        env_file: None,
        as_of: None,
        last: None,
        style: Style {
            numbered: true,
            ..if ctx.color_out { Style::ansi() } else { Style::plain() }
        },
        width: ctx.width,
    };
    if io::stdin().is_terminal() {
        interactive(&mut session, ctx)
    } else {
        scripted(&mut session, ctx)
    }
}

fn bad(ctx: &Ctx, d: Diagnostic, text: String) {
    let files = [SourceText::new("<input>".into(), text)];
    let d = if d.span.is_some() {
        Diagnostic { file: Some(0), ..d }
    } else {
        d
    };
    report(ctx, &files, &[d]);
}

fn scripted(session: &mut Session<'_>, ctx: &Ctx) -> Outcome {
    let mut outcome = Outcome::Success;
    let stdin = io::stdin();
    let mut stdout = io::stdout().lock();
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        match stdin.lock().read_until(b'\n', &mut bytes) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                eprintln!("error: cannot read stdin: {e}");
                return Outcome::BadInput;
            }
        }
        let line = String::from_utf8_lossy(&bytes).into_owned();
        match session.handle(&line) {
            Step::Say(s) => {
                if stdout
                    .write_all(s.as_bytes())
                    .and_then(|()| stdout.write_all(b"\n"))
                    .is_err()
                {
                    return outcome;
                }
            }
            Step::Quiet => {}
            Step::Bad(d, text) => {
                let _ = stdout.flush();
                bad(ctx, d, text);
                outcome = Outcome::BadInput;
            }
            Step::BadFile(d, file) => {
                let _ = stdout.flush();
                report(ctx, &[file], &[d]);
                outcome = Outcome::BadInput;
            }
            Step::Quit => break,
        }
    }
    let _ = stdout.flush();
    outcome
}

fn interactive(session: &mut Session<'_>, ctx: &Ctx) -> Outcome {
    let config = Config::builder()
        .max_history_size(1000)
        .map(|b| b.history_ignore_dups(true))
        .and_then(|b| {
            b.map(|b| {
                b.auto_add_history(false)
                    .completion_type(rustyline::CompletionType::List)
                    .build()
            })
        });
    let config = match config {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: cannot set up the line editor: {e}");
            return Outcome::BadInput;
        }
    };
    let mut rl: Editor<Helper, DefaultHistory> = match Editor::with_config(config) {
        Ok(rl) => rl,
        Err(e) => {
            eprintln!("error: cannot start the line editor: {e}");
            return Outcome::BadInput;
        }
    };
    rl.set_helper(Some(Helper::new(session.kb)));
    let history = history_path();
    if let Some(path) = &history {
        match rl.load_history(path) {
            Ok(()) => {}
            Err(ReadlineError::Io(e)) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => eprintln!("warning: cannot read the history {}: {e}", path.display()),
        }
    }
    println!(
        "interop {} — ask a question, or `help`. Ctrl-D leaves.",
        env!("CARGO_PKG_VERSION")
    );
    loop {
        match rl.readline(&session.prompt()) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = rl.add_history_entry(line.as_str());
                }
                match session.handle(&line) {
                    Step::Say(s) => {
                        print!("{s}");
                        if !s.ends_with('\n') {
                            println!();
                        }
                    }
                    Step::Quiet => {}
                    Step::Bad(d, text) => bad(ctx, d, text),
                    Step::BadFile(d, file) => report(ctx, &[file], &[d]),
                    Step::Quit => break,
                }
            }
            // Ctrl-C clears the line; Ctrl-D leaves.
            Err(ReadlineError::Interrupted) => {}
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("error: {e}");
                break;
            }
        }
    }
    if let Some(path) = &history {
        let saved = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .map_err(ReadlineError::Io)
            .and_then(|()| rl.save_history(path));
        if let Err(e) = saved {
            eprintln!("warning: cannot save the history to {}: {e}", path.display());
        }
    }
    Outcome::Success
}

#[cfg(test)]
mod tests {
    use super::Helper;

    #[test]
    fn names_complete_from_the_word_they_start_at() {
        let kb = interop::kb::load_embedded().expect("loads");
        let h = Helper::new(&kb);
        let line = "does High-resolution cont";
        let (start, found) = h.candidates(line, line.len());
        assert_eq!(start, 5);
        assert!(
            found
                .iter()
                .all(|p| p.replacement.to_lowercase().starts_with("high-resolution cont"))
        );
        assert!(
            found.iter().any(|p| p.replacement == "High-resolution contact photo"),
            "{:?}",
            found.iter().map(|p| &p.replacement).collect::<Vec<_>>()
        );
        let line = "use Exchange 2013 and Skype for Business Se";
        let (start, found) = h.candidates(line, line.len());
        assert_eq!(&line[start..], "Skype for Business Se");
        assert!(found.iter().any(|p| p.replacement == "Skype for Business Server 2015"));
        let (_, found) = h.candidates("en", 2);
        assert!(found.iter().any(|p| p.replacement == "env"));
    }
}
