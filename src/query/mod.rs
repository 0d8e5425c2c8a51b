//! Questions: from the words an administrator types to a [`Question`] of known names, and a
//! [`Reading`] that says how each word was taken.
//!
//! `grammar/GRAMMAR.md` documents the language. In order:
//!
//! 1. The words are read against the vocabulary of the knowledge base
//!    ([`NameIndex::read`]): folded, stemmed, Chinese cut into words, typos corrected.
//! 2. The kind of question comes from its lead words.
//! 3. Products, families, roles, modes, columns and uncovered products are found as runs of
//!    terms, longest first; version numbers, service packs and cumulative updates bind to the
//!    product line before them.
//! 4. Qualifiers bind to the name next to them in the same clause: a deployment mode
//!    ("on-prem", "online", "O365") restricts it, a role word ("mailboxes", "homed on",
//!    "client") picks that reading of an ambiguous name.
//! 5. Features are found by how well the question's words cover one of their names
//!    ([`features`]), in any order, with other words between.
//! 6. Every product and version named must be placed, or the question is rejected; words
//!    that name nothing are skipped, and the reading lists them.

mod features;

use std::ops::Range;

use crate::diag::{Diagnostic, closest_lettered, one_of, reach};
use crate::kb::KnowledgeBase;
use crate::names::{Entity, NameIndex, Word, WordKind};
use crate::text::stop;

/// Longest question accepted, in bytes.
pub const MAX_QUESTION_BYTES: usize = 4096;

/// What is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Does a feature work with a topology?
    Check,
    /// Why (not) — the same answer, explained in full.
    Why,
    /// What is needed for a feature: the answer, the changes, the prerequisite steps.
    Needs,
    /// Which features work with a topology.
    WhatWorks,
    /// Which features do not work with a topology.
    WhatFails,
    /// What changes from one topology to another.
    Diff,
}

/// A name found in the question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Everything the words can denote; more than one when the name is ambiguous.
    pub entities: Vec<Entity>,
    /// Byte span in the question, from its first word to its last.
    pub span: Range<usize>,
    /// The words as written (for a feature named in scattered words: joined with ` … `).
    pub text: String,
    /// Index of its first and last word.
    pub word: usize,
    pub last: usize,
    /// A deployment mode bound to it ("Exchange 2013 on-prem", "O365 mailboxes").
    pub mode: Option<usize>,
}

/// A product line named with a version the knowledge base does not know ("Exchange 2007"),
/// or a product no source covers ("Microsoft Teams").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVersion {
    pub role: Option<usize>,
    /// The words as written.
    pub text: String,
    /// What it is, when the knowledge base knows its name ("Microsoft Teams").
    pub name: Option<String>,
    pub span: Range<usize>,
}

impl UnknownVersion {
    /// The name to give it in an answer: as written, with what it is when the words differ
    /// ("OCS 2007 R2 (Office Communications Server)").
    #[must_use]
    pub fn shown(&self) -> String {
        match &self.name {
            Some(n) if !n.eq_ignore_ascii_case(&self.text) => format!("{} ({n})", self.text),
            _ => self.text.clone(),
        }
    }
}

/// How a part of the question was read. (The fields of the reading's types are in alphabetical
/// order: JSON objects are written with their keys sorted.)
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Part {
    pub end: usize,
    /// The ids behind it (features, products, families, roles, modes).
    pub ids: Vec<String>,
    /// What they were read as.
    pub read_as: String,
    pub start: usize,
    /// The words as written.
    pub text: String,
}

/// A word read as another: a typo corrected, a service pack noted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Note {
    pub end: usize,
    pub note: String,
    pub start: usize,
    pub text: String,
}

/// What the question was read as, so that a misreading shows at a glance.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Reading {
    /// Corrections and qualifiers that change nothing ("SP3", "hybrid").
    pub notes: Vec<Note>,
    pub parts: Vec<Part>,
    /// Words that name nothing the knowledge base knows, skipped.
    pub skipped: Vec<Note>,
}

/// A parsed question.
#[derive(Debug, Clone)]
pub struct Question {
    pub text: String,
    pub kind: Kind,
    pub features: Vec<Mention>,
    /// The topology asked about (for a diff: the one moved to).
    pub topology: Vec<Mention>,
    /// For a diff: the topology moved from.
    pub from: Vec<Mention>,
    pub unknown_versions: Vec<UnknownVersion>,
    pub reading: Reading,
}

/// Words that ask what is needed: the mark of a `needs` question.
const NEED_WORDS: &[&str] = &[
    "need",
    "needs",
    "needed",
    "require",
    "requires",
    "required",
    "requirement",
    "requirements",
    "prerequisite",
    "prerequisites",
    "prerequis",
    "besoin",
    "faut",
    "需要",
];

/// Words that, among the first of a listing, ask what does not work ("what doesn't work with
/// …", "which features fail with …", "what is unsupported with …", "qu'est-ce qui ne marche
/// pas …", "qu'est-ce qui échoue …", "哪些不支持").
#[rustfmt::skip]
const NEGATION_WORDS: &[&str] = &[
    "not", "doesn", "isn", "won", "don", "cannot", "aren", "didn", "fail", "fails", "failing",
    "broken", "break", "breaks", "breaking", "unsupported", "pa", "pas", "ne", "n", "echoue",
    "echouent", "不", "没有",
];

/// Words that make a qualifier of the number after them: "SP3", "CU 21", "RU15", "R2".
const UPDATE_WORDS: &[&str] = &["sp", "cu", "ru", "kb", "rollup", "update", "build", "rtm", "r", "u"];

/// Words that say a deployment is mixed: read, noted, no restriction.
const HYBRID_WORDS: &[&str] = &["hybrid", "hybride", "混合"];

fn starts(words: &[Word], seq: &[&str]) -> bool {
    let mut it = words.iter();
    seq.iter().all(|s| it.next().is_some_and(|w| w.text == *s))
}

fn has(words: &[Word], seq: &[&str]) -> bool {
    words
        .windows(seq.len())
        .any(|win| win.iter().zip(seq).all(|(w, s)| w.text == *s))
}

/// The parts of a question being read: its words and what has been taken from them.
struct Parse<'a> {
    kb: &'a KnowledgeBase,
    index: &'a NameIndex,
    text: &'a str,
    ws: Vec<Word>,
    /// Which word is used by what: `None` free, else a short tag.
    used: Vec<Option<Use>>,
    mentions: Vec<Mention>,
    notes: Vec<Note>,
    unknown: Vec<UnknownVersion>,
    /// The clause of each word.
    clause: Vec<usize>,
    /// Whether the question is written in French (it decides which word of a phrase is its
    /// head).
    french: bool,
    /// Features named by quoting a row label of the support table whole.
    quoted: Vec<Mention>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    /// Part of a name of the topology (or a mode or role word).
    Name,
    /// A version, service pack or qualifier.
    Qualifier,
    /// A word of a feature's name.
    Feature,
}

impl Parse<'_> {
    fn span(&self, from: usize, to: usize) -> Range<usize> {
        self.ws[from].span.start..self.ws[to].span.end
    }

    /// A mention of words `from` to `to`.
    fn mention(&self, entities: Vec<Entity>, from: usize, to: usize) -> Mention {
        let span = self.span(from, to);
        Mention {
            entities,
            text: self.text[span.clone()].to_owned(),
            span,
            word: from,
            last: to,
            mode: None,
        }
    }

    fn note(&mut self, from: usize, to: usize, note: impl Into<String>) {
        let span = self.span(from, to);
        self.notes.push(Note {
            text: self.text[span.clone()].to_owned(),
            start: span.start,
            end: span.end,
            note: note.into(),
        });
    }

    /// Whether words `a` and `b` (a < b) are neighbours: only function words that are not
    /// conjunctions between them, and no break.
    fn next_to(&self, a: usize, b: usize) -> bool {
        (a + 1..=b).all(|k| !self.ws[k].breaks())
            && (a + 1..b).all(|k| self.ws[k].stop && !stop::is_conjunction(&self.ws[k].text))
    }

    /// Whether words `a` and `b` (a < b) belong to one phrase: only function words between
    /// them (conjunctions too: "schedule and join", "IM or call"), and no break.
    fn near(&self, a: usize, b: usize) -> bool {
        (a + 1..=b).all(|k| !self.ws[k].breaks()) && (a + 1..b).all(|k| self.ws[k].stop)
    }

    /// Row labels of the support table quoted whole: the row, whatever products they name.
    fn labels(&mut self) {
        let mut i = 0;
        while i < self.ws.len() {
            if let Some((end, e)) = self.index.label_at(&self.ws, i) {
                for k in i..=end {
                    self.used[k] = Some(Use::Feature);
                }
                let m = self.mention(vec![e], i, end);
                self.quoted.push(m);
                i = end + 1;
            } else {
                i += 1;
            }
        }
    }

    /// Names, longest first.
    fn names(&mut self) {
        // The names that cover the most words, then the fewest names: "on-prem SfB Server" is
        // the mode and the family, not the alias "on-prem SfB" and a word left over.
        let n = self.ws.len();
        let counted = |k: usize, ws: &[Word]| usize::from(!ws[k].terms.is_empty());
        let mut best: Vec<(usize, usize, Option<usize>)> = vec![(0, 0, None); n + 1];
        let mut found: Vec<Vec<(usize, Vec<Entity>)>> = vec![Vec::new(); n];
        for i in (0..n).rev() {
            // A longer phrase of a synonym wins over a name inside it ("phone call").
            let phrase = self.index.synonym_at(&self.ws, i).map(|(end, _)| end);
            found[i] = self
                .index
                .matches(&self.ws, i)
                .into_iter()
                .filter(|(end, _)| phrase.is_none_or(|p| p <= *end))
                .filter(|(end, _)| (i..=*end).all(|k| self.used[k].is_none()))
                .map(|(end, es)| (end, es.to_vec()))
                .collect();
            let mut pick = (best[i + 1].0, best[i + 1].1, None);
            for (j, (end, _)) in found[i].iter().enumerate() {
                let covered = (i..=*end).map(|k| counted(k, &self.ws)).sum::<usize>() + best[end + 1].0;
                let names = 1 + best[end + 1].1;
                if covered > pick.0 || (covered == pick.0 && names < pick.1 && pick.2.is_some()) {
                    pick = (covered, names, Some(j));
                }
            }
            best[i] = pick;
        }
        let mut i = 0;
        while i < n {
            let Some(j) = best[i].2 else {
                i += 1;
                continue;
            };
            let (end, mut entities) = found[i][j].clone();
            // "on-prem": the preposition hyphenated to the first word is part of the name.
            let start = if i > 0
                && self.ws[i].punct_before == Some('-')
                && self.ws[i - 1].terms.is_empty()
                && stop::is_function(&self.ws[i - 1].text)
                && self.ws[i - 1].span.end + 1 == self.ws[i].span.start
            {
                i - 1
            } else {
                i
            };
            // A deployment column that is also a mode ("on-prem", "O365") is the mode.
            if entities.iter().any(|e| matches!(e, Entity::Mode(_))) {
                entities.retain(|e| !matches!(e, Entity::Deployment(_)));
            }
            for k in i..=end {
                if !self.ws[k].stop {
                    self.used[k] = Some(Use::Name);
                }
            }
            let m = self.mention(entities, start, end);
            self.mentions.push(m);
            i = end + 1;
        }
    }

    /// A name after "without" ("without desktop Outlook") is no part of the topology: noted.
    fn without(&mut self) {
        let mut i = 0;
        while i < self.mentions.len() {
            // "without Outlook", "without the desktop Outlook": up to two words between.
            let m = &self.mentions[i];
            let mut k = m.word;
            let mut between = 0;
            while k > 0 && !self.ws[k].breaks() && !stop::WITHOUT.contains(&self.ws[k - 1].text.as_str()) {
                let w = &self.ws[k - 1];
                if !(w.terms.is_empty() && stop::is_function(&w.text)) {
                    between += 1;
                }
                if between > 2 || self.used[k - 1].is_some() {
                    break;
                }
                k -= 1;
            }
            let negated = k > 0 && !self.ws[k].breaks() && stop::WITHOUT.contains(&self.ws[k - 1].text.as_str());
            if !negated {
                i += 1;
                continue;
            }
            let m = self.mentions.remove(i);
            for j in k - 1..=m.last {
                if !self.ws[j].stop || !self.ws[j].terms.is_empty() {
                    self.used[j] = Some(Use::Qualifier);
                }
            }
            self.note(k - 1, m.last, "left out of the topology");
        }
    }

    /// Numbers: service packs and updates, build numbers, versions of the line before.
    fn numbers(&mut self) {
        for i in 0..self.ws.len() {
            if self.ws[i].kind != WordKind::Number || self.used[i].is_some() {
                continue;
            }
            // "15.0.4535.1002", "build 15.0.4535".
            if self
                .ws
                .get(i + 1)
                .is_some_and(|n| n.kind == WordKind::Number && n.punct_before == Some('.'))
                && self.ws[i + 1].span.start == self.ws[i].span.end + 1
            {
                let mut end = i + 1;
                while self.ws.get(end + 1).is_some_and(|n| {
                    n.kind == WordKind::Number
                        && n.punct_before == Some('.')
                        && n.span.start == self.ws[end].span.end + 1
                }) {
                    end += 1;
                }
                let mut start = i;
                if i > 0 && ["build", "version", "v"].contains(&self.ws[i - 1].text.as_str()) && !self.ws[i].breaks() {
                    start = i - 1;
                }
                for k in start..=end {
                    self.used[k] = Some(Use::Qualifier);
                }
                self.note(start, end, "a build number, which the sources do not distinguish");
                continue;
            }
            let prev = i.checked_sub(1).map(|p| &self.ws[p]);
            // "SP3", "CU 21", "R2".
            if let Some(p) = prev
                && UPDATE_WORDS.contains(&p.text.as_str())
                && !self.ws[i].breaks()
            {
                self.used[i - 1] = Some(Use::Qualifier);
                self.used[i] = Some(Use::Qualifier);
                let what = match p.text.as_str() {
                    "sp" => "a service pack",
                    "cu" => "a cumulative update",
                    "ru" | "rollup" => "an update rollup",
                    "r" => "a release",
                    _ => "an update",
                };
                self.note(i - 1, i, format!("{what}, which the sources do not distinguish"));
                continue;
            }
            self.version(i);
        }
    }

    /// A number after a product line: "Skype 2015" (the line's product of that version),
    /// "Exchange 2013 and 2016", "Exchange 2016/2013" (another version of the role named just
    /// before), "Ex16" (two-digit years), or a version the knowledge base does not know
    /// ("Exchange 2007", "Outlook 2016").
    fn version(&mut self, i: usize) {
        let kb = self.kb;
        let Ok(n) = self.ws[i].text.parse::<i64>() else { return };
        let years = if n < 100 { vec![n, 2000 + n] } else { vec![n] };
        if !(years.iter().any(|y| (1990..2100).contains(y))) {
            return;
        }
        // Written right after a line, with nothing between: "Ex16", "SfB15", "Exchange 2013".
        let attached = self.mentions.iter().position(|m| {
            m.last + 1 == i && self.ws[i].punct_before.is_none() && m.entities.iter().any(|e| e.role(kb).is_some())
        });
        if let Some(prev) = attached {
            self.version_of(i, prev, &years, false);
            return;
        }
        // A version written before its line: "2016 Exchange", "the 2010 Exchange servers".
        let before = self.mentions.iter().position(|m| {
            m.word > i
                && m.entities
                    .iter()
                    .all(|e| matches!(e, Entity::Role(_) | Entity::Family(_)))
                && !self.ws[m.word].breaks()
                && (i + 1..m.word).all(|k| self.ws[k].terms.is_empty() && !self.ws[k].breaks())
        });
        if let Some(j) = before {
            self.version_of(i, j, &years, true);
            return;
        }
        // The closest name before it, within three words, that has a role; a product only
        // with a word that joins two versions ("Exchange 2013 and 2016", "Exchange 2016/2013").
        // The words of a mode between do not count ("Skype is on premises 2019").
        let Some(prev) = self.mentions.iter().rposition(|m| {
            m.last < i
                && (m.last + 1..i).filter(|&k| self.used[k].is_none()).count() <= 2
                && m.entities.iter().any(|e| e.role(kb).is_some())
                && (m.last + 1..i).all(|k| self.ws[k].stop || self.used[k].is_some())
        }) else {
            return;
        };
        let joined = self.ws[i].punct_before.is_some_and(|c| c == '/' || c == ',')
            || (self.mentions[prev].last + 1..i)
                .any(|k| self.coordinates(k) || ["or", "ou", "或"].contains(&self.ws[k].text.as_str()));
        if matches!(self.mentions[prev].entities[0], Entity::Product(_)) && self.mentions[prev].last + 1 != i && !joined
        {
            return;
        }
        self.version_of(i, prev, &years, false);
    }

    /// The number at word `i` is a version of the line named by mention `prev` (before it, or
    /// after it when `ahead`).
    fn version_of(&mut self, i: usize, prev: usize, years: &[i64], ahead: bool) {
        let kb = self.kb;
        let adjacent = if ahead {
            true
        } else {
            self.mentions[prev].last + 1 == i && !self.ws[i].breaks()
        };
        let mut found: Vec<usize> = Vec::new();
        let mut line_role = None;
        for e in &self.mentions[prev].entities {
            let (pool, role): (Vec<usize>, usize) = match *e {
                Entity::Family(f) => (kb.families[f].members.clone(), kb.families[f].role),
                Entity::Role(r) => (kb.roles[r].products.clone(), r),
                Entity::Product(p) => (kb.roles[kb.products[p].role].products.clone(), kb.products[p].role),
                _ => continue,
            };
            line_role.get_or_insert(role);
            for p in pool {
                if kb.products[p].version.is_some_and(|v| years.contains(&v)) && !found.contains(&p) {
                    found.push(p);
                }
            }
        }
        let Some(role) = line_role else { return };
        let named_product = matches!(self.mentions[prev].entities[0], Entity::Product(_));
        self.used[i] = Some(Use::Name);
        if !found.is_empty() {
            let entities: Vec<Entity> = found.into_iter().map(Entity::Product).collect();
            if adjacent && !named_product {
                // "Skype 2015", "2016 Exchange": the line and its version are one name.
                let m = &self.mentions[prev];
                let span = m.span.start.min(self.ws[i].span.start)..m.span.end.max(self.ws[i].span.end);
                let (word, last) = (m.word.min(i), m.last.max(i));
                let m = &mut self.mentions[prev];
                m.text = self.text[span.clone()].to_owned();
                m.span = span;
                m.entities = entities;
                m.word = word;
                m.last = last;
            } else {
                let m = self.mention(entities, i, i);
                self.mentions.push(m);
            }
            return;
        }
        // A version nobody documents.
        let m = &self.mentions[prev];
        let span = if adjacent {
            m.span.start.min(self.ws[i].span.start)..m.span.end.max(self.ws[i].span.end)
        } else {
            self.ws[i].span.clone()
        };
        self.unknown.push(UnknownVersion {
            role: Some(role),
            text: self.text[span.clone()].to_owned(),
            name: None,
            span,
        });
        if adjacent {
            self.mentions.remove(prev);
        }
    }

    /// "Skype for Business 2015 Server", "the 2010 Exchange servers": the word is the product's.
    fn trailing_server(&mut self) {
        let kb = self.kb;
        for mi in 0..self.mentions.len() {
            let m = &self.mentions[mi];
            let k = m.last + 1;
            let server_side = m.entities.iter().all(|e| {
                matches!(e, Entity::Product(p) if kb.products[*p].deployment.is_some_and(|d| kb.modes[d].id == "on-premises"))
            });
            if !server_side || k >= self.ws.len() || self.used[k].is_some() || self.ws[k].breaks() {
                continue;
            }
            if ["server", "servers", "serveur", "serveurs", "服务器"].contains(&self.ws[k].text.as_str()) {
                self.used[k] = Some(Use::Name);
                let span = self.mentions[mi].span.start..self.ws[k].span.end;
                let m = &mut self.mentions[mi];
                m.text = self.text[span.clone()].to_owned();
                m.span = span;
                m.last = k;
            }
        }
    }

    /// A word no name has, capitalised and right before a year ("Mitel 2019"): a product no
    /// source covers.
    fn unknown_products(&mut self) {
        for i in 0..self.ws.len().saturating_sub(1) {
            let (w, n) = (&self.ws[i], &self.ws[i + 1]);
            if w.kind != WordKind::Latin
                || w.stop
                || !w.terms.is_empty()
                || self.used[i].is_some()
                || self.used[i + 1].is_some()
                || n.kind != WordKind::Number
                || n.breaks()
                || !n.text.parse::<i64>().is_ok_and(|y| (1990..2100).contains(&y))
                || !self.text[w.span.clone()].starts_with(char::is_uppercase)
            {
                continue;
            }
            let span = self.span(i, i + 1);
            self.used[i] = Some(Use::Name);
            self.used[i + 1] = Some(Use::Name);
            self.unknown.push(UnknownVersion {
                role: None,
                text: self.text[span.clone()].to_owned(),
                name: None,
                span,
            });
        }
    }

    /// Uncovered products named: kept as unknown names, not as parts of the topology.
    fn uncovered(&mut self) {
        let kb = self.kb;
        let mut keep = Vec::new();
        for m in std::mem::take(&mut self.mentions) {
            if let Some(Entity::Uncovered(u)) = m.entities.iter().find(|e| matches!(e, Entity::Uncovered(_))) {
                // Named as written, not by a stem: "Teams", not "the sales team".
                let written: Vec<&str> = (m.word..=m.last)
                    .filter(|&k| !self.ws[k].stop || !self.ws[k].terms.is_empty())
                    .map(|k| self.ws[k].text.as_str())
                    .collect();
                let exact = std::iter::once(kb.uncovered[*u].name.as_str())
                    .chain(kb.uncovered[*u].aliases.all())
                    .any(|a| {
                        let words = crate::names::folded_words(a);
                        let words: Vec<&str> = words
                            .iter()
                            .map(String::as_str)
                            .filter(|w| !stop::is_function(w))
                            .collect();
                        words == written
                    });
                if !exact {
                    for k in m.word..=m.last {
                        self.used[k] = None;
                    }
                    continue;
                }
                self.unknown.push(UnknownVersion {
                    role: kb.uncovered[*u].role,
                    text: m.text.clone(),
                    name: Some(kb.uncovered[*u].name.clone()),
                    span: m.span.clone(),
                });
            } else {
                keep.push(m);
            }
        }
        self.mentions = keep;
    }

    /// Whether a mention can take a deployment mode: some product it names is in that mode.
    fn fits_mode(&self, m: &Mention, md: usize) -> bool {
        let kb = self.kb;
        m.entities.iter().any(|e| match *e {
            Entity::Product(p) => kb.products[p].deployment == Some(md),
            Entity::Family(f) => kb.families[f]
                .members
                .iter()
                .any(|&p| kb.products[p].deployment == Some(md)),
            Entity::Role(r) => kb.roles[r]
                .products
                .iter()
                .any(|&p| kb.products[p].deployment == Some(md)),
            _ => false,
        })
    }

    /// A brand named as a family ("Skype for Business") with a mode none of its products has
    /// ("… is Online"): the role of the family in that mode, if it has products there. The
    /// mention becomes the role.
    fn widen(&mut self, j: usize, md: usize) -> bool {
        let kb = self.kb;
        let m = &self.mentions[j];
        let [Entity::Family(f)] = m.entities.as_slice() else {
            return false;
        };
        let r = kb.families[*f].role;
        if m.mode.is_some()
            || !kb.roles[r]
                .products
                .iter()
                .any(|&p| kb.products[p].deployment == Some(md))
        {
            return false;
        }
        self.mentions[j].entities = vec![Entity::Role(r)];
        true
    }

    fn is_line(m: &Mention) -> bool {
        m.entities
            .iter()
            .any(|e| matches!(e, Entity::Product(_) | Entity::Family(_) | Entity::Role(_)))
    }

    /// The mention right before or right after mention `i` that names a product line.
    fn neighbour(&self, i: usize, left: bool) -> Option<usize> {
        let m = &self.mentions[i];
        if left {
            self.mentions
                .iter()
                .enumerate()
                .filter(|(j, o)| *j != i && o.last < m.word && Self::is_line(o))
                .max_by_key(|(_, o)| o.last)
                .filter(|(_, o)| self.next_to(o.last, m.word))
                .map(|(j, _)| j)
        } else {
            self.mentions
                .iter()
                .enumerate()
                .filter(|(j, o)| *j != i && o.word > m.last && Self::is_line(o))
                .min_by_key(|(_, o)| o.word)
                .filter(|(_, o)| self.next_to(m.last, o.word))
                .map(|(j, _)| j)
        }
    }

    /// Modes and role words next to a name qualify it.
    fn bind_neighbours(&mut self) {
        let kb = self.kb;
        let mut i = 0;
        while i < self.mentions.len() {
            let m = &self.mentions[i];
            let mode = m
                .entities
                .iter()
                .find_map(|e| if let Entity::Mode(md) = e { Some(*md) } else { None });
            // A role word ("client", "homed on") or a family of one role ("desktop clients").
            let role_word = match m.entities.as_slice() {
                [Entity::Role(r)] => Some(*r),
                [Entity::Family(f)] => Some(kb.families[*f].role),
                _ => None,
            };
            if let Some(md) = mode {
                let near: Vec<usize> = [true, false]
                    .into_iter()
                    .filter_map(|left| self.neighbour(i, left))
                    .collect();
                let target = near
                    .iter()
                    .copied()
                    .find(|&j| self.mentions[j].mode.is_none() && self.fits_mode(&self.mentions[j], md))
                    .or_else(|| near.iter().copied().find(|&j| self.widen(j, md)));
                if let Some(j) = target {
                    self.bind_mode(i, j, md);
                    continue;
                }
            } else if let Some(r) = role_word {
                // "Lync 2010 users homed on …", "client Lync 2010": a role word picks that reading
                // of the ambiguous name next to it.
                let target = [true, false]
                    .into_iter()
                    .filter_map(|left| self.neighbour(i, left))
                    .find(|&j| {
                        let roles: Vec<Option<usize>> = self.mentions[j].entities.iter().map(|e| e.role(kb)).collect();
                        roles.contains(&Some(r)) && roles.iter().any(|x| *x != Some(r))
                    });
                if let Some(j) = target {
                    self.mentions[j].entities.retain(|e| e.role(kb) == Some(r));
                    self.absorb(i, j);
                    continue;
                }
            }
            i += 1;
        }
    }

    /// Mention `from` (a mode) qualifies mention `to`, and the name coordinated with `to` on
    /// the far side ("Exchange and Skype for Business on premises").
    fn bind_mode(&mut self, from: usize, to: usize, md: usize) {
        self.mentions[to].mode = Some(md);
        let after = self.mentions[from].word > self.mentions[to].last;
        let t = &self.mentions[to];
        let other = self.mentions.iter().position(|o| {
            Self::is_line(o)
                && o.mode.is_none()
                && if after {
                    o.last + 2 == t.word && self.coordinates(o.last + 1)
                } else {
                    t.last + 2 == o.word && self.coordinates(t.last + 1)
                }
        });
        if let Some(o) = other
            && self.fits_mode(&self.mentions[o], md)
        {
            self.mentions[o].mode = Some(md);
        }
        self.absorb(from, to);
    }

    /// Whether word `k` coordinates two names: "and", "et", "和", "与".
    fn coordinates(&self, k: usize) -> bool {
        ["and", "et", "和", "与", "&"].contains(&self.ws[k].text.as_str()) && !self.ws[k].breaks()
    }

    /// Mention `from` becomes part of mention `to`: its span widens, `from` goes.
    fn absorb(&mut self, from: usize, to: usize) {
        let f = self.mentions[from].clone();
        let t = &mut self.mentions[to];
        let (start, end) = (t.span.start.min(f.span.start), t.span.end.max(f.span.end));
        t.span = start..end;
        t.text = self.text[start..end].to_owned();
        t.word = t.word.min(f.word);
        t.last = t.last.max(f.last);
        self.mentions.remove(from);
    }

    /// A mode left alone after the features took their words: it qualifies the nearest name of
    /// its clause, else every role no product was named for ("UCS on-prem", "all online").
    #[allow(clippy::result_large_err)] // one per question, on the way to the user
    fn bind_free_modes(&mut self) -> Result<(), Diagnostic> {
        let mut i = 0;
        while i < self.mentions.len() {
            let m = &self.mentions[i];
            let Some(md) = m
                .entities
                .iter()
                .find_map(|e| if let Entity::Mode(md) = e { Some(*md) } else { None })
            else {
                i += 1;
                continue;
            };
            let clause = self.clause[m.word];
            // The names of its clause, nearest first, the one before it first on a tie.
            let mut near: Vec<(usize, usize)> = self
                .mentions
                .iter()
                .enumerate()
                .filter(|(j, o)| *j != i && Self::is_line(o) && self.clause[o.word] == clause)
                .map(|(j, o)| {
                    let d = if o.last < m.word {
                        2 * (m.word - o.last)
                    } else {
                        2 * o.word.saturating_sub(m.last) + 1
                    };
                    (d, j)
                })
                .collect();
            near.sort_unstable();
            let fits = near
                .iter()
                .map(|&(_, j)| j)
                .find(|&j| self.mentions[j].mode.is_none() && self.fits_mode(&self.mentions[j], md))
                .or_else(|| near.iter().map(|&(_, j)| j).find(|&j| self.widen(j, md)));
            // Already true of a product named elsewhere ("Exchange Online and SfB Server 2015
            // in Office 365"): it adds nothing.
            let kb = self.kb;
            let redundant = self.mentions.iter().enumerate().any(|(j, o)| {
                j != i
                    && (o.mode == Some(md)
                        || (!o.entities.is_empty()
                            && o.entities
                                .iter()
                                .all(|e| matches!(e, Entity::Product(p) if kb.products[*p].deployment == Some(md)))))
            });
            match (fits, near.first()) {
                (Some(j), _) => self.bind_mode(i, j, md),
                (None, Some(_)) if redundant => {
                    let m = self.mentions.remove(i);
                    for k in m.word..=m.last {
                        if !self.ws[k].stop {
                            self.used[k] = Some(Use::Qualifier);
                        }
                    }
                    self.note(
                        m.word,
                        m.last,
                        format!("{}, already true of a product named", kb.modes[md].name),
                    );
                }
                (None, Some(&(_, j))) => {
                    let (m, o) = (&self.mentions[i], &self.mentions[j]);
                    let what = o
                        .entities
                        .first()
                        .map(|e| e.name(self.kb).to_owned())
                        .unwrap_or_default();
                    return Err(Diagnostic::new(format!(
                        "`{}` does not fit `{}`: {what} is not {}",
                        m.text, o.text, self.kb.modes[md].name
                    ))
                    .at(0, m.span.clone())
                    .label("this qualifier")
                    .note(format!("the qualifier `{}` was read as applying to `{}`", m.text, o.text))
                    .note("write the product as it is deployed, for example `Exchange Online` or `Exchange 2016 on-premises`"));
                }
                (None, None) => {
                    // Every role: stays a mention of its own, the engine applies it.
                    self.mentions[i].entities.retain(|e| matches!(e, Entity::Mode(_)));
                    i += 1;
                }
            }
        }
        Ok(())
    }

    fn clauses(&mut self) {
        let mut c = 0;
        for (k, w) in self.ws.iter().enumerate() {
            if w.breaks() || stop::is_conjunction(&w.text) {
                c += 1;
            }
            self.clause[k] = c;
        }
    }

    /// Phrases of synonyms among the words no name took ("instant message", "free/busy",
    /// "online status"): each of their words is read as the synonym.
    fn synonyms(&mut self) {
        let unbound = |p: &Self, k: usize| {
            p.mentions.iter().position(|m| {
                m.word <= k
                    && k <= m.last
                    && m.mode.is_none()
                    && m.entities.iter().all(|e| matches!(e, Entity::Mode(_)))
            })
        };
        let usable = |p: &Self, k: usize| p.used[k].is_none() || unbound(p, k).is_some();
        let mut k = 0;
        while k < self.ws.len() {
            if (self.ws[k].terms.is_empty() && self.ws[k].exact.is_none()) || !usable(self, k) {
                k += 1;
                continue;
            }
            match self.index.synonym_at(&self.ws, k) {
                Some((end, concept))
                    if (k..=end)
                        .filter(|&j| !self.ws[j].terms.is_empty())
                        .all(|j| usable(self, j)) =>
                {
                    let phrase = (k..=end).filter(|&j| !self.ws[j].terms.is_empty()).count() > 1;
                    for j in k..=end {
                        if self.ws[j].terms.is_empty() {
                            continue;
                        }
                        // A word of a synonym names something, whatever else it is.
                        self.ws[j].stop = false;
                        self.ws[j].terms = crate::names::Terms::one(concept);
                        self.ws[j].phrase = phrase;
                        if let Some(mi) = unbound(self, j) {
                            let m = self.mentions.remove(mi);
                            for x in m.word..=m.last {
                                self.used[x] = None;
                            }
                        }
                    }
                    k = end + 1;
                }
                _ => {
                    // A word read as a synonym only as written ("availability").
                    if let Some(concept) = self.ws[k].exact {
                        self.ws[k].stop = false;
                        self.ws[k].terms = crate::names::Terms::one(concept);
                    }
                    k += 1;
                }
            }
        }
    }

    /// "hybrid", noted.
    fn hybrid(&mut self) {
        for k in 0..self.ws.len() {
            if self.used[k].is_none() && HYBRID_WORDS.contains(&self.ws[k].text.as_str()) {
                self.used[k] = Some(Use::Qualifier);
                self.note(k, k, "a hybrid deployment; the products named say where each part is");
            }
        }
    }
}

/// Parse a question against a knowledge base.
///
/// # Errors
/// A question that is empty, too long, names no feature (and is no listing), whose best
/// readings are too close to call, or has a product or version that cannot be placed: a
/// diagnostic with a caret under the question.
#[allow(clippy::result_large_err, clippy::too_many_lines)] // one per question, on the way to the user
pub fn parse(kb: &KnowledgeBase, index: &NameIndex, text: &str) -> Result<Question, Diagnostic> {
    parse_as(kb, index, text, false)
}

/// Read a deployment alone ("Exchange 2013 and Skype for Business Server 2015 with the Lync
/// 2013 client"), as a REPL's `use` gives it: the products, versions and qualifiers of a
/// question, and no feature.
///
/// # Errors
/// As [`parse`]; and a text that names a feature, or no product at all.
#[allow(clippy::result_large_err)]
pub fn parse_topology(kb: &KnowledgeBase, index: &NameIndex, text: &str) -> Result<Question, Diagnostic> {
    let q = parse_as(kb, index, text, true)?;
    if let Some(f) = q.features.first() {
        return Err(Diagnostic::new(format!("`{}` is a feature, not a product", f.text))
            .at(0, f.span.clone())
            .label("a deployment names products")
            .note("set the products with `use`, then ask about the feature: `does high-resolution photo work?`"));
    }
    if q.topology.is_empty() && q.unknown_versions.is_empty() {
        return Err(Diagnostic::new("no product here")
            .at(0, 0..text.len())
            .note("for example: use Exchange 2013 and Skype for Business Server 2015 with the Lync 2013 client"));
    }
    Ok(q)
}

/// A question with the products of an environment it does not name itself: a session's
/// deployment fills the roles the question leaves out ("does high-resolution photo work?"),
/// and a role the question names is the question's ("…with the Lync 2010 client?").
pub fn with_environment(kb: &KnowledgeBase, q: &mut Question, env: &Question) {
    let roles = |m: &Mention| -> Vec<Option<usize>> { m.entities.iter().map(|e| e.role(kb)).collect() };
    let named: Vec<Option<usize>> = q.topology.iter().flat_map(roles).collect();
    let named_modes = q.topology.iter().any(|m| roles(m).iter().all(Option::is_none));
    for m in &env.topology {
        let rs = roles(m);
        let free = if rs.iter().all(Option::is_none) {
            // A mode or a column alone ("all online"): unless the question has its own.
            !named_modes
        } else {
            rs.iter().flatten().all(|r| !named.contains(&Some(*r)))
        };
        if free {
            q.topology.push(m.clone());
        }
    }
    if q.unknown_versions.is_empty() {
        q.unknown_versions.clone_from(&env.unknown_versions);
    }
}

#[allow(clippy::result_large_err, clippy::too_many_lines)]
fn parse_as(kb: &KnowledgeBase, index: &NameIndex, text: &str, topology_only: bool) -> Result<Question, Diagnostic> {
    if text.len() > MAX_QUESTION_BYTES {
        let mut cut = MAX_QUESTION_BYTES;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        return Err(Diagnostic::new(format!(
            "the question is {} bytes long; questions are limited to {MAX_QUESTION_BYTES}",
            text.len()
        ))
        .at(0, cut..cut + 1)
        .label("the limit is here"));
    }
    let ws = index.read(text);
    if ws.is_empty() {
        let d = if text.trim().is_empty() {
            Diagnostic::new("the question is empty")
        } else {
            Diagnostic::new("the question has no words")
                .at(0, 0..text.len())
                .label("no name or word here")
        };
        return Err(d.note("ask for example: does high-resolution photo work with Exchange 2013 and Lync Server 2013?"));
    }

    // The lead words decide the kind of question.
    let first = |n: usize, set: &[&str]| ws.iter().take(n).any(|w| set.contains(&w.text.as_str()));
    let negated = first(6, NEGATION_WORDS);
    let why = starts(&ws, &["why"]) || starts(&ws, &["pourquoi"]) || ws.iter().any(|w| w.text == "为什么");
    let needs = first(8, NEED_WORDS)
        || (starts(&ws, &["how"])
            && first(
                5,
                &["enable", "get", "set", "configure", "make", "turn", "deploy", "setup"],
            ))
        || starts(&ws, &["comment", "activer"])
        || starts(&ws, &["comment", "configurer"]);
    let mut kind = if why {
        Kind::Why
    } else if needs {
        Kind::Needs
    } else {
        Kind::Check
    };
    let listing = starts(&ws, &["what"])
        || starts(&ws, &["which"])
        || starts(&ws, &["list"])
        || starts(&ws, &["show"])
        || starts(&ws, &["quelle"])
        || starts(&ws, &["quelles"])
        || starts(&ws, &["quels"])
        || starts(&ws, &["qu", "est", "ce", "qui"])
        || starts(&ws, &["qu", "est", "ce", "que"])
        || has(&ws, &["哪些"]);

    let n = ws.len();
    let mut p = Parse {
        kb,
        index,
        text,
        ws,
        used: vec![None; n],
        mentions: Vec::new(),
        notes: Vec::new(),
        unknown: Vec::new(),
        clause: vec![0; n],
        french: false,
        quoted: Vec::new(),
    };
    p.french = stop::looks_french(p.ws.iter().map(|w| w.text.as_str()));
    for w in &p.ws {
        if w.corrected_from.is_some() {
            p.notes.push(Note {
                text: text[w.span.clone()].to_owned(),
                start: w.span.start,
                end: w.span.end,
                note: format!("read as “{}”", w.text),
            });
        }
    }
    p.clauses();
    p.labels();
    p.names();
    p.without();
    p.numbers();
    p.trailing_server();
    p.unknown_products();
    p.uncovered();
    p.hybrid();
    p.bind_neighbours();
    p.synonyms();

    // Features, from the words left and the names around them.
    let found = features::find(&mut p)?;
    p.bind_free_modes()?;

    // A number nobody could place.
    if let Some(k) = (0..p.ws.len()).find(|&k| p.ws[k].kind == WordKind::Number && p.used[k].is_none()) {
        let w = &p.ws[k];
        return Err(Diagnostic::new(format!("`{}` is not a version of any product named before it", w.text))
            .at(0, w.span.clone())
            .label("a version of what?")
            .note("write the product with its version, for example `Exchange 2016` or `Skype for Business Server 2015`")
            .note("to ask about a date, use `--as-of YYYY-MM-DD`"));
    }

    let diff_at = diff_point(&p);
    if diff_at.is_none()
        && p.ws.iter().any(|w| w.text == "from")
        && (starts(&p.ws, &["what", "change"]) || starts(&p.ws, &["what", "changes"]))
    {
        return Err(Diagnostic::new("a migration question needs a topology on each side")
            .at(0, 0..text.len())
            .label("from what, to what?")
            .note("ask for example: what changes from Exchange 2010 and Lync Server 2013 to Exchange 2016 and Skype for Business Server 2015?"));
    }

    let reading = reading(&p, &found);
    let topology_mentions: Vec<Mention> = p.mentions.clone();
    let (from, topology) = match diff_at {
        Some(to_word) if kind != Kind::Needs && found.is_empty() => {
            kind = Kind::Diff;
            topology_mentions.into_iter().partition(|m| m.word < to_word)
        }
        _ => (Vec::new(), topology_mentions),
    };
    let unknown_versions = p.unknown.clone();
    if topology_only {
        return Ok(Question {
            text: text.to_owned(),
            kind: Kind::WhatWorks,
            features: found,
            topology: from.into_iter().chain(topology).collect(),
            from: Vec::new(),
            unknown_versions,
            reading,
        });
    }
    if kind != Kind::Diff && found.is_empty() {
        if listing || topology.is_empty() && !unknown_versions.is_empty() {
            kind = if negated { Kind::WhatFails } else { Kind::WhatWorks };
        } else if !topology.is_empty() || !unknown_versions.is_empty() {
            return Err(no_feature(&p, &topology));
        }
    }
    if found.is_empty() && topology.is_empty() && from.is_empty() && unknown_versions.is_empty() {
        return Err(no_feature(&p, &topology));
    }
    if kind == Kind::Diff && (from.is_empty() || topology.is_empty()) {
        return Err(Diagnostic::new("a migration question needs a topology on each side")
            .at(0, 0..text.len())
            .note("ask for example: what changes from Exchange 2010 and Lync Server 2013 to Exchange 2016 and Skype for Business Server 2015?"));
    }
    Ok(Question {
        text: text.to_owned(),
        kind,
        features: found,
        topology,
        from,
        unknown_versions,
        reading,
    })
}

/// Where a migration question turns: the first word after its `to`. "from A to B" (A names a
/// server, Exchange or SharePoint, and B a product of a role A names), or "A → B".
fn diff_point(p: &Parse<'_>) -> Option<usize> {
    let kb = p.kb;
    let roles_between = |a: usize, b: usize| -> Vec<usize> {
        p.mentions
            .iter()
            .filter(|m| m.word >= a && m.word < b)
            .flat_map(|m| m.entities.iter().filter_map(|e| e.role(kb)))
            .collect()
    };
    if let Some(f) = p.ws.iter().position(|w| w.text == "from" || w.text == "depuis") {
        let to = (f + 1..p.ws.len()).find(|&i| ["to", "into", "vers", "a"].contains(&p.ws[i].text.as_str()))?;
        let before = roles_between(f + 1, to);
        let after_first = p.mentions.iter().filter(|m| m.word > to).min_by_key(|m| m.word)?;
        let after: Vec<usize> = after_first.entities.iter().filter_map(|e| e.role(kb)).collect();
        let mail = kb.role("mail-client");
        let client_side = before.iter().all(|r| Some(*r) == mail);
        if !before.is_empty() && !client_side && after.iter().any(|r| before.contains(r)) {
            return Some(to + 1);
        }
        return None;
    }
    // "A → B", "A -> B"; not "A <-> B", which is a pair.
    let arrow = p
        .text
        .char_indices()
        .find(|&(i, c)| c == '→' || (c == '>' && !p.text[..i].ends_with("<-") && !p.text[..i].ends_with("<=")))
        .map(|(i, _)| i)?;
    let i = p.ws.iter().position(|w| w.span.start > arrow)?;
    (!roles_between(0, i).is_empty()).then_some(i)
}

/// What each part of the question was read as.
fn reading(p: &Parse<'_>, features: &[Mention]) -> Reading {
    let kb = p.kb;
    let mut parts: Vec<Part> = Vec::new();
    let ids = |m: &Mention| -> Vec<String> {
        m.entities
            .iter()
            .map(|e| match *e {
                Entity::Feature(f) => kb.features[f].id.clone(),
                Entity::Product(x) => kb.products[x].id.clone(),
                Entity::Family(x) => kb.families[x].id.clone(),
                Entity::Role(x) => kb.roles[x].id.clone(),
                Entity::Mode(x) => kb.modes[x].id.clone(),
                Entity::Deployment(x) => kb.deployments[x].id.clone(),
                Entity::Uncovered(x) => kb.uncovered[x].id.clone(),
            })
            .collect()
    };
    for m in features.iter().chain(&p.mentions) {
        let names: Vec<String> = m.entities.iter().map(|e| e.name(kb).to_owned()).collect();
        let mut read_as = if matches!(m.entities.first(), Some(Entity::Mode(_))) {
            format!("everything {}", names.join(" or "))
        } else {
            names.join(" or ")
        };
        if let Some(md) = m.mode {
            // What the name comes to in that mode: "O365 mailboxes" is Exchange Online.
            let products: Vec<usize> = m
                .entities
                .iter()
                .flat_map(|e| match *e {
                    Entity::Product(x) => vec![x],
                    Entity::Family(x) => kb.families[x].members.clone(),
                    Entity::Role(x) => kb.roles[x].products.clone(),
                    _ => Vec::new(),
                })
                .collect();
            let moded: Vec<usize> = products
                .iter()
                .copied()
                .filter(|&x| kb.products[x].deployment == Some(md))
                .collect();
            read_as = match moded.as_slice() {
                [one] => kb.products[*one].name.clone(),
                _ if moded.len() == products.len() => read_as,
                _ => format!("{read_as}, {}", kb.modes[md].name),
            };
        }
        parts.push(Part {
            text: m.text.clone(),
            start: m.span.start,
            end: m.span.end,
            read_as,
            ids: ids(m),
        });
    }
    for u in &p.unknown {
        let read_as = match &u.name {
            Some(n) => format!("{n}, which no source covers"),
            None => "a version no source covers".into(),
        };
        parts.push(Part {
            text: u.text.clone(),
            start: u.span.start,
            end: u.span.end,
            read_as,
            ids: Vec::new(),
        });
    }
    parts.sort_by_key(|x| x.start);
    let skipped = (0..p.ws.len())
        .filter(|&k| p.used[k].is_none() && !p.ws[k].stop)
        .map(|k| {
            let w = &p.ws[k];
            Note {
                text: p.text[w.span.clone()].to_owned(),
                start: w.span.start,
                end: w.span.end,
                note: if w.terms.is_empty() {
                    "names nothing the knowledge base knows".into()
                } else {
                    "a word of a name, not used here".into()
                },
            }
        })
        .collect();
    let mut notes = p.notes.clone();
    notes.sort_by_key(|n| n.start);
    Reading { parts, notes, skipped }
}

/// The error for a question that names no feature: the features its words come closest to.
fn no_feature(p: &Parse<'_>, topology: &[Mention]) -> Diagnostic {
    let kb = p.kb;
    let skipped: Vec<usize> = (0..p.ws.len())
        .filter(|&k| p.used[k].is_none() && !p.ws[k].stop)
        .collect();
    let mut d = if topology.is_empty() && p.unknown.is_empty() {
        Diagnostic::new("the question names no feature and no product")
    } else {
        Diagnostic::new("the question names no feature")
    };
    let span = match (skipped.first(), skipped.last()) {
        (Some(&a), Some(&b)) => p.span(a, b),
        _ => 0..p.text.len(),
    };
    d = d.at(0, span).label(if skipped.is_empty() {
        "which feature?"
    } else {
        "not a feature the knowledge base knows"
    });
    // Did you mean: the closest feature names to the skipped words, then the features whose
    // names share a word with the question.
    let mut offers: Vec<String> = Vec::new();
    for &k in &skipped {
        let phrase_len = (1..=3).rev().find(|l| k + l <= p.ws.len()).unwrap_or(1);
        for len in (1..=phrase_len).rev() {
            let phrase: Vec<&str> = p.ws[k..k + len]
                .iter()
                .filter(|w| !w.stop)
                .map(|w| w.text.as_str())
                .collect();
            if phrase.is_empty() {
                continue;
            }
            let phrase = phrase.join(" ");
            // The names whose keys have a length within reach; the first with a key offered
            // is its display name (all those with that key are among them).
            // (Walked again for the few keys offered rather than kept: at scale they are tens
            // of thousands.)
            let near = || p.index.feature_keys_within(len, reach(&phrase));
            for c in closest_lettered(&phrase, near()) {
                if let Some(n) = near()
                    .flat_map(|group| group.keys())
                    .find(|k| k.key() == c)
                    .map(|k| k.name())
                    && !offers.iter().any(|o| *o == crate::text::display(n))
                {
                    offers.push(crate::text::display(n));
                }
            }
        }
    }
    for f in features::near_misses(p, 3) {
        let name = kb.features[f].name.clone();
        if !offers.contains(&name) {
            offers.push(name);
        }
    }
    let refs: Vec<&str> = offers.iter().map(String::as_str).take(3).collect();
    d = d.suggest(one_of(&refs));
    // "calendar sharing": a word of a feature, and the action done with it, which no feature is.
    if let Some(k) = (1..p.ws.len())
        .find(|&k| p.used[k - 1].is_none() && !p.ws[k - 1].terms.is_empty() && features::unknown_action(p, k))
    {
        let (what, action) = (&p.text[p.ws[k - 1].span.clone()], &p.text[p.ws[k].span.clone()]);
        d = d.note(format!(
            "“{what} {action}” asks about the {action}, and no feature of the knowledge base is that"
        ));
    }
    d.note("name a feature, such as `high-resolution photo` or `unified contact store` (`interop features` lists them)")
        .note("or ask what works with a topology: `what works with Exchange 2013 and Lync Server 2013?`")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb() -> (KnowledgeBase, NameIndex) {
        let kb = crate::kb::load_embedded().unwrap();
        let idx = NameIndex::build(&kb);
        (kb, idx)
    }

    #[test]
    fn the_mission_question_names_a_feature_and_two_products() {
        let (kb, idx) = kb();
        let q = parse(
            &kb,
            &idx,
            "does high-resolution photo work with Exchange 2010 and Lync 2010?",
        )
        .unwrap();
        assert_eq!(q.kind, Kind::Check);
        assert_eq!(q.features.len(), 1);
        assert_eq!(q.topology.len(), 2);
        assert!(q.topology[1].entities.len() >= 2, "Lync 2010 is ambiguous");
    }

    #[test]
    fn unknown_versions_are_kept_not_rejected() {
        let (kb, idx) = kb();
        let q = parse(&kb, &idx, "does UCS work with Exchange 2007 and Lync Server 2013?").unwrap();
        assert_eq!(q.unknown_versions.len(), 1);
        assert_eq!(q.unknown_versions[0].text, "Exchange 2007");
    }

    #[test]
    fn kinds_follow_the_lead_words() {
        let (kb, idx) = kb();
        let k = |t: &str| parse(&kb, &idx, t).unwrap().kind;
        assert_eq!(k("why not UCS with Exchange 2010 and SfB Server 2015?"), Kind::Why);
        assert_eq!(k("what do I need for UCS with Exchange 2013?"), Kind::Needs);
        assert_eq!(k("what works with Exchange 2013 and SfB Server 2015?"), Kind::WhatWorks);
        assert_eq!(
            k("what doesn't work with Exchange 2010 and SfB Online?"),
            Kind::WhatFails
        );
        assert_eq!(
            k("what changes from Exchange 2010 and Lync Server 2013 to Exchange 2016 and SfB Server 2015?"),
            Kind::Diff
        );
        assert_eq!(k("UCS with Exchange 2013 and SfB Server 2015?"), Kind::Check);
    }

    #[test]
    fn a_number_that_is_no_version_is_an_error() {
        let (kb, idx) = kb();
        let e = parse(&kb, &idx, "does UCS work with 2016?").unwrap_err();
        assert!(e.message.contains("`2016`"), "{}", e.message);
    }
}
