//! Run the `interop` binary as a user would, with a stable environment: no colour, a fixed
//! terminal width, no backtraces.

use std::io::Write;
use std::process::{Command, Stdio};

/// What a run printed and how it exited.
pub(crate) struct Run {
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) code: i32,
}

/// Run `interop` with `args`, feeding `stdin`.
pub(crate) fn interop_with_stdin(args: &[&str], stdin: &str) -> Run {
    interop_in(None, args, stdin)
}

/// Start `interop` in a directory (the current one when `None`) with `args`, its standard
/// streams piped, for a test that talks to it as it runs.
pub(crate) fn spawn(dir: Option<&std::path::Path>, args: &[&str]) -> std::process::Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_interop"));
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "80")
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the interop binary runs")
}

/// Run `interop` in a directory (the current one when `None`) with `args`, feeding `stdin`.
pub(crate) fn interop_in(dir: Option<&std::path::Path>, args: &[&str], stdin: &str) -> Run {
    let mut child = spawn(dir, args);
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes())
        .expect("stdin takes the input");
    let out = child.wait_with_output().expect("interop finishes");
    Run {
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        code: out.status.code().expect("interop exits with a code, not a signal"),
    }
}

/// Run `interop` with `args` and an empty stdin.
pub(crate) fn interop(args: &[&str]) -> Run {
    interop_with_stdin(args, "")
}

/// The shipped data files, as (file name, text).
pub(crate) fn data_files() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("data/ exists")
        .map(|e| e.expect("data/ is readable").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            let name = p.file_name().expect("a file name").to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("data files are UTF-8"))
        })
        .collect();
    files.sort();
    files
}

/// A copy of the shipped data in a fresh temporary directory, with `edit` applied to the text
/// of `file`.
pub(crate) fn data_copy(file: &str, edit: impl FnOnce(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut edit = Some(edit);
    for (name, text) in data_files() {
        let text = if name == file {
            (edit.take().expect("the edit runs once"))(&text)
        } else {
            text
        };
        std::fs::write(dir.path().join(&name), text).expect("the copy is written");
    }
    assert!(edit.is_none(), "no data file named {file}");
    dir
}

/// The independent transcription of the support table (`fixtures/english-table.md`): one row of
/// cells per feature, the label first, bold markers and padding removed.
pub(crate) fn english_table() -> Vec<Vec<String>> {
    include_str!("../fixtures/english-table.md")
        .lines()
        .skip(2)
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.replace("**", "").trim().to_owned())
                .collect()
        })
        .collect()
}
