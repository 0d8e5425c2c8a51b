//! The smallest changes that make a feature work, each verified by asking again.
//!
//! A change puts one product in one role: an upgrade of a stated product, or a choice for a
//! role the question left open. Fixes are searched by size — every single change, then every
//! pair, then every triple, over the roles that matter to the feature — and the search stops
//! at the first size that has one, so each fix is minimal. Every fix is re-evaluated and kept
//! only if the answer becomes `yes`. Among fixes of one size they are ranked as an
//! administrator would choose: no product retired by the answer's date and no older version
//! of a product the question names (those are never offered), the same deployment (on
//! premises or online) before a move, then the newest versions first. The roles searched are those the feature involves
//! ([`KnowledgeBase::involved_roles`]): no fix of SharePoint for the unified contact store.

use jiff::civil::Date;

use super::eval::{Verdict, is_yes};
use crate::kb::KnowledgeBase;
use crate::region::{Cube, Region};

/// Put `to` in `role` (replacing what the question named there, if anything).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub role: usize,
    /// What the question named in the role; empty when it left the role open.
    pub from: Vec<usize>,
    pub to: usize,
}

/// A set of changes that makes the answer `yes`, verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// In the order they must be done: server-side roles before clients.
    pub changes: Vec<Change>,
    /// The verdict after the changes: always `yes`.
    pub result: Verdict,
}

/// At most this many fixes are shown.
const MAX_FIXES: usize = 3;

/// A feature and every feature it requires, directly or not.
fn with_required(kb: &KnowledgeBase, feature: usize) -> Vec<usize> {
    let mut seen = Vec::new();
    let mut stack = vec![feature];
    while let Some(f) = stack.pop() {
        if !seen.contains(&f) {
            seen.push(f);
            stack.extend(&kb.features[f].requires);
        }
    }
    seen
}

fn retired(kb: &KnowledgeBase, product: usize, date: Date) -> bool {
    kb.lifecycle
        .iter()
        .any(|l| l.product == product && l.retired.is_some_and(|r| r <= date))
}

/// How an administrator ranks putting `to` in a role that holds `from`: staying on premises or
/// online first, then the newest version.
fn preference(kb: &KnowledgeBase, from: &[usize], to: usize) -> (i64, i64) {
    let p = &kb.products[to];
    let moves = i64::from(from.first().is_some_and(|&c| kb.products[c].deployment != p.deployment));
    (moves, -p.version.unwrap_or(0))
}

/// The smallest verified changes that make `feature` work on `t`, as of `date`.
///
/// Exact, with no bound on the search: for each set of roles to change (one role, then pairs,
/// then triples), the assignments of those roles that work are computed as a region — the
/// candidate products, minus the projection of every topology of the question (the other roles
/// as asked) that does not work — so no combination is tried one by one. The best assignments
/// of each cube of that region are its best candidates per role, so the fixes found are the
/// cheapest ones that exist.
#[must_use]
pub fn fixes(kb: &KnowledgeBase, feature: usize, t: &Cube, date: Date) -> Vec<Fix> {
    fixes_from(&super::Answerer::new(kb), feature, t, date)
}

/// [`fixes`], by an answerer that keeps where the feature works on every topology as of the
/// date (the lean evaluation on the full universe, which does not depend on the question) and
/// the verdicts it has worked out.
pub(crate) fn fixes_from(answerer: &super::Answerer<'_>, feature: usize, t: &Cube, date: Date) -> Vec<Fix> {
    let kb = answerer.kb;
    let everywhere = &*answerer.everywhere(feature, date);
    let u = &kb.universe;
    let involved = kb.involved_roles(feature);
    let roles: Vec<usize> = (0..kb.roles.len()).filter(|&r| involved[r]).collect();
    // Candidates per role, best first; products retired by the date are no fix.
    let candidates: Vec<(usize, Vec<usize>, Vec<usize>)> = roles
        .iter()
        .map(|&r| {
            let current: Vec<usize> = if u.is_free(t, r) {
                Vec::new()
            } else {
                u.allowed(t, r).collect()
            };
            let mut c: Vec<usize> = kb.roles[r]
                .products
                .iter()
                .copied()
                .filter(|&p| !(retired(kb, p, date) || current.len() == 1 && current[0] == p))
                // No older version of what the question names: a downgrade is no fix.
                .filter(|&p| {
                    !(current.len() == 1
                        && matches!((kb.products[p].version, kb.products[current[0]].version), (Some(a), Some(b)) if a < b))
                })
                .collect();
            c.sort_by_key(|&p| (preference(kb, &current, p), p));
            (r, current, c)
        })
        .filter(|(_, _, c)| !c.is_empty())
        .collect();
    // Where the feature works, on every topology; and where a source attaches a condition that
    // is not about products (never a `yes`).
    let open_optional = super::eval::open_optional_roles(kb, feature, t);
    // Where it works, the optional roles left open and unchanged being the administrator's to
    // choose: one region per set of such roles (most often the same for every combination).
    let mut works_for: Vec<(Vec<usize>, Region)> = Vec::new();
    for size in 1..=3.min(candidates.len()) {
        let mut found: Vec<((i64, i64), Cube, Fix)> = Vec::new();
        for combo in combinations(candidates.len(), size) {
            let changed: Vec<usize> = combo.iter().map(|&ci| candidates[ci].0).collect();
            let freed: Vec<usize> = open_optional.iter().copied().filter(|r| !changed.contains(r)).collect();
            let at = match works_for.iter().position(|(f, _)| *f == freed) {
                Some(at) => at,
                None => {
                    let mut works = everywhere.works.clone();
                    for &r in &freed {
                        works = works.free_role(u, r);
                    }
                    works_for.push((freed, works));
                    works_for.len() - 1
                }
            };
            let works = &works_for[at].1;
            // The question with the changed roles open, and the candidates for them.
            let mut asked = t.clone();
            let mut space = u.full();
            for &ci in &combo {
                let (r, _, cands) = &candidates[ci];
                asked = u.free(&asked, *r);
                space = space.intersect(&u.restrict(*r, cands.iter().copied()));
            }
            let within = Region::from_cube(u, asked.intersect(&space));
            // Every topology that does not work (or works only on a condition), projected on
            // the changed roles: no assignment there is a fix.
            let bad = within
                .subtract(u, works)
                .union(u, &within.intersect(u, &everywhere.qualified));
            let mut good = Region::from_cube(u, space.clone());
            for b in bad.cubes() {
                let mut shadow = b.clone();
                for r in (0..kb.roles.len()).filter(|r| !changed.contains(r)) {
                    shadow = u.free(&shadow, r);
                }
                good = good.subtract(u, &Region::from_cube(u, shadow));
                if good.is_empty() {
                    break;
                }
            }
            // The best assignments of each cube: its best MAX_FIXES candidates per role.
            for g in good.cubes() {
                let options: Vec<Vec<usize>> = combo
                    .iter()
                    .map(|&ci| {
                        candidates[ci]
                            .2
                            .iter()
                            .copied()
                            .filter(|&p| u.allows(g, p))
                            .take(MAX_FIXES)
                            .collect()
                    })
                    .collect();
                if options.iter().any(Vec::is_empty) {
                    continue;
                }
                let mut idx = vec![0usize; size];
                loop {
                    let mut t2 = t.clone();
                    let mut changes = Vec::new();
                    let mut cost = (0, 0);
                    for (k, &ci) in combo.iter().enumerate() {
                        let (role, current, _) = &candidates[ci];
                        let p = options[k][idx[k]];
                        t2 = replace_role(kb, &t2, *role, p);
                        let (m, v) = preference(kb, current, p);
                        cost = (cost.0 + m, cost.1 + v);
                        changes.push(Change {
                            role: *role,
                            from: current.clone(),
                            to: p,
                        });
                    }
                    if !found.iter().any(|(_, _, f)| f.changes == changes) {
                        found.push((
                            cost,
                            t2,
                            Fix {
                                changes,
                                result: Verdict::Yes,
                            },
                        ));
                    }
                    // Next assignment (odometer).
                    let mut k = size;
                    let mut more = false;
                    while k > 0 {
                        k -= 1;
                        idx[k] += 1;
                        if idx[k] < options[k].len() {
                            more = true;
                            break;
                        }
                        idx[k] = 0;
                    }
                    if !more {
                        break;
                    }
                }
            }
        }
        if !found.is_empty() {
            found.sort_by(|(ca, _, fa), (cb, _, fb)| {
                ca.cmp(cb)
                    .then_with(|| fa.changes.iter().map(|c| c.to).cmp(fb.changes.iter().map(|c| c.to)))
            });
            // Verified by asking again.
            let verified: Vec<Fix> = found
                .into_iter()
                .filter(|(_, t2, _)| is_yes(kb, everywhere, t2) && answerer.verdict(feature, t2, date) == Verdict::Yes)
                .take(MAX_FIXES)
                .map(|(_, _, f)| f)
                .collect();
            if !verified.is_empty() {
                return verified;
            }
        }
    }
    Vec::new()
}

/// `t` with `role` holding exactly `product`.
fn replace_role(kb: &KnowledgeBase, t: &Cube, role: usize, product: usize) -> Cube {
    let u = &kb.universe;
    u.free(t, role).intersect(&u.restrict(role, [product]))
}

/// Every `k`-subset of `0..n`, in lexicographic order.
fn combinations(n: usize, k: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut cur: Vec<usize> = (0..k).collect();
    if k > n {
        return out;
    }
    loop {
        out.push(cur.clone());
        let mut i = k;
        loop {
            if i == 0 {
                return out;
            }
            i -= 1;
            if cur[i] < n - k + i {
                cur[i] += 1;
                for j in i + 1..k {
                    cur[j] = cur[j - 1] + 1;
                }
                break;
            }
        }
    }
}

/// The prerequisite steps of a feature and of the features it requires, with the steps they
/// must follow, that apply to `t`, in the order they must be done.
#[must_use]
pub fn steps_for(kb: &KnowledgeBase, feature: usize, t: &Cube) -> Vec<usize> {
    let u = &kb.universe;
    let mut steps: Vec<usize> = Vec::new();
    for f in with_required(kb, feature) {
        let mut stack: Vec<usize> = kb.features[f].steps.clone();
        while let Some(s) = stack.pop() {
            if steps.contains(&s) {
                continue;
            }
            steps.push(s);
            stack.extend(&kb.steps[s].after);
        }
    }
    steps.retain(|&s| kb.steps[s].when.as_ref().is_none_or(|w| w.region.meets(u, t)));
    steps.sort_unstable();
    kb.graph.order_steps(&steps)
}

#[cfg(test)]
mod tests {
    use super::combinations;

    #[test]
    fn combinations_are_complete() {
        assert_eq!(combinations(3, 2), [[0, 1], [0, 2], [1, 2]]);
        assert_eq!(combinations(2, 3).len(), 0);
        assert_eq!(combinations(4, 1).len(), 4);
    }
}
