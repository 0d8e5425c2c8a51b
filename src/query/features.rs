//! Features, found by how well the words of a question cover one of their names.
//!
//! Each name of a feature is a set of terms. A name is matched by the question's words in any
//! order, with any words between: its *coverage* is the weight of its terms the question has
//! over the weight of all its terms, a term weighing more the fewer features have it (`ucs`,
//! `archiv` weigh more than `presenc`, `outlook`). Words already taken by a product ("OWA",
//! "Outlook", "Exchange") count towards a name but cannot name a feature on their own: at
//! least one word that names no product must be among those matched. The best name wins when
//! it covers at least half its weight (and two of its terms when it has three or more), and
//! when no name of another feature, matched by the same words, comes within 85 % of its score;
//! otherwise the question is rejected with the candidates. Names that several features share
//! ("presence", "meetings") stay ambiguous, for the engine to decide by the topology.

use crate::diag::{Diagnostic, one_of};
use crate::names::{Entity, Term};

use super::{Mention, Parse, Use};

/// The smallest share of a name's weight the question must cover, for the first feature and
/// for any further one.
const COVERAGE: f32 = 0.5;
const COVERAGE_MORE: f32 = 0.66;
/// A rival within this share of the best score makes the question too close to call.
const MARGIN: f32 = 0.85;
/// Two features each named by one word of a phrase: the weaker must be within this share of
/// the stronger for the phrase's head to decide between them.
const COMPOUND: f32 = 0.5;
/// How much more a word weighs inside a phrase of several words read as a synonym.
const PHRASE: f32 = 1.5;
/// How much a named product that provides a feature (or provides it not) weighs for it.
const PROVIDED: f32 = 1.25;
const NOT_PROVIDED: f32 = 0.6;
/// A coverage at which one word of the question that no product took is enough.
const STRONG: f32 = 0.75;

#[derive(Debug, Clone)]
/// The feature names met so far, each to be listed once, in the order met: a flag for each name
/// of a small base, a set of those met for a large one (a base 1,000 times the shipped one has
/// 300,000 names, and a question meets a few dozen).
enum Listed {
    Flags(Vec<bool>),
    Set(rustc_hash::FxHashSet<usize>),
}

impl Listed {
    fn for_names(n: usize) -> Self {
        if n <= 4096 {
            Listed::Flags(vec![false; n])
        } else {
            Listed::Set(rustc_hash::FxHashSet::default())
        }
    }

    /// Whether name `n` is met for the first time.
    fn insert(&mut self, n: usize) -> bool {
        match self {
            Listed::Flags(v) => v.get_mut(n).is_some_and(|f| !std::mem::replace(f, true)),
            Listed::Set(s) => s.insert(n),
        }
    }
}

/// A feature name's scores, before its lists are made ([`Candidate`]).
struct Scored {
    name: usize,
    feature: usize,
    score: f32,
    coverage: f32,
    /// How many words it takes (the length of [`Candidate::free`]).
    words: usize,
    terms_matched: usize,
    free_terms: usize,
}

struct Candidate {
    name: usize,
    feature: usize,
    score: f32,
    coverage: f32,
    /// Words matched that no product took.
    free: Vec<usize>,
    terms_matched: usize,
    /// Terms matched by free words.
    free_terms: usize,
    matched_free: Vec<Term>,
    /// Every term matched.
    matched: Vec<Term>,
}

impl Parse<'_> {
    /// A word of a mode that qualifies nothing yet: it may be a word of a feature ("online
    /// meetings", "在线状态").
    fn unbound_mode(&self, k: usize) -> bool {
        self.unbound_mode_at(k).is_some()
    }

    /// The mention that has word `k`, when it may be a word of a feature's name: a mode that
    /// qualifies nothing, a family or a role ("Skype" of "Skype call", "Exchange" of "Exchange
    /// UM").
    fn part_of_name_at(&self, k: usize) -> Option<usize> {
        self.mentions.iter().position(|m| {
            m.word <= k
                && k <= m.last
                && m.mode.is_none()
                && m.entities
                    .iter()
                    .all(|e| matches!(e, Entity::Mode(_) | Entity::Family(_) | Entity::Role(_)))
        })
    }

    /// The mention of a mode that qualifies nothing yet and has word `k`.
    fn unbound_mode_at(&self, k: usize) -> Option<usize> {
        self.mentions.iter().position(|m| {
            m.word <= k && k <= m.last && m.mode.is_none() && m.entities.iter().all(|e| matches!(e, Entity::Mode(_)))
        })
    }

    /// What the question offers the names of features: each term with the word that carries
    /// it and whether that word is free (no product took it). Free: the words no name took,
    /// and the words of a mode that qualifies nothing yet. Not free: the words of names of the
    /// topology, and what those names stand for (the product, its families, its role).
    fn evidence(&self, consumed: &[bool]) -> Vec<(Term, usize, bool)> {
        let mut out = Vec::new();
        for (k, w) in self.ws.iter().enumerate() {
            if w.stop || consumed[k] {
                continue;
            }
            let free = self.used[k].is_none() || self.unbound_mode(k);
            if self.used[k].is_none() || self.used[k] == Some(Use::Name) {
                out.extend(w.terms.iter().map(|&t| (t, k, free)));
            }
        }
        for m in &self.mentions {
            if consumed[m.word] {
                continue;
            }
            let free = m.mode.is_none() && m.entities.iter().all(|e| matches!(e, Entity::Mode(_)));
            for &e in &m.entities {
                out.extend(self.index.terms_for(e).iter().map(|&t| (t, m.word, free)));
            }
        }
        out
    }

    /// The best candidate of each feature whose names share a term with the question, best
    /// first; ties go to the rows of the support table, in its order.
    fn best_candidates(&self, consumed: &[bool], named_only: bool) -> Vec<Candidate> {
        let idx = self.index;
        let evidence = self.evidence(consumed);
        // The feature names any of it has a term of.
        let mut names: Vec<usize> = Vec::new();
        let mut listed = Listed::for_names(idx.feature_names.len());
        for &(t, _, free) in &evidence {
            // A name no free word meets scores nothing unless names alone count.
            if !free && !named_only {
                continue;
            }
            for &n in idx.names_with(t) {
                if listed.insert(n) {
                    names.push(n);
                }
            }
        }
        // How much feature-naming weight the free words carry: each word at its best term.
        let mut best_by_word: Vec<(usize, Term)> = Vec::new();
        for &(t, k, free) in &evidence {
            if !free || idx.names_with(t).is_empty() {
                continue;
            }
            match best_by_word.iter_mut().find(|(w, _)| *w == k) {
                Some((_, b)) if idx.weight(t) > idx.weight(*b) => *b = t,
                Some(_) => {}
                None => best_by_word.push((k, t)),
            }
        }
        let mut free_terms: Vec<(Term, f32)> = Vec::new();
        for (k, t) in best_by_word {
            let w = idx.weight(t) * self.boost(k);
            match free_terms.iter_mut().find(|(x, _)| *x == t) {
                Some((_, b)) => *b = b.max(w),
                None => free_terms.push((t, w)),
            }
        }
        let w_question: f32 = free_terms.iter().map(|(_, w)| w).sum();
        // Roles the question names a product for: a feature name that names another product
        // of that role is about something else ("presence in OWA" when Outlook is named).
        let kb = self.kb;
        let named_roles: Vec<usize> = self
            .mentions
            .iter()
            .filter_map(|m| match m.entities.as_slice() {
                [Entity::Product(p), rest @ ..] if rest.iter().all(|e| e.role(kb) == Some(kb.products[*p].role)) => {
                    Some(kb.products[*p].role)
                }
                _ => None,
            })
            .collect();
        // The evidence by term, each term's entries in the order found, for the names' terms to
        // look up below: where each term's entries are, by term (a question of 4,096 bytes has
        // far fewer than 65,535 entries; past that, they are found by halving).
        let mut by_term = evidence;
        by_term.sort_by_key(|e| e.0);
        let mut span: Vec<(u16, u16)> = Vec::new();
        if u16::try_from(by_term.len()).is_ok() {
            span.resize(by_term.last().map_or(0, |e| e.0 as usize + 1), (0, 0));
            let mut from = 0u16;
            for run in by_term.chunk_by(|a, b| a.0 == b.0) {
                let to = from + u16::try_from(run.len()).unwrap_or(0);
                span[run[0].0 as usize] = (from, to);
                from = to;
            }
        }
        let of = |t: Term| match span.get(t as usize) {
            Some(&(a, b)) => &by_term[usize::from(a)..usize::from(b)],
            None if span.is_empty() => {
                let a = by_term.partition_point(|e| e.0 < t);
                &by_term[a..a + by_term[a..].partition_point(|e| e.0 == t)]
            }
            None => &[],
        };
        // Each name's scores, and how many words it takes (`Candidate::free`); its lists are made
        // below for the best of each feature only.
        let free_words = |t: Term| of(t).iter().filter(|e| e.2).map(|e| e.1);
        let mut scored: Vec<Scored> = Vec::with_capacity(names.len());
        let mut words: Vec<usize> = Vec::new();
        for n in names {
            let name = &idx.feature_names[n];
            let conflicts = !named_roles.is_empty()
                && name.terms.iter().any(|&t| {
                    idx.product_role(t)
                        .is_some_and(|r| named_roles.contains(&r) && of(t).is_empty())
                });
            if conflicts {
                continue;
            }
            // The scores first, without a list made: most names that share a word with the
            // question are dropped on them.
            let (mut w_free, mut w_named, mut matched, mut free_terms) = (0.0f32, 0.0f32, 0usize, 0usize);
            let mut w_telling = 0.0f32;
            // What phrases of several words add to the free weight (not to the coverage).
            let mut w_boost = 0.0f32;
            let mut single = None;
            for &t in &name.terms {
                let mut boost = None::<f32>;
                let mut named = false;
                for e in of(t) {
                    if e.2 {
                        boost = Some(boost.unwrap_or(1.0).max(self.boost(e.1)));
                    } else {
                        named = true;
                    }
                }
                if let Some(boost) = boost {
                    w_free += idx.weight(t) * boost;
                    w_boost += idx.weight(t) * (boost - 1.0);
                    matched += 1;
                    free_terms += 1;
                    single = Some(t);
                } else if named {
                    w_named += idx.weight(t);
                    // A role ("Exchange") or a brand ("Skype") is named by nearly every
                    // question: it covers the name, but only a product ("OWA") tells.
                    if idx.product_role(t).is_some() {
                        w_telling += idx.weight(t);
                    }
                    matched += 1;
                    single = Some(t);
                }
            }
            if (w_free <= 0.0 && !named_only) || w_free + w_named <= 0.0 || name.weight <= 0.0 {
                continue;
            }
            // Recall: how much of the name the question has. Precision: how much of what the
            // free words say the name explains. Names of the products asked about add to it.
            let coverage = ((w_free - w_boost + w_named) / name.weight).min(1.0);
            let precision = if w_question > 0.0 {
                (w_free / w_question).min(1.0)
            } else {
                0.0
            };
            // One word of a longer name must be a word of this feature alone ("photos" for
            // the high-resolution photo; not "mailbox" for "voice mailbox").
            if matched == 1 && coverage < 1.0 && single.is_some_and(|t| !idx.unique_to_one_feature(t)) {
                continue;
            }
            words.clear();
            for &t in &name.terms {
                words.extend(free_words(t));
            }
            words.sort_unstable();
            words.dedup();
            scored.push(Scored {
                name: n,
                feature: name.feature,
                score: coverage * precision * (1.0 + w_telling / name.weight),
                coverage,
                words: words.len(),
                terms_matched: matched,
                free_terms,
            });
        }
        self.best_per_feature(&scored)
            .into_iter()
            .map(|s| {
                let terms = &idx.feature_names[s.name].terms;
                let mut free = Vec::with_capacity(s.words);
                let mut matched_free = Vec::with_capacity(s.free_terms);
                let mut matched = Vec::with_capacity(s.terms_matched);
                for &t in terms {
                    let before = free.len();
                    free.extend(free_words(t));
                    if free.len() > before {
                        matched_free.push(t);
                        matched.push(t);
                    } else if !of(t).is_empty() {
                        matched.push(t);
                    }
                }
                free.sort_unstable();
                free.dedup();
                Candidate {
                    name: s.name,
                    feature: s.feature,
                    score: s.score,
                    coverage: s.coverage,
                    free,
                    terms_matched: s.terms_matched,
                    free_terms: s.free_terms,
                    matched_free,
                    matched,
                }
            })
            .collect()
    }

    /// A feature lives in some products (`provided-by`): one the question names counts for it
    /// ("meetings" with OWA named: the OWA row), another product of that role named instead
    /// counts against it (not the Outlook row). A family or a role named without a version
    /// names its products ("SharePoint presence": the SharePoint feature, not the Outlook row).
    fn provider_factor(&self, f: usize) -> f32 {
        let kb = self.kb;
        let providers: Vec<usize> = kb.features[f]
            .provided_by
            .iter()
            .flat_map(|p| match *p {
                crate::kb::Provider::Product(x) => vec![x],
                crate::kb::Provider::Family(x) => kb.families[x].members.clone(),
            })
            .collect();
        let mut factor = 1.0;
        // Per role the question names products for: one of them provides the feature, or none.
        // Products first; then families and roles, each for its products, in a role where no
        // product is named ("Exchange 2010 … mailboxes" names Exchange 2010 alone).
        let mut roles: Vec<(usize, bool)> = Vec::new();
        for broad in [false, true] {
            let by_products = roles.len();
            for m in &self.mentions {
                let products_of = |e: &Entity| -> Option<Vec<usize>> {
                    match *e {
                        Entity::Product(p) => Some(vec![p]),
                        Entity::Family(x) if broad => Some(kb.families[x].members.clone()),
                        Entity::Role(r) if broad => Some(kb.roles[r].products.clone()),
                        _ => None,
                    }
                };
                let is_product = |e: &Entity| matches!(e, Entity::Product(_));
                if broad == m.entities.iter().all(is_product) {
                    continue;
                }
                let Some(named) = m
                    .entities
                    .iter()
                    .map(products_of)
                    .collect::<Option<Vec<Vec<usize>>>>()
                    .map(|named| named.concat())
                else {
                    continue;
                };
                let Some(&first) = named.first() else {
                    continue;
                };
                let role = kb.products[first].role;
                if !providers.iter().any(|&p| kb.products[p].role == role)
                    || roles[..by_products].iter().any(|(r, _)| *r == role)
                {
                    continue;
                }
                let provides = named.iter().any(|p| providers.contains(p));
                match roles.iter_mut().find(|(r, _)| *r == role) {
                    Some((_, any)) => *any |= provides,
                    None => roles.push((role, provides)),
                }
            }
        }
        for (_, provides) in roles {
            factor *= if provides { PROVIDED } else { NOT_PROVIDED };
        }
        factor
    }

    /// How much more a free word weighs for being part of a phrase of several words read as a
    /// synonym ("status bubble" says more than "status").
    fn boost(&self, k: usize) -> f32 {
        if self.ws[k].phrase { PHRASE } else { 1.0 }
    }

    /// The best scored name of each feature, best first; ties go to the rows of the support
    /// table, in its order.
    fn best_per_feature<'s>(&self, cands: &'s [Scored]) -> Vec<&'s Scored> {
        let kb = self.kb;
        let order = |a: &Scored, b: &Scored| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| b.words.cmp(&a.words))
                .then_with(|| {
                    let row = |c: &Scored| (!kb.in_a_table(c.feature), kb.features[c.feature].rows.first().copied());
                    row(a).cmp(&row(b))
                })
        };
        // Each feature's first candidate in that order (the earliest of equals), then those in
        // that order: what a stable sort followed by keeping each feature's first gives, without
        // sorting every candidate (a large base has many per feature).
        let mut best: rustc_hash::FxHashMap<usize, usize> = rustc_hash::FxHashMap::default();
        for (i, c) in cands.iter().enumerate() {
            best.entry(c.feature)
                .and_modify(|b| {
                    if order(c, &cands[*b]).is_lt() {
                        *b = i;
                    }
                })
                .or_insert(i);
        }
        let mut kept: Vec<usize> = best.into_values().collect();
        kept.sort_by(|&a, &b| order(&cands[a], &cands[b]).then(a.cmp(&b)));
        kept.into_iter().map(|i| &cands[i]).collect()
    }
}

/// Whether a candidate is named by one word alone (of its name, or an alias of one word), and
/// that word qualifies the word after it, an action the knowledge base has no name for:
/// "calendar sharing", "photo uploading", "voicemail forwarding" ask about the sharing, the
/// uploading, the forwarding. Read as the feature of the calendar, the photo or the voice
/// mail, they would get its verdict, for something they do not ask.
fn qualifies_an_unknown_action(p: &Parse<'_>, c: &Candidate) -> bool {
    let [k] = c.free.as_slice() else { return false };
    c.terms_matched == 1 && unknown_action(p, k + 1)
}

/// Whether word `k` is an action no name of the knowledge base has (an English word in
/// "-ing" that names nothing: "sharing", "forwarding"), that nothing else of the question took.
pub(super) fn unknown_action(p: &Parse<'_>, k: usize) -> bool {
    p.ws.get(k).is_some_and(|w| {
        w.kind == crate::names::WordKind::Latin
            && !w.stop
            && w.terms.is_empty()
            && w.exact.is_none()
            && w.text.len() > 5
            && w.text.ends_with("ing")
    }) && p.used.get(k).is_some_and(Option::is_none)
}

/// Whether a candidate covers its name well enough: half its weight (two thirds for a further
/// feature), and, unless it covers three quarters, two of its terms from free words.
fn acceptable(c: &Candidate, idx: &crate::names::NameIndex, first: bool) -> bool {
    let need = if first { COVERAGE } else { COVERAGE_MORE };
    let n_terms = idx.feature_names[c.name].terms.len();
    let distinct = c.matched_free.iter().all(|&t| idx.unique_to_one_feature(t));
    // The name's most telling word must be there ("missed" of "missed IM conversations").
    let name = &idx.feature_names[c.name];
    let top = name.terms.iter().map(|&t| idx.weight(t)).fold(0.0f32, f32::max);
    let telling = c.matched.iter().any(|&t| idx.weight(t) >= top - 1e-4);
    // A further feature needs two words of its own, or a word no other feature has: one
    // common word ("contacts") beside the first feature qualifies it.
    c.coverage >= need
        && (first || c.free_terms >= 2 || distinct)
        && (n_terms < 3 || c.terms_matched >= 2)
        && (c.coverage >= STRONG || ((c.free_terms >= 2 || distinct) && (telling || c.coverage >= COVERAGE_MORE)))
}

/// Whether two sets of words meet in a phrase of two words side by side, and if so whether
/// the head of the phrase is among the first set.
fn compound_head(p: &Parse<'_>, a: &[usize], b: &[usize]) -> Option<bool> {
    for &x in a {
        for &y in b {
            let (first, second) = if x < y { (x, y) } else { (y, x) };
            let joined = second == first + 1 && !p.ws[second].breaks();
            // "présence des contacts", "availability of contacts": the head comes first.
            let of = second == first + 2
                && !p.ws[first + 1].breaks()
                && !p.ws[second].breaks()
                && ["de", "des", "du", "d", "of"].contains(&p.ws[first + 1].text.as_str());
            if joined || of {
                let head = if p.french || of { first } else { second };
                return Some(head == x);
            }
        }
    }
    None
}

/// Among the best candidate and its rivals, exactly one row of the support table, the others
/// capabilities outside it: that row, and the others.
fn one_row<'c>(
    kb: &crate::kb::KnowledgeBase,
    best: &'c Candidate,
    rivals: &[&'c Candidate],
) -> Option<(&'c Candidate, Vec<usize>)> {
    let all: Vec<&Candidate> = std::iter::once(best).chain(rivals.iter().copied()).collect();
    let rows: Vec<&&Candidate> = all.iter().filter(|c| kb.in_a_table(c.feature)).collect();
    match rows.as_slice() {
        [row] => Some((
            **row,
            all.iter()
                .filter(|c| c.feature != row.feature)
                .map(|c| c.feature)
                .collect(),
        )),
        _ => None,
    }
}

/// Whether feature `a` requires feature `b`, directly or through others.
fn requires(kb: &crate::kb::KnowledgeBase, a: usize, b: usize) -> bool {
    let mut stack = vec![a];
    let mut seen = vec![false; kb.features.len()];
    while let Some(f) = stack.pop() {
        for &r in &kb.features[f].requires {
            if r == b {
                return true;
            }
            if !seen[r] {
                seen[r] = true;
                stack.push(r);
            }
        }
    }
    false
}

/// The features a question names, as mentions; the words they use are marked.
///
/// # Errors
/// When the best reading is too close to another feature's, read from the same words.
#[allow(clippy::result_large_err)]
pub(super) fn find(p: &mut Parse<'_>) -> Result<Vec<Mention>, Diagnostic> {
    let kb = p.kb;
    let idx = p.index;
    let mut out: Vec<Mention> = std::mem::take(&mut p.quoted);
    let mut consumed: Vec<bool> = (0..p.ws.len()).map(|k| p.used[k] == Some(Use::Feature)).collect();
    loop {
        let first = out.is_empty();
        let cands = p.best_candidates(&consumed, false);
        let ok: Vec<&Candidate> = cands
            .iter()
            .filter(|c| acceptable(c, idx, first))
            .filter(|c| !qualifies_an_unknown_action(p, c))
            .filter(|c| !out.iter().any(|m| m.entities.contains(&Entity::Feature(c.feature))))
            .collect();
        let Some(&first_best) = ok.first() else { break };
        // A feature that requires another is named with the other's words ("search archived
        // content" needs archiving): when the question also has a word of its own that no name
        // of the other has ("search"), it is the one asked about.
        let best = ok
            .iter()
            .copied()
            .find(|c| {
                c.feature != first_best.feature
                    && requires(kb, c.feature, first_best.feature)
                    && c.matched_free.iter().any(|&t| !idx.feature_has(first_best.feature, t))
            })
            .unwrap_or(first_best);
        // Two features named by two words that make one phrase ("contact presence",
        // "présence des contacts"): the phrase is about its head, the last word in English and
        // Chinese, the first in French; the other word only qualifies it.
        let inside = |a: &[usize], b: &[usize]| {
            let (lo, hi) = (
                b.iter().min().copied().unwrap_or(0),
                b.iter().max().copied().unwrap_or(0),
            );
            a.iter().any(|&k| lo < k && k < hi)
        };
        let (best, modifier) = match ok.iter().copied().find(|c| {
            c.feature != best.feature
                && c.score >= COMPOUND * best.score
                && c.free.iter().all(|k| !best.free.contains(k))
                && !inside(&c.free, &best.free)
                && !inside(&best.free, &c.free)
                && compound_head(p, &best.free, &c.free).is_some()
        }) {
            Some(c) if compound_head(p, &best.free, &c.free) == Some(false) => (c, Some(best)),
            Some(c) => (best, Some(c)),
            None => (best, None),
        };
        let terms = &idx.feature_names[best.name].terms;
        // Features that share the best name's terms: one ambiguous name.
        let group: Vec<usize> = ok
            .iter()
            .filter(|c| {
                c.feature != best.feature
                    && idx.feature_names[c.name].terms == *terms
                    && (c.score - best.score).abs() < 1e-4
            })
            .map(|c| c.feature)
            .collect();
        let rivals: Vec<&Candidate> = ok
            .iter()
            .copied()
            .filter(|c| {
                c.feature != best.feature
                    && modifier.is_none_or(|m| m.feature != c.feature)
                    && !group.contains(&c.feature)
                    && !requires(kb, best.feature, c.feature)
                    && c.score >= MARGIN * best.score
                    && c.free.iter().any(|k| best.free.contains(k))
            })
            .collect();
        // Too close: a product the question names that provides one of them decides ("meetings"
        // with OWA named: the OWA row); else a single row of the support table does.
        let (best, group, rivals) = if rivals.is_empty() {
            (best, group, rivals)
        } else {
            let contenders: Vec<&Candidate> = std::iter::once(best).chain(rivals.iter().copied()).collect();
            let provided: Vec<&Candidate> = contenders
                .iter()
                .copied()
                .filter(|c| p.provider_factor(c.feature) > 1.0)
                .collect();
            match provided.as_slice() {
                [one] => (*one, Vec::new(), Vec::new()),
                _ => match one_row(kb, best, &rivals) {
                    // A row of the support table against capabilities the Lync Server 2013
                    // pages describe ("server-side conversation history", "conversation
                    // history in Exchange"): the row, read as an ambiguous name whose other
                    // readings the answer gives.
                    Some((row, others)) => {
                        let mut group = group;
                        group.extend(others);
                        (row, group, Vec::new())
                    }
                    None => (best, group, rivals),
                },
            }
        };
        if !rivals.is_empty() {
            if !first {
                break;
            }
            let mut names: Vec<&str> = vec![kb.features[best.feature].name.as_str()];
            names.extend(group.iter().map(|&f| kb.features[f].name.as_str()));
            names.extend(rivals.iter().map(|c| kb.features[c.feature].name.as_str()));
            let (a, b) = (
                best.free.iter().min().copied().unwrap_or(0),
                best.free.iter().max().copied().unwrap_or(0),
            );
            let span = p.span(a, b);
            return Err(
                Diagnostic::new(format!("`{}` could mean more than one feature", &p.text[span.clone()]))
                    .at(0, span)
                    .label("which one?")
                    .suggest(one_of(&names))
                    .note("name the feature more fully (`interop features` lists every name and alias)"),
            );
        }
        // The words it takes: the free words matched, the words that qualify it, and names
        // that are words of it
        // ("Lync meetings", "Exchange UM", "online meetings").
        let mut words: Vec<usize> = best.free.clone();
        if let Some(m) = modifier {
            words.extend(m.free.iter().copied().filter(|&k| p.used[k].is_none()));
        }
        let mut absorbed = Vec::new();
        for (mi, m) in p.mentions.iter().enumerate() {
            let part_of_name = m
                .entities
                .iter()
                .all(|e| matches!(e, Entity::Family(_) | Entity::Role(_) | Entity::Mode(_)))
                && m.mode.is_none()
                && (m
                    .entities
                    .iter()
                    .any(|&e| idx.terms_for(e).first().is_some_and(|t| terms.contains(t)))
                    || (m.word..=m.last)
                        .filter(|&k| !p.ws[k].stop)
                        .all(|k| p.ws[k].terms.iter().any(|t| terms.contains(t))));
            let beside = best
                .free
                .iter()
                .any(|&k| (k > m.last && p.next_to(m.last, k)) || (k < m.word && p.next_to(k, m.word)));
            if part_of_name && beside {
                absorbed.push(mi);
                words.extend((m.word..=m.last).filter(|&k| !p.ws[k].stop));
            }
        }
        for &mi in absorbed.iter().rev() {
            p.mentions.remove(mi);
        }
        for &k in &words {
            consumed[k] = true;
            p.used[k] = Some(Use::Feature);
        }
        // Every other occurrence of its terms among the free words is the same name again
        // ("voicemail via Exchange UM"), and a word of another of its names inside or next to
        // the words it took is its too ("high-res contact photos").
        loop {
            let (lo, hi) = (
                words.iter().min().copied().unwrap_or(0),
                words.iter().max().copied().unwrap_or(0),
            );
            let near = |k: usize| (lo < k && k < hi) || (k < lo && p.near(k, lo)) || (k > hi && p.near(hi, k));
            let more: Vec<usize> = (0..p.ws.len())
                .filter(|&k| !p.ws[k].stop && !words.contains(&k))
                .filter(|&k| {
                    // A mode that qualifies nothing, or a brand or role word ("Skype" of
                    // "Skype call"), beside the words taken.
                    let mention = p.part_of_name_at(k);
                    if p.used[k].is_some() && mention.is_none() {
                        return false;
                    }
                    let mut ts: Vec<Term> = p.ws[k].terms.to_vec();
                    if let Some(mi) = mention {
                        // The entity itself, not its role: "on-prem Exchange" is no word of
                        // "Exchange UM".
                        ts.extend(
                            p.mentions[mi]
                                .entities
                                .iter()
                                .filter_map(|&e| idx.terms_for(e).first().copied()),
                        );
                    }
                    // A name beside the words taken is theirs only right beside them ("Skype
                    // call", "Exchange UM"), never across "with" or "and".
                    let beside = |m: usize| {
                        let m = &p.mentions[m];
                        words.iter().any(|&w| {
                            (w + 1 == m.word && !p.ws[m.word].breaks()) || (m.last + 1 == w && !p.ws[w].breaks())
                        })
                    };
                    match mention {
                        None => {
                            ts.iter().any(|t| terms.contains(t))
                                || (near(k) && ts.iter().any(|&t| idx.feature_has(best.feature, t)))
                        }
                        Some(mi) => beside(mi) && ts.iter().any(|&t| idx.feature_has(best.feature, t)),
                    }
                })
                .collect();
            if more.is_empty() {
                break;
            }
            for k in more {
                if let Some(mi) = p.part_of_name_at(k) {
                    let m = p.mentions.remove(mi);
                    for j in (m.word..=m.last).filter(|&j| !p.ws[j].stop) {
                        consumed[j] = true;
                        p.used[j] = Some(Use::Feature);
                        words.push(j);
                    }
                } else {
                    consumed[k] = true;
                    p.used[k] = Some(Use::Feature);
                    words.push(k);
                }
            }
        }
        words.sort_unstable();
        words.dedup();
        let mut entities = vec![Entity::Feature(best.feature)];
        entities.extend(group.into_iter().map(Entity::Feature));
        out.push(mention_of(p, &words, entities));
    }
    Ok(out)
}

/// A mention made of scattered words: its text joins the runs with ` … `.
fn mention_of(p: &Parse<'_>, words: &[usize], entities: Vec<Entity>) -> Mention {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for &k in words {
        match runs.last_mut() {
            Some((_, end)) if p.near(*end, k) => *end = k,
            _ => runs.push((k, k)),
        }
    }
    let text = runs
        .iter()
        .map(|&(a, b)| &p.text[p.span(a, b)])
        .collect::<Vec<_>>()
        .join(" … ");
    let (a, b) = (words.first().copied().unwrap_or(0), words.last().copied().unwrap_or(0));
    Mention {
        entities,
        span: p.span(a, b),
        text,
        word: a,
        last: b,
        mode: None,
    }
}

/// The features a question comes closest to naming, best first, for a did-you-mean.
pub(super) fn near_misses(p: &Parse<'_>, n: usize) -> Vec<usize> {
    let consumed = vec![false; p.ws.len()];
    let idx = p.index;
    // Features the words come close to; without such words, features that name a product
    // the question names ("OWA"), never features that merely name its roles or brands.
    p.best_candidates(&consumed, true)
        .into_iter()
        .filter(|c| c.free_terms > 0 || c.matched.iter().any(|&t| idx.product_role(t).is_some()))
        .take(n)
        .map(|c| c.feature)
        .collect()
}
