//! The lexer (`grammar/GRAMMAR.md`, "Tokens"), with nom: the one way text is cut into words,
//! for the names of the knowledge base and for questions alike.
//!
//! A text is split into runs of letters, runs of digits, runs of Chinese characters and
//! punctuation; everything else separates tokens. Letters keep the combining marks that follow
//! them (a decomposed `é` is one letter), and are folded by [`super::fold`], so `Résolution`,
//! `re\u{301}solution` and `resolution` are the same word, and full-width `２０１３` is `2013`.

use std::ops::Range;

use nom::bytes::complete::take_while1;
use nom::character::complete::anychar;
use nom::combinator::map;
use nom::{IResult, Parser};

/// What kind of token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Letters: `exchange`, `résolution` (folded to `resolution`).
    Word,
    /// Digits: `2013`, `２０１３` (folded to `2013`).
    Number,
    /// A run of Chinese characters: `统一联系人存储`, cut into words later against the
    /// vocabulary of the knowledge base.
    Han,
    /// `?`, `,`, `+`, `&`, `/`, `(`, `)`, `:`, `;`, `!`, `.`, `-`, `→`, `>`, and their
    /// full-width forms.
    Punct,
}

/// A token: its folded text and its byte span in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub text: String,
    pub span: Range<usize>,
}

/// Chinese characters (the CJK unified ideographs and their extensions).
#[must_use]
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2A6DF)
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    // Digits of other scripts ("٢٠١٣") are words too: never a silent separator.
    (c.is_alphabetic() || unicode_normalization::char::is_combining_mark(c) || (c.is_numeric() && !is_digit(c)))
        && !is_han(c)
}

/// The punctuation a token keeps, full-width forms read as their ASCII form.
fn punct(c: char) -> Option<char> {
    let c = match c {
        '？' => '?',
        '，' | '、' => ',',
        '＋' => '+',
        '＆' => '&',
        '／' => '/',
        '（' => '(',
        '）' => ')',
        '：' => ':',
        '；' => ';',
        '！' => '!',
        '。' | '．' => '.',
        '－' | '–' | '—' => '-',
        c => c,
    };
    "?,+&/():;!.->→".contains(c).then_some(c)
}

type Res<'a> = IResult<&'a str, Option<(Kind, &'a str)>>;

/// `token = letters | digits | han | space | other`, the alternative chosen by the first
/// character (the alternatives start with characters of different classes).
fn token(input: &str) -> Res<'_> {
    match input.chars().next() {
        Some(c) if is_letter(c) => map(take_while1(is_letter), |s| Some((Kind::Word, s))).parse(input),
        Some(c) if is_digit(c) => map(take_while1(is_digit), |s| Some((Kind::Number, s))).parse(input),
        Some(c) if is_han(c) => map(take_while1(is_han), |s| Some((Kind::Han, s))).parse(input),
        Some(c) if c.is_whitespace() => map(take_while1(char::is_whitespace), |_| None).parse(input),
        _ => map(anychar, |_| None).parse(input),
    }
}

/// Split a text into tokens. Never fails: characters that are no token separate tokens.
#[must_use]
pub fn lex(text: &str) -> Vec<Token> {
    if text.is_ascii() {
        lex_ascii(text)
    } else {
        lex_any(text)
    }
}

/// [`lex`] by the grammar's parser, for any text.
fn lex_any(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 4 + 1);
    let mut rest = text;
    while !rest.is_empty() {
        let at = text.len() - rest.len();
        let Ok((after, tok)) = token(rest) else { break };
        let span = at..text.len() - after.len();
        match tok {
            Some((kind, s)) => out.push(Token {
                kind,
                text: if kind == Kind::Han {
                    s.to_owned()
                } else {
                    super::fold(s)
                },
                span,
            }),
            None => {
                if let Some(c) = text[span.clone()].chars().next().and_then(punct) {
                    out.push(Token {
                        kind: Kind::Punct,
                        text: c.to_string(),
                        span,
                    });
                }
            }
        }
        rest = after;
    }
    out
}

/// [`lex`] of an ASCII text, byte by byte: the tokens [`lex_any`] finds (most names and
/// questions are ASCII, and the knowledge base's vocabulary cuts thousands of names). In ASCII
/// a letter is `a-z A-Z`, a digit `0-9`, and every other byte is a token of one character or
/// none.
fn lex_ascii(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(text.len() / 4 + 1);
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        if b.is_ascii_alphanumeric() {
            let letters = b.is_ascii_alphabetic();
            let same = |c: &u8| {
                if letters {
                    c.is_ascii_alphabetic()
                } else {
                    c.is_ascii_digit()
                }
            };
            let end = at + bytes[at..].iter().position(|c| !same(c)).unwrap_or(bytes.len() - at);
            out.push(Token {
                kind: if letters { Kind::Word } else { Kind::Number },
                text: text[at..end].to_ascii_lowercase(),
                span: at..end,
            });
            at = end;
        } else {
            if let Some(c) = punct(char::from(b)) {
                out.push(Token {
                    kind: Kind::Punct,
                    text: c.to_string(),
                    span: at..at + 1,
                });
            }
            at += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(t: &str) -> Vec<(Kind, String)> {
        lex(t).into_iter().map(|t| (t.kind, t.text)).collect()
    }

    #[test]
    fn letters_digits_and_chinese_runs_are_separate_tokens() {
        assert_eq!(
            kinds("Ex2013 + 统一?"),
            [
                (Kind::Word, "ex".into()),
                (Kind::Number, "2013".into()),
                (Kind::Punct, "+".into()),
                (Kind::Han, "统一".into()),
                (Kind::Punct, "?".into()),
            ]
        );
    }

    #[test]
    fn accents_case_and_width_fold() {
        assert_eq!(kinds("Résolution")[0].1, "resolution");
        assert_eq!(kinds("pre\u{301}sence"), [(Kind::Word, "presence".into())]);
        assert_eq!(
            kinds("Ｅｘｃｈａｎｇｅ ２０１３"),
            [(Kind::Word, "exchange".into()), (Kind::Number, "2013".into())]
        );
        assert_eq!(kinds("Exchange 2013？")[2], (Kind::Punct, "?".into()));
        assert_eq!(
            kinds("d’Outlook").iter().map(|k| k.1.as_str()).collect::<Vec<_>>(),
            ["d", "outlook"]
        );
    }

    /// The byte-by-byte lexer of ASCII texts finds what the grammar's parser finds, on every
    /// text of up to four characters over letters, digits, spaces, controls and punctuation,
    /// and on longer random ones.
    #[test]
    fn ascii_texts_lex_as_the_grammar_says() {
        let alphabet: Vec<char> = "aZ9 \t\x0b-?,./()#'\"_~".chars().collect();
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
        }
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..2000 {
            let len = usize::try_from(seed % 40).unwrap_or(0);
            let t: String = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    char::from(u8::try_from(seed % 128).unwrap_or(b' '))
                })
                .collect();
            texts.push(t);
        }
        for t in &texts {
            assert_eq!(lex_ascii(t), lex_any(t), "{t:?}");
        }
    }

    #[test]
    fn spans_cover_the_original_text() {
        let t = "Does «UCS» work? pre\u{301}sence";
        for tok in lex(t) {
            assert!(t.is_char_boundary(tok.span.start) && t.is_char_boundary(tok.span.end));
        }
        assert_eq!(&t[lex(t)[1].span.clone()], "UCS");
        assert_eq!(&t[lex(t)[4].span.clone()], "pre\u{301}sence");
    }
}
