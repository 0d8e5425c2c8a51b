//! The book's walkthroughs, run as written: the data-format page's edits applied to a copy of
//! `data/`, the environment-file page's examples written out, each command run and its output
//! compared with the page.

use std::path::Path;

use crate::common::interop_in;

/// A step of a walkthrough.
enum Step {
    /// Add text to a file of the copy (created if new).
    Add { file: String, text: String },
    /// Replace text in a file of the copy.
    Replace { file: String, find: String, with: String },
    /// Run `interop` with these arguments; these lines must come out, in order.
    Run { args: Vec<String>, expect: Vec<String> },
}

/// The arguments of a command line: words, and double-quoted strings.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line.trim();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('"') {
            let end = r.find('"').expect("a closing quote");
            out.push(r[..end].to_owned());
            rest = r[end + 1..].trim_start();
        } else {
            let end = rest.find(' ').unwrap_or(rest.len());
            out.push(rest[..end].to_owned());
            rest = rest[end..].trim_start();
        }
    }
    out
}

fn steps(page: &str) -> Vec<Step> {
    let mut out = Vec::new();
    let mut lines = page.lines();
    while let Some(line) = lines.next() {
        let Some(lang) = line.strip_prefix("```") else { continue };
        let block: Vec<&str> = lines.by_ref().take_while(|l| !l.starts_with("```")).collect();
        match lang {
            "console" => {
                for l in block {
                    if let Some(cmd) = l.strip_prefix("$ interop ") {
                        out.push(Step::Run {
                            args: words(cmd),
                            expect: Vec::new(),
                        });
                    } else if let Some(Step::Run { expect, .. }) = out.last_mut() {
                        expect.push(l.trim().to_owned());
                    }
                }
            }
            "toml" | "text" => {
                // A block headed by the file it goes to: `# data/products.toml`, `# contoso.toml`.
                let Some(head) = block.first().and_then(|h| h.strip_prefix("# ")) else {
                    continue;
                };
                let path = head.strip_suffix(": replace").unwrap_or(head);
                if path.contains(' ') || !path.contains('.') {
                    continue;
                }
                let body = &block[1..];
                if let Some(file) = head.strip_suffix(": replace") {
                    let at = body.iter().position(|l| *l == "# with").expect("a `# with` line");
                    out.push(Step::Replace {
                        file: file.to_owned(),
                        find: body[..at].join("\n"),
                        with: body[at + 1..].join("\n"),
                    });
                } else {
                    out.push(Step::Add {
                        file: head.to_owned(),
                        text: body.join("\n") + "\n",
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// Run the steps of a page in `work`: `# data/FILE` blocks go to `work/mydata/FILE`, `# FILE`
/// blocks to `work/FILE`, and commands run in `work`. Returns how many commands ran.
fn run_steps(steps: Vec<Step>, work: &Path) -> usize {
    let mut runs = 0;
    for step in steps {
        match step {
            Step::Add { file, text } => {
                let path = place(work, &file);
                std::fs::create_dir_all(path.parent().expect("a folder")).expect("the folder");
                let old = std::fs::read_to_string(&path).unwrap_or_default();
                let sep = if old.is_empty() { "" } else { "\n" };
                std::fs::write(&path, format!("{old}{sep}{text}")).expect("written");
            }
            Step::Replace { file, find, with } => {
                let path = place(work, &file);
                let old = std::fs::read_to_string(&path).expect("the file to edit");
                assert_eq!(old.matches(&find).count(), 1, "`{find}` is not once in {file}");
                std::fs::write(&path, old.replacen(&find, &with, 1)).expect("written");
            }
            Step::Run { args, expect } => {
                runs += 1;
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let run = interop_in(Some(work), &args, "");
                let printed: Vec<String> = run
                    .stdout
                    .lines()
                    .chain(run.stderr.lines())
                    .map(|l| l.trim().to_owned())
                    .collect();
                let mut at = 0;
                for want in &expect {
                    let matches = |l: &String| match want.strip_suffix('…') {
                        Some(start) => l.starts_with(start),
                        None => l == want,
                    };
                    let Some(i) = printed[at..].iter().position(matches) else {
                        panic!(
                            "`interop {}` does not print\n  {want}\nit prints:\n{}\n{}",
                            args.join(" "),
                            run.stdout,
                            run.stderr
                        );
                    };
                    at += i + 1;
                }
                // A command shown with no output prints nothing and succeeds.
                if expect.is_empty() {
                    assert!(
                        run.code == 0 && run.stdout.is_empty() && run.stderr.is_empty(),
                        "`interop {}` should print nothing and succeed: {}{}",
                        args.join(" "),
                        run.stdout,
                        run.stderr
                    );
                }
            }
        }
    }
    runs
}

fn place(work: &Path, file: &str) -> std::path::PathBuf {
    match file.strip_prefix("data/") {
        Some(rest) => work.join("mydata").join(rest),
        None => work.join(file),
    }
}

#[test]
fn the_data_format_walkthroughs_work_as_written() {
    let page = include_str!("../book/src/reference/data-format.md");
    let walk = &page[page.find("## Walkthroughs").expect("the walkthroughs")..];
    let steps = steps(walk);
    assert!(steps.len() >= 12, "only {} steps", steps.len());
    let dir = tempfile::tempdir().expect("a temporary directory");
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    copy(&shipped, &dir.path().join("mydata"));
    let runs = run_steps(steps, dir.path());
    assert!(runs >= 8, "only {runs} commands");
}

#[test]
fn the_environment_file_examples_work_as_written() {
    let page = include_str!("../book/src/guide/environments.md");
    let steps = steps(page);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let runs = run_steps(steps, dir.path());
    assert!(runs >= 5, "only {runs} commands");
}

fn copy(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("the copy");
    for e in std::fs::read_dir(from).expect("data/") {
        let e = e.expect("an entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("a type").is_dir() {
            copy(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copied");
        }
    }
}
