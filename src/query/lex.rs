//! The lexer of questions (`grammar/GRAMMAR.md`, "Tokens"), with nom.
//!
//! A question is split into words of letters, numbers, single Chinese characters and
//! punctuation; everything else separates tokens. Letters are lower-cased and their accents
//! removed, so `Résolution` and `resolution` are the same word.

use std::ops::Range;

use nom::branch::alt;
use nom::bytes::complete::{take_while_m_n, take_while1};
use nom::character::complete::anychar;
use nom::combinator::map;
use nom::{IResult, Parser};

/// What kind of token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Letters: `exchange`, `résolution` (folded to `resolution`).
    Word,
    /// Digits: `2013`.
    Number,
    /// One Chinese character: `统`.
    Ideogram,
    /// `?`, `,`, `+`, `&`, `/`, `(`, `)`, `:`, `;`, `!`, `.`, `-`, quotes…
    Punct,
}

/// A token: its folded text and its byte span in the question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub text: String,
    pub span: Range<usize>,
}

/// Characters of one Chinese character token.
#[must_use]
pub fn is_ideogram(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2A6DF)
}

fn is_letter(c: char) -> bool {
    // Digits of other scripts ("٢٠١٣") are words too: never a silent separator.
    (c.is_alphabetic() || (c.is_numeric() && !c.is_ascii_digit())) && !is_ideogram(c)
}

fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'æ' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'œ' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            c => c,
        })
        .collect()
}

type Res<'a> = IResult<&'a str, Option<(Kind, &'a str)>>;

/// `token = letters | digits | ideogram | punct | space`
fn token(input: &str) -> Res<'_> {
    alt((
        map(take_while1(is_letter), |s| Some((Kind::Word, s))),
        map(take_while1(|c: char| c.is_ascii_digit()), |s| Some((Kind::Number, s))),
        map(take_while_m_n(1, 1, is_ideogram), |s| Some((Kind::Ideogram, s))),
        map(take_while1(char::is_whitespace), |_| None),
        map(anychar, |_| None),
    ))
    .parse(input)
}

const PUNCT: &[char] = &[
    '?', '？', ',', '，', '、', '+', '&', '/', '(', ')', ':', ';', '!', '.', '-', '→', '>',
];

/// Split a question into tokens. Never fails: characters that are no token separate tokens.
#[must_use]
pub fn lex(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let at = text.len() - rest.len();
        let Ok((after, tok)) = token(rest) else { break };
        let span = at..text.len() - after.len();
        match tok {
            Some((kind, s)) => out.push(Token {
                kind,
                text: if kind == Kind::Word { fold(s) } else { s.to_owned() },
                span,
            }),
            None => {
                let s = &text[span.clone()];
                if let Some(c) = s.chars().next().filter(|c| PUNCT.contains(c)) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(t: &str) -> Vec<(Kind, String)> {
        lex(t).into_iter().map(|t| (t.kind, t.text)).collect()
    }

    #[test]
    fn letters_digits_and_ideograms_are_separate_tokens() {
        assert_eq!(
            kinds("Ex2013 + 统一?"),
            [
                (Kind::Word, "ex".into()),
                (Kind::Number, "2013".into()),
                (Kind::Punct, "+".into()),
                (Kind::Ideogram, "统".into()),
                (Kind::Ideogram, "一".into()),
                (Kind::Punct, "?".into()),
            ]
        );
    }

    #[test]
    fn accents_and_case_fold() {
        assert_eq!(kinds("Résolution")[0].1, "resolution");
        assert_eq!(
            kinds("d’Outlook").iter().map(|k| k.1.as_str()).collect::<Vec<_>>(),
            ["d", "outlook"]
        );
    }

    #[test]
    fn spans_cover_the_original_text() {
        let t = "Does «UCS» work?";
        for tok in lex(t) {
            assert!(t.is_char_boundary(tok.span.start) && t.is_char_boundary(tok.span.end));
        }
        assert_eq!(&t[lex(t)[1].span.clone()], "UCS");
    }
}
