//! The walkthroughs of the book's data-format page, run as written: each edit applied to a
//! copy of `data/`, each command run on it and its output compared with the page.

use crate::common::interop;

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
                let Some(head) = block.first().and_then(|h| h.strip_prefix("# data/")) else {
                    continue;
                };
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

#[test]
fn the_data_format_walkthroughs_work_as_written() {
    let page = include_str!("../book/src/reference/data-format.md");
    let walk = &page[page.find("## Walkthroughs").expect("the walkthroughs")..];
    let steps = steps(walk);
    assert!(steps.len() >= 12, "only {} steps", steps.len());
    let dir = tempfile::tempdir().expect("a temporary directory");
    let data = dir.path().join("mydata");
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    copy(&shipped, &data);
    let mut runs = 0;
    for step in steps {
        match step {
            Step::Add { file, text } => {
                let path = data.join(&file);
                std::fs::create_dir_all(path.parent().expect("a folder")).expect("the folder");
                let old = std::fs::read_to_string(&path).unwrap_or_default();
                std::fs::write(&path, format!("{old}\n{text}")).expect("written");
            }
            Step::Replace { file, find, with } => {
                let path = data.join(&file);
                let old = std::fs::read_to_string(&path).expect("the file to edit");
                assert_eq!(old.matches(&find).count(), 1, "`{find}` is not once in {file}");
                std::fs::write(&path, old.replacen(&find, &with, 1)).expect("written");
            }
            Step::Run { args, expect } => {
                runs += 1;
                let args: Vec<&str> = args
                    .iter()
                    .map(|a| {
                        if a == "mydata" {
                            data.to_str().expect("UTF-8 path")
                        } else {
                            a.as_str()
                        }
                    })
                    .collect();
                let run = interop(&args);
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
                assert!(!expect.is_empty(), "`interop {}` expects nothing", args.join(" "));
            }
        }
    }
    assert!(runs >= 8, "only {runs} commands");
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
