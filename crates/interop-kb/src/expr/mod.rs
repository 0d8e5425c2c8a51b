//! The condition language of `data/`: where a column, a rule or a statement applies.
//!
//! `grammar/CONDITIONS.md` documents it; [`parse`] implements it with nom. A condition talks
//! about the products in each role of a topology:
//!
//! ```
//! let e = interop_kb::expr::parse("exchange >= 2013 and client not in [lync-2010, lwa]").unwrap();
//! assert_eq!(e.to_string(), "exchange >= 2013 and client not in [lync-2010, lwa]");
//! ```

mod parse;

use std::fmt;
use std::ops::Range;

pub use parse::{MAX_DEPTH, ParseError, parse};

/// A parsed condition. Names keep their span (byte offsets into the condition's text) so that
/// the loader can point at the one that resolves to nothing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Expr {
    True,
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    /// `role = a`, `role != a`, `role in [a, b]`, `role not in [a, b]`, and the same with
    /// `deployment(role)` on the left.
    In {
        subject: Subject,
        values: Vec<Name>,
        negated: bool,
        /// Whether it was written with `=`/`!=` rather than `in`.
        single: bool,
    },
    /// `role >= 2013`: the product's version number compared with a number.
    Compare {
        role: Name,
        op: CmpOp,
        version: i64,
    },
}

/// What a comparison is about.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Subject {
    /// The product in a role.
    Role(Name),
    /// The deployment mode (`on-premises`, `online`) of the product in a role.
    Deployment(Name),
}

impl Subject {
    #[must_use]
    pub fn role(&self) -> &Name {
        match self {
            Subject::Role(n) | Subject::Deployment(n) => n,
        }
    }
}

/// An identifier and where it stands in the condition's text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Name {
    pub text: String,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CmpOp {
    Ge,
    Gt,
    Le,
    Lt,
}

impl CmpOp {
    #[must_use]
    pub fn holds(self, left: i64, right: i64) -> bool {
        match self {
            CmpOp::Ge => left >= right,
            CmpOp::Gt => left > right,
            CmpOp::Le => left <= right,
            CmpOp::Lt => left < right,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            CmpOp::Ge => ">=",
            CmpOp::Gt => ">",
            CmpOp::Le => "<=",
            CmpOp::Lt => "<",
        }
    }
}

impl Expr {
    /// Every name the condition mentions, role names included, in the order written.
    #[must_use]
    pub fn names(&self) -> Vec<&Name> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            match e {
                Expr::True => {}
                Expr::And(v) | Expr::Or(v) => stack.extend(v.iter().rev()),
                Expr::Not(e) => stack.push(e),
                Expr::In { subject, values, .. } => {
                    out.push(subject.role());
                    out.extend(values);
                }
                Expr::Compare { role, .. } => out.push(role),
            }
        }
        out
    }

    fn precedence(&self) -> u8 {
        match self {
            Expr::Or(_) => 1,
            Expr::And(_) => 2,
            _ => 3,
        }
    }

    fn fmt_child(&self, child: &Expr, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if child.precedence() < self.precedence()
            || (child.precedence() == self.precedence() && matches!(child, Expr::And(_) | Expr::Or(_)))
        {
            write!(f, "({child})")
        } else {
            write!(f, "{child}")
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::True => f.write_str("true"),
            Expr::And(v) | Expr::Or(v) => {
                let sep = if matches!(self, Expr::And(_)) { " and " } else { " or " };
                for (i, e) in v.iter().enumerate() {
                    if i > 0 {
                        f.write_str(sep)?;
                    }
                    self.fmt_child(e, f)?;
                }
                Ok(())
            }
            Expr::Not(e) => {
                f.write_str("not ")?;
                self.fmt_child(e, f)
            }
            Expr::In {
                subject,
                values,
                negated,
                single,
            } => {
                match subject {
                    Subject::Role(r) => f.write_str(&r.text)?,
                    Subject::Deployment(r) => write!(f, "deployment({})", r.text)?,
                }
                if *single && values.len() == 1 {
                    let op = if *negated { "!=" } else { "=" };
                    return write!(f, " {op} {}", values[0].text);
                }
                f.write_str(if *negated { " not in [" } else { " in [" })?;
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(&v.text)?;
                }
                f.write_str("]")
            }
            Expr::Compare { role, op, version } => {
                write!(f, "{} {} {version}", role.text, op.as_str())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_round_trips_through_parse() {
        for text in [
            "true",
            "exchange >= 2013",
            "server = lync-server-2013",
            "server != lync-server-2010",
            "client in [lync-2013, sfb-client]",
            "client not in [lync-2010, lync-mac, lwa, mobile]",
            "deployment(exchange) = online",
            "exchange >= 2013 and (server = a or server = b)",
            "not (exchange = a and server = b) or client = c",
        ] {
            let e = parse(text).unwrap();
            assert_eq!(e.to_string(), text);
            assert_eq!(parse(&e.to_string()).unwrap(), e);
        }
    }

    #[test]
    fn names_lists_roles_and_values_in_order() {
        let e = parse("exchange in [a, b] and deployment(server) = online").unwrap();
        let names: Vec<_> = e.names().iter().map(|n| n.text.as_str()).collect();
        assert_eq!(names, ["exchange", "a", "b", "server", "online"]);
    }
}
