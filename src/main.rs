//! The `interop` binary: parses the command line, loads the knowledge base, runs a command,
//! writes its output, and maps the outcome to an exit code. All policy about exit codes and
//! error rendering lives here; the library returns data and typed errors.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use interop::diag::{Diagnostic, SourceText};
use interop::engine::{self, Answer, Verdict};
use interop::kb::{self, KnowledgeBase, LoadError};
use interop::names::NameIndex;
use interop::query;
use interop::views::answer::Style;
use interop::views::{self, Format};

mod commands;
mod repl;

const EXIT_HELP: &str = "\
Exit status:
  0  success (for `ask`: yes or conditional)
  1  for `ask`: no; for `check`: a check fails or is not declared
  2  bad input: an unparsable question, an unknown name, a broken knowledge base
  3  for `ask`: unknown (the knowledge base says nothing about it)";

#[derive(Parser)]
#[command(
    name = "interop",
    version,
    about = "Answers questions about Lync Server 2013 / Skype for Business integration with Exchange and SharePoint",
    after_long_help = EXIT_HELP
)]
struct Cli {
    /// Load the knowledge base from this directory of TOML files instead of the embedded one.
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,

    /// When to use colour: auto follows the terminal, NO_COLOR, CLICOLOR, CLICOLOR_FORCE and TERM.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,

    /// Fit tables to this many columns (default: the terminal's, else $COLUMNS, else 80).
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(40..))]
    width: Option<u16>,

    /// Without a command, the interactive shell (`interop repl`).
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum AnswerFormat {
    Text,
    Json,
    Md,
}

/// A date as `--as-of` takes it: `YYYY-MM-DD` exactly (jiff reads it; the shape is checked
/// first, so that `2021-7-31` or `20210731` get the same message as `tomorrow`).
fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    let shaped = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        return Err(format!(
            "`{s}` is not a date; write it as YYYY-MM-DD, for example 2021-07-31"
        ));
    }
    s.parse::<jiff::civil::Date>()
        .map_err(|_| format!("`{s}` is not a day of the calendar"))
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// The interactive shell: set a deployment with `use`, then ask questions that leave it out
    /// (also what `interop` alone starts).
    #[command(after_long_help = "Examples:
  interop repl
  printf 'use Exchange 2013 and SfB Server 2015\\ndoes high-resolution photo work?\\n' | interop repl

Commands: use, env, clear, as of, why [N], fix, sources, matrix, features, products, help, quit.
History is kept in $XDG_STATE_HOME/interop/history; INTEROP_HISTORY names another file, or
none when empty.")]
    Repl,
    /// Answer a question: the verdict, every reason with its source, and what would make it work.
    #[command(after_long_help = "Examples:
  interop ask \"does high-resolution photo work with Exchange 2010 and Lync 2010?\"
  interop ask is UCS supported on Exchange 2013 + Lync Server 2013
  interop ask \"what works with Exchange Online and Skype for Business Server 2015?\" --format json
  interop ask \"does presence in Outlook work with Exchange 2013 and SfB Online?\" --as-of 2020-01-01
  printf 'UCS with Exchange 2013 and SfB Server 2015\\nhi-res photo with LWA\\n' | interop ask - --format json

Exit status: 0 yes or conditional, 1 no, 3 unknown, 2 bad input.
With `-`, one question per line (empty lines and `#` comments skipped); the exit status is 2 if
any line was bad input, else 0. With `--format json`, each line gives one JSON value, and a bad
line gives {\"question\", \"line\", \"error\"} on stdout, so that answers stay in step with questions.")]
    Ask {
        /// The question, quoted or not; `-` reads one question per line from stdin.
        #[arg(required = true, num_args = 1.., value_name = "QUESTION")]
        question: Vec<String>,
        /// Answer as of this date (YYYY-MM-DD); today by default.
        #[arg(long, value_parser = parse_date, value_name = "DATE")]
        as_of: Option<jiff::civil::Date>,
        #[arg(long, short, value_enum, default_value_t = AnswerFormat::Text)]
        format: AnswerFormat,
        /// Every reason with its quotes and translations, every fix, the prerequisites and the
        /// disagreements between sources (text answers are short without it; JSON has it all).
        #[arg(long, short = 'x')]
        explain: bool,
    },
    /// Print a support table of the sources, in their order: by default the one in force today
    /// (the largest, if several are).
    #[command(
        after_long_help = "Examples:\n  interop matrix\n  interop matrix --format md\n  interop matrix --as-of 2019-06-01\n  interop matrix --format json | jq '.features[0]'"
    )]
    Matrix {
        #[arg(long, short, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// The table with this id (`interop kb check` lists them).
        #[arg(long, value_name = "ID")]
        table: Option<String>,
        /// The table in force on this date (YYYY-MM-DD); today by default.
        #[arg(long, value_parser = parse_date, value_name = "DATE", conflicts_with = "table")]
        as_of: Option<jiff::civil::Date>,
    },
    /// List the features with their aliases in English, French and Chinese.
    #[command(after_long_help = "Examples:\n  interop features\n  interop features --format json")]
    Features {
        #[arg(long, short, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// List the products (servers, clients, services) with their aliases.
    #[command(after_long_help = "Examples:\n  interop products\n  interop products --format csv")]
    Products {
        #[arg(long, short, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// A plan for a deployment: every feature's verdict, what is unavailable and what would
    /// bring it, the prerequisites in order with their commands, caveats and sources.
    #[command(after_long_help = "Examples:
  interop plan Exchange 2016 and Skype for Business Server 2015 with the SfB client
  interop plan --env contoso.toml --format html -o plan.html
  interop plan --env contoso.toml -o plan.md --force")]
    Plan {
        /// The deployment, written as in questions.
        #[arg(num_args = 0.., value_name = "TOPOLOGY", required_unless_present = "env", conflicts_with = "env")]
        topology: Vec<String>,
        /// An environment file (the book's "Environment files" page): its deployment, and what
        /// it declares checked against each step.
        #[arg(long, value_name = "FILE")]
        env: Option<PathBuf>,
        #[arg(long, value_parser = parse_date, value_name = "DATE")]
        as_of: Option<jiff::civil::Date>,
        #[arg(long, short, value_enum, default_value_t = PlanFormat::Md)]
        format: PlanFormat,
        /// Write to this file (whole or not at all) instead of stdout.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Replace the output file if it exists.
        #[arg(long, requires = "output")]
        force: bool,
    },
    /// Judge an environment file against every prerequisite that applies to its deployment.
    #[command(after_long_help = "Examples:
  interop check contoso.toml
  interop check contoso.toml --format json

Exit status: 0 every check passes, 1 some fail or are not declared, 2 bad input.")]
    Check {
        env: PathBuf,
        #[arg(long, value_parser = parse_date, value_name = "DATE")]
        as_of: Option<jiff::civil::Date>,
        #[arg(long, short, value_enum, default_value_t = AnswerFormat::Text)]
        format: AnswerFormat,
    },
    /// What a migration gains, loses and changes, feature by feature.
    #[command(after_long_help = "Examples:
  interop diff \"Exchange 2010 and Lync Server 2013\" \"Exchange 2016 and Skype for Business Server 2015\"
  interop diff before.toml after.toml --format json")]
    Diff {
        /// The deployment before: written as in questions, or an environment file.
        from: String,
        /// The deployment after.
        to: String,
        #[arg(long, value_parser = parse_date, value_name = "DATE")]
        as_of: Option<jiff::civil::Date>,
        #[arg(long, short, value_enum, default_value_t = AnswerFormat::Text)]
        format: AnswerFormat,
    },
    /// The dependency graph: features, what provides them, the rules and steps they need.
    #[command(after_long_help = "Examples:
  interop graph --feature unified-contact-store
  interop graph --format svg -o graph.svg   (needs Graphviz's `dot`)")]
    Graph {
        /// Only what this feature leads to (an id or a name).
        #[arg(long, value_name = "FEATURE")]
        feature: Option<String>,
        #[arg(long, short, value_enum, default_value_t = GraphFormat::Dot)]
        format: GraphFormat,
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        #[arg(long, requires = "output")]
        force: bool,
    },
    /// Work with the knowledge base itself.
    #[command(after_long_help = "Examples:
  interop kb check
  interop kb check --data ./data --format json")]
    Kb {
        #[command(subcommand)]
        command: KbCommand,
    },
    /// Print a completion script for a shell (the commands, options, and the names of features
    /// and tables where an option takes one).
    #[command(after_long_help = "Examples:
  interop completions bash > ~/.local/share/bash-completion/completions/interop
  interop completions zsh > ~/.zfunc/_interop
  interop completions fish > ~/.config/fish/completions/interop.fish")]
    Completions { shell: clap_complete::Shell },
    /// Print the manual page (roff), generated from this help.
    #[command(after_long_help = "Examples:
  interop man > interop.1 && man ./interop.1")]
    Man,
    /// Write a synthetic knowledge base SCALE times the shipped one (for benchmarks).
    #[command(hide = true)]
    Synth {
        #[arg(long, default_value_t = 10)]
        scale: usize,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Print where interop keeps and reads its files (history, the knowledge base).
    #[command(after_long_help = "Examples:
  interop paths")]
    Paths,
}

impl Command {
    /// Whether the command prints JSON (`--format json`).
    fn json(&self) -> bool {
        match self {
            Command::Ask { format, .. } | Command::Check { format, .. } | Command::Diff { format, .. } => {
                *format == AnswerFormat::Json
            }
            Command::Matrix { format, .. } | Command::Features { format } | Command::Products { format } => {
                *format == Format::Json
            }
            Command::Kb {
                command: KbCommand::Check { format },
            } => *format == Format::Json,
            _ => false,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PlanFormat {
    Md,
    Html,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum GraphFormat {
    Dot,
    Svg,
}

#[derive(Subcommand)]
enum KbCommand {
    /// Validate a knowledge base and summarise what it holds; report every problem.
    #[command(
        after_long_help = "Examples:\n  interop kb check\n  interop kb check --data ./data\n  interop kb check --data ./data --format json"
    )]
    Check {
        #[arg(long, short, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

/// How a command ended, for the exit code.
enum Outcome {
    Success,
    /// `ask` answered no.
    No,
    /// `ask` answered unknown.
    Unknown,
    /// Bad input: rendered diagnostics are already on stderr.
    BadInput,
}

struct Ctx {
    color_err: bool,
    color_out: bool,
    width: u16,
    /// Answers in full (`ask --explain`).
    explain: bool,
    /// The command's output is JSON: its errors are JSON too.
    json: bool,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let color_err = use_color(cli.color, &io::stderr());
    let color_out = use_color(cli.color, &io::stdout());
    let ctx = Ctx {
        color_err,
        color_out,
        width: width(cli.width),
        explain: matches!(cli.command, Some(Command::Ask { explain: true, .. })),
        json: cli.command.as_ref().is_some_and(Command::json),
    };
    let mut out = String::new();
    let outcome = run(&cli, &ctx, &mut out);
    let mut stdout = io::stdout().lock();
    if let Err(e) = stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush()) {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the output: {e}");
            return ExitCode::from(2);
        }
    }
    ExitCode::from(match outcome {
        Outcome::Success => 0,
        Outcome::No => 1,
        Outcome::BadInput => 2,
        Outcome::Unknown => 3,
    })
}

/// Whether to colour a stream. `auto` is anstream's rule, as ripgrep and cargo follow it:
/// `NO_COLOR` (set and not empty) turns colour off, `CLICOLOR_FORCE` on, `CLICOLOR=0` off;
/// otherwise a terminal whose `TERM` supports colour (not `dumb`).
fn use_color<S: anstream::stream::RawStream>(choice: ColorChoice, stream: &S) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never,
    }
}

/// The width tables fit: `--width`, else the terminal's, else `$COLUMNS`, else 80.
fn width(flag: Option<u16>) -> u16 {
    let terminal = || {
        terminal_size::terminal_size_of(io::stdout())
            .map(|(terminal_size::Width(w), _)| w)
            .filter(|_| io::stdout().is_terminal())
    };
    let columns = || std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<u16>().ok());
    flag.or_else(terminal)
        .or_else(columns)
        .filter(|w| *w >= 40)
        .unwrap_or(80)
}

/// The knowledge base, and its vocabulary when it comes compiled.
fn load(cli: &Cli) -> Result<(KnowledgeBase, Option<NameIndex>), LoadError> {
    match (&cli.data, &cli.command) {
        // Commands that read questions or deployments: the vocabulary built alongside the
        // checks of the whole base.
        (
            Some(dir),
            None
            | Some(
                Command::Repl
                | Command::Ask { .. }
                | Command::Plan { .. }
                | Command::Check { .. }
                | Command::Diff { .. },
            ),
        ) => kb::load_dir_indexed(dir).map(|(kb, names)| (kb, Some(names))),
        (Some(dir), _) => kb::load_dir(dir).map(|kb| (kb, None)),
        // `kb check` checks the TOML itself, and shows its warnings located in it.
        (None, Some(Command::Kb { .. })) => kb::load_embedded().map(|kb| (kb, None)),
        // Checked whole when the binary was built, and stored with its vocabulary.
        (None, _) => interop::embedded::load(),
    }
}

/// A completion script, with the names of features and tables for the options that take them.
fn completions(kb: &KnowledgeBase, shell: clap_complete::Shell) -> String {
    use clap::builder::PossibleValuesParser;
    // The command is built once and printed: its names may live as long as the process.
    let leak = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
    let features: Vec<&'static str> = kb.features.iter().map(|f| leak(&f.id)).collect();
    let tables: Vec<&'static str> = kb.tables.iter().map(|t| leak(&t.id)).collect();
    let mut cmd = <Cli as clap::CommandFactory>::command()
        .mut_subcommand("graph", |c| {
            c.mut_arg("feature", |a| a.value_parser(PossibleValuesParser::new(features)))
        })
        .mut_subcommand("matrix", |c| {
            c.mut_arg("table", |a| a.value_parser(PossibleValuesParser::new(tables)))
        });
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "interop", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

fn report(ctx: &Ctx, files: &[SourceText], diags: &[Diagnostic]) {
    let mut err = io::stderr().lock();
    if ctx.json {
        // One JSON document on stderr, as stdout would have held one.
        let v = serde_json::json!({
            "schema": views::ERROR_SCHEMA,
            "errors": diags.iter().map(|d| d.to_json(files)).collect::<Vec<_>>(),
        });
        let _ = writeln!(err, "{}", serde_json::to_string(&v).unwrap_or_default());
        return;
    }
    for d in diags {
        let _ = writeln!(err, "{}\n", d.render(files, ctx.color_err));
    }
    let errors = diags.iter().filter(|d| !d.warning).count();
    if errors > 1 {
        let _ = writeln!(err, "error: {errors} problems found");
    }
}

fn run(cli: &Cli, ctx: &Ctx, out: &mut String) -> Outcome {
    // The process ends with this command: its memory goes back whole at exit, so the knowledge
    // base and the name index are not freed piece by piece.
    let (kb, names) = match load(cli) {
        Ok((kb, names)) => (std::mem::ManuallyDrop::new(kb), names),
        Err(e) => {
            if let Some(Command::Kb {
                command: KbCommand::Check { format: Format::Json },
            }) = &cli.command
            {
                let problems: Vec<_> = e.diagnostics.iter().map(|d| d.to_json(&e.files)).collect();
                let v = serde_json::json!({ "schema": views::KB_SCHEMA, "ok": false, "problems": problems });
                out.push_str(&serde_json::to_string_pretty(&v).unwrap_or_default());
                out.push('\n');
            }
            report(ctx, &e.files, &e.diagnostics);
            return Outcome::BadInput;
        }
    };
    // The vocabulary, for the commands that read names: compiled in, or built on first use.
    let names: std::cell::OnceCell<std::mem::ManuallyDrop<NameIndex>> = names
        .map(std::mem::ManuallyDrop::new)
        .map_or_else(std::cell::OnceCell::new, std::cell::OnceCell::from);
    let index = || -> &NameIndex { names.get_or_init(|| std::mem::ManuallyDrop::new(NameIndex::build(&kb))) };
    let Some(command) = &cli.command else {
        return repl::run(&kb, index(), ctx);
    };
    match command {
        Command::Repl => return repl::run(&kb, index(), ctx),
        Command::Completions { shell } => {
            out.push_str(&completions(&kb, *shell));
        }
        Command::Man => {
            let mut buf = Vec::new();
            if let Err(e) = clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut buf) {
                report(
                    ctx,
                    &[],
                    &[Diagnostic::new(format!("cannot render the manual page: {e}"))],
                );
                return Outcome::BadInput;
            }
            out.push_str(&String::from_utf8_lossy(&buf));
        }
        Command::Synth { scale, out: dir } => {
            if let Err(e) = interop::synth::write(dir, *scale) {
                report(
                    ctx,
                    &[],
                    &[Diagnostic::new(format!("cannot write `{}`: {e}", dir.display()))],
                );
                return Outcome::BadInput;
            }
        }
        Command::Paths => {
            let history = repl::history_path().map_or_else(
                || "none (INTEROP_HISTORY is empty)".to_owned(),
                |p| p.display().to_string(),
            );
            let data = cli.data.as_ref().map_or_else(
                || "the one compiled in (--data DIR reads another)".to_owned(),
                |d| d.display().to_string(),
            );
            out.push_str(&format!(
                "history:        {history}\nknowledge base: {data}\nconfiguration:  none: every setting is a flag or an environment variable (NO_COLOR, CLICOLOR, CLICOLOR_FORCE, COLUMNS, INTEROP_HISTORY)\n"
            ));
        }
        Command::Ask {
            question,
            as_of,
            format,
            ..
        } => return ask(&kb, index(), ctx, question, *as_of, *format, out),
        Command::Matrix { format, table, as_of } => {
            let chosen = match table {
                Some(id) => kb.tables.iter().find(|t| &t.id == id).ok_or_else(|| {
                    Diagnostic::new(format!("unknown table `{id}`"))
                        .suggest(interop::diag::did_you_mean(id, kb.tables.iter().map(|t| t.id.as_str())))
                        .note(format!(
                            "the tables: {}",
                            kb.tables
                                .iter()
                                .map(|t| format!("`{}`", t.id))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                }),
                None => {
                    let date = as_of.unwrap_or_else(today);
                    // The support table in force: the largest, if several are.
                    kb.tables_in_force(date)
                        .max_by_key(|t| (t.rows.len(), std::cmp::Reverse(t.id.clone())))
                        .ok_or_else(|| Diagnostic::new(format!("no support table is in force on {date}")))
                }
            };
            match chosen {
                Ok(t) => out.push_str(&views::matrix::render(&kb, t, *format, ctx.width)),
                Err(d) => {
                    report(ctx, &[], &[d]);
                    return Outcome::BadInput;
                }
            }
        }
        Command::Features { format } => out.push_str(&views::catalog::features(&kb, *format, ctx.width)),
        Command::Products { format } => out.push_str(&views::catalog::products(&kb, *format, ctx.width)),
        Command::Plan {
            topology,
            env,
            as_of,
            format,
            output,
            force,
        } => {
            return commands::plan(
                &kb,
                index(),
                ctx,
                topology,
                env.as_deref(),
                *as_of,
                *format,
                output.as_deref(),
                *force,
                out,
            );
        }
        Command::Check { env, as_of, format } => return commands::check(&kb, index(), ctx, env, *as_of, *format, out),
        Command::Diff {
            from,
            to,
            as_of,
            format,
        } => return commands::diff(&kb, index(), ctx, (from, to), *as_of, *format, out),
        Command::Graph {
            feature,
            format,
            output,
            force,
        } => return commands::graph(&kb, ctx, feature.as_deref(), *format, output.as_deref(), *force, out),
        Command::Kb {
            command: KbCommand::Check { format },
        } => {
            out.push_str(&views::catalog::summary(&kb, *format));
            if *format == Format::Text {
                report(ctx, &kb.files, &kb.warnings);
            }
        }
    }
    Outcome::Success
}

/// Today in the system's time zone: `TZ` when it names a zone, else `/etc/localtime` read
/// directly (finding its name in the time-zone database would walk every file of it), else UTC.
fn today() -> jiff::civil::Date {
    use jiff::tz::TimeZone;
    let named = std::env::var("TZ")
        .ok()
        .filter(|t| !t.is_empty())
        .and_then(|t| TimeZone::get(t.trim_start_matches(':')).ok());
    let tz = named
        .or_else(|| {
            std::fs::read("/etc/localtime")
                .ok()
                .and_then(|b| TimeZone::tzif("localtime", &b).ok())
        })
        .unwrap_or(TimeZone::UTC);
    tz.to_datetime(jiff::Timestamp::now()).date()
}

/// The exit status of one answer.
fn verdict_outcome(v: Verdict) -> Outcome {
    match v {
        Verdict::Yes | Verdict::Conditional => Outcome::Success,
        Verdict::No => Outcome::No,
        Verdict::Unknown => Outcome::Unknown,
    }
}

fn render_answer(kb: &KnowledgeBase, ctx: &Ctx, a: &Answer, format: AnswerFormat, out: &mut String) {
    match format {
        AnswerFormat::Text => {
            let style = if ctx.color_out { Style::ansi() } else { Style::plain() };
            if ctx.explain {
                views::answer::text_to(kb, a, &style, out);
            } else {
                views::answer::short_to(kb, a, &style, out);
            }
        }
        AnswerFormat::Md => out.push_str(&views::answer::markdown(kb, a)),
        AnswerFormat::Json => {
            out.push_str(&serde_json::to_string(&views::answer_json::AnswerJ(kb, a, None)).unwrap_or_default());
            out.push('\n');
        }
    }
}

fn ask(
    kb: &KnowledgeBase,
    index: &NameIndex,
    ctx: &Ctx,
    question: &[String],
    as_of: Option<jiff::civil::Date>,
    format: AnswerFormat,
    out: &mut String,
) -> Outcome {
    let as_of = as_of.unwrap_or_else(today);
    if question.len() == 1 && question[0] == "-" {
        return ask_stdin(kb, ctx, index, as_of, format, out);
    }
    if question.iter().any(|q| q == "-") {
        report(
            ctx,
            &[],
            &[Diagnostic::new(
                "`-` reads the questions from stdin: give either `-` alone or a question",
            )],
        );
        return Outcome::BadInput;
    }
    let text = question.join(" ");
    match query::parse(kb, index, &text) {
        Ok(q) => {
            let a = engine::answer(kb, &q, as_of);
            render_answer(kb, ctx, &a, format, out);
            verdict_outcome(a.verdict)
        }
        Err(d) => {
            let files = [SourceText::new("<question>".into(), text)];
            report(ctx, &files, &[d]);
            Outcome::BadInput
        }
    }
}

fn ask_stdin(
    kb: &KnowledgeBase,
    ctx: &Ctx,
    index: &NameIndex,
    as_of: jiff::civil::Date,
    format: AnswerFormat,
    out: &mut String,
) -> Outcome {
    let mut outcome = Outcome::Success;
    let answerer = engine::Answerer::new(kb);
    let written = views::answer_json::Written::default();
    // Each line's output, written whole before the next line is read (kept, not made anew per
    // line); a text answer is made in `text` first.
    let mut chunk: Vec<u8> = Vec::new();
    let mut text = String::new();
    // Buffered both ways; the answers written so far are flushed before a read that could wait
    // (whoever sends the questions one by one gets each answer), and before a problem goes to
    // stderr (the two streams stay in order).
    let mut stdout = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let mut stdin = io::BufReader::with_capacity(1 << 16, io::stdin().lock());
    let mut bytes = Vec::new();
    let mut line_no = 0;
    loop {
        bytes.clear();
        if !stdin.buffer().contains(&b'\n') && stdout.flush().is_err() {
            return outcome;
        }
        match std::io::BufRead::read_until(&mut stdin, b'\n', &mut bytes) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                eprintln!("error: cannot read stdin: {e}");
                return Outcome::BadInput;
            }
        }
        line_no += 1;
        chunk.clear();
        // The file name and padding put the line's number in the diagnostic.
        let place = |text: &str| SourceText::line("<stdin>".into(), text.to_owned(), line_no);
        let shift = |mut d: Diagnostic| {
            d.file = Some(0);
            d
        };
        // A bad line: its problem on stderr, and in JSON mode its place in the answers.
        let mut bad_line = |question: &str, d: Diagnostic, file: &SourceText, chunk: &mut Vec<u8>| {
            let files = std::slice::from_ref(file);
            if format == AnswerFormat::Json {
                let v = serde_json::json!({ "schema": views::ERROR_SCHEMA, "question": question, "line": line_no, "error": d.to_json(files) });
                chunk.extend_from_slice(serde_json::to_string(&v).unwrap_or_default().as_bytes());
                chunk.push(b'\n');
            }
            let _ = stdout.flush();
            report(ctx, files, &[d]);
        };
        let Ok(input) = std::str::from_utf8(&bytes) else {
            let at = std::str::from_utf8(&bytes).err().map_or(0, |e| e.valid_up_to());
            let valid = String::from_utf8_lossy(&bytes[..at]).into_owned();
            let d = shift(
                Diagnostic::new("the line is not valid UTF-8")
                    .at(0, at..at)
                    .label("invalid byte here"),
            );
            bad_line(&valid, d, &place(&valid), &mut chunk);
            outcome = Outcome::BadInput;
            if stdout.write_all(&chunk).is_err() {
                return outcome;
            }
            continue;
        };
        let line = input.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        match query::parse(kb, index, line) {
            Ok(q) => {
                let a = answerer.answer(&q, as_of);
                if format == AnswerFormat::Json {
                    // Straight into the line's output; nothing is left of an answer that could
                    // not be written.
                    let json = views::answer_json::AnswerJ(kb, &a, Some(&written));
                    if serde_json::to_writer(&mut chunk, &json).is_err() {
                        chunk.clear();
                    }
                    chunk.push(b'\n');
                } else {
                    text.clear();
                    render_answer(kb, ctx, &a, format, &mut text);
                    chunk.extend_from_slice(text.as_bytes());
                    chunk.push(b'\n');
                }
            }
            Err(d) => {
                bad_line(line, shift(d), &place(line), &mut chunk);
                outcome = Outcome::BadInput;
            }
        }
        // Stream the answers: a long batch is not held in memory.
        if let Err(e) = stdout.write_all(&chunk) {
            if e.kind() == io::ErrorKind::BrokenPipe {
                return outcome;
            }
            eprintln!("error: cannot write the output: {e}");
            return Outcome::BadInput;
        }
    }
    let _ = stdout.flush();
    out.clear();
    outcome
}
