//! Evaluating one feature on one topology, as of a date: the verdict and every reason.
//!
//! How verdicts combine (the book's "How answers are decided" page says the same):
//!
//! - *Support* comes from the cells of the support table whose column covers the topology and
//!   from the statements of the other pages: `Y` and `yes` add where the feature works,
//!   `Y (need …)` adds where its condition holds, `N` and `no` where it does not.
//! - *Requirements* take away: a rule whose `requires` fails, a retired product (as of the
//!   date), a required feature known not to work.
//! - The topology asked about may leave roles unstated: it is a set of topologies.
//!   `yes` — every topology of the set works; `conditional` — some do, and the answer says
//!   which (the conditions on what was left unstated), or a source puts a condition that is
//!   not about products ("only during a migration"); `no` — every topology of the set is known
//!   not to work; `unknown` — none is known to work and some are covered by no source.

use std::borrow::Cow;
use std::fmt::Write as _;

use jiff::civil::Date;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::kb::{Cite, Condition, KnowledgeBase, Support};
pub use crate::kb::{describe_cube, describe_set};
use crate::region::{Cube, Region};

/// The four verdicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Yes,
    Conditional,
    No,
    Unknown,
}

impl Verdict {
    #[must_use]
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Yes => "yes",
            Verdict::Conditional => "conditional",
            Verdict::No => "no",
            Verdict::Unknown => "unknown",
        }
    }
}

/// How one fact bears on the topology asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// It allows the feature for the whole topology.
    Holds,
    /// It rules the feature out for the whole topology.
    Fails,
    /// It allows or rules out only part of it: it depends on what was left unstated.
    Partly,
    /// It says nothing either way (a note, a coverage gap).
    Note,
}

/// What kind of fact a reason is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReasonKind {
    /// A cell of the support table.
    Cell,
    /// A support statement of another page.
    Statement,
    /// A version, client, auth or storage rule.
    Rule,
    /// A retirement date.
    Lifecycle,
    /// A feature this one requires.
    Requires,
    /// No source covers (part of) the topology.
    Coverage,
}

/// Whether a fact allows the feature, rules it out, or both (a cell with a condition).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Polarity {
    Allows,
    Forbids,
    Both,
}

/// One reason behind a verdict.
#[derive(Debug, Clone)]
pub struct Reason {
    pub outcome: Outcome,
    pub polarity: Polarity,
    pub kind: ReasonKind,
    /// The id of the fact in `data/` (rule, statement, deployment column, product).
    pub id: String,
    /// What the fact says, in English.
    pub says: String,
    /// How it meets the topology: "Exchange Server 2010 is not Exchange 2013 or later".
    pub here: Option<String>,
    pub sources: Vec<Cite>,
    /// For a required feature: why it does not work.
    pub because: Vec<Reason>,
}

/// The verdict on one feature for one topology, and everything behind it.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub feature: usize,
    pub verdict: Verdict,
    pub reasons: Vec<Reason>,
    /// For `conditional`: each a way it works, on what the question left unstated.
    pub conditions: Vec<String>,
    /// For `conditional`: conditions the sources put that are not about products ("only on an
    /// interim basis, while you migrate").
    pub caveats: Vec<String>,
    /// Where the feature is known not to work (used by features that require it).
    pub negative: Region,
    /// Where it works, on every topology (before any role is left to choose); with
    /// `qualified`, enough to tell the verdict of another topology without re-evaluating.
    pub works: Region,
    /// Where a source attaches a condition that is not about products.
    pub qualified: Region,
}

impl Evaluation {
    /// About how many bytes it holds (what keeping it costs): its reasons with their texts and
    /// citations, its conditions and caveats, its regions.
    #[must_use]
    pub fn bytes(&self) -> usize {
        fn reason(r: &Reason) -> usize {
            std::mem::size_of::<Reason>()
                + r.id.len()
                + r.says.len()
                + r.here.as_ref().map_or(0, String::len)
                + r.sources
                    .iter()
                    .map(|c| std::mem::size_of::<crate::kb::Cite>() + c.text_len())
                    .sum::<usize>()
                + r.because.iter().map(reason).sum::<usize>()
        }
        let texts = |t: &[String]| t.iter().map(|s| std::mem::size_of::<String>() + s.len()).sum::<usize>();
        std::mem::size_of::<Evaluation>()
            + self.reasons.iter().map(reason).sum::<usize>()
            + texts(&self.conditions)
            + texts(&self.caveats)
            + self.negative.bytes()
            + self.works.bytes()
            + self.qualified.bytes()
    }
}

/// Evaluate `feature` on the topologies of `topology`, as of `date`.
#[must_use]
pub fn evaluate(kb: &KnowledgeBase, feature: usize, topology: &Cube, date: Date) -> Evaluation {
    Required::new(kb, topology, date, false).evaluate(feature)
}

/// The verdict and regions of [`evaluate`], without the reasons that explain them (no
/// reasons at all, no conditions, no coverage note): for fixes, listings and other readings,
/// which need only the verdict.
#[must_use]
pub fn evaluate_lean(kb: &KnowledgeBase, feature: usize, topology: &Cube, date: Date) -> Evaluation {
    Required::lean(kb, topology, date).evaluate(feature)
}

/// The part of a region that speaks only of the roles in scope: its cubes that leave every
/// other role free.
fn in_scope<'r>(kb: &KnowledgeBase, region: &'r Region, scope: Option<&[bool]>) -> Cow<'r, Region> {
    let Some(scope) = scope else {
        return Cow::Borrowed(region);
    };
    let u = &kb.universe;
    let within = |c: &Cube| (0..scope.len()).all(|r| scope[r] || u.is_free(c, r));
    if region.cubes().iter().all(within) {
        return Cow::Borrowed(region);
    }
    let mut out = Region::empty();
    for c in region.cubes() {
        if within(c) {
            out.push(u, c.clone());
        }
    }
    Cow::Owned(out)
}

/// Whether a region restricts a role out of scope.
fn beyond_scope(kb: &KnowledgeBase, region: &Region, scope: Option<&[bool]>) -> bool {
    let Some(scope) = scope else { return false };
    let u = &kb.universe;
    region
        .cubes()
        .iter()
        .any(|c| (0..scope.len()).any(|r| !scope[r] && !u.is_free(c, r)))
}

fn outcome_of(kb: &KnowledgeBase, t: &Cube, allows: &Region, forbids: &Region) -> Outcome {
    let u = &kb.universe;
    if allows.covers(u, t) {
        Outcome::Holds
    } else if forbids.covers(u, t) {
        Outcome::Fails
    } else {
        Outcome::Partly
    }
}

/// The verdict `evaluate` would give on `t`, from an evaluation of the same feature and date
/// on any topology: `yes` or not.
#[must_use]
pub fn is_yes(kb: &KnowledgeBase, ev: &Evaluation, t: &Cube) -> bool {
    let u = &kb.universe;
    let mut works = ev.works.clone();
    for r in open_optional_roles(kb, ev.feature, t) {
        works = works.free_role(u, r);
    }
    works.covers(u, t) && !ev.qualified.meets(u, t)
}

/// Optional roles `t` leaves open that do not provide the feature: it is enough that some
/// product there works.
pub(crate) fn open_optional_roles(kb: &KnowledgeBase, feature: usize, t: &Cube) -> Vec<usize> {
    let u = &kb.universe;
    let provided_in = |r: usize| kb.features[feature].provided_by.iter().any(|p| p.role(kb) == r);
    (0..kb.roles.len())
        .filter(|&r| kb.roles[r].optional && u.is_free(t, r) && !provided_in(r))
        .collect()
}

/// What the facts about one feature say of a set of topologies, gathered fact by fact: where
/// they allow it, where they forbid it, the conditions some attach, and a reason for each.
struct Findings<'k> {
    kb: &'k KnowledgeBase,
    t: &'k Cube,
    date: Date,
    /// For a feature another requires, the roles that other involves.
    scope: Option<&'k [bool]>,
    /// Only the verdict and regions are wanted, not the reasons that explain them.
    lean: bool,
    positive: Region,
    negative: Region,
    qualified: Vec<(String, Region)>,
    reasons: Vec<Reason>,
}

impl<'k> Findings<'k> {
    fn new(kb: &'k KnowledgeBase, t: &'k Cube, date: Date, scope: Option<&'k [bool]>, lean: bool) -> Self {
        Findings {
            kb,
            t,
            date,
            scope,
            lean,
            positive: Region::empty(),
            negative: Region::empty(),
            qualified: Vec::new(),
            reasons: Vec::new(),
        }
    }

    /// Where the feature is known not to work, grown by `r`.
    fn forbid(&mut self, r: &Region) {
        self.negative = std::mem::take(&mut self.negative).union(&self.kb.universe, r);
    }

    /// A cell or a statement: `s` where `when` holds. `says` is what the reason says (made only
    /// when reasons are wanted).
    fn support(
        &mut self,
        id: &str,
        kind: ReasonKind,
        says: impl FnOnce() -> String,
        when: &Region,
        s: &Support,
        sources: &[Cite],
    ) {
        let (kb, t) = (self.kb, self.t);
        let u = &kb.universe;
        // What is in scope is part of `when`: if `when` misses the topology, so does it.
        if !when.meets(u, t) {
            return;
        }
        let scoped = in_scope(kb, when, self.scope);
        let when = &*scoped;
        if !when.meets(u, t) {
            return;
        }
        let (allows, forbids, here) = match s {
            Support::Yes => (when.clone(), Region::empty(), None),
            Support::No => (Region::empty(), when.clone(), None),
            Support::Qualified { condition } => {
                self.qualified.push((condition.clone(), when.clone()));
                let here = (!self.lean).then(|| format!("on condition: {condition}"));
                (when.clone(), Region::empty(), here)
            }
            Support::Conditional { requires, .. } => {
                let ok = when.intersect(u, &requires.region);
                let bad = when.subtract(u, &requires.region);
                let here = if self.lean { None } else { here_text(kb, t, requires) };
                (ok, bad, here)
            }
        };
        self.positive = std::mem::take(&mut self.positive).union(u, &allows);
        self.forbid(&forbids);
        if self.lean {
            return;
        }
        let mut outcome = outcome_of(kb, t, &allows, &forbids);
        // A cell for a column that covers only part of the topology says nothing of the rest.
        if outcome == Outcome::Holds && !when.covers(u, t) {
            outcome = Outcome::Partly;
        }
        let polarity = match s {
            Support::Yes | Support::Qualified { .. } => Polarity::Allows,
            Support::No => Polarity::Forbids,
            Support::Conditional { .. } => Polarity::Both,
        };
        self.reasons.push(Reason {
            outcome,
            polarity,
            kind,
            id: id.to_owned(),
            says: says(),
            here,
            sources: sources.to_vec(),
            because: Vec::new(),
        });
    }

    /// The cells of the feature's row in the support table in force on the date.
    fn table_row(&mut self, feature: usize) {
        let kb = self.kb;
        if let Some(row) = kb.row_of(feature, self.date) {
            for (d, cell) in kb.cells(row) {
                let says = || format!("the support table gives `{}` for {}", cell.cell_text(), d.name);
                self.support(&d.id, ReasonKind::Cell, says, &d.when.region, cell, &row.sources);
            }
        }
    }

    /// The statements about the feature in force on the date.
    fn statements(&mut self, feature: usize) {
        let (kb, date) = (self.kb, self.date);
        for s in kb.statements_of(feature).filter(|s| s.in_force(date)) {
            self.support(
                &s.id,
                ReasonKind::Statement,
                || s.says.clone(),
                &s.when.region,
                &s.support,
                &s.sources,
            );
        }
    }

    /// The rules about the feature: where one applies and its requirement is not met, the
    /// feature does not work.
    fn rules(&mut self, feature: usize) {
        let (kb, t) = (self.kb, self.t);
        let u = &kb.universe;
        for r in kb.rules_of(feature) {
            if beyond_scope(kb, &r.requires.region, self.scope) {
                continue;
            }
            // Where it applies (everywhere without a `when`), as far as the scope goes: when that
            // is the whole of it, where it is broken is the rule's own (worked out once).
            let when = r.when.as_ref().map(|w| &*w.region);
            if !when.map_or(!u.is_empty(t), |w| w.meets(u, t)) {
                continue;
            }
            let violated = match when.map(|w| in_scope(kb, w, self.scope)) {
                None | Some(Cow::Borrowed(_)) => Cow::Borrowed(r.violated(u)),
                Some(Cow::Owned(applies)) if applies.meets(u, t) => Cow::Owned(applies.subtract(u, &r.requires.region)),
                Some(Cow::Owned(_)) => continue,
            };
            self.forbid(&violated);
            if self.lean {
                continue;
            }
            let outcome = if !violated.meets(u, t) {
                Outcome::Holds
            } else if violated.covers(u, t) {
                Outcome::Fails
            } else {
                Outcome::Partly
            };
            self.reasons.push(Reason {
                outcome,
                polarity: Polarity::Forbids,
                kind: ReasonKind::Rule,
                id: r.id.clone(),
                says: r.says.clone(),
                here: if outcome == Outcome::Holds {
                    None
                } else {
                    here_text(kb, t, &r.requires)
                },
                sources: r.sources.clone(),
                because: Vec::new(),
            });
        }
    }

    /// Products retired by the date: nothing works with them.
    fn retirements(&mut self) {
        let (kb, t, date) = (self.kb, self.t, self.date);
        let u = &kb.universe;
        for l in &kb.lifecycle {
            let Some(retired) = l.retired else { continue };
            if retired > date {
                continue;
            }
            let (p, role) = (l.product, kb.products[l.product].role);
            if self.scope.is_some_and(|s| !s[role]) || !u.allows(t, p) {
                continue;
            }
            let gone = l.with_product(u, role);
            if !gone.meets(u, t) {
                continue;
            }
            self.forbid(gone);
            if self.lean {
                continue;
            }
            let outcome = if gone.covers(u, t) {
                Outcome::Fails
            } else {
                Outcome::Partly
            };
            self.reasons.push(Reason {
                outcome,
                polarity: Polarity::Forbids,
                kind: ReasonKind::Lifecycle,
                id: kb.products[p].id.clone(),
                says: format!("{} (as of {date})", l.says),
                here: None,
                sources: l.sources.clone(),
                because: Vec::new(),
            });
        }
    }

    /// The features this one requires: where they are known not to work, neither does this
    /// one. Each is judged on `inner`, the roles the feature first asked about involves
    /// ([`Required`] has worked them out already).
    fn required(&mut self, feature: usize, inner: &Scoped) {
        let (kb, t) = (self.kb, self.t);
        let u = &kb.universe;
        for &g in &kb.features[feature].requires {
            // Missing only on a requirement cycle, which the loader rejects.
            let Some(sub) = inner.done.get(&g) else { continue };
            if !sub.negative.meets(u, t) {
                continue;
            }
            self.forbid(&sub.negative);
            if self.lean {
                continue;
            }
            let outcome = if sub.negative.covers(u, t) {
                Outcome::Fails
            } else {
                Outcome::Partly
            };
            self.reasons.push(Reason {
                outcome,
                polarity: Polarity::Forbids,
                kind: ReasonKind::Requires,
                id: kb.features[g].id.clone(),
                says: if outcome == Outcome::Fails {
                    format!("needs {}, which does not work here", kb.features[g].name)
                } else {
                    format!(
                        "needs {}, which does not work for part of what was asked",
                        kb.features[g].name
                    )
                },
                here: None,
                sources: kb.features[feature].sources.iter().take(1).cloned().collect(),
                because: explained_part(&sub.because),
            });
        }
    }

    /// The verdict from what was found, and the note on what no source covers.
    fn conclude(mut self, feature: usize) -> Evaluation {
        let (kb, t, date) = (self.kb, self.t, self.date);
        let u = &kb.universe;
        let works_everywhere = self.positive.subtract(u, &self.negative);
        let mut works = works_everywhere.clone();
        // Optional roles the question leaves open (SharePoint, the mail client) are the
        // administrator's to choose: it is enough that some product there works.
        // Unless the role provides the feature itself (presence in SharePoint).
        let open_optional = open_optional_roles(kb, feature, t);
        for &r in &open_optional {
            works = works.free_role(u, r);
        }
        let works_here = works.intersect_cube(u, t);
        // Where no source speaks (for an open optional role: whatever its product).
        let known = self.positive.union(u, &self.negative);
        let mut uncovered = Region::from_cube(u, t.clone()).subtract(u, &known);
        for &r in &open_optional {
            // Some product of the role that no source covers leaves the answer open.
            uncovered = uncovered.free_role(u, r).intersect_cube(u, t);
        }
        let mut conditions = Vec::new();
        let caveats: Vec<String> = self
            .qualified
            .iter()
            .filter(|(_, r)| r.meets(u, t))
            .map(|(c, _)| c.clone())
            .collect();
        let verdict = if works.covers(u, t) {
            if caveats.is_empty() {
                Verdict::Yes
            } else {
                Verdict::Conditional
            }
        } else if !works_here.is_empty() {
            if !self.lean {
                conditions = describe_region(kb, t, &works_here);
            }
            Verdict::Conditional
        } else if uncovered.is_empty() {
            Verdict::No
        } else {
            Verdict::Unknown
        };
        let caveats = if verdict == Verdict::Conditional {
            caveats
        } else {
            Vec::new()
        };
        if !uncovered.is_empty() && verdict != Verdict::Yes && !self.lean {
            self.reasons.push(coverage_note(kb, feature, t, date, &uncovered));
        }
        // Failing reasons first, then partial, then those that hold; stable within each.
        self.reasons.sort_by_key(|r| match r.outcome {
            Outcome::Fails => 0,
            Outcome::Partly => 1,
            Outcome::Holds => 2,
            Outcome::Note => 3,
        });
        Evaluation {
            feature,
            verdict,
            reasons: self.reasons,
            conditions,
            caveats,
            negative: self.negative.intersect_cube(u, t),
            works: works_everywhere,
            qualified: self
                .qualified
                .iter()
                .fold(Region::empty(), |acc, (_, r)| acc.union(u, r)),
        }
    }
}

/// The note that no source covers the feature on `uncovered` (part or all of `t`), with what
/// the sources that speak of it do cover.
fn coverage_note(kb: &KnowledgeBase, feature: usize, t: &Cube, date: Date, uncovered: &Region) -> Reason {
    let says = if uncovered.covers(&kb.universe, t) {
        format!(
            "no source covers {} with {}",
            kb.features[feature].name,
            describe_cube(kb, t)
        )
    } else {
        let gap = describe_region(kb, t, uncovered);
        format!(
            "no source covers {} where {}",
            kb.features[feature].name,
            gap.join(", or where ")
        )
    };
    Reason {
        outcome: Outcome::Note,
        polarity: Polarity::Both,
        kind: ReasonKind::Coverage,
        id: kb.features[feature].id.clone(),
        says,
        here: Some(covered_by(kb, feature, t, date)),
        // What the sources that speak of the feature cover: its table row, or its own sources.
        sources: kb
            .row_of(feature, date)
            .map_or(&kb.features[feature].sources, |r| &r.sources)
            .clone(),
        because: Vec::new(),
    }
}

/// How many levels of required features an explanation shows below the feature asked about
/// (the verdict takes every level into account): a chain of requirements is rarely longer, and
/// a longer one would make an explanation as deep as the chain.
const EXPLAINED_DEPTH: usize = 16;

/// How many reasons an explanation shows below one required feature, at most: as many whole
/// levels as fit (at least one). Several features requiring the same ones make a graph of
/// requirements, which explained as a tree grows with its width to the power of its depth.
const EXPLAINED_REASONS: usize = 100;

/// `reasons` and the reasons behind them, as many levels as fit in [`EXPLAINED_REASONS`]
/// reasons, [`EXPLAINED_DEPTH`] at most.
fn explained_part(reasons: &[Reason]) -> Vec<Reason> {
    let mut level: Vec<&Reason> = reasons.iter().collect();
    let (mut shown, mut levels) = (0, 0);
    while !level.is_empty() && levels < EXPLAINED_DEPTH {
        shown += level.len();
        if shown > EXPLAINED_REASONS && levels > 0 {
            break;
        }
        levels += 1;
        level = level.iter().flat_map(|r| &r.because).collect();
    }
    within(reasons, levels)
}

/// `reasons` and the reasons behind them, `levels` levels deep at most. A reason whose own
/// reasons are left out says so.
fn within(reasons: &[Reason], levels: usize) -> Vec<Reason> {
    if levels == 0 {
        return Vec::new();
    }
    reasons
        .iter()
        .map(|r| {
            let cut = levels == 1 && !r.because.is_empty();
            Reason {
                outcome: r.outcome,
                polarity: r.polarity,
                kind: r.kind,
                id: r.id.clone(),
                says: r.says.clone(),
                here: match &r.here {
                    None if cut => Some(CUT.to_owned()),
                    here => here.clone(),
                },
                sources: r.sources.clone(),
                because: within(&r.because, levels - 1),
            }
        })
        .collect()
}

/// What a required feature whose reasons an explanation leaves out says instead.
const CUT: &str = "why is left out: the explanation stops here (`interop ask` about that feature explains it)";

/// What a feature another requires brings to that one's evaluation: where it is known not to
/// work, and (explained) the reasons why.
struct Sub {
    negative: Region,
    because: Vec<Reason>,
}

/// The required features worked out on one scope (the roles of the feature first asked about).
#[derive(Default)]
struct Scoped {
    done: FxHashMap<usize, Sub>,
}

impl Scoped {
    /// Work out `g` and everything it requires, each once, those it requires first (so that
    /// a chain of any length is judged whole, without recursion).
    fn ensure(&mut self, kb: &KnowledgeBase, g: usize, t: &Cube, date: Date, scope: &[bool], lean: bool) {
        if self.done.contains_key(&g) {
            return;
        }
        // Depth first, each feature worked out once all it requires is: (feature, how many of
        // its requirements were looked at). `open` guards against a cycle, which the loader
        // rejects (a feature on one is judged without the requirement that closes it).
        let mut stack = vec![(g, 0)];
        let mut open = FxHashSet::from_iter([g]);
        while let Some(&mut (h, ref mut next)) = stack.last_mut() {
            if let Some(&n) = kb.features[h].requires.get(*next) {
                *next += 1;
                if !self.done.contains_key(&n) && open.insert(n) {
                    stack.push((n, 0));
                }
                continue;
            }
            stack.pop();
            open.remove(&h);
            let ev = evaluate_scoped(kb, h, t, date, Some(scope), lean, self);
            let because = ev
                .reasons
                .into_iter()
                .filter(|r| matches!(r.outcome, Outcome::Fails | Outcome::Partly) && r.kind != ReasonKind::Coverage)
                .collect();
            self.done.insert(
                h,
                Sub {
                    negative: ev.negative,
                    because,
                },
            );
        }
    }
}

/// The features required features require, worked out once for every feature evaluated on
/// one topology and date (a listing evaluates them all): by the scope they are judged on.
pub struct Required<'a> {
    kb: &'a KnowledgeBase,
    t: &'a Cube,
    date: Date,
    lean: bool,
    by_scope: FxHashMap<&'a [bool], Scoped>,
}

impl<'a> Required<'a> {
    /// For [`evaluate_lean`] of features on `t` as of `date`, each sharing the required features
    /// worked out for the others.
    #[must_use]
    pub fn lean(kb: &'a KnowledgeBase, t: &'a Cube, date: Date) -> Self {
        Required::new(kb, t, date, true)
    }

    fn new(kb: &'a KnowledgeBase, t: &'a Cube, date: Date, lean: bool) -> Self {
        Required {
            kb,
            t,
            date,
            lean,
            by_scope: FxHashMap::default(),
        }
    }

    /// The evaluation of `feature` (lean or explained, as made).
    #[must_use]
    pub fn evaluate(&mut self, feature: usize) -> Evaluation {
        let (kb, t, date, lean) = (self.kb, self.t, self.date, self.lean);
        if kb.features[feature].requires.is_empty() {
            return evaluate_scoped(kb, feature, t, date, None, lean, &Scoped::default());
        }
        let inner = kb.involved_roles(feature);
        let scoped = self.by_scope.entry(inner).or_default();
        for &g in &kb.features[feature].requires {
            scoped.ensure(kb, g, t, date, inner, lean);
        }
        evaluate_scoped(kb, feature, t, date, None, lean, scoped)
    }
}

/// `scope`: for a feature another requires, the roles that other involves. What it requires
/// is in `inner` already.
fn evaluate_scoped(
    kb: &KnowledgeBase,
    feature: usize,
    t: &Cube,
    date: Date,
    scope: Option<&[bool]>,
    lean: bool,
    inner: &Scoped,
) -> Evaluation {
    let mut found = Findings::new(kb, t, date, scope, lean);
    found.table_row(feature);
    found.statements(feature);
    found.rules(feature);
    found.retirements();
    found.required(feature, inner);
    found.conclude(feature)
}

/// "Exchange Server 2010 here": the stated products of the roles a condition is about, or
/// what it needs of the unstated ones.
fn here_text(kb: &KnowledgeBase, t: &Cube, c: &Condition) -> Option<String> {
    let u = &kb.universe;
    let mut parts = Vec::new();
    for &r in &c.roles {
        let have: Vec<usize> = u.allowed(t, r).collect();
        if u.is_free(t, r) {
            parts.push(format!("{} is not stated", role_subject(kb, r)));
        } else {
            parts.push(format!("{} is {}", role_subject(kb, r), describe_set(kb, r, &have)));
        }
    }
    if parts.is_empty() { None } else { Some(parts.join("; ")) }
}

/// A role as the subject of a sentence: "Exchange", "the Lync/SfB client".
#[must_use]
pub fn role_subject(kb: &KnowledgeBase, role: usize) -> String {
    let name = &kb.roles[role].name;
    let proper = !name.contains([' ', '/']) && name.starts_with(char::is_uppercase);
    if proper { name.clone() } else { format!("the {name}") }
}

/// What the sources cover for a feature, for an `unknown`.
fn covered_by(kb: &KnowledgeBase, feature: usize, t: &Cube, date: jiff::civil::Date) -> String {
    let u = &kb.universe;
    let mut parts: Vec<String> = Vec::new();
    if let Some(row) = kb.row_of(feature, date) {
        let mut s = format!(
            "the support table covers {}",
            kb.cells(row)
                .map(|(d, _)| d.short.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        );
        // The products asked about that no column has ("not Lync Server 2013"), and what the
        // table says with the products its columns have instead.
        let mut wider = t.clone();
        let mut missing = Vec::new();
        for role in 0..kb.roles.len() {
            if u.is_free(t, role) {
                continue;
            }
            let asked: Vec<usize> = u.allowed(t, role).collect();
            let in_columns = kb.cells(row).any(|(d, _)| {
                d.when
                    .region
                    .cubes()
                    .iter()
                    .any(|c| !u.is_free(c, role) && u.allowed(c, role).any(|p| asked.contains(&p)))
            });
            let divides = kb
                .cells(row)
                .any(|(d, _)| d.when.region.cubes().iter().any(|c| !u.is_free(c, role)));
            if divides && !in_columns {
                missing.push(describe_set(kb, role, &asked));
                wider = u.free(&wider, role);
            }
        }
        if !missing.is_empty() {
            let _ = write!(s, ", not {}", missing.join(" or "));
            let said: Vec<String> = kb
                .cells(row)
                .filter(|(d, _)| d.when.region.meets(u, &wider))
                .map(|(d, c)| format!("`{}` for {}", c.cell_text(), d.short))
                .collect();
            if !said.is_empty() {
                let _ = write!(s, "; it gives {}", said.join(", "));
            }
        }
        parts.push(s);
    }
    let mut others: Vec<String> = Vec::new();
    for s in kb.statements_of(feature) {
        for c in s.when.region.cubes() {
            let d = describe_cube(kb, c);
            if !others.contains(&d) {
                others.push(d);
            }
        }
    }
    if !others.is_empty() {
        parts.push(format!("other sources cover {}", others.join("; ")));
    }
    if parts.is_empty() {
        "no source speaks of this feature with any topology".to_owned()
    } else {
        parts.join("; ")
    }
}

/// Each cube of `region` (within `t`), as the roles it restricts beyond `t`.
#[must_use]
pub fn describe_region(kb: &KnowledgeBase, t: &Cube, region: &Region) -> Vec<String> {
    let u = &kb.universe;
    let mut out: Vec<String> = Vec::new();
    // Cubes that differ in one role only read as one: "the server is A or B, and …".
    let mut cubes: Vec<Cube> = region.cubes().iter().map(|c| c.intersect(t)).collect();
    let mut merged = true;
    while merged {
        merged = false;
        'pairs: for i in 0..cubes.len() {
            for j in i + 1..cubes.len() {
                let differ: Vec<usize> = (0..kb.roles.len())
                    .filter(|&r| u.allowed(&cubes[i], r).ne(u.allowed(&cubes[j], r)))
                    .collect();
                if differ.len() <= 1 {
                    let r = differ.first().copied().unwrap_or(0);
                    let both: Vec<usize> = u.allowed(&cubes[i], r).chain(u.allowed(&cubes[j], r)).collect();
                    let c = u.free(&cubes[i], r).intersect(&u.restrict(r, both));
                    cubes.remove(j);
                    cubes[i] = c;
                    merged = true;
                    break 'pairs;
                }
            }
        }
    }
    for c in cubes {
        let parts: Vec<String> = (0..kb.roles.len())
            .filter(|&r| u.allowed(&c, r).count() != u.allowed(t, r).count())
            .map(|r| {
                let set: Vec<usize> = u.allowed(&c, r).collect();
                format!("{} is {}", role_subject(kb, r), describe_set(kb, r, &set))
            })
            .collect();
        let s = if parts.is_empty() {
            "as stated".to_owned()
        } else {
            parts.join(" and ")
        };
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}
