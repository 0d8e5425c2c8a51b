//! The misreading suite: questions whose qualifiers, versions and names must bind to the right
//! product. A confident wrong verdict is the worst failure, so each case asserts the whole
//! reading — the feature, every role of the topology, the names the knowledge base lacks and
//! the words skipped — not only the verdict.

use serde_json::Value;

use crate::common::interop;

/// Asked of before Skype for Business Online was retired, so that its columns still answer.
const AS_OF: &str = "2021-01-01";

struct Case {
    question: &'static str,
    verdict: &'static str,
    feature: &'static str,
    /// `role=id|id` pairs; a role not listed must be left open.
    roles: &'static [&'static str],
    /// Names the answer must say it lacks.
    unknown: &'static [&'static str],
    /// Words the answer must say it skipped.
    skipped: &'static [&'static str],
}

const fn case(
    question: &'static str,
    verdict: &'static str,
    feature: &'static str,
    roles: &'static [&'static str],
) -> Case {
    Case {
        question,
        verdict,
        feature,
        roles,
        unknown: &[],
        skipped: &[],
    }
}

#[rustfmt::skip]
const CASES: &[Case] = &[
    // The misreadings of the issue.
    case("presence in Outlook for Exchange 2010 on-prem + SfB Online", "yes", "presence-in-outlook",
        &["exchange=exchange-2010", "server=sfb-online", "mail-client=outlook"]),
    case("Lync Server 2010 archiving to Exchange 2013", "no", "exchange-archiving",
        &["exchange=exchange-2013", "server=lync-server-2010"]),
    case("UCS for O365 mailboxes + on-prem SfB 2015", "conditional", "unified-contact-store",
        &["exchange=exchange-online", "server=sfb-server-2015"]),
    // A mode before or after its product, in its clause, and never across `+`, `,` or `and`.
    case("presence in Outlook for on-prem Exchange 2010 + SfB Online", "yes", "presence-in-outlook",
        &["exchange=exchange-2010", "server=sfb-online", "mail-client=outlook"]),
    case("SfB Online with Exchange 2010 on premises: presence in Outlook?", "yes", "presence-in-outlook",
        &["exchange=exchange-2010", "server=sfb-online", "mail-client=outlook"]),
    case("UCS with mailboxes in the cloud and SfB 2019 on-prem", "conditional", "unified-contact-store",
        &["exchange=exchange-online", "server=sfb-server-2019"]),
    case("does UCS work when Exchange is online and SfB 2015 is on prem", "conditional", "unified-contact-store",
        &["exchange=exchange-online", "server=sfb-server-2015"]),
    // Unknown, not no: on-premises Exchange includes Exchange 2019, which no source covers.
    case("does UCS work when Exchange is on-premises and Skype for Business is Online?", "unknown", "unified-contact-store",
        &["exchange=exchange-2010|exchange-2013|exchange-2016|exchange-2019", "server=sfb-online"]),
    case("Exchange Online and SfB Server 2015 in Office 365: UCS?", "conditional", "unified-contact-store",
        &["exchange=exchange-online", "server=sfb-server-2015"]),
    // Role words pick the reading of an ambiguous name.
    case("users homed on Lync 2010 with Exchange 2013: UCS?", "no", "unified-contact-store",
        &["exchange=exchange-2013", "server=lync-server-2010"]),
    case("hi-res photos for the Lync 2010 client with Lync Server 2013 and Exchange 2013", "no", "high-resolution-photo",
        &["exchange=exchange-2013", "server=lync-server-2013", "client=lync-2010"]),
    case("Lync 2013 desktop client, Exchange Online, Skype for Business Online: online meetings through Outlook?", "yes",
        "meetings-in-outlook", &["exchange=exchange-online", "server=sfb-online", "client=lync-2013", "mail-client=outlook"]),
    // Versions after, before and attached to their line; updates noted, not lost.
    case("Ex16 / SfB19: UCS with the SfB client?", "yes", "unified-contact-store",
        &["exchange=exchange-2016", "server=sfb-server-2019", "client=sfb-client"]),
    case("UCS with the 2016 Exchange servers and a Skype for Business 2015 Server pool", "conditional", "unified-contact-store",
        &["exchange=exchange-2016", "server=sfb-server-2015"]),
    case("UCS with Exchange 2016/2013 and SfB Server 2015", "conditional", "unified-contact-store",
        &["exchange=exchange-2013|exchange-2016", "server=sfb-server-2015"]),
    case("Exchange archiving for SfB Server 2019 with the 2010 Exchange — possible?", "no", "exchange-archiving",
        &["exchange=exchange-2010", "server=sfb-server-2019"]),
    case("We're running Lync Server 2013 with Exchange 2010 SP3. Can we turn on UCS?", "no", "unified-contact-store",
        &["exchange=exchange-2010", "server=lync-server-2013"]),
    case("UCS with Exchange 2013 CU21 and Lync Server 2013 build 15.0.4535.1002", "conditional", "unified-contact-store",
        &["exchange=exchange-2013", "server=lync-server-2013"]),
    // A name after "without" is no part of the topology.
    case("meetings in OWA without desktop Outlook, Exchange 2016 and SfB Server 2019", "yes", "meetings-in-owa",
        &["exchange=exchange-2016", "server=sfb-server-2019", "mail-client=owa"]),
    // A product named inside the feature's words is the feature's, and decides between rows.
    case("Will Outlook show presence bubbles if we're on Exchange 2010 and Lync Server 2013?", "yes", "presence-in-outlook",
        &["exchange=exchange-2010", "server=lync-server-2013", "mail-client=outlook"]),
    case("replying with IM from Outlook Web App email with Exchange 2013 and SfB Server 2015", "yes", "respond-from-owa",
        &["exchange=exchange-2013", "server=sfb-server-2015", "mail-client=owa"]),
    case("joining online meetings in mobile clients with Exchange Online and SfB Server 2019", "yes", "mobile-meetings",
        &["exchange=exchange-online", "server=sfb-server-2019", "client=mobile"]),
    // Products the knowledge base does not have: unknown, and the answer names them.
    Case { unknown: &["Teams"], ..case("does presence in Outlook work with Exchange 2013 and Teams?", "unknown", "presence-in-outlook",
        &["exchange=exchange-2013", "mail-client=outlook"]) },
    Case { unknown: &["OCS 2007 R2"], ..case("does UCS work with Exchange 2013 and OCS 2007 R2?", "unknown", "unified-contact-store",
        &["exchange=exchange-2013"]) },
    Case { unknown: &["Exchange 2007"], ..case("UCS with Exchange 2007 and SfB 2015", "unknown", "unified-contact-store",
        &["server=sfb-server-2015"]) },
    Case { unknown: &["Mitel 2019"], ..case("does UCS work with Exchange 2013 and Mitel 2019?", "unknown", "unified-contact-store",
        &["exchange=exchange-2013"]) },
    Case { unknown: &["Zoom"], ..case("does UCS work with Zoom and Exchange 2013?", "unknown", "unified-contact-store",
        &["exchange=exchange-2013"]) },
    // An ordinary word that looks like a product is not one.
    Case { skipped: &["sales"], ..case("does UCS work with Exchange 2013, SfB 2015 and the sales team?", "conditional",
        "unified-contact-store", &["exchange=exchange-2013", "server=sfb-server-2015"]) },
    Case { skipped: &["turn"], ..case("We're on Exchange 2013 and SfB 2015 with the SfB client. Can we turn on UCS?", "yes",
        "unified-contact-store", &["exchange=exchange-2013", "server=sfb-server-2015", "client=sfb-client"]) },
];

fn ask(question: &str) -> (Value, i32) {
    let run = interop(&["ask", question, "--format", "json", "--as-of", AS_OF]);
    let v = serde_json::from_str(&run.stdout).unwrap_or(Value::Null);
    (v, run.code)
}

#[test]
fn qualifiers_and_versions_bind_to_the_product_they_qualify() {
    let mut wrong = Vec::new();
    for c in CASES {
        let (v, code) = ask(c.question);
        if code == 2 {
            wrong.push(format!("`{}`: rejected", c.question));
            continue;
        }
        let mut problems = Vec::new();
        if v["verdict"] != c.verdict {
            problems.push(format!("verdict {} (expected {})", v["verdict"], c.verdict));
        }
        if v["feature"]["id"] != c.feature {
            problems.push(format!("feature {} (expected {})", v["feature"]["id"], c.feature));
        }
        let roles = v["topology"]["roles"].as_object().cloned().unwrap_or_default();
        let mut expected = serde_json::Map::new();
        for r in c.roles {
            let (role, ids) = r.split_once('=').expect("role=ids");
            expected.insert(
                role.to_owned(),
                ids.split('|').map(|i| Value::from(i.to_owned())).collect(),
            );
        }
        // SharePoint is optional: a question that names none leaves it open.
        if Value::Object(roles.clone()) != Value::Object(expected.clone()) {
            problems.push(format!(
                "topology {} (expected {})",
                Value::Object(roles),
                Value::Object(expected)
            ));
        }
        let lacks = v["unknown_versions"].to_string();
        for u in c.unknown {
            if !lacks.contains(u) {
                problems.push(format!("does not say it lacks `{u}` ({lacks})"));
            }
        }
        let skipped: Vec<&str> = v["reading"]["skipped"]
            .as_array()
            .map(|s| s.iter().filter_map(|x| x["text"].as_str()).collect())
            .unwrap_or_default();
        for s in c.skipped {
            if !skipped.contains(s) {
                problems.push(format!("does not say it skipped `{s}` ({skipped:?})"));
            }
        }
        if !problems.is_empty() {
            wrong.push(format!("`{}`: {}", c.question, problems.join("; ")));
        }
    }
    assert!(wrong.is_empty(), "{} misread:\n{}", wrong.len(), wrong.join("\n"));
}

/// Every product and version named appears in the reading, in the words written.
#[test]
fn every_product_and_version_named_is_in_the_reading() {
    for c in CASES {
        let (v, _) = ask(c.question);
        let parts: Vec<String> = v["reading"]["parts"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter_map(|p| p["text"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let read = parts.join(" ");
        for number in c
            .question
            .split(|ch: char| !ch.is_ascii_digit())
            .filter(|n| n.len() == 4)
        {
            let noted = v["reading"]["notes"].to_string();
            assert!(
                read.contains(number) || noted.contains(number),
                "`{}`: {number} is not in the reading {parts:?}",
                c.question
            );
        }
    }
}

/// Questions that cannot be read as asked are rejected with a caret, never answered.
#[test]
fn contradictions_and_unplaceable_words_are_errors_not_guesses() {
    for (q, message) in [
        (
            "does UCS work with 2016?",
            "`2016` is not a version of any product named before it",
        ),
        (
            "does UCS work with Exchange 2013 online and SfB Server 2015?",
            "`online` does not fit `Exchange 2013`",
        ),
        (
            "does an Outlook add-in from another vendor work with Exchange 2013?",
            "the question names no feature",
        ),
        ("does blorp work with Exchange 2013?", "the question names no feature"),
    ] {
        let run = interop(&["ask", q]);
        assert_eq!(run.code, 2, "`{q}` was answered:\n{}", run.stdout);
        assert!(run.stdout.is_empty());
        assert!(run.stderr.contains(message), "`{q}`:\n{}", run.stderr);
        assert!(run.stderr.contains('^'), "`{q}` has no caret:\n{}", run.stderr);
    }
}

/// The reading line and the skipped words, as a user reads them.
#[test]
fn the_reading_is_shown_before_the_reasons() {
    let mut transcript = String::new();
    for q in [
        "We're running Lync Server 2013 with Exchange 2010 SP3. Can we turn on UCS?",
        "presense in OWA with Exchange 2013 and SfB Server 2015",
        "Lync Server 2013 与 Exchange 2013 集成时支持统一联系人存储吗？",
        "Peut-on afficher des photos haute résolution dans Lync 2010 ?",
        "does presence in Outlook work with Exchange 2013 and Teams?",
        "UCS for O365 mailboxes + on-prem SfB 2015",
    ] {
        let run = interop(&["ask", q, "--as-of", AS_OF]);
        let head: Vec<&str> = run
            .stdout
            .lines()
            .take_while(|l| !l.is_empty())
            .filter(|l| l.starts_with("read:") || l.starts_with("noted:") || l.starts_with("skipped:"))
            .collect();
        transcript.push_str(&format!("$ interop ask \"{q}\"\n{}\n\n", head.join("\n")));
    }
    insta::assert_snapshot!("reading_lines", transcript);
}
