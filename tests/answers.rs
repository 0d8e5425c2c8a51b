//! Answers an administrator can act on: short by default, whole with `--explain`; reasons that
//! bear on the question only; fixes in the order an administrator would pick them; every dated
//! fact applied on its date and not the day before.

use interop::engine::{Verdict, evaluate};
use interop::kb::load_embedded;
use jiff::civil::Date;
use serde_json::Value;

use crate::common::interop;

const TODAY: &str = "2026-11-23";

/// The questions the short form was designed on, and the mission example.
const QUESTIONS: &[&str] = &[
    "does high-resolution photo work with Exchange 2010 and Lync 2010?",
    "HD photos with Exchange Online and SfB Online",
    "UCS with Exchange 2016, Lync Server 2013 and the Lync 2013 client",
    "UM voice mail with Exchange Online and SfB Server 2015",
    "UM voice mail with Exchange 2013 and SfB Server 2015",
    "presence in OWA with Exchange 2010 and SfB Server 2015",
    "voicemail via Exchange UM with Exchange 2016 and SfB Server 2019",
    "call logs written to the Exchange mailbox with Exchange 2016 and Lync Server 2013",
    "Does unified contact store work with Lync Server 2013 and Exchange Online?",
];

fn json(question: &str, as_of: &str) -> Value {
    let run = interop(&["ask", question, "--format", "json", "--as-of", as_of]);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{question}: {e}\n{}", run.stderr))
}

#[test]
fn short_answers_and_their_explanations() {
    let mut short = String::new();
    let mut explained = String::new();
    for q in QUESTIONS {
        let run = interop(&["ask", q, "--as-of", TODAY]);
        assert!(run.stderr.is_empty(), "{q}: {}", run.stderr);
        let lines = run.stdout.lines().count();
        assert!(lines <= 20, "{q}: {lines} lines\n{}", run.stdout);
        assert!(
            !run.stdout.contains('«'),
            "{q}: quotes belong to --explain\n{}",
            run.stdout
        );
        short.push_str(&format!("$ interop ask \"{q}\"\n{}\n", run.stdout));
        let full = interop(&["ask", q, "--as-of", TODAY, "--explain"]);
        assert_eq!(full.code, run.code, "{q}: the same verdict either way");
        assert!(full.stdout.lines().count() > lines, "{q}: --explain says more");
        explained.push_str(&format!("$ interop ask \"{q}\" --explain\n{}\n", full.stdout));
    }
    insta::assert_snapshot!("short_answers", short);
    insta::assert_snapshot!("explained_answers", explained);
}

#[test]
fn the_one_deciding_reason_is_the_one_shown() {
    // SfB Online retired: that alone decides, and the client rules that also fail for some
    // clients are not the point.
    let run = interop(&["ask", "HD photos with Exchange Online and SfB Online", "--as-of", TODAY]);
    let why: Vec<&str> = run
        .stdout
        .lines()
        .skip_while(|l| *l != "Why:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(why.len(), 1, "{}", run.stdout);
    assert!(
        why[0].contains("Skype for Business Online was retired"),
        "{}",
        run.stdout
    );
    // The Lync Web App disagreement is about a client the question does not name.
    assert!(!run.stdout.contains("Lync Web App show"), "{}", run.stdout);
}

#[test]
fn no_reason_about_a_role_the_feature_does_not_involve() {
    // The unified contact store involves Exchange, the server and the client; server-to-server
    // authentication with SharePoint Online is no reason for or against it.
    for as_of in ["2014-06-01", TODAY] {
        let v = json(
            "UCS with Exchange 2016, Lync Server 2013 and the Lync 2013 client",
            as_of,
        );
        assert_eq!(v["verdict"], "yes", "as of {as_of}: {v}");
        for r in v["reasons"].as_array().expect("reasons") {
            let says = r["says"].as_str().unwrap_or("");
            assert!(
                r["kind"] != "requires" && !says.contains("Office 365"),
                "as of {as_of}: {r}"
            );
        }
    }
    // Nor is a fix of SharePoint offered for it.
    let v = json("UCS with Exchange 2010 and SfB Server 2015", TODAY);
    assert!(
        !fix_targets(&v).iter().any(|t| t.starts_with("sharepoint")),
        "{}",
        v["suggestions"]
    );
}

#[test]
fn fixes_come_in_the_order_an_administrator_would_pick() {
    // The newest current versions first, on premises staying on premises.
    let v = json(
        "does high-resolution photo work with Exchange 2010 and Lync 2010?",
        TODAY,
    );
    let first = &v["suggestions"][0]["changes"];
    let to: Vec<&str> = first
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| c["to"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(to, ["exchange-2019", "sfb-server-2019", "sfb-client"], "{first}");
    // The documented replacement first, and no fix a later revision contradicts: the June 2025
    // plan page gives on-premises UM for Exchange 2016 only.
    let v = json("UM voice mail with Exchange Online and SfB Server 2015", TODAY);
    assert_eq!(v["replacement"]["feature"]["id"], "cloud-voicemail", "{v}");
    assert_eq!(v["replacement"]["verdict"], "yes");
    let fixes = fix_targets(&v);
    assert!(fixes.contains(&"exchange-2016".to_owned()), "{fixes:?}");
    assert!(
        !fixes.iter().any(|t| t == "exchange-2010" || t == "exchange-2013"),
        "{fixes:?}"
    );
    let run = interop(&[
        "ask",
        "UM voice mail with Exchange Online and SfB Server 2015",
        "--as-of",
        TODAY,
    ]);
    assert!(
        run.stdout.contains("\nFix: use Cloud Voicemail instead"),
        "{}",
        run.stdout
    );
    // A retired product is never a fix.
    let v = json("presence in OWA with Exchange 2016 and SfB Server 2015", "2020-01-01");
    assert_eq!(v["verdict"], "yes");
    let v = json("presence in OWA with Exchange 2010 and Lync Server 2010", TODAY);
    assert!(
        !fix_targets(&v).iter().any(|t| t == "sfb-online"),
        "{}",
        v["suggestions"]
    );
}

/// The products the fixes of an answer put in place.
fn fix_targets(v: &Value) -> Vec<String> {
    v["suggestions"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["changes"].as_array().into_iter().flatten())
        .filter_map(|c| c["to"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn an_unknown_says_what_the_table_covers_instead() {
    let q = "call logs written to the Exchange mailbox with Exchange 2016 and Lync Server 2013";
    let run = interop(&["ask", q, "--as-of", TODAY]);
    assert_eq!(run.code, 3);
    assert!(
        run.stdout
            .contains("not Lync Server 2013; it gives `Y` for Exchange Server + SfB Server"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("Fix: Lync Server 2013 → Skype for Business Server 2019 ⇒ yes"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_feature_named_twice_is_answered_once() {
    let run = interop(&[
        "ask",
        "voicemail via Exchange UM with Exchange 2016 and SfB Server 2019",
        "--as-of",
        TODAY,
    ]);
    assert!(!run.stdout.contains("----"), "{}", run.stdout);
}

fn day_before(d: Date) -> Date {
    d.yesterday().expect("a day before")
}

/// Every dated fact of the data, asked on its date and the day before, on a topology it speaks
/// of: it decides from its date on, and not before (or, with `until`, up to the day before).
#[test]
fn every_dated_fact_applies_from_its_date_and_not_the_day_before() {
    let kb = load_embedded().expect("loads");
    let mut checked = 0;
    for s in &kb.statements {
        let cube = s.when.region.cubes().first().expect("a topology").clone();
        let speaks = |d: Date| evaluate(&kb, s.feature, &cube, d).reasons.iter().any(|r| r.id == s.id);
        if let Some(from) = s.from {
            assert!(speaks(from), "{} on its date {from}", s.id);
            assert!(!speaks(day_before(from)), "{} before its date {from}", s.id);
            checked += 1;
        }
        if let Some(until) = s.until {
            assert!(speaks(day_before(until)), "{} the day before {until}", s.id);
            assert!(!speaks(until), "{} on {until}", s.id);
            checked += 1;
        }
    }
    for t in &kb.tables {
        let Some(from) = t.from else { continue };
        let in_force = |d: Date| kb.tables_in_force(d).any(|x| x.id == t.id);
        assert!(in_force(from), "{} on its date", t.id);
        if !t.first {
            assert!(!in_force(day_before(from)), "{} before its date", t.id);
        }
        if let Some(until) = t.until {
            assert!(
                in_force(day_before(until)) && !in_force(until),
                "{} until {until}",
                t.id
            );
        }
        // A cell of it decides on its date.
        let row = &kb.rows[t.rows[0]];
        let d = &kb.deployments[t.columns[0]];
        let cube = d.when.region.cubes().first().expect("a topology").clone();
        let ev = evaluate(&kb, row.feature, &cube, from);
        assert!(
            ev.reasons.iter().any(|r| r.id == d.id),
            "{}: its cells decide on {from}",
            t.id
        );
        checked += 1;
    }
    for l in &kb.lifecycle {
        let Some(retired) = l.retired else { continue };
        let p = l.product;
        let u = &kb.universe;
        let cube = u.restrict(kb.products[p].role, [p]);
        let f = (0..kb.features.len())
            .find(|&f| evaluate(&kb, f, &cube, day_before(retired)).verdict == Verdict::Yes)
            .expect("a feature that worked the day before");
        assert_eq!(
            evaluate(&kb, f, &cube, retired).verdict,
            Verdict::No,
            "{} retired {retired}",
            kb.products[p].id
        );
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} dated facts");
}

/// Every product alone in its role, and every pair of an Exchange and a server product.
fn topologies(kb: &interop::kb::KnowledgeBase) -> Vec<interop::region::Cube> {
    let u = &kb.universe;
    let mut topologies = vec![u.full()];
    for (p, product) in kb.products.iter().enumerate() {
        topologies.push(u.restrict(product.role, [p]));
    }
    let of_role = |id: &str| -> Vec<usize> {
        let role = kb.roles.iter().position(|r| r.id == id).expect("a role");
        (0..kb.products.len())
            .filter(|&p| kb.products[p].role == role)
            .collect()
    };
    for &e in &of_role("exchange") {
        for &s in &of_role("server") {
            let (re, rs) = (kb.products[e].role, kb.products[s].role);
            topologies.push(u.restrict(re, [e]).intersect(&u.restrict(rs, [s])));
        }
    }
    topologies
}

/// A batch or a shell keeps the verdicts it works out (`engine::Answerer`): a kept verdict is
/// the one evaluating again gives, explained or not, for every feature on every product alone
/// in its role and every pair of Exchange and server, on the dates the tables changed; so is
/// a listing's; and a kept explanation is the one evaluating again gives.
#[test]
fn kept_verdicts_are_the_evaluations_verdicts() {
    let kb = load_embedded().expect("the shipped base loads");
    let answerer = interop::engine::Answerer::new(&kb);
    let topologies = topologies(&kb);
    for date in ["2014-01-01", "2020-01-01", TODAY] {
        let date: Date = date.parse().expect("a date");
        for t in &topologies {
            let listed = answerer.listing(t, date);
            assert_eq!(listed.len(), kb.features.len());
            for (f, &v) in listed.iter().enumerate() {
                let fresh = interop::engine::evaluate_lean(&kb, f, t, date).verdict;
                assert_eq!(v, fresh, "listed: {} on {t:?}", kb.features[f].id);
            }
        }
        for f in 0..kb.features.len() {
            for t in &topologies {
                let fresh = interop::engine::evaluate_lean(&kb, f, t, date).verdict;
                assert_eq!(answerer.verdict(f, t, date), fresh, "{} on {t:?}", kb.features[f].id);
                let explained = interop::engine::evaluate(&kb, f, t, date);
                assert_eq!(explained.verdict, fresh, "explained: {} on {t:?}", kb.features[f].id);
                for _ in 0..2 {
                    let kept = answerer.evaluation(f, t, date);
                    assert_eq!(
                        format!("{:?}", (kept.verdict, &kept.reasons, &kept.conditions, &kept.caveats)),
                        format!(
                            "{:?}",
                            (
                                explained.verdict,
                                &explained.reasons,
                                &explained.conditions,
                                &explained.caveats
                            )
                        ),
                        "kept explanation: {} on {t:?}",
                        kb.features[f].id
                    );
                }
                assert_eq!(
                    answerer.verdict(f, t, date),
                    fresh,
                    "kept: {} on {t:?}",
                    kb.features[f].id
                );
            }
        }
    }
}

/// A listing on a base three times the shipped one, whose features chain their requirements
/// (`interop synth`): each feature's verdict is the one it gets alone.
#[test]
fn a_listing_of_a_larger_base_gives_each_feature_its_own_verdict() {
    let files = interop::synth::knowledge_base(3)
        .into_iter()
        .map(|(name, text)| interop::diag::SourceText::new(name, text))
        .collect();
    let kb = interop::kb::load(files).expect("the synthetic base loads");
    let answerer = interop::engine::Answerer::new(&kb);
    let date: Date = TODAY.parse().expect("a date");
    let mut seen = std::collections::BTreeSet::new();
    for t in topologies(&kb).iter().step_by(7) {
        let listed = answerer.listing(t, date);
        for (f, &v) in listed.iter().enumerate() {
            assert_eq!(
                v,
                interop::engine::evaluate_lean(&kb, f, t, date).verdict,
                "{} on {t:?}",
                kb.features[f].id
            );
            seen.insert(v);
        }
    }
    assert!(seen.len() >= 3, "the listings give several verdicts: {seen:?}");
}
