//! Names as administrators write them, folded to one form so that "Hi-Res photos",
//! "high resolution photo" and "photos haute résolution" meet the aliases of `data/`.
//!
//! Folding: lower case; accents removed; `-`, `_`, `/`, `+`, apostrophes and punctuation
//! split words; a boundary between letters and digits splits too (`Ex2013` → `ex 2013`);
//! Chinese characters are words of one character; a plural `s` is dropped from words of more
//! than three letters (`photos` → `photo`, not `ss`); the word `microsoft` is dropped.
//! The same folding applies to aliases and to questions, so the two always agree.

use std::collections::HashMap;
use std::ops::Range;

use crate::kb::KnowledgeBase;

/// A word of a question or alias, folded, with its byte span in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub span: Range<usize>,
}

/// What a name denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Entity {
    Feature(usize),
    Product(usize),
    Family(usize),
    Mode(usize),
    Deployment(usize),
    Role(usize),
}

impl Entity {
    /// The role a product, family or role names; none for features, modes and columns.
    #[must_use]
    pub fn role(self, kb: &KnowledgeBase) -> Option<usize> {
        match self {
            Entity::Product(p) => Some(kb.products[p].role),
            Entity::Family(f) => Some(kb.families[f].role),
            Entity::Role(r) => Some(r),
            Entity::Feature(_) | Entity::Mode(_) | Entity::Deployment(_) => None,
        }
    }
}

/// Split and fold a text into words, keeping each word's span (the lexer of
/// `grammar/GRAMMAR.md`, in `query::lex`).
#[must_use]
pub fn words(text: &str) -> Vec<Word> {
    crate::query::lex::lex(text)
        .into_iter()
        .filter_map(|t| match t.kind {
            crate::query::lex::Kind::Word | crate::query::lex::Kind::Number | crate::query::lex::Kind::Ideogram => {
                Some(Word {
                    text: fold_word(&t.text),
                    span: t.span,
                })
            }
            crate::query::lex::Kind::Punct => None,
        })
        .collect()
}

/// The folded form of one lower-case word: a plural `s` dropped.
pub(crate) fn fold_word(w: &str) -> String {
    if w.chars().count() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") {
        w[..w.len() - 1].to_owned()
    } else {
        w.to_owned()
    }
}

/// The folded key of a phrase: its words joined by spaces, `microsoft` left out.
#[must_use]
pub fn key(text: &str) -> String {
    words(text)
        .into_iter()
        .map(|w| w.text)
        .filter(|w| w != "microsoft")
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every alias of the knowledge base, folded, with what it denotes.
#[derive(Debug, Default)]
pub struct NameIndex {
    by_key: HashMap<String, Vec<Entity>>,
    /// The longest alias, in words.
    longest: usize,
    /// Each entity's display names, for did-you-mean.
    pub display: Vec<(String, Entity)>,
    /// Every word of every name of each feature, for questions that describe a feature in
    /// words of their own ("schedule online meetings through OWA").
    pub feature_words: Vec<std::collections::HashSet<String>>,
    /// The (name, entity) pairs already in `display`.
    shown: std::collections::HashSet<(String, Entity)>,
}

impl NameIndex {
    #[must_use]
    pub fn build(kb: &KnowledgeBase) -> Self {
        let mut idx = NameIndex::default();
        for (i, f) in kb.features.iter().enumerate() {
            let mut set = std::collections::HashSet::new();
            for n in std::iter::once(f.name.as_str())
                .chain(f.label.as_deref())
                .chain(f.aliases.all())
            {
                set.extend(words(n).into_iter().map(|w| w.text));
            }
            idx.feature_words.push(set);
            idx.add_entity(
                Some(&f.id),
                [f.name.as_str()].into_iter().chain(f.label.as_deref()),
                &f.aliases,
                Entity::Feature(i),
            );
        }
        for (i, p) in kb.products.iter().enumerate() {
            idx.add_entity(Some(&p.id), [p.name.as_str()], &p.aliases, Entity::Product(i));
        }
        for (i, f) in kb.families.iter().enumerate() {
            idx.add_entity(Some(&f.id), [f.name.as_str()], &f.aliases, Entity::Family(i));
        }
        for (i, m) in kb.modes.iter().enumerate() {
            idx.add_entity(Some(&m.id), [m.name.as_str()], &m.aliases, Entity::Mode(i));
        }
        for (i, d) in kb.deployments.iter().enumerate() {
            idx.add_entity(None, [d.name.as_str()], &d.aliases, Entity::Deployment(i));
        }
        for (i, r) in kb.roles.iter().enumerate() {
            idx.add_entity(None, [], &r.aliases, Entity::Role(i));
        }
        idx
    }

    /// An entity's id (found, never suggested), names and aliases.
    fn add_entity<'n>(
        &mut self,
        id: Option<&str>,
        names: impl IntoIterator<Item = &'n str>,
        aliases: &'n crate::kb::Names,
        e: Entity,
    ) {
        if let Some(id) = id {
            self.add_id(id, e);
        }
        for n in names.into_iter().chain(aliases.all()) {
            self.add(n, e);
        }
    }

    /// Add an id: found like any name, but never offered as a did-you-mean.
    fn add_id(&mut self, id: &str, e: Entity) {
        let n = self.display.len();
        self.add(id, e);
        for (name, e) in self.display.drain(n..) {
            self.shown.remove(&(name, e));
        }
    }

    fn add(&mut self, name: &str, e: Entity) {
        let k = key(name);
        if k.is_empty() {
            return;
        }
        self.longest = self.longest.max(k.split(' ').count());
        let v = self.by_key.entry(k).or_default();
        if !v.contains(&e) {
            v.push(e);
        }
        if self.shown.insert((name.to_owned(), e)) {
            self.display.push((name.to_owned(), e));
        }
    }

    /// The longest alias starting at `words[at]`: its length in words and what it denotes.
    #[must_use]
    pub fn longest_match(&self, words: &[Word], at: usize) -> Option<(usize, &[Entity])> {
        let max = self.longest.min(words.len() - at);
        for len in (1..=max).rev() {
            let phrase = words[at..at + len]
                .iter()
                .map(|w| w.text.as_str())
                .filter(|w| *w != "microsoft")
                .collect::<Vec<_>>()
                .join(" ");
            if let Some(v) = self.by_key.get(&phrase) {
                return Some((len, v));
            }
        }
        None
    }

    /// Whether a folded phrase is a known alias.
    #[must_use]
    pub fn get(&self, phrase: &str) -> Option<&[Entity]> {
        self.by_key.get(&key(phrase)).map(Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(t: &str) -> Vec<String> {
        words(t).into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn folding_meets_the_ways_names_are_written() {
        assert_eq!(key("Hi-Res Photos"), "hi res photo");
        assert_eq!(key("hi res photo"), "hi res photo");
        assert_eq!(key("Ex2013"), "ex 2013");
        assert_eq!(key("Exchange 2013"), key("exchange-2013"));
        assert_eq!(key("Microsoft Exchange Server 2013"), "exchange server 2013");
        assert_eq!(key("photos haute résolution"), "photo haute resolution");
        assert_eq!(key("On-Prem"), "on prem");
        assert_eq!(keys("统一联系人存储"), ["统", "一", "联", "系", "人", "存", "储"]);
        assert_eq!(keys("IM/presence"), ["im", "presence"]);
        assert_eq!(key("access"), "access");
    }

    #[test]
    fn spans_point_into_the_original() {
        let t = "Does UCS work with Exchange2013?";
        for w in words(t) {
            assert!(t[w.span.clone()].to_lowercase().starts_with(&w.text[..1]));
        }
        let w = words(t);
        assert_eq!(&t[w[4].span.clone()], "Exchange");
        assert_eq!(&t[w[5].span.clone()], "2013");
    }
}
