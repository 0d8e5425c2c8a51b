//! The answering engine: from a parsed [`Question`] to an [`Answer`] with its verdict, every
//! reason with its source, and the smallest changes that make it `yes`.
//!
//! It never does IO. Everything it says is derived from the knowledge base.

pub mod eval;
mod suggest;

use std::sync::Arc;

use jiff::civil::Date;

use crate::kb::KnowledgeBase;
use crate::names::Entity;
use crate::query::{Kind, Mention, Question};
use crate::region::Cube;

pub use eval::{
    Evaluation, Outcome, Polarity, Reason, ReasonKind, Verdict, describe_cube, describe_set, evaluate, evaluate_lean,
};
pub use suggest::{Change, Fix, fixes, steps_for};

/// How an ambiguous name was read.
#[derive(Debug, Clone)]
pub struct Reading {
    /// The name as written.
    pub text: String,
    /// What it was taken to mean.
    pub taken: String,
    /// Other readings and the verdict each would give, when it differs.
    pub others: Vec<(String, Verdict)>,
}

/// The answer about one feature.
#[derive(Debug, Clone)]
pub struct FeatureAnswer {
    /// Shared with the answerer that keeps it (and with other answers of the same feature,
    /// topology and date).
    pub evaluation: Arc<Evaluation>,
    pub suggestions: Arc<[Fix]>,
    /// Prerequisite steps, in order (for `Needs` questions and suggestions).
    pub steps: Arc<[usize]>,
    pub conflicts: Vec<usize>,
    pub limits: Vec<usize>,
    /// Where it does not work: the feature a source names as its replacement, and its verdict
    /// on the same topology (offered when it works there).
    pub replacement: Option<(usize, Verdict)>,
}

/// Everything an answer says.
#[derive(Debug, Clone)]
pub struct Answer {
    pub question: String,
    pub kind: Kind,
    pub as_of: Date,
    /// The topology, as read (for a diff: the one moved to).
    pub topology: Cube,
    /// For a diff: the one moved from.
    pub from: Option<Cube>,
    /// The overall verdict: of the one feature asked about, or the worst of several.
    pub verdict: Verdict,
    /// One per feature asked about (a check, why or needs question).
    pub features: Vec<FeatureAnswer>,
    /// For a listing: every feature and its verdict (the view picks what was asked).
    pub listing: Vec<(usize, Verdict)>,
    /// For a diff: every feature's verdict before and after.
    pub before: Vec<Verdict>,
    pub after: Vec<Verdict>,
    pub readings: Vec<Reading>,
    /// Names with a version the knowledge base does not know, and products it does not cover.
    pub unknown_versions: Vec<String>,
    /// How the question was read: each part, the notes, the words skipped.
    pub reading: crate::query::Reading,
}

impl Answer {
    /// For a listing: the features it lists — those that work (yes or conditional) for "what
    /// works", those that do not for "what does not work".
    pub fn listed(&self) -> impl Iterator<Item = (usize, Verdict)> + '_ {
        let works = self.kind == Kind::WhatWorks;
        self.listing.iter().copied().filter(move |(_, v)| {
            if works {
                matches!(v, Verdict::Yes | Verdict::Conditional)
            } else {
                *v == Verdict::No
            }
        })
    }

    /// For a diff: each feature whose verdict changes, with its verdict before and after.
    pub fn changes(&self) -> impl Iterator<Item = (usize, Verdict, Verdict)> + '_ {
        self.before
            .iter()
            .zip(&self.after)
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .map(|(f, (a, b))| (f, *a, *b))
    }
}

/// Build the topology the mentions describe, for one choice of reading per ambiguous mention.
fn topology(kb: &KnowledgeBase, mentions: &[Mention], choice: &[Vec<Entity>]) -> Cube {
    let u = &kb.universe;
    // Per role: the products named for it (a union); a role nobody names stays free.
    let mut named: Vec<Option<Vec<usize>>> = vec![None; kb.roles.len()];
    // A role named by a product is not widened by a bare line name in the same question
    // ("Lync meetings … Lync Server 2013").
    let mut by_product = vec![false; kb.roles.len()];
    for c in choice {
        for e in c {
            if let Entity::Product(p) = *e {
                by_product[kb.products[p].role] = true;
            }
        }
    }
    // Modes bound to a name ("Exchange on-premises"), and modes on their own ("all online").
    let mut modes: Vec<Option<usize>> = vec![None; kb.roles.len()];
    let mut free_modes: Vec<usize> = Vec::new();
    let mut columns: Vec<usize> = Vec::new();
    // A role named on its own ("client", "Exchange"): any product, unless something more
    // precise is named for it.
    let mut by_role = vec![false; kb.roles.len()];
    let mut cube = u.full();
    for (m, entities) in mentions.iter().zip(choice) {
        for &e in entities {
            match e {
                Entity::Product(p) => named[kb.products[p].role].get_or_insert_with(Vec::new).push(p),
                Entity::Family(f) if !by_product[kb.families[f].role] => named[kb.families[f].role]
                    .get_or_insert_with(Vec::new)
                    .extend(&kb.families[f].members),
                Entity::Role(r) if !by_product[r] => by_role[r] = true,
                Entity::Family(_) | Entity::Role(_) => {}
                Entity::Mode(md) => free_modes.push(md),
                Entity::Deployment(d) => columns.push(d),
                Entity::Feature(_) | Entity::Uncovered(_) => {}
            }
            if let (Some(md), Some(r)) = (m.mode, e.role(kb)) {
                modes[r] = Some(md);
            }
        }
    }
    for (r, set) in named.into_iter().enumerate() {
        let set = set.or_else(|| by_role[r].then(|| kb.roles[r].products.clone()));
        let free = set.is_none();
        let mut set = set.unwrap_or_else(|| kb.roles[r].products.clone());
        // A mode on its own applies to every role no product was named for.
        let mode = modes[r].or_else(|| {
            if by_product[r] {
                None
            } else {
                free_modes.first().copied()
            }
        });
        if let Some(md) = mode {
            let in_mode = |set: &[usize]| -> Vec<usize> {
                set.iter()
                    .copied()
                    .filter(|&p| kb.products[p].deployment == Some(md))
                    .collect()
            };
            let mut moded = in_mode(&set);
            // A brand named beside ("Skype" of "Skype conversations") yields to the role named
            // with its mode ("Skype for Business is Online").
            if moded.is_empty() && !by_product[r] && modes[r].is_some() {
                moded = in_mode(&kb.roles[r].products);
            }
            // A mode that fits none of the products of a role (clients) leaves it alone.
            if !moded.is_empty() {
                set = moded;
            }
        }
        if set.len() != kb.roles[r].products.len() || (!free && set.is_empty()) {
            let restricted = cube.intersect(&u.restrict(r, set));
            if !u.is_empty(&restricted) {
                cube = restricted;
            }
        }
    }
    // A column named on its own ("all online"), unless the products named contradict it
    // ("Exchange Online and SfB Server 2015 in Office 365").
    for d in columns {
        if let Some(c) = kb.deployments[d].when.region.cubes().first() {
            let restricted = cube.intersect(c);
            if !u.is_empty(&restricted) {
                cube = restricted;
            }
        }
    }
    cube
}

/// One reading of the topology's mentions: the entities taken for each mention, and for each
/// ambiguous mention (by index) a label of the reading.
type Choice = (Vec<Vec<Entity>>, Vec<(usize, String)>);

/// The readings of the mentions: each mention's entities grouped by what they are, and for an
/// ambiguous one, each alone and all together. The first reading is the preferred one.
fn readings(kb: &KnowledgeBase, mentions: &[Mention]) -> Vec<Choice> {
    let role_of = |e: &Entity| e.role(kb);
    // Roles fixed by unambiguous mentions.
    let fixed: Vec<usize> = mentions
        .iter()
        .filter(|m| m.entities.len() == 1)
        .filter_map(|m| role_of(&m.entities[0]))
        .collect();
    let mut options: Vec<Vec<(Vec<Entity>, String)>> = Vec::new();
    for m in mentions {
        let mut ents: Vec<Entity> = m.entities.clone();
        // A product or family is more precise than its role named by the same words.
        let precise: Vec<usize> = ents
            .iter()
            .filter(|e| !matches!(e, Entity::Role(_)))
            .filter_map(role_of)
            .collect();
        ents.retain(|e| !matches!(e, Entity::Role(r) if precise.contains(r)));
        if ents.len() <= 1 {
            options.push(vec![(ents, String::new())]);
            continue;
        }
        // Drop readings whose role another name already fixes.
        let open: Vec<Entity> = ents
            .iter()
            .copied()
            .filter(|e| role_of(e).is_none_or(|r| !fixed.contains(&r)))
            .collect();
        let ents = if open.is_empty() { ents } else { open };
        if ents.len() == 1 {
            options.push(vec![(ents.clone(), entity_name(kb, ents[0]))]);
            continue;
        }
        let mut opts = Vec::new();
        let roles: Vec<Option<usize>> = ents.iter().map(role_of).collect();
        let distinct = roles.iter().flatten().collect::<std::collections::HashSet<_>>().len() == ents.len();
        if distinct {
            let mut by_role = ents.clone();
            by_role.sort_by_key(|e| role_of(e));
            let all = by_role
                .iter()
                .map(|&e| entity_name(kb, e))
                .collect::<Vec<_>>()
                .join(" with the ");
            opts.push((ents.clone(), all));
        }
        for &e in &ents {
            opts.push((vec![e], entity_name(kb, e)));
        }
        options.push(opts);
    }
    // The cartesian product, capped.
    let mut out: Vec<Choice> = vec![(Vec::new(), Vec::new())];
    for (i, opts) in options.iter().enumerate() {
        let mut next = Vec::new();
        for (choice, labels) in &out {
            for (ents, label) in opts {
                let mut c = choice.clone();
                c.push(ents.clone());
                let mut l = labels.clone();
                if opts.len() > 1 {
                    l.push((i, label.clone()));
                }
                next.push((c, l));
                if next.len() >= 16 {
                    break;
                }
            }
        }
        out = next;
    }
    out
}

fn entity_name(kb: &KnowledgeBase, e: Entity) -> String {
    e.name(kb).to_owned()
}

/// The features a question's feature mentions denote; for an ambiguous name, the one whose
/// client or mail client the question names, else every candidate.
fn features_of(kb: &KnowledgeBase, q: &Question, t: &Cube) -> Vec<Vec<usize>> {
    let u = &kb.universe;
    q.features
        .iter()
        .map(|m| {
            let cands: Vec<usize> = m
                .entities
                .iter()
                .filter_map(|e| if let Entity::Feature(f) = e { Some(*f) } else { None })
                .collect();
            if cands.len() <= 1 {
                return cands;
            }
            let picked: Vec<usize> = cands
                .iter()
                .copied()
                .filter(|&f| {
                    kb.features[f].provided_by.iter().any(|p| match *p {
                        crate::kb::Provider::Product(p) => {
                            let r = kb.products[p].role;
                            !u.is_free(t, r) && u.allowed(t, r).all(|x| x == p)
                        }
                        crate::kb::Provider::Family(_) => false,
                    })
                })
                .collect();
            if picked.is_empty() { cands } else { picked }
        })
        .collect()
}

/// Answer a parsed question as of a date.
#[must_use]
pub fn answer(kb: &KnowledgeBase, q: &Question, as_of: Date) -> Answer {
    Answerer::new(kb).answer(q, as_of)
}

/// How many bytes of explained evaluations an [`Answerer`] keeps at most.
pub const EXPLAINED_BYTES: usize = 64 << 20;

/// How many bytes of topologies the verdicts an [`Answerer`] keeps may take (a topology of a
/// large base is a bit set of kilobytes; of the shipped one, a few words).
pub const VERDICT_BYTES: usize = 32 << 20;

/// Answers many questions on one knowledge base (a batch, a shell session), keeping what does
/// not depend on the question: where each feature works on any topology as of a date, which
/// the fix search starts from; the verdicts worked out without explanation (fixes verified,
/// other readings), which the questions of a batch ask again and again; the verdicts of every
/// feature on a topology (listings, migrations); and for each feature, topology and date asked
/// about, its explained evaluation, its fixes and its prerequisite steps, which questions
/// written in other words ask again. What it keeps is bounded by count and, for explained
/// evaluations and verdicts (which grow with the base: a coverage note of a large base names
/// thousands of products, and its topologies are kilobytes), by bytes.
pub struct Answerer<'k> {
    kb: &'k KnowledgeBase,
    everywhere: std::sync::Mutex<std::collections::BTreeMap<(usize, Date), Arc<Evaluation>>>,
    /// At most 100,000 (a few megabytes), whose topologies take at most [`VERDICT_BYTES`]
    /// (`verdict_bytes` so far).
    verdicts: crate::memo::Memo<(usize, Date, Cube), Verdict, 100_000>,
    verdict_bytes: std::sync::atomic::AtomicUsize,
    /// At most 10,000 each, and explained evaluations of at most [`EXPLAINED_BYTES`] in all
    /// (`explained_bytes` so far).
    explained: crate::memo::Memo<(usize, Date, Cube), Arc<Evaluation>, 10_000>,
    explained_bytes: std::sync::atomic::AtomicUsize,
    fixes: crate::memo::Memo<(usize, Date, Cube), Arc<[Fix]>, 10_000>,
    steps: crate::memo::Memo<(usize, Cube), Arc<[usize]>, 10_000>,
    /// The verdict on every feature, for listings and diffs: at most 256 (a large base's are
    /// tens of kilobytes each).
    listings: crate::memo::Memo<(Date, Cube), Arc<[Verdict]>, 256>,
}

impl<'k> Answerer<'k> {
    #[must_use]
    pub fn new(kb: &'k KnowledgeBase) -> Self {
        Answerer {
            kb,
            everywhere: std::sync::Mutex::default(),
            verdicts: crate::memo::Memo::default(),
            verdict_bytes: std::sync::atomic::AtomicUsize::new(0),
            explained: crate::memo::Memo::default(),
            explained_bytes: std::sync::atomic::AtomicUsize::new(0),
            fixes: crate::memo::Memo::default(),
            steps: crate::memo::Memo::default(),
            listings: crate::memo::Memo::default(),
        }
    }

    /// [`answer`], sharing the work of earlier answers.
    #[must_use]
    pub fn answer(&self, q: &Question, as_of: Date) -> Answer {
        answer_with(self, q, as_of)
    }

    /// Where `feature` works, on every topology, as of `date` (lean).
    pub(crate) fn everywhere(&self, feature: usize, date: Date) -> Arc<Evaluation> {
        let kb = self.kb;
        // A poisoned lock only means another thread panicked; what it holds is still right.
        self.everywhere
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry((feature, date))
            .or_insert_with(|| Arc::new(evaluate_lean(kb, feature, &kb.universe.full(), date)))
            .clone()
    }

    /// The verdict on `feature` for `t` as of `date`: [`evaluate_lean`]'s, kept.
    #[must_use]
    pub fn verdict(&self, feature: usize, t: &Cube, date: Date) -> Verdict {
        self.verdicts.get_or_insert_with_if(
            &(feature, date, t.clone()),
            || evaluate_lean(self.kb, feature, t, date).verdict,
            |_| take(&self.verdict_bytes, t.bytes(), VERDICT_BYTES),
        )
    }

    /// The verdict on every feature for `t` as of `date`, [`evaluate_lean`]'s: the features
    /// they require are worked out once for them all.
    #[must_use]
    pub fn listing(&self, t: &Cube, date: Date) -> Arc<[Verdict]> {
        self.listings.get_or_insert_with(&(date, t.clone()), || {
            let mut required = eval::Required::lean(self.kb, t, date);
            (0..self.kb.features.len())
                .map(|f| required.evaluate(f).verdict)
                .collect()
        })
    }

    /// [`evaluate`]'s explained evaluation of `feature` for `t` as of `date`, kept while the
    /// kept ones take less than [`EXPLAINED_BYTES`].
    #[must_use]
    pub fn evaluation(&self, feature: usize, t: &Cube, date: Date) -> Arc<Evaluation> {
        self.explained.get_or_insert_with_if(
            &(feature, date, t.clone()),
            || Arc::new(evaluate(self.kb, feature, t, date)),
            |ev| take(&self.explained_bytes, ev.bytes() + t.bytes(), EXPLAINED_BYTES),
        )
    }

    /// [`fixes`] for `feature` on `t` as of `date`, kept.
    fn fixes(&self, feature: usize, t: &Cube, date: Date) -> Arc<[Fix]> {
        self.fixes.get_or_insert_with(&(feature, date, t.clone()), || {
            suggest::fixes_from(self, feature, t, date).into()
        })
    }

    /// [`steps_for`] `feature` on `t`, kept.
    fn steps(&self, feature: usize, t: &Cube) -> Arc<[usize]> {
        self.steps
            .get_or_insert_with(&(feature, t.clone()), || steps_for(self.kb, feature, t).into())
    }
}

/// Whether `bytes` more fit in `budget` beside the `kept` so far; if so, they are counted.
fn take(kept: &std::sync::atomic::AtomicUsize, bytes: usize, budget: usize) -> bool {
    use std::sync::atomic::Ordering::Relaxed;
    kept.fetch_update(Relaxed, Relaxed, |k| (k + bytes <= budget).then_some(k + bytes))
        .is_ok()
}

fn answer_with(answerer: &Answerer<'_>, q: &Question, as_of: Date) -> Answer {
    let kb = answerer.kb;
    let all_readings = readings(kb, &q.topology);
    // The features the question asks about on a reading's topology, each once (a feature
    // named twice, "voicemail via Exchange UM", is answered once).
    let features_on = |t: &Cube| -> Vec<usize> {
        let mut feats: Vec<usize> = Vec::new();
        for f in features_of(kb, q, t).into_iter().filter_map(|c| c.first().copied()) {
            if !feats.contains(&f) {
                feats.push(f);
            }
        }
        feats
    };
    // The first reading is preferred, and explained; of the others only the verdict is wanted.
    let verdict_of_reading = |choice: &[Vec<Entity>]| -> Option<Verdict> {
        let t = topology(kb, &q.topology, choice);
        features_on(&t)
            .into_iter()
            .map(|f| answerer.verdict(f, &t, as_of))
            .max()
    };
    let (first_choice, first_labels) = all_readings.first().cloned().unwrap_or_default();
    let t = topology(kb, &q.topology, &first_choice);
    let evals: Vec<(usize, Arc<Evaluation>)> = features_on(&t)
        .into_iter()
        .map(|f| (f, answerer.evaluation(f, &t, as_of)))
        .collect();
    let verdict_of = |evals: &[(usize, Arc<Evaluation>)]| evals.iter().map(|(_, e)| e.verdict).max();

    let mut readings_out = Vec::new();
    if !first_labels.is_empty() {
        let mine = verdict_of(&evals);
        for (mi, label) in &first_labels {
            let mut others = Vec::new();
            for (choice, labels) in all_readings.iter().skip(1) {
                // Readings that differ from the preferred one in this mention only.
                let differs_here = labels.iter().any(|(j, l)| j == mi && l != label);
                let same_elsewhere = labels
                    .iter()
                    .all(|(j, l)| j == mi || first_labels.iter().any(|(k, m)| k == j && m == l));
                if !differs_here || !same_elsewhere {
                    continue;
                }
                let v = verdict_of_reading(choice);
                if v != mine
                    && let Some(v) = v
                {
                    let other = labels
                        .iter()
                        .find(|(j, _)| j == mi)
                        .map(|(_, l)| l.clone())
                        .unwrap_or_default();
                    others.push((other, v));
                }
            }
            readings_out.push(Reading {
                text: q.topology[*mi].text.clone(),
                taken: label.clone(),
                others,
            });
        }
    }

    // An ambiguous feature name ("presence"): the first candidate (evaluated above), and what
    // the others give.
    for (m, cands) in q.features.iter().zip(features_of(kb, q, &t)) {
        if cands.len() < 2 {
            continue;
        }
        let Some(mine) = evals.iter().find(|(f, _)| *f == cands[0]).map(|(_, e)| e.verdict) else {
            continue;
        };
        let others = cands[1..]
            .iter()
            .filter_map(|&f| {
                let v = answerer.verdict(f, &t, as_of);
                (v != mine).then(|| (kb.features[f].name.clone(), v))
            })
            .collect();
        readings_out.push(Reading {
            text: m.text.clone(),
            taken: kb.features[cands[0]].name.clone(),
            others,
        });
    }

    let unknown_versions: Vec<String> = q
        .unknown_versions
        .iter()
        .map(crate::query::UnknownVersion::shown)
        .collect();
    let mut answer = Answer {
        question: q.text.clone(),
        kind: q.kind,
        as_of,
        topology: t.clone(),
        from: None,
        verdict: Verdict::Unknown,
        features: Vec::new(),
        listing: Vec::new(),
        before: Vec::new(),
        after: Vec::new(),
        readings: readings_out,
        unknown_versions,
        reading: q.reading.clone(),
    };

    match q.kind {
        Kind::Check | Kind::Why | Kind::Needs => {
            for (f, ev) in evals {
                let mut ev = ev;
                if !answer.unknown_versions.is_empty() {
                    // A version nobody documents: nothing can be said of it.
                    let ev = Arc::make_mut(&mut ev);
                    ev.verdict = Verdict::Unknown;
                    ev.conditions.clear();
                    ev.caveats.clear();
                }
                // An unknown answer gets fixes too (the products the sources do cover), but not
                // one about a version nobody documents.
                let suggestions = if ev.verdict == Verdict::Yes || !answer.unknown_versions.is_empty() {
                    Arc::default()
                } else {
                    answerer.fixes(f, &t, as_of)
                };
                let steps = answerer.steps(f, &t);
                let conflicts = kb
                    .conflicts
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| {
                        c.features.contains(&f) && c.when.as_ref().is_none_or(|w| w.region.meets(&kb.universe, &t))
                    })
                    .map(|(i, _)| i)
                    .collect();
                let limits = kb
                    .limits
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l.features.contains(&f))
                    .map(|(i, _)| i)
                    .collect();
                let replacement = kb.features[f]
                    .replaced_by
                    .as_ref()
                    .filter(|_| ev.verdict != Verdict::Yes && answer.unknown_versions.is_empty())
                    .map(|r| (r.feature, answerer.verdict(r.feature, &t, as_of)))
                    .filter(|(_, v)| matches!(v, Verdict::Yes | Verdict::Conditional));
                answer.features.push(FeatureAnswer {
                    evaluation: ev,
                    suggestions,
                    steps,
                    conflicts,
                    limits,
                    replacement,
                });
            }
            answer.verdict = answer
                .features
                .iter()
                .map(|f| f.evaluation.verdict)
                .max()
                .unwrap_or(Verdict::Unknown);
        }
        Kind::WhatWorks | Kind::WhatFails => {
            let known = answer.unknown_versions.is_empty();
            answer.listing = if known {
                answerer.listing(&t, as_of).iter().copied().enumerate().collect()
            } else {
                (0..kb.features.len()).map(|f| (f, Verdict::Unknown)).collect()
            };
            // "What works": yes if something does; "what does not work": no if something fails.
            let listed = answer.listed().next().is_some();
            answer.verdict = match (known, q.kind == Kind::WhatWorks, listed) {
                (false, _, _) => Verdict::Unknown,
                (true, true, true) | (true, false, false) => Verdict::Yes,
                (true, true, false) | (true, false, true) => Verdict::No,
            };
        }
        Kind::Diff => {
            let from_readings = readings(kb, &q.from);
            let from_choice = from_readings.first().map(|r| r.0.clone()).unwrap_or_default();
            let mut from = topology(kb, &q.from, &from_choice);
            // A role named on one side only is the same on both ("from Exchange 2010 to
            // Exchange 2016 with SfB Server 2015").
            let u = &kb.universe;
            let mut to = answer.topology.clone();
            for r in 0..kb.roles.len() {
                match (u.is_free(&from, r), u.is_free(&to, r)) {
                    (true, false) => from = from.intersect(&u.restrict(r, u.allowed(&to, r).collect::<Vec<_>>())),
                    (false, true) => to = to.intersect(&u.restrict(r, u.allowed(&from, r).collect::<Vec<_>>())),
                    _ => {}
                }
            }
            let t = to;
            answer.topology = t.clone();
            answer.before = answerer.listing(&from, as_of).to_vec();
            answer.after = answerer.listing(&t, as_of).to_vec();
            answer.from = Some(from);
            answer.verdict = if answer.unknown_versions.is_empty() {
                Verdict::Yes
            } else {
                Verdict::Unknown
            };
        }
    }
    answer
}
