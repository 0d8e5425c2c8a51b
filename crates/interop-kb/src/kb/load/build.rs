//! The resolved knowledge base from its parsed files: a builder per kind of entry, each
//! resolving references, compiling conditions and reporting every problem it finds, and
//! [`Loader::build`] putting them together in the order they depend on one another (sources
//! first, since everything cites them; products before the conditions that name them; steps
//! before the features that name them; the graph last).

use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

use super::condition::CondCx;
use super::{At, Loader, coverage, header_span, key_span, span_of};
use crate::diag::{Diagnostic, did_you_mean};
use crate::graph::{Edge, Graph, Node};
use crate::kb::raw;
use crate::kb::{
    Claim, Command, Conflict, Deployment, Family, Feature, Index, KnowledgeBase, Lifecycle, Limit, Mode, Product,
    Provider, Role, Row, Rule, Source, Statement, Step, Support, Synonym, Table, Uncovered,
};
use crate::region::Universe;

/// Every entry of the parsed files, by kind, each with its file; tables, columns and rows in
/// the data's own order.
pub(super) struct Raw<'d> {
    sources: Vec<At<&'d raw::Source>>,
    roles: Vec<At<&'d raw::Role>>,
    families: Vec<At<&'d raw::Family>>,
    pub(super) products: Vec<At<&'d raw::Product>>,
    lifecycle: Vec<At<&'d raw::Lifecycle>>,
    modes: Vec<At<&'d raw::DeploymentMode>>,
    features: Vec<At<&'d raw::Feature>>,
    tables: Vec<At<&'d raw::Table>>,
    deployments: Vec<At<&'d raw::Deployment>>,
    rows: Vec<At<&'d raw::Row>>,
    statements: Vec<At<&'d raw::Statement>>,
    rules: Vec<At<&'d raw::Rule>>,
    limits: Vec<At<&'d raw::Limit>>,
    steps: Vec<At<&'d raw::Step>>,
    conflicts: Vec<At<&'d raw::Conflict>>,
    uncovered: Vec<At<&'d raw::UncoveredProduct>>,
    synonyms: Vec<At<&'d raw::Synonym>>,
    /// Where each feature is listed: (table, position), in table order.
    listed: HashMap<String, Vec<(usize, usize)>>,
}

impl<'d> Raw<'d> {
    /// The entries of every file, gathered by kind. The order of tables, columns and rows is
    /// the data's own, never that of the files: tables by page and date, columns and rows as
    /// each table lists them.
    pub(super) fn gather(docs: &'d [(usize, raw::Document)]) -> Self {
        macro_rules! gather {
            ($field:ident) => {{
                let mut v = Vec::new();
                for (f, d) in docs {
                    for x in &d.$field {
                        v.push((*f, x));
                    }
                }
                v
            }};
        }
        let sources = gather!(source);
        let roles = gather!(role);
        let families = gather!(family);
        let products = gather!(product);
        let lifecycle = gather!(lifecycle);
        let modes = gather!(deployment_mode);
        let features = gather!(feature);
        let mut tables = gather!(table);
        let mut deployments = gather!(deployment);
        let mut rows = gather!(row);
        tables.sort_by(|(_, a), (_, b)| {
            let key = |t: &raw::Table| {
                (
                    t.page.clone().unwrap_or_else(|| t.id.get_ref().clone()),
                    t.from.as_ref().map(|d| d.get_ref().to_string()),
                )
            };
            key(a).cmp(&key(b))
        });
        let column_at: HashMap<&str, (usize, usize)> = tables
            .iter()
            .enumerate()
            .flat_map(|(ti, (_, t))| {
                t.columns
                    .iter()
                    .enumerate()
                    .map(move |(ci, c)| (c.get_ref().as_str(), (ti, ci)))
            })
            .collect();
        deployments.sort_by_key(|(_, d)| {
            column_at
                .get(d.id.get_ref().as_str())
                .copied()
                .unwrap_or((usize::MAX, 0))
        });
        let mut listed: HashMap<String, Vec<(usize, usize)>> = HashMap::default();
        for (ti, (_, t)) in tables.iter().enumerate() {
            for (ri, f) in t.rows.iter().enumerate() {
                listed.entry(f.get_ref().clone()).or_default().push((ti, ri));
            }
        }
        let row_at = |r: &raw::Row| -> (usize, usize) {
            listed
                .get(r.feature.get_ref())
                .and_then(|at| {
                    at.iter()
                        .find(|(ti, _)| {
                            r.table
                                .as_ref()
                                .is_none_or(|n| n.get_ref() == tables[*ti].1.id.get_ref())
                        })
                        .copied()
                })
                .unwrap_or((usize::MAX, 0))
        };
        rows.sort_by_key(|(_, r)| row_at(r));
        let statements = gather!(statement);
        let rules = gather!(rule);
        let limits = gather!(limit);
        let steps = gather!(step);
        let conflicts = gather!(conflict);
        let uncovered = gather!(uncovered_product);
        let synonyms = gather!(synonym);
        Raw {
            sources,
            roles,
            families,
            products,
            lifecycle,
            modes,
            features,
            tables,
            deployments,
            rows,
            statements,
            rules,
            limits,
            steps,
            conflicts,
            uncovered,
            synonyms,
            listed,
        }
    }
}

/// The statements and rules about each feature.
fn facts_of(kb: &KnowledgeBase) -> Vec<crate::kb::FeatureFacts> {
    let mut facts_of = vec![crate::kb::FeatureFacts::default(); kb.features.len()];
    for (i, s) in kb.statements.iter().enumerate() {
        facts_of[s.feature].statements.push(i);
    }
    for (i, r) in kb.rules.iter().enumerate() {
        for &f in &r.features {
            if !facts_of[f].rules.contains(&i) {
                facts_of[f].rules.push(i);
            }
        }
    }
    facts_of
}

/// The rows of the support tables, resolved.
struct Built {
    rows: Vec<Row>,
    /// Where each row's cells are written, for the checks that need the whole base.
    row_at: Vec<(usize, Range<usize>)>,
    /// The rows of each feature ([`Feature::rows`]).
    rows_of: Vec<Vec<usize>>,
}

impl Loader<'_> {
    /// The knowledge base from the parsed files, if every part of it is sound; every problem
    /// found goes to the loader's diagnostics.
    pub(super) fn build(&mut self, docs: Vec<(usize, raw::Document)>) -> Option<KnowledgeBase> {
        let raw = Raw::gather(&docs);
        let mut index = self.index(&raw);
        // A large base's features are compiled on another core while the rest is (they need
        // only the ids), their citations numbered in a range set apart: one number per
        // citation written.
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let large = self.large();
        let apart = (large && cores > 1).then(|| {
            let written = raw
                .features
                .iter()
                .map(|(_, f)| f.sources.len() + f.replaced_by.as_ref().map_or(0, |r| r.sources.len()))
                .sum::<usize>();
            let apart = self.apart();
            let range_end = self
                .cites_made
                .saturating_add(u32::try_from(written).unwrap_or(u32::MAX));
            self.cites_made = range_end;
            (apart, range_end)
        });
        let compiled = std::cell::RefCell::default();
        let mut kb = std::thread::scope(|scope| {
            let (raw_features, index_ref) = (&raw.features, &index);
            let features = apart.map(|(mut apart, range_end)| {
                let h = scope.spawn(move || (apart.features(raw_features, index_ref), apart));
                (h, range_end)
            });
            let sources_out = self.sources(&raw.sources);
            let modes_out = self.modes(&raw.modes);
            let mut roles_out = self.roles(&raw.roles);
            let (families_out, products_out) = self.families_and_products(&raw, &index, &mut roles_out);
            if roles_out.is_empty() {
                // What the features' thread finds is not reported: only this is.
                self.diags
                    .push(Diagnostic::new("the knowledge base defines no `[[role]]`"));
                return None;
            }

            let role_of: Vec<usize> = products_out.iter().map(|p| p.role).collect();
            let universe = Universe::new(roles_out.len(), &role_of);
            let cx = CondCx {
                index: &index,
                products: &products_out,
                families: &families_out,
                universe: &universe,
                compiled: &compiled,
            };

            let lifecycle_out = self.lifecycle(&raw.lifecycle, &index);
            let uncovered_out = self.uncovered(&raw.uncovered, &index);
            let synonyms_out = self.synonyms(&raw.synonyms);
            let deployments_out = self.deployments(&raw.deployments, &index, &cx);
            // What the vocabulary reads is made first; steps and tables come after (below).
            let features_out = match features {
                None => self.features(&raw.features, &index),
                Some((h, range_end)) => {
                    let (features_out, apart) = h.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
                    assert!(
                        apart.cites_made <= range_end,
                        "the features made more citations than they write"
                    );
                    self.absorb(apart);
                    features_out
                }
            };
            Some(KnowledgeBase {
                files: Vec::new(),
                sources: sources_out,
                roles: roles_out,
                families: families_out,
                products: products_out,
                lifecycle: lifecycle_out,
                modes: modes_out,
                features: features_out,
                deployments: deployments_out,
                tables: Vec::new(),
                rows: Vec::new(),
                statements: Vec::new(),
                rules: Vec::new(),
                limits: Vec::new(),
                steps: Vec::new(),
                conflicts: Vec::new(),
                uncovered: uncovered_out,
                synonyms: synonyms_out,
                universe,
                graph: Graph::default(),
                warnings: Vec::new(),
                facts_of: Vec::new(),
                // Set below, once the features' thread no longer reads it.
                index: Index::default(),
            })
        })?;
        index.sources.shrink_to_fit();
        kb.index = index;
        // What the vocabulary reads is there: the rest is added field by field while it is
        // built on another core.
        // The vocabulary only of a base sound so far (a broken entry may be missing from
        // it); it is dropped if the rest (the rows on) turns out unsound. The checks of the
        // whole base only on an otherwise sound one: a condition that failed to parse reads as
        // "always", and would seem to overlap everything.
        let vocabulary_wanted = self.index && self.diags.is_empty();
        let (names, warnings, rows_of) = std::thread::scope(|scope| {
            // Those fields alone, not `Words::of(&kb)`: the other fields of `kb` are filled
            // meanwhile.
            let words = crate::names::words_of!(kb);
            let names = vocabulary_wanted.then(|| scope.spawn(move || crate::names::NameIndex::build_from(&words)));
            let cx = CondCx {
                index: &kb.index,
                products: &kb.products,
                families: &kb.families,
                universe: &kb.universe,
                compiled: &compiled,
            };
            kb.steps = self.steps(&raw.steps, &kb.index, &cx);
            kb.tables = self.tables(&raw.tables, &kb.index, &raw.deployments);
            // Each feature is given its rows once the vocabulary, which reads the features, is
            // built: nothing here reads a feature's rows.
            let Built { rows, row_at, rows_of } = self.rows(&raw, &kb.index, &cx, &mut kb.tables, &kb.deployments);
            kb.rows = rows;
            let (statements_out, statement_at) = self.statements(&raw.statements, &kb.index, &cx);
            let rules_out = self.rules(&raw.rules, &kb.index, &cx);
            let limits_out = self.limits(&raw.limits, &kb.index);
            let conflicts_out = self.conflicts(&raw.conflicts, &kb.index, &cx);
            for ((f, r), role) in raw.roles.iter().zip(&kb.roles) {
                if role.products.is_empty() {
                    self.err(*f, r.id.span(), format!("role `{}` has no products", role.id));
                }
            }
            let graph = self.graph(&raw, &kb.products, &kb.features, &rules_out, &kb.steps, &conflicts_out);
            kb.statements = statements_out;
            kb.rules = rules_out;
            kb.limits = limits_out;
            kb.conflicts = conflicts_out;
            kb.graph = graph;
            kb.facts_of = facts_of(&kb);
            let sound = self.diags.is_empty();
            let warnings = if self.whole && sound {
                self.disagreements(&kb, &row_at, &statement_at);
                coverage(&kb, &raw.products)
            } else {
                Vec::new()
            };
            let names = names
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .filter(|_| sound);
            (names, warnings, rows_of)
        });
        for (feature, rows) in kb.features.iter_mut().zip(rows_of) {
            feature.rows = rows;
        }
        kb.warnings = warnings;
        self.names = names;
        // A large base's parsed files, and the conditions compiled from them, are freed on
        // another thread: here they would keep the first answer waiting (a tenth of the whole
        // load at 1,000 times the shipped base).
        drop(raw);
        if large {
            // If no thread can be made, the closure and what it holds are dropped here.
            let _ = std::thread::Builder::new().spawn(move || drop((docs, compiled)));
        }
        Some(kb)
    }

    /// The ids of every kind of entry, each unique.
    fn index(&mut self, raw: &Raw<'_>) -> Index {
        let Raw {
            sources,
            roles,
            families,
            products,
            modes,
            features,
            deployments,
            tables,
            steps,
            statements,
            rules,
            limits,
            conflicts,
            uncovered,
            synonyms,
            ..
        } = raw;
        let index = Index {
            sources: self.ids("source", sources.iter().map(|(f, s)| (*f, &s.id))),
            roles: self.ids("role", roles.iter().map(|(f, s)| (*f, &s.id))),
            families: self.ids("family", families.iter().map(|(f, s)| (*f, &s.id))),
            products: self.ids("product", products.iter().map(|(f, s)| (*f, &s.id))),
            modes: self.ids("deployment mode", modes.iter().map(|(f, s)| (*f, &s.id))),
            features: self.ids("feature", features.iter().map(|(f, s)| (*f, &s.id))),
            deployments: self.ids("deployment", deployments.iter().map(|(f, s)| (*f, &s.id))),
            tables: self.ids("table", tables.iter().map(|(f, s)| (*f, &s.id))),
            steps: self.ids("step", steps.iter().map(|(f, s)| (*f, &s.id))),
        };
        // Statements, rules, limits and conflicts have ids too; they must be unique, but
        // nothing refers to them.
        let _ = self.ids("statement", statements.iter().map(|(f, s)| (*f, &s.id)));
        let _ = self.ids("rule", rules.iter().map(|(f, s)| (*f, &s.id)));
        let _ = self.ids("limit", limits.iter().map(|(f, s)| (*f, &s.id)));
        let _ = self.ids("conflict", conflicts.iter().map(|(f, s)| (*f, &s.id)));
        let _ = self.ids("uncovered product", uncovered.iter().map(|(f, s)| (*f, &s.id)));
        let _ = self.ids("synonym", synonyms.iter().map(|(f, s)| (*f, &s.id)));
        for (f, role) in roles {
            if role.id.get_ref() == "deployment" {
                self.err(
                    *f,
                    role.id.span(),
                    "`deployment` is a keyword of the condition language, not a role name",
                );
            }
        }
        index
    }

    /// The sources, their translation kind, commit and path checked.
    fn sources(&mut self, sources: &[At<&raw::Source>]) -> Vec<Source> {
        let sources_out: Vec<Source> = sources
            .iter()
            .map(|(f, s)| {
                let translation = s.translation.get_ref().clone();
                if !["machine", "human", "original"].contains(&translation.as_str()) {
                    self.err(
                        *f,
                        s.translation.span(),
                        format!("unknown translation kind `{translation}`"),
                    )
                    .notes
                    .push("use `machine`, `human` or `original`".into());
                }
                if let Some(c) = &s.commit
                    && !(c.get_ref().len() >= 7 && c.get_ref().chars().all(|x| x.is_ascii_hexdigit()))
                {
                    self.err(*f, c.span(), format!("`{}` is not a commit id", c.get_ref()))
                        .notes
                        .push("write the commit the text was read from, in hexadecimal".into());
                }
                let file = s.file.get_ref();
                if file.is_empty()
                    || file.starts_with('/')
                    || file.contains('\\')
                    || file.split('/').any(|part| part == ".." || part.is_empty())
                {
                    self.err(*f, s.file.span(), format!("`{file}` is not a path under `sources/`"))
                        .notes
                        .push("name the document's text by its path under `sources/`, e.g. `seeds/004_….txt`".into());
                }
                Source {
                    id: s.id.get_ref().clone(),
                    file: file.clone(),
                    title: s.title.clone(),
                    english_title: s.english_title.clone(),
                    language: s.language.clone(),
                    translation,
                    date: s.date.as_ref().and_then(|d| self.date(*f, d)),
                    url: s.url.clone(),
                    repository: s.repository.clone(),
                    path: s.path.clone(),
                    commit: s.commit.as_ref().map(|c| c.get_ref().clone()),
                    revision_of: s.revision_of.clone(),
                }
            })
            .collect();
        sources_out
    }

    /// The deployment modes (on premises, online).
    fn modes(&mut self, modes: &[At<&raw::DeploymentMode>]) -> Vec<Mode> {
        let modes_out: Vec<Mode> = modes
            .iter()
            .map(|(f, m)| Mode {
                id: m.id.get_ref().clone(),
                name: m.name.clone(),
                aliases: self.names(*f, &m.aliases),
            })
            .collect();
        modes_out
    }

    /// The roles, without their products yet.
    fn roles(&mut self, roles: &[At<&raw::Role>]) -> Vec<Role> {
        let roles_out: Vec<Role> = roles
            .iter()
            .map(|(f, r)| Role {
                id: r.id.get_ref().clone(),
                name: r.name.clone(),
                description: r.description.clone(),
                aliases: self.names(*f, &r.aliases),
                optional: r.optional,
                products: Vec::new(),
            })
            .collect();
        roles_out
    }

    /// The families and the products, each product in its role and families; a family of
    /// another role's products, or of none, is an error.
    fn families_and_products(
        &mut self,
        raw: &Raw<'_>,
        index: &Index,
        roles_out: &mut [Role],
    ) -> (Vec<Family>, Vec<Product>) {
        let (families, products) = (&raw.families, &raw.products);
        let mut families_out: Vec<Family> = Vec::new();
        for (f, fam) in families {
            let role = self.resolve(*f, &fam.role, "role", &index.roles);
            let sources = self.cites(*f, &fam.sources, &index.sources, &fam.id);
            families_out.push(Family {
                id: fam.id.get_ref().clone(),
                name: fam.name.clone(),
                role: role.unwrap_or(0),
                members: Vec::new(),
                aliases: self.names(*f, &fam.aliases),
                sources,
            });
        }

        let mut products_out: Vec<Product> = Vec::new();
        for (pi, (f, p)) in products.iter().enumerate() {
            let role = self.resolve(*f, &p.role, "role", &index.roles).unwrap_or(0);
            let deployment = p
                .deployment
                .as_ref()
                .and_then(|d| self.resolve(*f, d, "deployment mode", &index.modes));
            let mut fams = Vec::new();
            for fam in &p.families {
                if let Some(fi) = self.resolve(*f, fam, "family", &index.families) {
                    if families_out[fi].role != role && !roles_out.is_empty() {
                        self.err(
                            *f,
                            fam.span(),
                            format!(
                                "product `{}` is a {} but family `{}` groups {} products",
                                p.id.get_ref(),
                                roles_out.get(role).map_or("?", |r| r.id.as_str()),
                                families_out[fi].id,
                                roles_out.get(families_out[fi].role).map_or("?", |r| r.id.as_str()),
                            ),
                        );
                    }
                    families_out[fi].members.push(pi);
                    fams.push(fi);
                }
            }
            if let Some(r) = roles_out.get_mut(role) {
                r.products.push(pi);
            }
            let sources = self.cites(*f, &p.sources, &index.sources, &p.id);
            products_out.push(Product {
                id: p.id.get_ref().clone(),
                name: p.name.clone(),
                role,
                families: fams,
                version: p.version.as_ref().map(|v| *v.get_ref()),
                deployment,
                aliases: self.names(*f, &p.aliases),
                description: p.description.clone(),
                sources,
            });
        }
        for (fi, (f, fam)) in families.iter().enumerate() {
            if families_out[fi].members.is_empty() {
                self.err(
                    *f,
                    fam.id.span(),
                    format!("family `{}` has no products", fam.id.get_ref()),
                )
                .notes
                .push("list it in the `families` of the products it groups".into());
            }
        }
        (families_out, products_out)
    }

    /// When products were released and retired.
    fn lifecycle(&mut self, lifecycle: &[At<&raw::Lifecycle>], index: &Index) -> Vec<Lifecycle> {
        let lifecycle_out: Vec<Lifecycle> = lifecycle
            .iter()
            .filter_map(|(f, l)| {
                let product = self.resolve(*f, &l.product, "product", &index.products);
                let released = l.released.as_ref().and_then(|d| self.date(*f, d));
                let retired = l.retired.as_ref().and_then(|d| self.date(*f, d));
                if let (Some(a), Some(b), Some(rs)) = (released, retired, &l.retired)
                    && b < a
                {
                    self.err(*f, rs.span(), format!("retired on {b}, before it was released on {a}"))
                        .label = Some("impossible date".into());
                }
                if released.is_none() && retired.is_none() {
                    self.err(*f, l.product.span(), "a lifecycle entry needs `released` or `retired`");
                }
                let sources = self.cites(*f, &l.sources, &index.sources, &l.product);
                Some(Lifecycle {
                    product: product?,
                    released,
                    retired,
                    says: l.says.clone(),
                    sources,
                    with: std::sync::OnceLock::new(),
                })
            })
            .collect();
        lifecycle_out
    }

    /// The prerequisite steps, with their commands and tests.
    fn steps(&mut self, steps: &[At<&raw::Step>], index: &Index, cx: &CondCx<'_>) -> Vec<Step> {
        let mut steps_out: Vec<Step> = Vec::new();
        for (f, s) in steps {
            let on = self.resolve(*f, &s.on, "role", &index.roles).unwrap_or(0);
            let after = s
                .after
                .iter()
                .filter_map(|a| self.resolve(*f, a, "step", &index.steps))
                .collect();
            let when = s.when.as_ref().and_then(|w| self.condition(*f, w, cx));
            let sources = self.cites(*f, &s.sources, &index.sources, &s.id);
            let cmd = |c: &raw::Command| Command {
                shell: c.shell.clone(),
                run: c.run.clone(),
                expect: c.expect.clone(),
            };
            steps_out.push(Step {
                id: s.id.get_ref().clone(),
                title: s.title.clone(),
                on,
                after,
                when,
                checks: s.checks.clone(),
                configure: s.configure.iter().map(cmd).collect(),
                verify: s.verify.iter().map(cmd).collect(),
                tests: s
                    .tests
                    .iter()
                    .filter_map(|t| {
                        if !crate::kb::TESTS.contains(&t.test.get_ref().as_str()) {
                            let d = Diagnostic::new(format!("unknown test `{}`", t.test.get_ref()))
                                .at(*f, t.test.span())
                                .suggest(did_you_mean(t.test.get_ref(), crate::kb::TESTS.iter().copied()))
                                .note(format!("the tests are {}", crate::kb::TESTS.join(", ")));
                            self.diags.push(d);
                            return None;
                        }
                        Some(crate::kb::StepTest {
                            test: t.test.get_ref().clone(),
                            min: t.min,
                            says: t.says.clone(),
                            fix: t.fix.iter().map(cmd).collect(),
                        })
                    })
                    .collect(),
                sources,
            });
        }
        steps_out
    }

    /// The features, without their rows yet.
    fn features(&mut self, features: &[At<&raw::Feature>], index: &Index) -> Vec<Feature> {
        let mut features_out: Vec<Feature> = Vec::new();
        for (f, feat) in features {
            let requires = feat
                .requires
                .iter()
                .filter_map(|r| self.resolve(*f, r, "feature", &index.features))
                .collect();
            let steps = feat
                .steps
                .iter()
                .filter_map(|r| self.resolve(*f, r, "step", &index.steps))
                .collect();
            let provided_by = feat
                .provided_by
                .iter()
                .filter_map(|r| {
                    if let Some(&p) = index.products.get(r.get_ref()) {
                        Some(Provider::Product(p))
                    } else if let Some(&fam) = index.families.get(r.get_ref()) {
                        Some(Provider::Family(fam))
                    } else if self.broken_ids.contains(r.get_ref()) {
                        None
                    } else {
                        let names = index.products.keys().chain(index.families.keys()).map(String::as_str);
                        let d = Diagnostic::new(format!("unknown product or family `{}`", r.get_ref()))
                            .at(*f, r.span())
                            .label("no product or family has this id")
                            .suggest(did_you_mean(r.get_ref(), names));
                        self.diags.push(d);
                        None
                    }
                })
                .collect();
            let sources = self.cites(*f, &feat.sources, &index.sources, &feat.id);
            let replaced_by = feat.replaced_by.as_ref().and_then(|r| {
                let sources = self.cites(*f, &r.sources, &index.sources, &r.feature);
                let to = self.resolve(*f, &r.feature, "feature", &index.features)?;
                if r.feature.get_ref() == feat.id.get_ref() {
                    self.err(*f, r.feature.span(), "a feature cannot replace itself");
                    return None;
                }
                Some(crate::kb::Replacement {
                    feature: to,
                    says: r.says.clone(),
                    sources,
                })
            });
            features_out.push(Feature {
                id: feat.id.get_ref().clone(),
                name: feat.name.clone(),
                label: feat.label.clone(),
                label_fr: feat.label_fr.clone(),
                description: feat.description.clone(),
                requires,
                steps,
                provided_by,
                aliases: self.names(*f, &feat.aliases),
                sources,
                rows: Vec::new(),
                replaced_by,
            });
        }
        features_out
    }

    /// The deployments: the columns of the support tables, each with its condition.
    fn deployments(&mut self, deployments: &[At<&raw::Deployment>], index: &Index, cx: &CondCx<'_>) -> Vec<Deployment> {
        let deployments_out: Vec<Deployment> = deployments
            .iter()
            .map(|(f, d)| {
                let when = self.condition(*f, &d.when, cx);
                let sources = self.cites(*f, &d.sources, &index.sources, &d.id);
                Deployment {
                    id: d.id.get_ref().clone(),
                    name: d.name.clone(),
                    short: d.short.clone(),
                    when: when.unwrap_or_else(|| cx.always()),
                    aliases: self.names(*f, &d.aliases),
                    sources,
                }
            })
            .collect();
        deployments_out
    }

    /// The rows of the support tables, each in its table and with a cell for every column;
    /// every feature a table lists has its row there.
    fn rows(
        &mut self,
        raw: &Raw<'_>,
        index: &Index,
        cx: &CondCx<'_>,
        tables_out: &mut [Table],
        deployments_out: &[Deployment],
    ) -> Built {
        let (rows, tables, listed) = (&raw.rows, &raw.tables, &raw.listed);
        // The (feature, table) pairs rows name explicitly, with how many rows name each.
        let mut claims: HashMap<(String, String), usize> = HashMap::default();
        for (_, r) in rows {
            if let Some(t) = &r.table {
                *claims
                    .entry((r.feature.get_ref().clone(), t.get_ref().clone()))
                    .or_default() += 1;
            }
        }
        let mut rows_out: Vec<Row> = Vec::new();
        let mut rows_of: Vec<Vec<usize>> = Vec::new();
        // Where each row's cells are written, for the checks that need the whole base.
        let mut row_at: Vec<(usize, Range<usize>)> = Vec::new();
        // The rows written for each table, sound or not: a broken row is reported once.
        let mut written: rustc_hash::FxHashSet<(usize, usize)> = rustc_hash::FxHashSet::default();
        for (f, row) in rows {
            let Some(feature) = self.resolve(*f, &row.feature, "feature", &index.features) else {
                continue;
            };
            let Some(table) = self.table_of(*f, row, listed, &claims, tables_out, index) else {
                continue;
            };
            written.insert((table, feature));
            if rows_of.len() <= feature {
                rows_of.resize_with(feature + 1, Vec::new);
            }
            if rows_of[feature].iter().any(|&r| rows_out[r].table == table) {
                self.err(
                    *f,
                    row.feature.span(),
                    format!(
                        "feature `{}` has a second row in table `{}`",
                        row.feature.get_ref(),
                        tables_out[table].id
                    ),
                )
                .label = Some("one row per feature and table".into());
                continue;
            }
            let columns = tables_out[table].columns.clone();
            let mut cells: Vec<Option<Support>> = vec![None; columns.len()];
            let mut present = vec![false; columns.len()];
            for (key, cell) in row.cells.get_ref() {
                let Some(ci) = index
                    .deployments
                    .get(key)
                    .and_then(|d| columns.iter().position(|c| c == d))
                else {
                    let span = key_span(&self.files[*f].text, row.cells.span(), key);
                    let known = index.deployments.contains_key(key);
                    let d = Diagnostic::new(if known {
                        format!("`{key}` is not a column of table `{}`", tables_out[table].id)
                    } else {
                        format!("unknown deployment `{key}`")
                    })
                    .at(*f, span)
                    .label("not a column of the table")
                    .suggest(did_you_mean(
                        key,
                        columns.iter().map(|&c| deployments_out[c].id.as_str()),
                    ));
                    self.diags.push(d);
                    continue;
                };
                present[ci] = true;
                cells[ci] = self.cell(*f, cell, cx);
            }
            let missing: Vec<&str> = present
                .iter()
                .zip(&columns)
                .filter(|(p, _)| !**p)
                .map(|(_, &d)| deployments_out[d].id.as_str())
                .collect();
            if !missing.is_empty() {
                let span = header_span(&self.files[*f].text, row.cells.span());
                self.err(
                    *f,
                    span,
                    format!(
                        "the row of `{}` has no cell for {}",
                        row.feature.get_ref(),
                        missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
                    ),
                );
                continue;
            }
            if cells.iter().any(Option::is_none) {
                continue;
            }
            let sources = self.cites(*f, &row.sources, &index.sources, &row.feature);
            row_at.push((*f, row.cells.span()));
            rows_of[feature].push(rows_out.len());
            tables_out[table].rows.push(rows_out.len());
            rows_out.push(Row {
                feature,
                table,
                cells: cells.into_iter().flatten().collect(),
                sources,
            });
        }
        // Every feature a table lists has its row there.
        for (ti, ((f, t), out)) in tables.iter().zip(tables_out.iter()).enumerate() {
            for name in &t.rows {
                let Some(&feature) = index.features.get(name.get_ref()) else {
                    continue;
                };
                if !written.contains(&(ti, feature)) && !self.broken_ids.contains(name.get_ref()) {
                    self.err(
                        *f,
                        name.span(),
                        format!(
                            "table `{}` lists `{}`, but no `[[row]]` gives its cells",
                            out.id,
                            name.get_ref()
                        ),
                    )
                    .notes
                    .push(format!(
                        "add `[[row]]` with `feature = \"{}\"` and a cell for each column of the table",
                        name.get_ref()
                    ));
                }
            }
        }
        Built {
            rows: rows_out,
            row_at,
            rows_of,
        }
    }

    /// The statements, and where each is written.
    fn statements(
        &mut self,
        statements: &[At<&raw::Statement>],
        index: &Index,
        cx: &CondCx<'_>,
    ) -> (Vec<Statement>, Vec<(usize, Range<usize>)>) {
        let (statements_out, statement_at): (Vec<Statement>, Vec<(usize, Range<usize>)>) = statements
            .iter()
            .filter_map(|(f, s)| {
                let feature = self.resolve(*f, &s.feature, "feature", &index.features);
                let when = self.condition(*f, &s.when, cx);
                let support = match s.support.get_ref().as_str() {
                    "yes" => Some(Support::Yes),
                    "no" => Some(Support::No),
                    "conditional" => match &s.condition {
                        Some(c) => Some(Support::Qualified { condition: c.clone() }),
                        None => {
                            self.err(*f, s.support.span(), "a `conditional` statement needs a `condition`");
                            None
                        }
                    },
                    other => {
                        let d = Diagnostic::new(format!("unknown support `{other}`"))
                            .at(*f, s.support.span())
                            .label("`yes`, `no` or `conditional`")
                            .suggest(did_you_mean(other, ["yes", "no", "conditional"]));
                        self.diags.push(d);
                        None
                    }
                };
                let sources = self.cites(*f, &s.sources, &index.sources, &s.id);
                let from = s.from.as_ref().and_then(|d| self.date(*f, d));
                let until = s.until.as_ref().and_then(|d| self.date(*f, d));
                if let (Some(a), Some(b), Some(at)) = (from, until, s.until.as_ref())
                    && b <= a
                {
                    self.err(*f, span_of(at), format!("`until` {b} is not after `from` {a}"));
                }
                Some((
                    Statement {
                        id: s.id.get_ref().clone(),
                        feature: feature?,
                        when: when?,
                        support: support?,
                        from,
                        until,
                        says: s.says.clone(),
                        sources,
                    },
                    (*f, s.id.span()),
                ))
            })
            .unzip();
        (statements_out, statement_at)
    }

    /// The rules: what a feature requires, and where.
    fn rules(&mut self, rules: &[At<&raw::Rule>], index: &Index, cx: &CondCx<'_>) -> Vec<Rule> {
        const RULE_KINDS: [&str; 6] = ["version", "client", "auth", "storage", "limit", "lifecycle"];
        let rules_out: Vec<Rule> = rules
            .iter()
            .filter_map(|(f, r)| {
                if !RULE_KINDS.contains(&r.kind.get_ref().as_str()) {
                    let d = Diagnostic::new(format!("unknown rule kind `{}`", r.kind.get_ref()))
                        .at(*f, r.kind.span())
                        .suggest(did_you_mean(r.kind.get_ref(), RULE_KINDS))
                        .note(format!(
                            "the kinds are {}",
                            RULE_KINDS.map(|k| format!("`{k}`")).join(", ")
                        ));
                    self.diags.push(d);
                }
                let features: Vec<usize> = r
                    .features
                    .iter()
                    .filter_map(|x| self.resolve(*f, x, "feature", &index.features))
                    .collect();
                if r.features.is_empty() {
                    self.err(
                        *f,
                        r.id.span(),
                        format!("rule `{}` applies to no feature", r.id.get_ref()),
                    );
                }
                let when = match &r.when {
                    Some(w) => Some(self.condition(*f, w, cx)?),
                    None => None,
                };
                let requires = self.condition(*f, &r.requires, cx);
                let sources = self.cites(*f, &r.sources, &index.sources, &r.id);
                Some(Rule {
                    id: r.id.get_ref().clone(),
                    kind: r.kind.get_ref().clone(),
                    features,
                    when,
                    requires: requires?,
                    says: r.says.clone(),
                    sources,
                    broken: std::sync::OnceLock::new(),
                })
            })
            .collect();
        rules_out
    }

    /// The documented limits.
    fn limits(&mut self, limits: &[At<&raw::Limit>], index: &Index) -> Vec<Limit> {
        let limits_out: Vec<Limit> = limits
            .iter()
            .map(|(f, l)| Limit {
                id: l.id.get_ref().clone(),
                features: l
                    .features
                    .iter()
                    .filter_map(|x| self.resolve(*f, x, "feature", &index.features))
                    .collect(),
                what: l.what.clone(),
                value: l.value.clone(),
                sources: self.cites(*f, &l.sources, &index.sources, &l.id),
            })
            .collect();
        limits_out
    }

    /// Where sources disagree, with each claim.
    fn conflicts(&mut self, conflicts: &[At<&raw::Conflict>], index: &Index, cx: &CondCx<'_>) -> Vec<Conflict> {
        let conflicts_out: Vec<Conflict> = conflicts
            .iter()
            .map(|(f, c)| {
                if c.claims.len() < 2 {
                    self.err(
                        *f,
                        c.id.span(),
                        format!("conflict `{}` needs at least two claims", c.id.get_ref()),
                    );
                }
                Conflict {
                    id: c.id.get_ref().clone(),
                    topic: c.topic.clone(),
                    features: c
                        .features
                        .iter()
                        .filter_map(|x| self.resolve(*f, x, "feature", &index.features))
                        .collect(),
                    when: c.when.as_ref().and_then(|w| self.condition(*f, w, cx)),
                    claims: c
                        .claims
                        .iter()
                        .map(|cl| Claim {
                            says: cl.says.clone(),
                            sources: self.cites(*f, &cl.sources, &index.sources, &c.id),
                        })
                        .collect(),
                    resolution: c.resolution.clone(),
                }
            })
            .collect();
        conflicts_out
    }

    /// The dependency graph, and every cycle of requirements or step order in it.
    fn graph(
        &mut self,
        raw: &Raw<'_>,
        products_out: &[Product],
        features_out: &[Feature],
        rules_out: &[Rule],
        steps_out: &[Step],
        conflicts_out: &[Conflict],
    ) -> Graph {
        let (features, steps) = (&raw.features, &raw.steps);
        let mut graph = Graph::default();
        for (pi, p) in products_out.iter().enumerate() {
            graph.node(Node::Product(pi));
            for &fam in &p.families {
                graph.edge(Node::Product(pi), Node::Family(fam), Edge::MemberOf);
            }
        }
        for (fi, feat) in features_out.iter().enumerate() {
            graph.node(Node::Feature(fi));
            for &r in &feat.requires {
                graph.edge(Node::Feature(fi), Node::Feature(r), Edge::Requires);
            }
            for &s in &feat.steps {
                graph.edge(Node::Feature(fi), Node::Step(s), Edge::Requires);
            }
            for p in &feat.provided_by {
                let to = match *p {
                    Provider::Product(p) => Node::Product(p),
                    Provider::Family(f) => Node::Family(f),
                };
                graph.edge(Node::Feature(fi), to, Edge::ProvidedBy);
            }
        }
        for (ri, r) in rules_out.iter().enumerate() {
            for &fi in &r.features {
                graph.edge(Node::Feature(fi), Node::Rule(ri), Edge::Requires);
            }
        }
        for (si, s) in steps_out.iter().enumerate() {
            graph.node(Node::Step(si));
            for &a in &s.after {
                graph.edge(Node::Step(a), Node::Step(si), Edge::Precedes);
            }
        }
        for (ci, c) in conflicts_out.iter().enumerate() {
            for &fi in &c.features {
                graph.edge(Node::Conflict(ci), Node::Feature(fi), Edge::ConflictsWith);
            }
        }
        for cycle in graph.cycles(&[Edge::Requires, Edge::Precedes]) {
            self.cycle(&cycle, features, steps, features_out, steps_out);
        }
        graph
    }

    /// The products the sources name but do not cover.
    fn uncovered(&mut self, uncovered: &[At<&raw::UncoveredProduct>], index: &Index) -> Vec<Uncovered> {
        let uncovered_out: Vec<Uncovered> = uncovered
            .iter()
            .map(|(f, u)| Uncovered {
                id: u.id.get_ref().clone(),
                name: u.name.clone(),
                role: u.role.as_ref().and_then(|r| self.resolve(*f, r, "role", &index.roles)),
                aliases: self.names(*f, &u.aliases),
            })
            .collect();
        uncovered_out
    }

    /// The synonyms of words of names.
    fn synonyms(&mut self, synonyms: &[At<&raw::Synonym>]) -> Vec<Synonym> {
        let synonyms_out: Vec<Synonym> = synonyms
            .iter()
            .map(|(f, s)| Synonym {
                id: s.id.get_ref().clone(),
                words: self.names(*f, &s.words),
            })
            .collect();
        synonyms_out
    }
}
