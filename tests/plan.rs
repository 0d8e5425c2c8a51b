//! Plans, environment checks, migration diffs and the dependency graph: what `plan`, `check`,
//! `diff` and `graph` print and write.

use std::path::Path;

use crate::common::{interop, interop_in};

const TODAY: &str = "2026-11-23";

/// The book's complete example.
const CONTOSO: &str = r#"topology = "Exchange 2016 and Skype for Business Server 2015 with the Skype for Business client"
sip-domain = "contoso.com"

[exchange]
servers = ["ex01.contoso.com"]
autodiscover-internal-uri = "https://autodiscover.contoso.com/autodiscover/autodiscover.xml"

[server]
front-ends = ["fe01.contoso.com", "fe02.contoso.com"]
oauth-exchange-autodiscover-url = "https://autodiscover.contoso.com/autodiscover/autodiscover.svc"

[[certificate]]
name = "oauth"
subject = "CN=sfb.contoso.com, O=Contoso"
key-length = 2048
oauth-token-issuer-on = ["fe01.contoso.com", "fe02.contoso.com"]

[[dns]]
name = "autodiscover.contoso.com"
target = "ex01.contoso.com"
"#;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("written");
}

#[test]
fn plans_for_several_deployments() {
    let mut all = String::new();
    for topology in [
        "Exchange 2016 and Skype for Business Server 2015 with the Skype for Business client",
        "Exchange 2010 and Lync Server 2013",
        "Exchange Online and Skype for Business Server 2019 with the Lync 2013 client",
    ] {
        let run = interop(&["plan", topology, "--as-of", TODAY]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stdout.starts_with("# Integration plan: "), "{}", run.stdout);
        for section in [
            "## Summary",
            "## Features",
            "## Prerequisites, in the order they must be done",
            "## Sources",
        ] {
            assert!(run.stdout.contains(section), "{topology}: no {section}");
        }
        all.push_str(&run.stdout);
        all.push_str("\n\n");
    }
    insta::assert_snapshot!("plans_markdown", all);
}

#[test]
fn the_checklist_is_in_dependency_order_with_its_commands() {
    let run = interop(&[
        "plan",
        "Exchange 2016 and Skype for Business Server 2015",
        "--as-of",
        TODAY,
    ]);
    let steps: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("- [ ] **")).collect();
    let at = |title: &str| {
        steps
            .iter()
            .position(|l| l.contains(title))
            .unwrap_or_else(|| panic!("no step {title}:\n{}", steps.join("\n")))
    };
    assert_eq!(at("Install Exchange and Lync Server"), 0);
    assert!(at("Configure the Exchange Autodiscover service") < at("Create a DNS record for the Autodiscover name"));
    assert!(
        at("Point the Lync / Skype for Business OAuth configuration")
            < at("Configure each product as a partner application")
    );
    assert!(
        run.stdout
            .contains("Set-CsOAuthConfiguration -Identity global -ExchangeAutodiscoverUrl")
    );
    assert!(run.stdout.contains("autodiscover.svc"));
    assert!(
        run.stdout
            .contains("Get-ClientAccessServer | Set-ClientAccessServer -AutoDiscoverServiceInternalUri")
    );
}

#[test]
fn an_html_plan_is_one_page_that_loads_nothing_and_escapes_everything() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    // A name from the environment file that must come out inert.
    let hostile = CONTOSO
        .replace("key-length = 2048", "key-length = 1024")
        .replace("name = \"oauth\"", "name = \"<script>alert('x')</script>&\"");
    write(dir.path(), "env.toml", &hostile);
    let run = interop_in(
        Some(dir.path()),
        &[
            "plan",
            "--env",
            "env.toml",
            "--format",
            "html",
            "-o",
            "plan.html",
            "--as-of",
            TODAY,
        ],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    let html = std::fs::read_to_string(dir.path().join("plan.html")).expect("written");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<style>") && html.ends_with("</html>\n"));
    for tag in ["<script", "<link", "<img", "<iframe", "@import", "url("] {
        assert!(!html.contains(tag), "the page loads something: {tag}");
    }
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"),
        "escaped"
    );
    assert_eq!(
        html.matches("<input type=\"checkbox\"").count(),
        html.matches("<li><input").count()
    );
    assert!(html.matches("<input type=\"checkbox\"").count() >= 8);
    for id in ["summary", "features", "prerequisites", "sources"] {
        assert!(html.contains(&format!("<h2 id=\"{id}\">")), "no section {id}");
    }
    // Every element opened is closed: a rough balance of the tags the page uses.
    for tag in ["ul", "ol", "li", "table", "tr", "td", "h2", "code"] {
        let open = html.matches(&format!("<{tag}>")).count() + html.matches(&format!("<{tag} ")).count();
        let close = html.matches(&format!("</{tag}>")).count();
        assert_eq!(open, close, "<{tag}> opened {open} times, closed {close}");
    }
    // No temporary file is left beside it.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("listed")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
}

#[test]
fn an_existing_file_is_kept_unless_forced() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    write(dir.path(), "plan.md", "mine\n");
    let args = [
        "plan",
        "Exchange 2016 and Skype for Business Server 2015",
        "-o",
        "plan.md",
    ];
    let run = interop_in(Some(dir.path()), &args, "");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`plan.md` exists") && run.stderr.contains("--force"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("plan.md")).expect("kept"),
        "mine\n"
    );
    let mut forced = args.to_vec();
    forced.push("--force");
    let run = interop_in(Some(dir.path()), &forced, "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        std::fs::read_to_string(dir.path().join("plan.md"))
            .expect("replaced")
            .starts_with("# Integration plan")
    );
    // A directory that does not exist: an error, and nothing written.
    let run = interop_in(
        Some(dir.path()),
        &["plan", "Exchange 2016 and SfB Server 2015", "-o", "no/such/plan.md"],
        "",
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("cannot write `no/such/plan.md`"), "{}", run.stderr);
}

#[test]
fn a_sound_environment_passes_every_check() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    write(dir.path(), "contoso.toml", CONTOSO);
    let run = interop_in(Some(dir.path()), &["check", "contoso.toml", "--as-of", TODAY], "");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.ends_with("6 pass, 0 fail, 0 not declared.\n"),
        "{}",
        run.stdout
    );
    let json = interop_in(Some(dir.path()), &["check", "contoso.toml", "--format", "json"], "");
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(v["ok"], true);
    assert_eq!(v["checks"].as_array().expect("checks").len(), 6);
}

#[test]
fn each_broken_prerequisite_is_caught_with_its_reason_and_fix() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "key-length = 2048",
            "key-length = 1024",
            "has a 1024-bit key; at least 2048 bits are needed",
            "",
        ),
        (
            "CN=sfb.contoso.com, O=Contoso",
            "CN=pool.corp.local",
            "does not include the SIP domain contoso.com",
            "",
        ),
        (
            "oauth-token-issuer-on = [\"fe01.contoso.com\", \"fe02.contoso.com\"]",
            "oauth-token-issuer-on = [\"fe01.contoso.com\"]\n\n[[certificate]]\nname = \"other\"\nsubject = \"CN=fe02.contoso.com\"\nkey-length = 2048\noauth-token-issuer-on = [\"fe02.contoso.com\"]",
            "Front End fe02.contoso.com uses other while fe01.contoso.com uses oauth",
            "",
        ),
        (
            "autodiscover/autodiscover.svc\"",
            "autodiscover/autodiscover.xml\"",
            "points at autodiscover.xml, the file the service uses; use autodiscover.svc",
            "fix (Lync Server Management Shell): Set-CsOAuthConfiguration",
        ),
        (
            "name = \"autodiscover.contoso.com\"",
            "name = \"mail.contoso.com\"",
            "no DNS record for autodiscover.contoso.com",
            "",
        ),
        (
            "target = \"ex01.contoso.com\"",
            "target = \"web.contoso.com\"",
            "resolves to web.contoso.com, which is not one of the Exchange servers",
            "",
        ),
        (
            "autodiscover-internal-uri = \"https://autodiscover.contoso.com/autodiscover/autodiscover.xml\"",
            "autodiscover-internal-uri = \"\"",
            "AutoDiscoverServiceInternalUri is empty",
            "fix (Exchange Management Shell): Get-ClientAccessServer | Set-ClientAccessServer",
        ),
    ];
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (find, replace, says, fix) in cases {
        assert!(CONTOSO.contains(find), "{find}");
        write(dir.path(), "env.toml", &CONTOSO.replacen(find, replace, 1));
        let run = interop_in(Some(dir.path()), &["check", "env.toml", "--as-of", TODAY], "");
        assert_eq!(run.code, 1, "{says}: {}{}", run.stdout, run.stderr);
        assert!(run.stdout.contains(says), "expected `{says}`:\n{}", run.stdout);
        assert!(run.stdout.contains(fix), "expected `{fix}`:\n{}", run.stdout);
        assert!(run.stdout.contains("source: seed-002"), "{}", run.stdout);
    }
    // What the file leaves out is not passed.
    write(
        dir.path(),
        "env.toml",
        "topology = \"Exchange 2016 and Skype for Business Server 2015\"\n",
    );
    let run = interop_in(Some(dir.path()), &["check", "env.toml"], "");
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("not declared: add `sip-domain`")
            || run.stdout.contains("not declared: add a [[certificate]]"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_broken_environment_file_is_located() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let cases: &[(&str, &str, &str)] = &[
        ("sip-domian = \"x\"\n", "env.toml:2:1", "did you mean `sip-domain`?"),
        (
            "[[certificate]]\nname = \"a\"\nkey-length = \"big\"\n",
            "env.toml:4:14",
            "invalid environment file",
        ),
        // Two mistakes: the one written first is the one said (its key sorts after the other
        // table's, so a reader that took keys in sorted order would say the second).
        (
            "sip-domian = \"x\"\n[[certificate]]\nname = \"a\"\nkey-length = \"big\"\n",
            "env.toml:2:1",
            "did you mean `sip-domain`?",
        ),
    ];
    for (extra, place, message) in cases {
        write(
            dir.path(),
            "env.toml",
            &format!("topology = \"Exchange 2016 and SfB Server 2015\"\n{extra}"),
        );
        let run = interop_in(Some(dir.path()), &["check", "env.toml"], "");
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains(place) && run.stderr.contains(message),
            "{}",
            run.stderr
        );
        assert!(run.stdout.is_empty());
    }
    // A topology the question parser cannot read: the caret is inside the string.
    write(dir.path(), "env.toml", "topology = \"Exchange 2016 and UCS\"\n");
    let run = interop_in(Some(dir.path()), &["check", "env.toml"], "");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("env.toml:1:31") && run.stderr.contains("`UCS` is a feature"),
        "{}",
        run.stderr
    );
    let run = interop(&["check", "/no/such/file.toml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read the environment file"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_migration_between_two_environments() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    write(
        dir.path(),
        "before.toml",
        "topology = \"Exchange 2010 and Lync Server 2013 with the Lync 2013 client\"\n",
    );
    write(dir.path(), "after.toml", CONTOSO);
    let run = interop_in(
        Some(dir.path()),
        &["diff", "before.toml", "after.toml", "--as-of", TODAY],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Gained:"), "{}", run.stdout);
    // The same engine path as the migration question.
    let asked = interop(&[
        "ask",
        "what changes from Exchange 2010 and Lync Server 2013 with the Lync 2013 client to Exchange 2016 and Skype for Business Server 2015 with the Skype for Business client?",
        "--as-of",
        TODAY,
        "--format",
        "json",
    ]);
    let json = interop_in(
        Some(dir.path()),
        &[
            "diff",
            "before.toml",
            "after.toml",
            "--as-of",
            TODAY,
            "--format",
            "json",
        ],
        "",
    );
    let a: serde_json::Value = serde_json::from_str(&asked.stdout).expect("JSON");
    let b: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(a["changes"], b["changes"]);
    insta::assert_snapshot!("migration", run.stdout);
}

#[test]
fn the_dependency_graph_as_dot() {
    let run = interop(&["graph", "--feature", "unified-contact-store"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("digraph interop {"));
    assert!(run.stdout.contains("label=\"requires\""));
    assert!(run.stdout.contains("Server-to-server"));
    assert!(
        !run.stdout.contains("High-resolution"),
        "only what the feature leads to"
    );
    insta::assert_snapshot!("graph_ucs", run.stdout);
    let all = interop(&["graph"]);
    assert!(all.stdout.lines().count() > run.stdout.lines().count());
    let typo = interop(&["graph", "--feature", "unified-contact-stor"]);
    assert_eq!(typo.code, 2);
    assert!(
        typo.stderr.contains("did you mean `unified-contact-store`?"),
        "{}",
        typo.stderr
    );
}

#[test]
fn svg_without_graphviz_says_so() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_interop"))
        .args(["graph", "--format", "svg"])
        .env("PATH", "")
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs Graphviz's `dot`, which is not installed"), "{err}");
    assert!(out.stdout.is_empty());
}
