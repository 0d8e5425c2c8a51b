//! Text, as both the names of the knowledge base and the questions are read: one lexer, one
//! folding, one stemming, so that a name and a question always meet in the same form.
//!
//! - [`lex`] cuts a text into words, numbers, runs of Chinese characters and punctuation.
//! - [`fold`]: Unicode compatibility decomposition (NFKD), combining marks dropped, lower case,
//!   ligatures spelled out: `Résolution`, `re\u{301}solution` and `ＲＥＳＯＬＵＴＩＯＮ` are all
//!   `resolution`.
//! - [`Stems`]: the Snowball stemmers of English and French (`archiving`, `archived`,
//!   `archive` → `archiv`; `répondre`, `répondez` → `repond`).
//! - [`stop`]: the function words of the three languages, which name nothing.

pub mod lex;
pub mod stop;

use std::borrow::Cow;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;

/// Fold a word: NFKD, combining marks dropped, lower case, `œ` `æ` `ß` spelled out.
#[must_use]
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        for l in c.to_lowercase() {
            match l {
                'œ' => out.push_str("oe"),
                'æ' => out.push_str("ae"),
                'ß' => out.push_str("ss"),
                l => out.push(l),
            }
        }
    }
    out
}

/// A name as it is shown: the spaces that mark the words of a Chinese name in the data
/// ("统一 联系人 存储") are left out, as Chinese is written ("统一联系人存储").
#[must_use]
pub fn display(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' '
            && i > 0
            && chars
                .get(i + 1)
                .is_some_and(|&n| lex::is_han(n) || "（）、".contains(n))
            && (lex::is_han(chars[i - 1]) || "（）、".contains(chars[i - 1]))
        {
            continue;
        }
        out.push(c);
    }
    out
}

/// A language of the names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Fr,
    /// Chinese: words are not stemmed.
    Zh,
}

impl Lang {
    /// From a tag of the data (`en`, `fr`, `zh`).
    #[must_use]
    pub fn from_tag(tag: &str) -> Self {
        match tag {
            "fr" => Lang::Fr,
            "zh" => Lang::Zh,
            _ => Lang::En,
        }
    }
}

/// The stemmers of the languages of the sources.
pub struct Stems {
    en: Stemmer,
    fr: Stemmer,
}

impl Default for Stems {
    fn default() -> Self {
        Stems {
            en: Stemmer::create(Algorithm::English),
            fr: Stemmer::create(Algorithm::French),
        }
    }
}

impl std::fmt::Debug for Stems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Stems")
    }
}

impl Stems {
    /// The French stem of a word as written, accents and all (the French stemmer reads them:
    /// "archivées" → "archiv", where "archivees" would not be), folded.
    #[must_use]
    pub fn stem_fr_written(&self, written: &str) -> String {
        let lower: String = written.nfc().flat_map(char::to_lowercase).collect();
        if !lower.chars().all(char::is_alphabetic) {
            return fold(&lower);
        }
        fold(&self.fr.stem(&lower))
    }

    /// The stem of a folded word in a language; digits and Chinese are their own stem.
    #[must_use]
    pub fn stem<'a>(&self, lang: Lang, w: &'a str) -> Cow<'a, str> {
        if !w.chars().all(char::is_alphabetic) || w.chars().any(lex::is_han) {
            return Cow::Borrowed(w);
        }
        match lang {
            Lang::En => self.en.stem(w),
            Lang::Fr => self.fr.stem(w),
            Lang::Zh => Cow::Borrowed(w),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_handles_decomposed_accents_width_and_ligatures() {
        assert_eq!(fold("Présence"), "presence");
        assert_eq!(fold("pre\u{301}sence"), "presence");
        assert_eq!(fold("ＵＣＳ"), "ucs");
        assert_eq!(fold("Œuvre"), "oeuvre");
        assert_eq!(fold("統一"), "統一");
    }

    #[test]
    fn chinese_names_are_shown_without_their_word_marks() {
        assert_eq!(display("统一 联系人 存储"), "统一联系人存储");
        assert_eq!(display("Exchange UM 语音 邮件"), "Exchange UM 语音邮件");
        assert_eq!(display("Outlook 中 的 状态"), "Outlook 中的状态");
        assert_eq!(display("Skype for Business"), "Skype for Business");
    }

    #[test]
    fn inflections_meet_at_their_stem() {
        let s = Stems::default();
        for w in ["archive", "archiving", "archived", "archives"] {
            assert_eq!(s.stem(Lang::En, w), "archiv", "{w}");
        }
        assert_eq!(s.stem(Lang::En, "replying"), s.stem(Lang::En, "reply"));
        assert_eq!(s.stem(Lang::En, "searching"), "search");
        assert_eq!(s.stem(Lang::Fr, "archiver"), s.stem(Lang::Fr, "archive"));
        assert_eq!(s.stem_fr_written("archivées"), s.stem_fr_written("archivé"));
        assert_eq!(s.stem(Lang::Fr, "reponses"), s.stem(Lang::Fr, "reponse"));
        assert_eq!(s.stem(Lang::En, "2013"), "2013");
    }
}
