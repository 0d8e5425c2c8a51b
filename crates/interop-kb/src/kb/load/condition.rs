//! The condition language compiled: a condition of the data (a column, a rule, a
//! statement, a conditional cell) parsed, its names checked against the base (with a
//! did-you-mean), and compiled into the [`Region`] of topologies where it holds.

use toml::Spanned;

use super::{Loader, quote_width};
use crate::diag::{Diagnostic, did_you_mean};
use crate::expr::{self, Expr, Subject};
use crate::kb::raw::{self, Str};
use crate::kb::{Condition, Family, Index, Product, Support};
use crate::region::{Cube, Region, Universe};

impl Loader<'_> {
    pub(super) fn cell(&mut self, file: usize, cell: &Spanned<raw::Cell>, cx: &CondCx<'_>) -> Option<Support> {
        match cell.get_ref() {
            raw::Cell::Plain(s) => match s.as_str() {
                "Y" => Some(Support::Yes),
                "N" => Some(Support::No),
                other => {
                    let mut d = Diagnostic::new(format!("unknown cell value `{other}`"))
                        .at(file, cell.span())
                        .label("`Y`, `N`, or a table with `text`, `condition` and `requires`");
                    if other == "v" {
                        d = d.note("the French table writes `v` for `Y`; write `Y`");
                    }
                    self.diags.push(d);
                    None
                }
            },
            raw::Cell::Conditional(c) => {
                if c.text != format!("Y ({})", c.condition) {
                    self.err(
                        file,
                        cell.span(),
                        format!(
                            "the cell text `{}` does not match its condition `{}`",
                            c.text, c.condition
                        ),
                    )
                    .notes
                    .push(format!(
                        "write `text = \"Y ({})\"`, or correct `condition`",
                        c.condition
                    ));
                }
                // Point at the condition's string inside the inline table.
                let text = &self.files[file].text;
                let span = cell.span();
                let inner = text
                    .get(span.clone())
                    .and_then(|t| t.find(&c.requires))
                    .map_or(span.clone(), |i| {
                        span.start + i - 1..span.start + i + c.requires.len() + 1
                    });
                let requires = Spanned::new(inner, c.requires.clone());
                let requires = self.condition(file, &requires, cx)?;
                Some(Support::Conditional {
                    text: c.text.clone(),
                    condition: c.condition.clone(),
                    requires,
                })
            }
        }
    }

    /// Parse, check and compile a condition. A text already compiled is not again: its names
    /// were found then, and it means the same wherever it is written.
    pub(super) fn condition(&mut self, file: usize, text: &Str, cx: &CondCx<'_>) -> Option<Condition> {
        if let Some(done) = cx.compiled.borrow().get(text.get_ref()) {
            return Some(done.clone());
        }
        let raw_text = &self.files[file].text;
        let base = text.span().start + quote_width(raw_text, text.span().start);
        let expr = match expr::parse(text.get_ref()) {
            Ok(e) => e,
            Err(e) => {
                let at = base + e.offset;
                self.err(file, at..at + 1, format!("invalid condition: expected {}", e.expected))
                    .notes
                    .push("see grammar/CONDITIONS.md".into());
                return None;
            }
        };
        let before = self.diags.len();
        self.check_names(file, base, &expr, cx);
        if self.diags.len() > before {
            return None;
        }
        let region = cx.compile(&expr);
        let mut roles: Vec<usize> = expr
            .names()
            .iter()
            .filter_map(|n| cx.index.roles.get(&n.text).copied())
            .collect();
        roles.dedup();
        let done = Condition {
            text: text.get_ref().clone(),
            roles,
            region: region.into(),
        };
        cx.compiled.borrow_mut().insert(done.text.clone(), done.clone());
        Some(done)
    }

    fn check_names(&mut self, file: usize, base: usize, e: &Expr, cx: &CondCx<'_>) {
        let mut stack = vec![e];
        while let Some(e) = stack.pop() {
            match e {
                Expr::True => {}
                Expr::And(v) | Expr::Or(v) => stack.extend(v),
                Expr::Not(x) => stack.push(x),
                Expr::Compare { role, .. } => {
                    self.check_role(file, base, role, cx);
                }
                Expr::In { subject, values, .. } => {
                    let Some(role) = self.check_role(file, base, subject.role(), cx) else {
                        continue;
                    };
                    for v in values {
                        let span = base + v.span.start..base + v.span.end;
                        match subject {
                            Subject::Deployment(_) => {
                                if !cx.index.modes.contains_key(&v.text) {
                                    let d = Diagnostic::new(format!("unknown deployment mode `{}`", v.text))
                                        .at(file, span)
                                        .suggest(did_you_mean(&v.text, cx.index.modes.keys().map(String::as_str)));
                                    self.diags.push(d);
                                }
                            }
                            Subject::Role(r) => {
                                let roles = cx.value_role(&v.text);
                                match roles {
                                    None if self.broken_ids.contains(&v.text) => {}
                                    None => {
                                        let names = cx
                                            .products
                                            .iter()
                                            .filter(|p| p.role == role)
                                            .map(|p| p.id.as_str())
                                            .chain(
                                                cx.families.iter().filter(|f| f.role == role).map(|f| f.id.as_str()),
                                            );
                                        let d = Diagnostic::new(format!("unknown product or family `{}`", v.text))
                                            .at(file, span)
                                            .label(format!("not a product of role `{}`", r.text))
                                            .suggest(did_you_mean(&v.text, names));
                                        self.diags.push(d);
                                    }
                                    Some(vr) if vr != role => {
                                        let d = Diagnostic::new(format!(
                                            "`{}` is not a product of role `{}`",
                                            v.text, r.text
                                        ))
                                        .at(file, span)
                                        .label("never true: wrong role");
                                        self.diags.push(d);
                                    }
                                    Some(_) => {}
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    fn check_role(&mut self, file: usize, base: usize, name: &expr::Name, cx: &CondCx<'_>) -> Option<usize> {
        if let Some(&r) = cx.index.roles.get(&name.text) {
            return Some(r);
        }
        if self.broken_ids.contains(&name.text) {
            return None;
        }
        let d = Diagnostic::new(format!("unknown role `{}`", name.text))
            .at(file, base + name.span.start..base + name.span.end)
            .label("not a role")
            .suggest(did_you_mean(&name.text, cx.index.roles.keys().map(String::as_str)));
        self.diags.push(d);
        None
    }
}

/// What compiling a condition needs to know.
pub(super) struct CondCx<'a> {
    pub(super) index: &'a Index,
    pub(super) products: &'a [Product],
    pub(super) families: &'a [Family],
    pub(super) universe: &'a Universe,
    /// The conditions compiled so far, by their text.
    pub(super) compiled: &'a std::cell::RefCell<rustc_hash::FxHashMap<String, Condition>>,
}

impl CondCx<'_> {
    pub(super) fn always(&self) -> Condition {
        Condition {
            text: "true".into(),
            roles: Vec::new(),
            region: Region::from_cube(self.universe, self.universe.full()).into(),
        }
    }

    /// The role of a product or family id.
    fn value_role(&self, id: &str) -> Option<usize> {
        if let Some(&p) = self.index.products.get(id) {
            return Some(self.products[p].role);
        }
        self.index.families.get(id).map(|&f| self.families[f].role)
    }

    /// The products a list of ids denotes, families expanded.
    fn products_of(&self, values: &[expr::Name]) -> Vec<usize> {
        let mut out = Vec::new();
        for v in values {
            if let Some(&p) = self.index.products.get(&v.text) {
                out.push(p);
            } else if let Some(&f) = self.index.families.get(&v.text) {
                out.extend(&self.families[f].members);
            }
        }
        out
    }

    /// The set of topologies where a condition holds.
    fn compile(&self, e: &Expr) -> Region {
        self.compile_signed(e, false)
    }

    fn compile_signed(&self, e: &Expr, negate: bool) -> Region {
        let u = self.universe;
        match e {
            Expr::True => {
                if negate {
                    Region::empty()
                } else {
                    Region::from_cube(u, u.full())
                }
            }
            Expr::Not(x) => self.compile_signed(x, !negate),
            Expr::And(v) | Expr::Or(v) => {
                // De Morgan: a negated `and` is an `or` of negations.
                let conjunction = matches!(e, Expr::And(_)) != negate;
                let mut parts = v.iter().map(|x| self.compile_signed(x, negate));
                let first = parts.next().unwrap_or_default();
                parts.fold(first, |acc, r| {
                    if conjunction {
                        acc.intersect(u, &r)
                    } else {
                        acc.union(u, &r)
                    }
                })
            }
            Expr::In {
                subject,
                values,
                negated,
                ..
            } => {
                let Some(&role) = self.index.roles.get(&subject.role().text) else {
                    return Region::empty();
                };
                let matching: Vec<usize> = match subject {
                    Subject::Role(_) => self.products_of(values),
                    Subject::Deployment(_) => {
                        let modes: Vec<usize> = values
                            .iter()
                            .filter_map(|v| self.index.modes.get(&v.text).copied())
                            .collect();
                        self.role_products(role)
                            .filter(|&p| self.products[p].deployment.is_some_and(|d| modes.contains(&d)))
                            .collect()
                    }
                };
                self.set(role, &matching, *negated != negate)
            }
            Expr::Compare { role, op, version } => {
                let Some(&role) = self.index.roles.get(&role.text) else {
                    return Region::empty();
                };
                let matching: Vec<usize> = self
                    .role_products(role)
                    .filter(|&p| self.products[p].version.is_some_and(|v| op.holds(v, *version)))
                    .collect();
                self.set(role, &matching, negate)
            }
        }
    }

    fn role_products(&self, role: usize) -> impl Iterator<Item = usize> + '_ {
        self.universe.role_products(role)
    }

    fn set(&self, role: usize, products: &[usize], complement: bool) -> Region {
        let u = self.universe;
        let cube: Cube = if complement {
            u.restrict_except(role, products.iter().copied())
        } else {
            u.restrict(role, products.iter().copied())
        };
        Region::from_cube(u, cube)
    }
}
