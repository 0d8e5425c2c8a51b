//! The `interop` binary: parses the command line, loads the knowledge base, runs a command,
//! writes its output, and maps the outcome to an exit code. All policy about exit codes and
//! error rendering lives here; the library returns data and typed errors.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use interop::diag::{Diagnostic, SourceText};
use interop::kb::{self, KnowledgeBase, LoadError};
use interop::views::{self, Format};

const EXIT_HELP: &str = "\
Exit status:
  0  success (for `ask`: yes or conditional)
  1  for `ask`: no
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

    /// When to use colour: auto follows the terminal and NO_COLOR.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,

    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Print the support table of the source, in its order.
    #[command(
        after_long_help = "Examples:\n  interop matrix\n  interop matrix --format md\n  interop matrix --format json | jq '.features[0]'"
    )]
    Matrix {
        #[arg(long, short, value_enum, default_value_t = Format::Text)]
        format: Format,
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
    /// Work with the knowledge base itself.
    Kb {
        #[command(subcommand)]
        command: KbCommand,
    },
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
    /// Bad input: rendered diagnostics are already on stderr.
    BadInput,
}

struct Ctx {
    color_err: bool,
    width: u16,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let color_err = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<u16>().ok())
        .filter(|w| *w >= 40)
        .unwrap_or(80);
    let ctx = Ctx { color_err, width };
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
        Outcome::BadInput => 2,
    })
}

fn load(cli: &Cli) -> Result<KnowledgeBase, LoadError> {
    match &cli.data {
        Some(dir) => kb::load_dir(dir),
        None => kb::load_embedded(),
    }
}

fn report(ctx: &Ctx, files: &[SourceText], diags: &[Diagnostic]) {
    let mut err = io::stderr().lock();
    for d in diags {
        let _ = writeln!(err, "{}\n", d.render(files, ctx.color_err));
    }
    if diags.len() > 1 {
        let _ = writeln!(err, "error: {} problems found", diags.len());
    }
}

fn run(cli: &Cli, ctx: &Ctx, out: &mut String) -> Outcome {
    let kb = match load(cli) {
        Ok(kb) => kb,
        Err(e) => {
            if let Command::Kb {
                command: KbCommand::Check { format: Format::Json },
            } = &cli.command
            {
                let problems: Vec<_> = e.diagnostics.iter().map(|d| d.to_json(&e.files)).collect();
                let v = serde_json::json!({ "ok": false, "problems": problems });
                out.push_str(&serde_json::to_string_pretty(&v).unwrap_or_default());
                out.push('\n');
            }
            report(ctx, &e.files, &e.diagnostics);
            return Outcome::BadInput;
        }
    };
    match &cli.command {
        Command::Matrix { format } => out.push_str(&views::matrix::render(&kb, *format, ctx.width)),
        Command::Features { format } => out.push_str(&views::catalog::features(&kb, *format, ctx.width)),
        Command::Products { format } => out.push_str(&views::catalog::products(&kb, *format, ctx.width)),
        Command::Kb {
            command: KbCommand::Check { format },
        } => out.push_str(&views::catalog::summary(&kb, *format)),
    }
    Outcome::Success
}
