//! The nom parser of the condition language (`grammar/CONDITIONS.md`).
//!
//! Recursive descent with one token of look-ahead; `cut` after every committing token so an
//! error lands where the text goes wrong. Nesting is bounded by [`MAX_DEPTH`].

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while1};
use nom::character::complete::{char, digit1, multispace0};
use nom::combinator::{opt, recognize};
use nom::error::{ErrorKind, ParseError as NomParseError};
use nom::sequence::preceded;
use nom::{Err, IResult, Parser};

use super::{CmpOp, Expr, Name, Subject};

/// Deeper than this, a condition is rejected rather than risking the stack.
pub const MAX_DEPTH: usize = 32;

/// Where a condition stops making sense, and what was expected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset into the condition's text.
    pub offset: usize,
    pub expected: &'static str,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "expected {}", self.expected)
    }
}

/// The error nom threads through: the remaining input and what was expected.
#[derive(Debug)]
struct PErr<'a> {
    at: &'a str,
    expected: &'static str,
}

impl<'a> NomParseError<&'a str> for PErr<'a> {
    fn from_error_kind(input: &'a str, _kind: ErrorKind) -> Self {
        PErr {
            at: input,
            expected: "a condition",
        }
    }

    fn append(_input: &'a str, _kind: ErrorKind, other: Self) -> Self {
        other
    }
}

type Res<'a, T> = IResult<&'a str, T, PErr<'a>>;

fn fail<'a, T>(at: &'a str, expected: &'static str) -> Res<'a, T> {
    Err(Err::Error(PErr { at, expected }))
}

fn cut_with<'a, T>(r: Res<'a, T>, expected: &'static str) -> Res<'a, T> {
    r.map_err(|e| match e {
        Err::Error(e) => Err::Failure(PErr { at: e.at, expected }),
        other => other,
    })
}

struct Parser_<'s> {
    full: &'s str,
}

/// Parse a whole condition.
///
/// # Errors
/// Where the text stops being a condition, and what was expected there.
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    let p = Parser_ { full: text };
    let result = p.expr(text, 0).and_then(|(rest, e)| {
        let (rest, _) = multispace0(rest)?;
        if rest.is_empty() {
            Ok((rest, e))
        } else {
            fail(rest, "`and`, `or` or the end of the condition")
        }
    });
    match result {
        Ok((_, e)) => Ok(e),
        Err(Err::Error(e) | Err::Failure(e)) => Err(ParseError {
            offset: text.len() - e.at.len(),
            expected: e.expected,
        }),
        Err(Err::Incomplete(_)) => Err(ParseError {
            offset: text.len(),
            expected: "more input",
        }),
    }
}

fn ws<'a, O, P>(inner: P) -> impl Parser<&'a str, Output = O, Error = PErr<'a>>
where
    P: Parser<&'a str, Output = O, Error = PErr<'a>>,
{
    preceded(multispace0, inner)
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'
}

/// A keyword: the word, not followed by another identifier character.
fn keyword<'a>(word: &'static str) -> impl Parser<&'a str, Output = &'a str, Error = PErr<'a>> {
    move |input: &'a str| {
        let (rest, _) = multispace0(input)?;
        let (after, w) = tag(word).parse(rest)?;
        if after.starts_with(is_ident_char) {
            return fail(rest, word);
        }
        Ok((after, w))
    }
}

impl<'s> Parser_<'s> {
    fn offset(&self, rest: &str) -> usize {
        self.full.len() - rest.len()
    }

    /// `or = and { "or" and }`
    fn expr<'a>(&self, input: &'a str, depth: usize) -> Res<'a, Expr> {
        if depth > MAX_DEPTH {
            return Err(Err::Failure(PErr {
                at: input,
                expected: "a shallower condition (too many nested parentheses)",
            }));
        }
        self.chain(input, depth, "or", "a condition after `or`", Self::and, Expr::Or)
    }

    /// `item { word item }`: one item as itself, several joined by `join`.
    fn chain<'a>(
        &self,
        input: &'a str,
        depth: usize,
        word: &'static str,
        expected: &'static str,
        item: fn(&Self, &'a str, usize) -> Res<'a, Expr>,
        join: fn(Vec<Expr>) -> Expr,
    ) -> Res<'a, Expr> {
        let (mut rest, first) = item(self, input, depth)?;
        let mut items = vec![first];
        while let Ok((r, _)) = keyword(word).parse(rest) {
            let (r, e) = cut_with(item(self, r, depth), expected)?;
            items.push(e);
            rest = r;
        }
        Ok((rest, if items.len() == 1 { items.remove(0) } else { join(items) }))
    }

    /// `and = not { "and" not }`
    fn and<'a>(&self, input: &'a str, depth: usize) -> Res<'a, Expr> {
        self.chain(input, depth, "and", "a condition after `and`", Self::not, Expr::And)
    }

    /// `not = "not" not | primary`
    fn not<'a>(&self, input: &'a str, depth: usize) -> Res<'a, Expr> {
        if depth > MAX_DEPTH {
            return Err(Err::Failure(PErr {
                at: input,
                expected: "a shallower condition (too many nested `not`s)",
            }));
        }
        if let Ok((rest, _)) = keyword("not").parse(input) {
            let (rest, e) = cut_with(self.not(rest, depth + 1), "a condition after `not`")?;
            return Ok((rest, Expr::Not(Box::new(e))));
        }
        self.primary(input, depth)
    }

    /// `primary = "(" expr ")" | "true" | comparison`
    fn primary<'a>(&self, input: &'a str, depth: usize) -> Res<'a, Expr> {
        if let Ok((rest, _)) = ws(char('(')).parse(input) {
            let (rest, e) = cut_with(self.expr(rest, depth + 1), "a condition")?;
            let (rest, _) = cut_with(ws(char(')')).parse(rest), "`)`")?;
            return Ok((rest, e));
        }
        if let Ok((rest, _)) = keyword("true").parse(input) {
            return Ok((rest, Expr::True));
        }
        self.comparison(input)
    }

    fn name<'a>(&self, input: &'a str, expected: &'static str) -> Res<'a, Name> {
        let (rest, _) = multispace0(input)?;
        match take_while1::<_, _, PErr<'a>>(is_ident_char).parse(rest) {
            Ok((after, text)) => {
                let start = self.offset(rest);
                Ok((
                    after,
                    Name {
                        text: text.to_owned(),
                        span: start..start + text.len(),
                    },
                ))
            }
            Err(_) => fail(rest, expected),
        }
    }

    /// `subject = "deployment" "(" name ")" | name`
    fn subject<'a>(&self, input: &'a str) -> Res<'a, Subject> {
        if let Ok((rest, _)) = (keyword("deployment"), ws(char('('))).parse(input) {
            let (rest, role) = cut_with(self.name(rest, "a role"), "a role")?;
            let (rest, _) = cut_with(ws(char(')')).parse(rest), "`)`")?;
            return Ok((rest, Subject::Deployment(role)));
        }
        let (rest, role) = self.name(input, "a condition (a role such as `exchange`)")?;
        Ok((rest, Subject::Role(role)))
    }

    /// `comparison = subject ("=" | "!=") name | subject ["not"] "in" list | role cmp integer`
    fn comparison<'a>(&self, input: &'a str) -> Res<'a, Expr> {
        let (rest, subject) = self.subject(input)?;
        let (rest, _) = multispace0(rest)?;
        let op = alt((
            tag::<_, _, PErr<'a>>(">="),
            tag("<="),
            tag("!="),
            tag("="),
            tag(">"),
            tag("<"),
        ))
        .parse(rest)
        .ok();
        if let Some((after, op)) = op {
            if op == "=" || op == "!=" {
                let (after, value) = cut_with(self.name(after, "a name"), "a name")?;
                return Ok((
                    after,
                    Expr::In {
                        subject,
                        values: vec![value],
                        negated: op == "!=",
                        single: true,
                    },
                ));
            }
            let Subject::Role(role) = subject else {
                return Err(Err::Failure(PErr {
                    at: rest,
                    expected: "`=`, `!=` or `in` (a deployment has no version)",
                }));
            };
            let (after, digits) = cut_with(ws(recognize((opt(char('-')), digit1))).parse(after), "a version number")?;
            let Ok(version) = digits.parse::<i64>() else {
                return Err(Err::Failure(PErr {
                    at: after,
                    expected: "a smaller version number",
                }));
            };
            let op = match op {
                ">=" => CmpOp::Ge,
                ">" => CmpOp::Gt,
                "<=" => CmpOp::Le,
                _ => CmpOp::Lt,
            };
            return Ok((after, Expr::Compare { role, op, version }));
        }
        let negated = keyword("not").parse(rest).ok();
        let rest = negated.map_or(rest, |(r, _)| r);
        let (rest, _) = match keyword("in").parse(rest) {
            Ok(ok) => ok,
            Err(_) => {
                let what = if negated.is_some() {
                    "`in`"
                } else {
                    "`=`, `!=`, `in`, `not in`, `>=`, `>`, `<=` or `<`"
                };
                return Err(Err::Failure(PErr {
                    at: rest,
                    expected: what,
                }));
            }
        };
        let (rest, values) = cut_with(self.list(rest), "a list such as `[a, b]`")?;
        Ok((
            rest,
            Expr::In {
                subject,
                values,
                negated: negated.is_some(),
                single: false,
            },
        ))
    }

    /// `list = "[" name { "," name } [","] "]"`
    fn list<'a>(&self, input: &'a str) -> Res<'a, Vec<Name>> {
        let (mut rest, _) = ws(char('[')).parse(input)?;
        let mut values = Vec::new();
        loop {
            if let Ok((r, _)) = ws(char::<_, PErr<'a>>(']')).parse(rest) {
                if values.is_empty() {
                    return fail(rest, "a name in the list");
                }
                return Ok((r, values));
            }
            let (r, v) = cut_with(self.name(rest, "a name or `]`"), "a name or `]`")?;
            values.push(v);
            rest = r;
            match ws(char::<_, PErr<'a>>(',')).parse(rest) {
                Ok((r, _)) => rest = r,
                Err(_) => {
                    let (r, _) = cut_with(ws(char(']')).parse(rest), "`,` or `]`")?;
                    return Ok((r, values));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> (usize, &'static str) {
        let e = parse(text).unwrap_err();
        (e.offset, e.expected)
    }

    #[test]
    fn precedence_and_binds_tighter_than_or() {
        let e = parse("a = x or b = y and c = z").unwrap();
        assert!(matches!(&e, Expr::Or(v) if v.len() == 2 && matches!(v[1], Expr::And(_))));
    }

    #[test]
    fn errors_point_where_the_text_goes_wrong() {
        assert_eq!(err("exchange >="), (11, "a version number"));
        assert_eq!(err("exchange in [a, b"), (17, "`,` or `]`"));
        assert_eq!(
            err("exchange"),
            (8, "`=`, `!=`, `in`, `not in`, `>=`, `>`, `<=` or `<`")
        );
        assert_eq!(err("exchange = a and"), (16, "a condition after `and`"));
        assert_eq!(err("exchange = a b"), (13, "`and`, `or` or the end of the condition"));
        assert_eq!(
            err("deployment(exchange) >= 2013").1,
            "`=`, `!=` or `in` (a deployment has no version)"
        );
        assert_eq!(err("exchange in []"), (13, "a list such as `[a, b]`"));
        assert_eq!(err(""), (0, "a condition (a role such as `exchange`)"));
    }

    #[test]
    fn keywords_need_a_word_boundary() {
        // `order` is a name, not `or` followed by `der`.
        let e = parse("order = x").unwrap();
        assert_eq!(e.to_string(), "order = x");
        assert!(parse("a = x orb = y").is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{}a = b{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(parse(&deep).unwrap_err().expected.contains("shallower"));
        let nots = format!("{}a = b", "not ".repeat(10_000));
        assert!(parse(&nots).is_err());
    }

    #[test]
    fn spans_point_at_names() {
        let text = "server in [lync-server-2013, sfb-server]";
        let e = parse(text).unwrap();
        for n in e.names() {
            assert_eq!(&text[n.span.clone()], n.text);
        }
    }
}
