//! A plan for one deployment, as of a date: every feature's verdict with what decides it, what
//! is unavailable and the smallest change that would bring it, the prerequisite steps in the
//! order the dependency graph gives (with what an environment file says of each), the caveats
//! and the sources. `interop plan` renders it as Markdown or HTML; `interop check` shows its
//! steps' findings. Built from [`crate::engine`] alone: the same answers as `interop ask`.

use jiff::civil::Date;

use crate::engine::{self, Evaluation, Fix, Reason, Verdict, evaluate};
use crate::env::{Environment, Finding};
use crate::kb::{Cite, KnowledgeBase, Support};
use crate::query::Question;
use crate::region::Cube;

/// One feature in a plan.
#[derive(Debug, Clone)]
pub struct FeatureLine {
    pub feature: usize,
    pub evaluation: Evaluation,
    pub fixes: Vec<Fix>,
    /// A documented replacement that works here, and its verdict.
    pub replacement: Option<(usize, Verdict)>,
}

impl FeatureLine {
    /// The reasons that decide the verdict (as the short answer shows them).
    #[must_use]
    pub fn deciding(&self) -> Vec<&Reason> {
        let ev = &self.evaluation;
        let pick = |o: engine::Outcome| ev.reasons.iter().filter(move |r| r.outcome == o);
        match ev.verdict {
            Verdict::No => pick(engine::Outcome::Fails).collect(),
            Verdict::Conditional => pick(engine::Outcome::Partly).collect(),
            Verdict::Yes => pick(engine::Outcome::Holds)
                .filter(|r| r.polarity != engine::Polarity::Forbids)
                .take(1)
                .collect(),
            Verdict::Unknown => pick(engine::Outcome::Note).collect(),
        }
    }
}

/// One step of the checklist, with what the environment file says of its tests.
#[derive(Debug, Clone)]
pub struct StepLine {
    pub step: usize,
    /// For each test of the step: what the environment shows (none without an environment).
    pub findings: Vec<(usize, Option<Finding>)>,
}

/// A plan.
#[derive(Debug, Clone)]
pub struct Plan {
    pub topology: Cube,
    pub as_of: Date,
    pub features: Vec<FeatureLine>,
    pub steps: Vec<StepLine>,
    /// Retirements, conditions not about products, and disagreements between sources that
    /// bear on the deployment.
    pub caveats: Vec<String>,
    /// The documents cited, each once, in the order first cited.
    pub sources: Vec<usize>,
}

/// Build the plan for a deployment (a topology read as a question's), as of a date, with what
/// an environment file declares when there is one.
#[must_use]
pub fn build(kb: &KnowledgeBase, deployment: &Question, env: Option<&Environment>, as_of: Date) -> Plan {
    let topology = engine::answer(kb, deployment, as_of).topology;
    let mut features = Vec::new();
    for f in 0..kb.features.len() {
        let evaluation = evaluate(kb, f, &topology, as_of);
        let fixes = if evaluation.verdict == Verdict::Yes {
            Vec::new()
        } else {
            engine::fixes(kb, f, &topology, as_of)
        };
        let replacement = kb.features[f]
            .replaced_by
            .as_ref()
            .filter(|_| evaluation.verdict != Verdict::Yes)
            .map(|r| (r.feature, evaluate(kb, r.feature, &topology, as_of).verdict))
            .filter(|(_, v)| matches!(v, Verdict::Yes | Verdict::Conditional));
        features.push(FeatureLine {
            feature: f,
            evaluation,
            fixes,
            replacement,
        });
    }
    // The steps of every feature that works here, in the order they must be done.
    let mut steps: Vec<usize> = Vec::new();
    for line in &features {
        if matches!(line.evaluation.verdict, Verdict::Yes | Verdict::Conditional) {
            for s in engine::steps_for(kb, line.feature, &topology) {
                if !steps.contains(&s) {
                    steps.push(s);
                }
            }
        }
    }
    steps.sort_unstable();
    let steps: Vec<StepLine> = kb
        .graph
        .order_steps(&steps)
        .into_iter()
        .map(|step| StepLine {
            step,
            findings: kb.steps[step]
                .tests
                .iter()
                .enumerate()
                .map(|(i, t)| (i, env.map(|e| e.judge(&t.test, t.min))))
                .collect(),
        })
        .collect();

    let u = &kb.universe;
    let mut caveats: Vec<String> = Vec::new();
    let mut add = |c: String| {
        if !caveats.contains(&c) {
            caveats.push(c);
        }
    };
    for l in &kb.lifecycle {
        let role = kb.products[l.product].role;
        if l.retired.is_some() && !u.is_free(&topology, role) && u.allowed(&topology, role).any(|p| p == l.product) {
            add(format!("{} (as of {as_of}).", l.says));
        }
    }
    for line in &features {
        for c in &line.evaluation.caveats {
            add(format!("{}: {c}.", kb.features[line.feature].name));
        }
    }
    for s in &kb.statements {
        if let Support::Qualified { condition } = &s.support
            && s.in_force(as_of)
            && s.when.region.meets(u, &topology)
        {
            add(format!("{}: {condition}.", kb.features[s.feature].name));
        }
    }
    for c in &kb.conflicts {
        let about = c.when.as_ref().is_none_or(|w| {
            w.region.cubes().iter().any(|cube| {
                let roles: Vec<usize> = (0..kb.roles.len()).filter(|&r| !u.is_free(cube, r)).collect();
                roles.iter().all(|&r| !u.is_free(&topology, r)) && !u.is_empty(&cube.intersect(&topology))
            })
        });
        if about && c.when.is_some() {
            add(format!("Sources disagree: {} {}", c.topic, c.resolution));
        }
    }

    let mut sources: Vec<usize> = Vec::new();
    let mut cite = |cs: &[Cite]| {
        for c in cs {
            if !sources.contains(&c.doc) {
                sources.push(c.doc);
            }
        }
    };
    fn walk(r: &Reason, cite: &mut dyn FnMut(&[Cite])) {
        cite(&r.sources);
        for b in &r.because {
            walk(b, cite);
        }
    }
    for line in &features {
        for r in line.deciding() {
            walk(r, &mut cite);
        }
    }
    for s in &steps {
        cite(&kb.steps[s.step].sources);
    }
    Plan {
        topology,
        as_of,
        features,
        steps,
        caveats,
        sources,
    }
}

impl Plan {
    /// The count of findings of each kind: passed, failed, not declared.
    #[must_use]
    pub fn tally(&self) -> (usize, usize, usize) {
        let mut t = (0, 0, 0);
        for s in &self.steps {
            for (_, f) in &s.findings {
                match f {
                    Some(Finding::Pass) => t.0 += 1,
                    Some(Finding::Fail(_)) => t.1 += 1,
                    Some(Finding::NotDeclared(_)) => t.2 += 1,
                    None => {}
                }
            }
        }
        t
    }
}
