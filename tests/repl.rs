//! The interactive shell: scripted sessions through a pipe (the deployment set, used, changed
//! and cleared; errors mid-session), and a real session through a pseudo-terminal (the prompt,
//! completion of a name with Tab, history kept for the next session).

use crate::common::interop_with_stdin;

const TODAY: &str = "2026-11-23";

#[test]
fn a_scripted_session_remembers_the_deployment() {
    let script = format!(
        "\
as of {TODAY}
use Exchange 2013 and Skype for Business Server 2015 with the Lync 2013 client
env
does high-resolution photo work?
hd photos with the Lync 2010 client
fix
why 1
what does not work?
use Exchange Online and SfB Server 2019
does UM voicemail work?
sources
use UCS with Exchange 2013
evn
why 99
clear
env
does UCS work with Exchange 2010 and Lync Server 2013?
"
    );
    let run = interop_with_stdin(&["repl"], &script);
    // Two bad lines: the session goes on, and the status says a line was bad.
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stderr.matches("error:").count(), 3, "{}", run.stderr);
    assert!(!run.stdout.contains("interop>"), "no prompt from a pipe");
    insta::assert_snapshot!("scripted_session", run.stdout);
    insta::assert_snapshot!("scripted_session_errors", run.stderr);
    // The deployment fills what the question leaves out, and a product the question names
    // replaces the deployment's for that question only.
    assert!(run.stdout.contains("yes: High-resolution contact photo works with Exchange Server 2013 + Skype for Business Server 2015 + Lync 2013 client"));
    assert!(run.stdout.contains("no: High-resolution contact photo does not work with Exchange Server 2013 + Skype for Business Server 2015 + Lync 2010 client"));
    assert!(
        run.stdout.contains(
            "What does not work with Exchange Server 2013 + Skype for Business Server 2015 + Lync 2013 client"
        )
    );
    assert!(
        run.stdout
            .contains("no: Exchange UM voice mail does not work with Exchange Online + Skype for Business Server 2019")
    );
    assert!(run.stdout.contains("deployment: none"));
}

#[test]
fn a_clean_script_exits_zero_and_quit_stops_it() {
    let run = interop_with_stdin(
        &["repl"],
        "help\nmatrix\nquit\ndoes UCS work with Exchange 2013 and SfB Server 2015?\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("use       set the session's deployment"));
    assert!(
        !run.stdout.contains("Contact list (via Unified Contact Store) works"),
        "nothing after quit"
    );
    // `interop` alone is the shell too.
    let run = interop_with_stdin(&[], "env\n");
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with("deployment: none"), "{}", run.stdout);
}

#[test]
fn the_shell_plans_and_checks_an_environment_file() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(
        dir.path().join("env.toml"),
        "topology = \"Exchange 2016 and Skype for Business Server 2015\"\nsip-domain = \"contoso.com\"\n",
    )
    .expect("written");
    let run = crate::common::interop_in(
        Some(dir.path()),
        &["repl"],
        "check\nuse env.toml\ncheck\nplan\nuse Exchange 2013 and SfB Server 2015\ncheck\n",
    );
    assert_eq!(run.code, 2, "two lines need an environment file");
    assert!(run.stdout.contains("(from env.toml)"), "{}", run.stdout);
    assert!(run.stdout.contains("not declared"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("# Integration plan: Exchange Server 2016 + Skype for Business Server 2015"),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.stderr.matches("`check` judges an environment file").count(),
        2,
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
mod terminal {
    use std::process::Command;
    use std::time::Duration;

    use expectrl::session::OsSession as Session;
    use expectrl::{Eof, Expect};

    fn start(history: &std::path::Path) -> Session {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_interop"));
        cmd.env("INTEROP_HISTORY", history)
            .env("TERM", "xterm")
            .env("NO_COLOR", "1")
            .env("COLUMNS", "100")
            .env_remove("RUST_BACKTRACE");
        let mut s = Session::spawn(cmd).expect("a pseudo-terminal");
        // Wide enough that no line wraps.
        s.get_process_mut().set_window_size(200, 50).expect("a window size");
        s.set_expect_timeout(Some(Duration::from_secs(20)));
        s
    }

    #[test]
    fn completion_prompt_and_history_through_a_terminal() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let history = dir.path().join("state").join("history");
        let mut s = start(&history);
        s.expect("ask a question, or `help`").expect("the banner");
        s.expect("interop> ").expect("the prompt");
        s.send_line("use Exchange 2013 and Skype for Business Server 2015 with the Lync 2013 client")
            .expect("typed");
        s.expect("interop [Exchange Server 2013 + Skype for Business")
            .expect("the prompt shows the deployment");
        // The whole prompt: the editor reads what is typed from then on.
        s.expect("]> ").expect("the end of the prompt");
        // A name completed with Tab: "High-resolution cont" has one completion.
        s.send("does High-resolution cont").expect("typed");
        s.send("\t").expect("tab");
        s.expect("High-resolution contact photo").expect("completed");
        s.send_line(" work?").expect("typed");
        s.expect("yes: High-resolution contact photo works with Exchange Server 2013")
            .expect("the answer");
        s.expect("]> ").expect("the prompt again");
        // Ctrl-C clears the line; the session goes on.
        s.send("does UCS").expect("typed");
        s.send("\x03").expect("ctrl-c");
        // The editor leaves the line given up with a new line, then prompts again. (`]> `
        // alone could match the line as typed, drawn again: a command sent then could reach
        // the terminal before the editor reads again, and be flushed.)
        s.expect("\n").expect("the line given up");
        s.expect("]> ").expect("a fresh prompt after ctrl-c");
        s.send_line("env").expect("typed");
        s.expect("as of: ").expect("env after ctrl-c");
        s.expect("]> ").expect("the prompt again");
        s.send_line("quit").expect("typed");
        s.expect(Eof).expect("the shell leaves");
        let saved = std::fs::read_to_string(&history).expect("history saved");
        assert!(saved.contains("does High-resolution contact photo work?"), "{saved}");
        // The next session finds it again: up three times is the question.
        let mut s = start(&history);
        s.expect("interop> ").expect("the prompt");
        s.send("\x1b[A\x1b[A\x1b[A").expect("up");
        s.expect("does High-resolution contact photo work?").expect("recalled");
        s.send("\x04").expect("ctrl-d clears nothing on a full line");
        s.send("\x15").expect("ctrl-u");
        s.send("\x04").expect("ctrl-d");
        s.expect(Eof).expect("ctrl-d leaves");
    }

    #[test]
    fn a_history_file_that_cannot_be_written_is_a_warning() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        // A directory where the file should be: it cannot be read or written.
        let history = dir.path().join("history");
        std::fs::create_dir(&history).expect("a directory");
        let mut s = start(&history);
        s.expect("warning: cannot read the history").expect("a warning");
        s.expect("interop> ").expect("the prompt all the same");
        s.send_line("quit").expect("typed");
        s.expect("warning: cannot save the history").expect("a warning");
        s.expect(Eof).expect("leaves");
    }
}
