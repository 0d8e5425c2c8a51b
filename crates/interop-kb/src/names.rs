//! The vocabulary of the knowledge base: every name and alias of `data/`, read by [`crate::text`]
//! the same way questions are, so that "Hi-Res photos", "high resolution photo", "photos haute
//! résolution" and "高分辨率联系人照片" meet the names they mean.
//!
//! A name is cut into words ([`crate::text::lex`]; a run of Chinese characters is cut against
//! the Chinese words of the names and the Chinese function words, longest first), each word
//! folded and stemmed in the name's language; function words ([`crate::text::stop`]) are left
//! out. What remains are *terms*. Products, families, roles, modes, deployment columns and
//! uncovered products are found in a question as a run of terms ([`NameIndex::longest_match`]);
//! features by how well the question's terms cover one of their names (`query`), weighted by
//! how rare each term is among the features.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::kb::KnowledgeBase;
use crate::memo::Memo;
use crate::strmap::{Lists, StrMap, Texts};
use crate::text::lex::{self, Kind};
use crate::text::{Lang, Stems, fold, stop};

/// A row label quoted whole is read as the row from this many words on.
const LABEL_WORDS: usize = 6;

/// A term of the vocabulary: the stem of a word of some name.
pub type Term = u32;

/// What a name denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Entity {
    Feature(usize),
    Product(usize),
    Family(usize),
    Mode(usize),
    Deployment(usize),
    Role(usize),
    /// A product no source covers ([`crate::kb::Uncovered`]).
    Uncovered(usize),
}

impl Entity {
    /// The role a product, family or role names; none for the others.
    #[must_use]
    pub fn role(self, kb: &KnowledgeBase) -> Option<usize> {
        Words::of(kb).role_of(self)
    }

    /// Its display name.
    #[must_use]
    pub fn name(self, kb: &KnowledgeBase) -> &str {
        match self {
            Entity::Product(p) => &kb.products[p].name,
            Entity::Family(f) => &kb.families[f].name,
            Entity::Role(r) => &kb.roles[r].name,
            Entity::Mode(m) => &kb.modes[m].name,
            Entity::Deployment(d) => &kb.deployments[d].name,
            Entity::Feature(f) => &kb.features[f].name,
            Entity::Uncovered(u) => &kb.uncovered[u].name,
        }
    }
}

/// What the vocabulary is built from: the parts of a knowledge base that are named. The
/// loader builds it from these while it compiles the rest of the base.
#[derive(Clone, Copy)]
pub struct Words<'a> {
    pub features: &'a [crate::kb::Feature],
    pub products: &'a [crate::kb::Product],
    pub families: &'a [crate::kb::Family],
    pub roles: &'a [crate::kb::Role],
    pub modes: &'a [crate::kb::Mode],
    pub deployments: &'a [crate::kb::Deployment],
    pub uncovered: &'a [crate::kb::Uncovered],
    pub synonyms: &'a [crate::kb::Synonym],
}

/// The [`Words`] of a knowledge base, borrowing those fields alone: the loader takes them while
/// it still fills the others (which `Words::of`, borrowing the whole base, would not let it).
macro_rules! words_of {
    ($kb:expr) => {
        $crate::names::Words {
            features: &$kb.features,
            products: &$kb.products,
            families: &$kb.families,
            roles: &$kb.roles,
            modes: &$kb.modes,
            deployments: &$kb.deployments,
            uncovered: &$kb.uncovered,
            synonyms: &$kb.synonyms,
        }
    };
}
pub(crate) use words_of;

impl<'a> Words<'a> {
    #[must_use]
    pub fn of(kb: &'a KnowledgeBase) -> Self {
        words_of!(kb)
    }

    /// The role a product, family or role names ([`Entity::role`]).
    fn role_of(&self, e: Entity) -> Option<usize> {
        match e {
            Entity::Product(p) => Some(self.products[p].role),
            Entity::Family(f) => Some(self.families[f].role),
            Entity::Role(r) => Some(r),
            Entity::Feature(_) | Entity::Mode(_) | Entity::Deployment(_) | Entity::Uncovered(_) => None,
        }
    }
}

/// The terms a word can be, held inline: at most four (its English stem, its French stem as
/// written and folded, itself).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Terms {
    len: u8,
    items: [Term; 4],
}

impl Terms {
    /// One term.
    #[must_use]
    pub fn one(t: Term) -> Self {
        Terms {
            len: 1,
            items: [t, 0, 0, 0],
        }
    }

    /// Add a term, unless it is there or three are.
    pub fn push(&mut self, t: Term) {
        if !self.contains(&t) && usize::from(self.len) < self.items.len() {
            self.items[usize::from(self.len)] = t;
            self.len += 1;
        }
    }

    pub fn clear(&mut self) {
        self.len = 0;
    }
}

impl std::ops::Deref for Terms {
    type Target = [Term];
    fn deref(&self) -> &[Term] {
        &self.items[..usize::from(self.len)]
    }
}

impl<'a> IntoIterator for &'a Terms {
    type Item = &'a Term;
    type IntoIter = std::slice::Iter<'a, Term>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// The kind of a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordKind {
    Latin,
    Number,
    Han,
}

/// A word of a text, read against the vocabulary.
#[derive(Debug, Clone)]
pub struct Word {
    /// Folded (for a correction: the word it was corrected to).
    pub text: String,
    /// Byte span in the text.
    pub span: Range<usize>,
    pub kind: WordKind,
    /// A function word: it names nothing.
    pub stop: bool,
    /// The terms it can be: its stem in English, in French, or itself. Empty when the word is
    /// in no name.
    pub terms: Terms,
    /// The punctuation right before it, if any (`+`, `,`, `/`, …).
    pub punct_before: Option<char>,
    /// Set when the word was read as a correction of what was written.
    pub corrected_from: Option<String>,
    /// The synonym the word is as written (an `=` word of `data/synonyms.toml`).
    pub exact: Option<Term>,
    /// Set when the word is part of a phrase of several words read as a synonym ("instant
    /// message", "status bubble"): such a phrase says more than one word.
    pub phrase: bool,
}

impl Word {
    /// Whether a name may not run across the punctuation before this word: a name runs across
    /// `-`, `/`, `(`, `)` and `.`-less joins ("on-prem", "IM/presence", "Exchange (on premises)"),
    /// never across `+`, `,`, `&`, `;`, `:`, `?`, `!`, `.`, `→`, `>`.
    #[must_use]
    pub fn breaks(&self) -> bool {
        self.punct_before.is_some_and(|c| !matches!(c, '-' | '/' | '(' | ')'))
    }
}

/// A name of a feature, as the set of its terms.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct FeatureName {
    pub feature: usize,
    /// Distinct terms, in the order of the name.
    pub terms: Vec<Term>,
    /// The sum of the weights of its terms.
    pub weight: f32,
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Trie<T> {
    edges: HashMap<(u32, Term), u32>,
    ends: Vec<Vec<T>>,
}

impl<T> Default for Trie<T> {
    fn default() -> Self {
        Trie {
            edges: HashMap::default(),
            ends: Vec::new(),
        }
    }
}

impl<T: PartialEq> Trie<T> {
    fn insert(&mut self, terms: &[Term], e: T) {
        if self.ends.is_empty() {
            self.ends.push(Vec::new());
        }
        let mut node = 0u32;
        for &t in terms {
            let next = u32::try_from(self.ends.len()).unwrap_or(u32::MAX);
            node = *self.edges.entry((node, t)).or_insert_with(|| {
                self.ends.push(Vec::new());
                next
            });
        }
        let ends = &mut self.ends[node as usize];
        if !ends.contains(&e) {
            ends.push(e);
        }
    }
}

/// A feature's display name for did-you-mean: its number, the characters of its key, and the
/// key's [`crate::diag::letters`] (none for a key that is not lowercase).
type FeatureKey = (u32, u32, Option<u64>);

/// The feature keys of some number of words, by length, then by letters, each in the order of
/// the display names; and where each run of the same length and letters starts.
#[derive(Debug, Default)]
struct FeatureKeys {
    keys: Vec<FeatureKey>,
    starts: Vec<u32>,
}

/// A feature key that did-you-mean measures ([`NameIndex::feature_keys_within`]), and the
/// display name that has it.
#[derive(Clone, Copy)]
pub struct KeyOf<'a> {
    index: &'a NameIndex,
    display: usize,
}

impl<'a> KeyOf<'a> {
    /// The display name that has the key.
    #[must_use]
    pub fn name(&self) -> &'a str {
        self.index.display.get(self.display).unwrap_or("")
    }

    /// The key.
    #[must_use]
    pub fn key(&self) -> &'a str {
        self.index.display_key(self.display)
    }
}

/// Feature keys of the same length and letters ([`NameIndex::feature_keys_within`]): what
/// did-you-mean asks of them first is asked once for all (the synthetic copies of a base share
/// them by the thousand), and their texts are looked up only if they are within reach.
#[derive(Clone, Copy)]
pub struct KeysOf<'a> {
    index: &'a NameIndex,
    keys: &'a [FeatureKey],
}

impl<'a> KeysOf<'a> {
    /// The keys, each with its display name.
    pub fn keys(&self) -> impl Iterator<Item = KeyOf<'a>> + use<'a> {
        let index = self.index;
        self.keys.iter().map(move |&(i, _, _)| KeyOf {
            index,
            display: i as usize,
        })
    }
}

impl<'a> crate::diag::Lettered<'a> for KeysOf<'a> {
    fn chars(&self) -> usize {
        self.keys.first().map_or(0, |k| k.1 as usize)
    }
    fn letters(&self) -> Option<u64> {
        self.keys.first().and_then(|k| k.2)
    }
    fn texts(&self) -> impl Iterator<Item = &'a str> {
        self.keys().map(|k| k.key())
    }
}

/// Every name and alias of the knowledge base, read into terms.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct NameIndex {
    #[serde(skip)]
    stems: Stems,
    /// The terms of each Latin word a question has had ([`NameIndex::terms_of`]): stemming a
    /// word in two languages costs more than the rest of reading it, and the words of
    /// questions recur.
    #[serde(skip)]
    latin_terms: Memo<String, Terms, 50_000>,
    /// The typo correction of each word a question has had, as a word of a name and as a word
    /// of a synonym read only as written: looking one up compares the word with the whole
    /// vocabulary, and the words of questions recur.
    #[serde(skip)]
    corrections: Memo<String, Option<String>, 50_000>,
    #[serde(skip)]
    exact_corrections: Memo<String, Option<String>, 50_000>,
    /// Each term's text; a term is its number here.
    terms: StrMap<()>,
    /// The folded words of the names (not function words), with their term: what a typo is
    /// corrected to.
    surfaces: StrMap<Term>,
    /// The numbers of the surfaces by how many characters they have, each with its
    /// [`crate::diag::letters`], made on the first word corrected: a typo is compared only with
    /// the surfaces of a length within reach, and not with those its letters rule out.
    #[serde(skip)]
    surfaces_by_chars: std::sync::OnceLock<Vec<Vec<(u32, u64)>>>,
    /// Two words of a name written as one ("freebusy" → "free" "busy"), with the length of the
    /// first.
    compounds: StrMap<u32>,
    trie: Trie<Entity>,
    /// The row labels of the support table word for word, products and all ("High-resolution
    /// Contact Photo (Requires Lync 2013 or Skype for Business clients …)"), for a question
    /// that quotes one.
    labels: Trie<Entity>,
    /// The phrases of each synonym ([`crate::kb::Synonym`]), and the term that stands for it.
    synonyms: Trie<Term>,
    /// Words read as a synonym only as written, not by their stem (`=availability`, whose stem
    /// is that of "available").
    exact: StrMap<Term>,
    /// Every name of every feature.
    pub feature_names: Vec<FeatureName>,
    /// For each term, the feature names that have it.
    by_term: Lists<usize>,
    /// For each term, how rare it is among the features (`ln(1 + features / features with it)`).
    weights: Vec<f32>,
    /// The Chinese words of the names and the Chinese function words, longest first, built on
    /// the first question with Chinese in it.
    #[serde(skip)]
    han: std::sync::OnceLock<Option<AhoCorasick>>,
    han_words: StrMap<()>,
    /// Each entity's display names, for did-you-mean, and the entity of each.
    display: Texts,
    display_entities: Vec<Entity>,
    /// The key of each display name ([`NameIndex::key`]), for did-you-mean.
    display_keys: Texts,
    /// The display names of features by how many words their keys have (1 to 3), as indices
    /// into `display` with how many characters their keys have and their letters, shortest keys
    /// first, then by letters, in runs of one length and letters, each in the order of
    /// `display`: what a phrase of as many words of a rejected
    /// question is matched against, made on the first rejected question.
    #[serde(skip)]
    feature_keys_by_words: std::sync::OnceLock<[FeatureKeys; 4]>,
    /// The terms a name of the topology stands for among the words of features.
    entity_terms: HashMap<Entity, Vec<Term>>,
    /// While building: each word, stemmed once in each language (English, French, Chinese).
    #[serde(skip)]
    stemmed: HashMap<String, [Option<Term>; 3]>,
    /// The term that stands for each entity.
    entity_term_of: HashMap<Entity, Term>,
    /// The terms of words that are no stop words: a word that has only other terms is worth
    /// correcting ("onlie" shares a stem with "only").
    content_terms: HashSet<Term>,
    /// The role of the product each product term stands for.
    product_roles: HashMap<Term, usize>,
}

/// The names of an entity, with their language.
fn tagged<'a>(
    names: impl IntoIterator<Item = &'a str>,
    aliases: &'a crate::kb::Names,
) -> impl Iterator<Item = (Lang, &'a str)> {
    names
        .into_iter()
        .map(|n| (Lang::En, n))
        .chain(aliases.tagged().map(|(t, a)| (Lang::from_tag(t), a)))
}

/// A row label with its sentence in parentheses left out ("High-resolution Contact Photo
/// (Requires Lync 2013 … older clients.)"): the sentence is about clients, not a name.
fn label_name(label: &str) -> &str {
    match label.find('(') {
        Some(i) if label[i..].contains('.') => label[..i].trim_end(),
        _ => label,
    }
}

impl NameIndex {
    #[must_use]
    pub fn build(kb: &KnowledgeBase) -> Self {
        Self::build_from(&Words::of(kb))
    }

    /// The vocabulary of the named parts of a knowledge base.
    #[must_use]
    pub fn build_from(kb: &Words<'_>) -> Self {
        // Every name, with what it denotes and its language.
        let mut names: Vec<(Entity, Lang, &str, bool)> = Vec::new();
        for (i, f) in kb.features.iter().enumerate() {
            let e = Entity::Feature(i);
            names.push((e, Lang::En, f.id.as_str(), false));
            let own = [f.name.as_str()].into_iter().chain(f.label.as_deref().map(label_name));
            names.extend(tagged(own, &f.aliases).map(|(l, n)| (e, l, n, true)));
            if let Some(fr) = &f.label_fr {
                names.push((e, Lang::Fr, label_name(fr), true));
            }
        }
        let others = kb
            .products
            .iter()
            .enumerate()
            .map(|(i, p)| (Entity::Product(i), Some(p.id.as_str()), p.name.as_str(), &p.aliases))
            .chain(
                kb.families
                    .iter()
                    .enumerate()
                    .map(|(i, f)| (Entity::Family(i), Some(f.id.as_str()), f.name.as_str(), &f.aliases)),
            )
            .chain(
                kb.modes
                    .iter()
                    .enumerate()
                    .map(|(i, m)| (Entity::Mode(i), Some(m.id.as_str()), m.name.as_str(), &m.aliases)),
            )
            .chain(
                // A column is found by its aliases ("all online"), not by its title, which
                // names products that are read one by one.
                kb.deployments
                    .iter()
                    .enumerate()
                    .map(|(i, d)| (Entity::Deployment(i), None, "", &d.aliases)),
            )
            .chain(
                kb.uncovered
                    .iter()
                    .enumerate()
                    .map(|(i, u)| (Entity::Uncovered(i), Some(u.id.as_str()), u.name.as_str(), &u.aliases)),
            );
        for (e, id, name, aliases) in others {
            if let Some(id) = id {
                names.push((e, Lang::En, id, false));
            }
            names.extend(tagged([name], aliases).map(|(l, n)| (e, l, n, true)));
        }
        for (i, r) in kb.roles.iter().enumerate() {
            let e = Entity::Role(i);
            names.extend(tagged([], &r.aliases).map(|(l, n)| (e, l, n, true)));
        }

        // The Chinese words: the function words, and each run of Chinese characters in a name
        // (added as the names are read).
        let mut han_words = StrMap::default();
        for w in stop::HAN {
            han_words.insert_new(w, ());
        }

        let mut idx = NameIndex {
            latin_terms: Memo::default(),
            corrections: Memo::default(),
            exact_corrections: Memo::default(),
            stems: Stems::default(),
            terms: StrMap::default(),
            surfaces: StrMap::default(),
            surfaces_by_chars: std::sync::OnceLock::new(),
            compounds: StrMap::default(),
            trie: Trie::default(),
            labels: Trie::default(),
            synonyms: Trie::default(),
            exact: StrMap::default(),
            feature_names: Vec::new(),
            by_term: Lists::default(),
            weights: Vec::new(),
            han: std::sync::OnceLock::new(),
            feature_keys_by_words: std::sync::OnceLock::new(),
            han_words,
            display: Texts::default(),
            display_entities: Vec::new(),
            display_keys: Texts::default(),
            entity_terms: HashMap::default(),
            stemmed: HashMap::default(),
            entity_term_of: HashMap::default(),
            content_terms: HashSet::default(),
            product_roles: HashMap::default(),
        };
        for s in kb.synonyms {
            let concept = idx.intern(&format!("@synonym:{}", s.id));
            for (tag, phrase) in s.words.tagged() {
                if let Some(word) = phrase.strip_prefix('=') {
                    for t in lex::lex(word) {
                        if t.kind == Kind::Han {
                            idx.add_han_word(&t.text);
                        }
                    }
                    let w = fold(word);
                    idx.surfaces.insert_new(&w, concept);
                    idx.exact.insert(&w, concept);
                    continue;
                }
                let words = idx.name_words(Lang::from_tag(tag), phrase, true);
                let terms: Vec<Term> = words.iter().flat_map(|w| w.terms.iter().copied()).collect();
                if !terms.is_empty() {
                    idx.synonyms.insert(&terms, concept);
                }
            }
        }
        let mut shown: HashSet<(&str, Entity)> = HashSet::default();
        let mut display_keys: Vec<Option<String>> = Vec::new();
        let mut seen_names: HashSet<(usize, Vec<Term>)> = HashSet::default();
        // Names of the topology first: they make the trie that feature names are read with.
        names.sort_by_key(|(e, _, _, _)| matches!(e, Entity::Feature(_)));
        // A name given twice in a row (a product's name, and the same again as its first
        // alias) would be read again to the same effect.
        names.dedup();
        let mut alternatives: Vec<(Term, Option<Term>)> = Vec::new();
        let mut path: Vec<Term> = Vec::new();
        for (e, lang, n, display) in names {
            if n.is_empty() {
                continue;
            }
            let words = idx.name_words(lang, n, matches!(e, Entity::Feature(_)));
            if words.iter().all(|w| w.stop) {
                continue;
            }
            if display && shown.insert((n, e)) {
                idx.display.push(n);
                idx.display_entities.push(e);
                // Its key (`key`): its words but the stop words, as cut here, unless some are
                // Chinese: those are cut against the whole vocabulary, known at the end.
                display_keys.push(
                    (!words.iter().any(|w| w.kind == WordKind::Han))
                        .then(|| key_of(words.iter().map(|w| w.text.as_str()))),
                );
            }
            let Entity::Feature(f) = e else {
                // Each word under its stem in both languages, so that a feature's name in either
                // finds it ("Skype" in "réunions Skype").
                // (Up to eight paths: the first words that differ between the languages
                // each double them, the first word the most significant.)
                alternatives.clear();
                let mut paths = 1_usize;
                for w in &words {
                    let Some(&own) = w.terms.first() else { continue };
                    let other_lang = if lang == Lang::Fr { Lang::En } else { Lang::Fr };
                    let other = if w.kind == WordKind::Latin {
                        idx.stem_term(other_lang, &w.text)
                    } else {
                        own
                    };
                    let other = (other != own && paths < 8).then_some(other);
                    if other.is_some() {
                        paths *= 2;
                    }
                    alternatives.push((own, other));
                }
                let doubled = paths.trailing_zeros();
                for i in 0..paths {
                    path.clear();
                    let mut bit = doubled;
                    for &(own, other) in &alternatives {
                        match other {
                            Some(other) => {
                                bit -= 1;
                                path.push(if (i >> bit) & 1 == 1 { other } else { own });
                            }
                            None => path.push(own),
                        }
                    }
                    idx.trie.insert(&path, e);
                }
                continue;
            };
            // A phrase of a synonym is that synonym's term.
            let mut words = words;
            let synonym = idx.apply_synonyms(&mut words);
            // A product, family, role or mode named inside a feature's name is that entity:
            // "presence in Outlook Web App" and "presence in OWA" both name OWA, and neither
            // names Outlook.
            let mut distinct: Vec<Term> = Vec::new();
            // Products are found by any stem of their words ("Skype" in a French name).
            let _ = synonym;
            let probe = &words;
            let mut k = 0;
            while k < words.len() {
                // "Lync Server" is the family and the role: the family is more precise.
                let one = idx.longest_match(probe, k).and_then(|(end, es)| {
                    let precise: Vec<Entity> = es
                        .iter()
                        .copied()
                        .filter(|e| !matches!(e, Entity::Deployment(_) | Entity::Uncovered(_)))
                        .filter(|e| {
                            !matches!(e, Entity::Role(r) if es.iter().any(|o| !matches!(o, Entity::Role(_)) && kb.role_of(*o) == Some(*r)))
                        })
                        .collect();
                    match precise.as_slice() {
                        [one] => Some((end, *one)),
                        _ => None,
                    }
                });
                if let Some((end, one)) = one {
                    let t = idx.entity_term(kb, one);
                    if !distinct.contains(&t) {
                        distinct.push(t);
                    }
                    k = end + 1;
                    continue;
                }
                if !words[k].stop {
                    for &t in &words[k].terms {
                        if !distinct.contains(&t) {
                            distinct.push(t);
                        }
                    }
                }
                k += 1;
            }
            if !distinct.is_empty() && seen_names.insert((f, distinct.clone())) {
                idx.feature_names.push(FeatureName {
                    feature: f,
                    terms: distinct,
                    weight: 0.0,
                });
            }
        }
        for (i, f) in kb.features.iter().enumerate() {
            let labels = f
                .label
                .iter()
                .map(|l| (Lang::En, l))
                .chain(f.label_fr.iter().map(|l| (Lang::Fr, l)));
            for (lang, label) in labels {
                let words = idx.name_words(lang, label, false);
                let terms: Vec<Term> = words.iter().flat_map(|w| w.terms.iter().copied()).collect();
                if words.iter().filter(|w| !w.stop).count() >= LABEL_WORDS {
                    idx.labels.insert(&terms, Entity::Feature(i));
                }
            }
        }
        // What a name in a question stands for, for the features: the entity, its families,
        // its role.
        let entities = (0..kb.products.len())
            .map(Entity::Product)
            .chain((0..kb.families.len()).map(Entity::Family))
            .chain((0..kb.roles.len()).map(Entity::Role))
            .chain((0..kb.modes.len()).map(Entity::Mode));
        for e in entities {
            let mut ts = vec![idx.entity_term(kb, e)];
            if let Entity::Product(p) = e {
                idx.product_roles.insert(ts[0], kb.products[p].role);
                ts.extend(
                    kb.products[p]
                        .families
                        .iter()
                        .map(|&f| idx.entity_term(kb, Entity::Family(f))),
                );
            }
            if let Some(r) = kb.role_of(e).filter(|_| !matches!(e, Entity::Role(_))) {
                ts.push(idx.entity_term(kb, Entity::Role(r)));
            }
            idx.entity_terms.insert(e, ts);
        }
        // Weights: how many features have each term.
        let n_terms = idx.terms.len();
        // The names come feature by feature (in the order of the features), so a feature is
        // counted under a term when it is not the last one counted there.
        debug_assert!(idx.feature_names.windows(2).all(|w| w[0].feature <= w[1].feature));
        let mut features_with: Vec<u32> = vec![0; n_terms];
        let mut by_term: Vec<Vec<usize>> = vec![Vec::new(); n_terms];
        let mut last: Vec<usize> = vec![usize::MAX; n_terms];
        for (i, name) in idx.feature_names.iter().enumerate() {
            for &t in &name.terms {
                if last[t as usize] != name.feature {
                    last[t as usize] = name.feature;
                    features_with[t as usize] += 1;
                }
                by_term[t as usize].push(i);
            }
        }
        for names in by_term {
            idx.by_term.push(names);
        }
        #[allow(clippy::cast_precision_loss)]
        let n_features = kb.features.len().max(1) as f32;
        #[allow(clippy::cast_precision_loss)]
        {
            idx.weights = features_with
                .iter()
                .map(|&n| (1.0 + n_features / n.max(1) as f32).ln())
                .collect();
        }
        let weights = std::mem::take(&mut idx.weights);
        for name in &mut idx.feature_names {
            name.weight = name.terms.iter().map(|&t| weights[t as usize]).sum();
        }
        idx.weights = weights;
        idx.stemmed = HashMap::default();
        for (i, key) in display_keys.into_iter().enumerate() {
            let name = idx.display.get(i).unwrap_or("");
            let key = key.unwrap_or_else(|| idx.key(name));
            debug_assert_eq!(key, idx.key(name));
            idx.display_keys.push(&key);
        }
        idx
    }

    /// A run of Chinese characters of a name, a word to cut questions with.
    fn add_han_word(&mut self, w: &str) {
        self.han_words.insert_new(w, ());
    }

    /// The words of a name in its language, as [`Word`]s with the one term each word is; the
    /// words of the name are added to the vocabulary of typos and compounds.
    fn name_words(&mut self, lang: Lang, n: &str, inflect: bool) -> Vec<Word> {
        let cut = self.cut_words(n, false);
        let mut out: Vec<Word> = Vec::with_capacity(cut.len());
        // The word before, when it is a word of letters: the two may be written as one.
        let mut prev: Option<usize> = None;
        let mut joined = String::new();
        for (text, span, kind, punct) in cut {
            // French is stemmed as written, accents and all.
            let text_for_stem = if lang == Lang::Fr && kind == WordKind::Latin && !n[span.clone()].is_ascii() {
                &n[span.clone()]
            } else {
                text.as_str()
            };
            let stop = says_nothing(&text);
            let mut terms = Terms::default();
            if stop {
                prev = None;
                // A stop word that is no article or preposition is still a word of the name
                // ("browser version of Outlook", "users homed on"): it must be there.
                if !stop::is_function(&text) {
                    terms.push(self.stem_term(lang, text_for_stem));
                }
            } else {
                let t = self.stem_term(lang, text_for_stem);
                self.content_terms.insert(t);
                terms.push(t);
                if kind == WordKind::Latin {
                    if !self.surfaces.contains_key(&text) {
                        self.surfaces.insert(&text, t);
                        if lang == Lang::En && inflect {
                            for form in inflections(&text) {
                                self.surfaces.insert_new(&form, t);
                            }
                        }
                    }
                    if let Some(p) = prev {
                        let p: &str = &out[p].text;
                        joined.clear();
                        joined.push_str(p);
                        joined.push_str(&text);
                        let first = u32::try_from(p.len()).unwrap_or(u32::MAX);
                        self.compounds.insert_new(&joined, first);
                    }
                    prev = Some(out.len());
                } else {
                    if kind == WordKind::Han {
                        self.add_han_word(&text);
                    }
                    prev = None;
                }
            }
            out.push(Word {
                text,
                span,
                kind,
                stop,
                terms,
                punct_before: punct,
                corrected_from: None,
                exact: None,
                phrase: false,
            });
        }
        out
    }

    /// The term of a word's stem in a language, stemming each word once.
    fn stem_term(&mut self, lang: Lang, text: &str) -> Term {
        let slot = match lang {
            Lang::En => 0,
            Lang::Fr => 1,
            Lang::Zh => 2,
        };
        if let Some(t) = self.stemmed.get(text).and_then(|s| s[slot]) {
            return t;
        }
        let stem = if lang == Lang::Fr && !text.is_ascii() {
            self.stems.stem_fr_written(text)
        } else {
            self.stems.stem(lang, text).into_owned()
        };
        let t = self.intern(&stem);
        self.stemmed.entry(text.to_owned()).or_default()[slot] = Some(t);
        t
    }

    /// The term that stands for an entity among the words of features.
    fn entity_term(&mut self, kb: &Words<'_>, e: Entity) -> Term {
        if let Some(&t) = self.entity_term_of.get(&e) {
            return t;
        }
        let key = match e {
            Entity::Product(p) => format!("@product:{}", kb.products[p].id),
            Entity::Family(f) => format!("@family:{}", kb.families[f].id),
            Entity::Role(r) => format!("@role:{}", kb.roles[r].id),
            Entity::Mode(m) => format!("@mode:{}", kb.modes[m].id),
            Entity::Deployment(d) => format!("@deployment:{}", kb.deployments[d].id),
            Entity::Feature(f) => format!("@feature:{}", kb.features[f].id),
            Entity::Uncovered(u) => format!("@uncovered:{}", kb.uncovered[u].id),
        };
        let t = self.intern(&key);
        self.entity_term_of.insert(e, t);
        t
    }

    /// The terms a name of the topology stands for among the words of features: the entity,
    /// the families of a product, the role.
    #[must_use]
    pub fn terms_for(&self, e: Entity) -> &[Term] {
        self.entity_terms.get(&e).map_or(&[], Vec::as_slice)
    }

    fn intern(&mut self, term: &str) -> Term {
        Term::try_from(self.terms.insert_new(term, ())).unwrap_or(Term::MAX)
    }

    /// The term a text is, if it is one.
    fn term_of(&self, text: &str) -> Option<Term> {
        self.terms.index_of(text).and_then(|t| Term::try_from(t).ok())
    }

    /// The words of a text: folded, Chinese runs cut against the vocabulary, with their spans
    /// and the punctuation before each.
    fn cut_with_punct(&self, text: &str) -> Vec<(String, Range<usize>, WordKind, Option<char>)> {
        self.cut_words(text, true)
    }

    /// The words of a text; Chinese runs cut against the vocabulary when `segment`, else each a
    /// word (a name of the data marks its Chinese words with spaces).
    fn cut_words(&self, text: &str, segment: bool) -> Vec<(String, Range<usize>, WordKind, Option<char>)> {
        let tokens = lex::lex(text);
        let mut out: Vec<(String, Range<usize>, WordKind, Option<char>)> = Vec::with_capacity(tokens.len());
        let mut punct = None;
        let mut tokens = tokens.into_iter().peekable();
        while let Some(t) = tokens.next() {
            match t.kind {
                Kind::Punct => {
                    // The strongest break wins: `, (` is a comma.
                    let c = t.text.chars().next().unwrap_or(' ');
                    if punct.is_none_or(|p: char| matches!(p, '-' | '/' | '(' | ')')) {
                        punct = Some(c);
                    }
                }
                Kind::Word => {
                    // A word hyphenated to a preposition is one word ("add-in", "sign-in"): the
                    // verb alone is not it.
                    let infix = tokens.peek().is_some_and(|n| n.kind == Kind::Punct && n.text == "-");
                    if punct == Some('-')
                        && !infix
                        && stop::is_function(&t.text)
                        && let Some((prev, span, WordKind::Latin, _)) = out.last_mut()
                        && span.end + 1 == t.span.start
                    {
                        prev.push_str(&t.text);
                        span.end = t.span.end;
                        punct = None;
                        continue;
                    }
                    out.push((t.text, t.span, WordKind::Latin, punct.take()));
                }
                Kind::Number => out.push((t.text, t.span, WordKind::Number, punct.take())),
                Kind::Han if !segment => out.push((t.text, t.span, WordKind::Han, punct.take())),
                Kind::Han => {
                    for (r, w) in self.segment(&t.text) {
                        let span = t.span.start + r.start..t.span.start + r.end;
                        out.push((w, span, WordKind::Han, punct.take()));
                    }
                }
            }
        }
        out
    }

    /// Cut a run of Chinese characters into words: the longest word of the vocabulary at each
    /// place, else one character.
    fn segment(&self, run: &str) -> Vec<(Range<usize>, String)> {
        let mut out = Vec::new();
        let mut at = 0;
        let single = |from: usize, to: usize, out: &mut Vec<(Range<usize>, String)>| {
            for (i, c) in run[from..to].char_indices() {
                out.push((from + i..from + i + c.len_utf8(), c.to_string()));
            }
        };
        let han = self.han.get_or_init(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(self.han_words.keys())
                .ok()
        });
        if let Some(ac) = han {
            for m in ac.find_iter(run) {
                single(at, m.start(), &mut out);
                let word = self.han_words.key(m.pattern().as_usize()).unwrap_or("");
                out.push((m.start()..m.end(), word.to_owned()));
                at = m.end();
            }
        }
        single(at, run.len(), &mut out);
        out
    }

    /// The terms a folded word can be.
    fn terms_of(&self, w: &str, kind: WordKind) -> Terms {
        if kind != WordKind::Latin {
            return self.terms_of_uncached(w, kind);
        }
        self.latin_terms
            .get_or_insert_with(w, || self.terms_of_uncached(w, kind))
    }

    fn terms_of_uncached(&self, w: &str, kind: WordKind) -> Terms {
        let mut out = Terms::default();
        let mut add = |s: &str| {
            if let Some(t) = self.term_of(s) {
                out.push(t);
            }
        };
        if kind == WordKind::Latin {
            add(&self.stems.stem(Lang::En, w));
            add(&self.stems.stem(Lang::Fr, w));
        }
        add(w);
        out
    }

    /// Read a question: every word with the terms it can be. A word of no name is split when it
    /// is two words of a name written as one ("freebusy"), joined with the next when the two
    /// are one word of a name ("e-mail"), or corrected when it is one typo away from exactly one
    /// word of a name ("presense"); words of four letters are corrected only for two swapped
    /// letters, and function words never.
    #[must_use]
    pub fn read(&self, text: &str) -> Vec<Word> {
        let raw = self.cut_with_punct(text);
        let mut out: Vec<Word> = Vec::new();
        let mut i = 0;
        while i < raw.len() {
            let (w, span, kind, punct) = &raw[i];
            let stop = kind != &WordKind::Number && (says_nothing(w) || self.stop_stem(w));
            let mut word = Word {
                text: w.clone(),
                span: span.clone(),
                kind: *kind,
                stop,
                terms: if stop && stop::is_function(w) {
                    Terms::default()
                } else {
                    let mut ts = self.terms_of(w, *kind);
                    let written = &text[span.clone()];
                    if *kind == WordKind::Latin
                        && !written.is_ascii()
                        && let Some(t) = self.term_of(&self.stems.stem_fr_written(written))
                    {
                        ts.push(t);
                    }
                    ts
                },
                punct_before: *punct,
                corrected_from: None,
                exact: self.exact_synonym(w),
                phrase: false,
            };
            // A typo of a word read only as written ("availibility").
            if *kind == WordKind::Latin
                && !stop::is_stop(w)
                && word.exact.is_none()
                && !self.surfaces.contains_key(w.as_str())
                && let Some(fixed) = self
                    .exact_corrections
                    .get_or_insert_with(w, || closest_word(w, self.exact.iter().map(|(s, &t)| (s, t))))
            {
                word.exact = self.exact_synonym(&fixed);
                word.corrected_from = Some(w.clone());
                word.text = fixed;
                word.stop = false;
            }
            let useless = word.terms.iter().all(|t| !self.content_terms.contains(t));
            if *kind == WordKind::Latin && !stop && useless && word.exact.is_none() {
                // Joined with the next word: "e-mail", "voice mail".
                if let Some((next, nspan, WordKind::Latin, np)) = raw.get(i + 1)
                    && np.is_none_or(|c| c == '-')
                {
                    let joined = format!("{w}{next}");
                    let terms = self.terms_of(&joined, WordKind::Latin);
                    if !terms.is_empty() && self.surfaces.contains_key(&joined) {
                        word.text = joined;
                        word.span = span.start..nspan.end;
                        word.terms = terms;
                        out.push(word);
                        i += 2;
                        continue;
                    }
                }
                // Split: "freebusy".
                if let Some((a, b)) = self
                    .compounds
                    .get(w)
                    .and_then(|&first| w.split_at_checked(first as usize))
                {
                    let (ta, tb) = (self.terms_of(a, WordKind::Latin), self.terms_of(b, WordKind::Latin));
                    out.push(Word {
                        text: a.to_owned(),
                        terms: ta,
                        ..word.clone()
                    });
                    out.push(Word {
                        text: b.to_owned(),
                        terms: tb,
                        punct_before: None,
                        ..word
                    });
                    i += 1;
                    continue;
                }
                if let Some(fixed) = self.corrections.get_or_insert_with(w, || self.correction(w)) {
                    word.terms = self.terms_of(&fixed, WordKind::Latin);
                    word.exact = self.exact_synonym(&fixed);
                    word.corrected_from = Some(w.clone());
                    word.text = fixed;
                }
            }
            out.push(word);
            i += 1;
        }
        out
    }

    /// Give the words of every phrase of a synonym that synonym's term, longest phrase first:
    /// in a name, the phrase becomes that one term.
    fn apply_synonyms(&self, words: &mut [Word]) -> Vec<bool> {
        let mut taken = vec![false; words.len()];
        let mut k = 0;
        while k < words.len() {
            let Some((end, concept)) = self.synonym_at(words, k) else {
                k += 1;
                continue;
            };
            for (j, w) in words.iter_mut().enumerate().take(end + 1).skip(k) {
                taken[j] = true;
                if w.stop {
                    continue;
                }
                if j > k {
                    w.stop = true;
                    w.terms.clear();
                } else {
                    w.terms = Terms::one(concept);
                }
            }
            k = end + 1;
        }
        taken
    }

    /// The longest phrase of a synonym that starts at `words[at]`: the index of its last word
    /// and the term that stands for the synonym.
    #[must_use]
    pub fn synonym_at(&self, words: &[Word], at: usize) -> Option<(usize, Term)> {
        self.walk(&self.synonyms, words, at)
            .and_then(|(end, c)| c.first().map(|&c| (end, c)))
    }

    /// The one word of a name that a word is a typo of, if there is exactly one.
    fn correction(&self, w: &str) -> Option<String> {
        let n = w.chars().count();
        if n < 4 || !w.chars().all(char::is_alphabetic) {
            return None;
        }
        // A word of a name as written, or inflected ("presense" → "presence", "seaching" →
        // "searching"), of a length within reach (which of those `closest_word` meets first
        // does not change what it finds).
        let by_chars = self.surfaces_by_chars.get_or_init(|| {
            let mut by: Vec<Vec<(u32, u64)>> = Vec::new();
            for (i, s) in self.surfaces.keys().enumerate() {
                let m = s.chars().count();
                if by.len() <= m {
                    by.resize(m + 1, Vec::new());
                }
                by[m].push((u32::try_from(i).unwrap_or(u32::MAX), crate::diag::letters(s)));
            }
            by
        });
        let max = edits_allowed(n);
        // The characters in common by their classes bound the edits: an edit changes at most
        // one character that one word has and the other lacks, a transposition none.
        let own = crate::diag::letters(w);
        let surfaces = (n.saturating_sub(max)..=n + max)
            .filter_map(|m| by_chars.get(m).map(|words| (m, words)))
            .flat_map(|(m, words)| words.iter().map(move |&(i, l)| (m, i, l)))
            .filter(|&(m, _, l)| n.max(m).saturating_sub(crate::diag::common_by_letters(n, own, m, l)) <= max)
            .map(|(_, i, _)| i)
            .filter_map(|i| self.surfaces.get_index(i as usize))
            .map(|(s, &t)| (s, t));
        closest_word(w, surfaces)
    }

    /// Whether a word of more than three letters is an inflection of a stop word ("changes",
    /// "requiring"), and is no word of a name.
    fn stop_stem(&self, w: &str) -> bool {
        if w.len() <= 3 || !w.chars().all(char::is_alphabetic) || self.surfaces.contains_key(w) {
            return false;
        }
        // An inflection of a stop word, exactly: not a typo that happens to share its stem
        // ("onlie" is no form of "only"). Inflections are ASCII: a base and "s", "d", "es",
        // "ed" or "ing", or a base less its "e" and "ing"; so the bases to try are the word less
        // one to three letters, and the word less "ing" with an "e".
        let inflected_from = |s: &str| {
            s.len() > 3 && stop::is_stop(s) && stop::WORDS.contains(&s) && inflections(s).iter().any(|f| f == w)
        };
        w.is_ascii()
            && ((1..=3).any(|k| inflected_from(&w[..w.len() - k]))
                || w.strip_suffix("ing")
                    .is_some_and(|stem| inflected_from(&format!("{stem}e"))))
    }

    /// Whether a folded word is a word the knowledge base reads as a synonym exactly as
    /// written (an `=` phrase of `data/synonyms.toml`).
    #[must_use]
    pub fn exact_synonym(&self, w: &str) -> Option<Term> {
        self.exact
            .get(w)
            .or_else(|| w.strip_suffix('s').and_then(|x| self.exact.get(x)))
            .copied()
    }

    /// The longest name of a product, family, role, mode, deployment column or uncovered
    /// product that starts at `words[at]`: the index of its last word and what it denotes.
    /// Function words inside are read past; a name never runs across a break.
    #[must_use]
    pub fn longest_match(&self, words: &[Word], at: usize) -> Option<(usize, &[Entity])> {
        self.walk(&self.trie, words, at)
    }

    /// A row label of the support table quoted word for word from `words[at]`: the index of
    /// its last word and the feature.
    #[must_use]
    pub fn label_at(&self, words: &[Word], at: usize) -> Option<(usize, Entity)> {
        let mut all = Vec::new();
        self.walk_all(&self.labels, words, at, true, &mut all);
        all.into_iter()
            .max_by_key(|(end, _)| *end)
            .and_then(|(end, es)| es.first().map(|&e| (end, e)))
    }

    /// Every name of the topology that starts at `words[at]`: the index of its last word and
    /// what it denotes, shortest first.
    #[must_use]
    pub fn matches(&self, words: &[Word], at: usize) -> Vec<(usize, &[Entity])> {
        let mut out = Vec::new();
        self.walk_all(&self.trie, words, at, false, &mut out);
        out.sort_by_key(|(end, _)| *end);
        out.dedup_by_key(|(end, _)| *end);
        out
    }

    fn walk<'t, T>(&self, trie: &'t Trie<T>, words: &[Word], at: usize) -> Option<(usize, &'t [T])> {
        let mut all = Vec::new();
        self.walk_all(trie, words, at, false, &mut all);
        all.into_iter().max_by_key(|(end, _)| *end)
    }

    /// Every match in `trie` from `words[at]`; a label of the table is quoted across its own
    /// punctuation (`across`), a name never.
    fn walk_all<'t, T>(
        &self,
        trie: &'t Trie<T>,
        words: &[Word],
        at: usize,
        across: bool,
        out: &mut Vec<(usize, &'t [T])>,
    ) {
        // Most words begin no name: look before allocating.
        if !words[at].terms.iter().any(|&t| trie.edges.contains_key(&(0, t))) {
            return;
        }
        // Depth-first over the terms each word can be.
        let mut stack: Vec<(usize, u32)> = vec![(at, 0)];
        while let Some((i, node)) = stack.pop() {
            for &t in &words[i].terms {
                let Some(&next) = trie.edges.get(&(node, t)) else {
                    continue;
                };
                let ends = &trie.ends[next as usize];
                if !ends.is_empty() {
                    out.push((i, ends.as_slice()));
                }
                // The next word, past articles and prepositions ("Skype for Business",
                // "Outlook on the web"), unless a break comes first.
                let open = |w: &Word| across || !w.breaks();
                let mut j = i + 1;
                while j < words.len()
                    && open(&words[j])
                    && words[j].terms.is_empty()
                    && stop::is_function(&words[j].text)
                {
                    j += 1;
                }
                if j < words.len() && open(&words[j]) && !words[j].terms.is_empty() {
                    stack.push((j, next));
                }
            }
        }
    }

    /// The weight of a term: how rare it is among the features.
    #[must_use]
    pub fn weight(&self, t: Term) -> f32 {
        self.weights.get(t as usize).copied().unwrap_or(0.0)
    }

    /// Whether only one feature has a term in its names.
    #[must_use]
    pub fn unique_to_one_feature(&self, t: Term) -> bool {
        let mut fs = self.names_with(t).iter().map(|&n| self.feature_names[n].feature);
        fs.next().is_some_and(|f| fs.all(|g| g == f))
    }

    /// Whether a term stands for a role ("Exchange").
    #[must_use]
    pub fn is_role_term(&self, t: Term) -> bool {
        self.term(t).starts_with("@role:")
    }

    /// The role of the product a term stands for, if it stands for a product.
    #[must_use]
    pub fn product_role(&self, t: Term) -> Option<usize> {
        self.product_roles.get(&t).copied()
    }

    /// Whether a feature has a term in any of its names.
    #[must_use]
    pub fn feature_has(&self, f: usize, t: Term) -> bool {
        self.names_with(t).iter().any(|&n| self.feature_names[n].feature == f)
    }

    /// The feature names that have a term.
    #[must_use]
    pub fn names_with(&self, t: Term) -> &[usize] {
        self.by_term.get(t as usize)
    }

    /// A term's text (for tests and debugging).
    #[must_use]
    pub fn term(&self, t: Term) -> &str {
        self.terms.key(t as usize).unwrap_or("")
    }

    /// Whether a folded word is a word of some name.
    #[must_use]
    pub fn knows(&self, w: &str) -> bool {
        !self.terms_of(w, WordKind::Latin).is_empty()
    }

    /// The keys of the display names ([`NameIndex::key`]), in their order.
    pub fn display_keys(&self) -> impl Iterator<Item = &str> {
        self.display_keys.iter()
    }

    /// Each display name with its entity and its key, in their order.
    fn displays(&self) -> impl Iterator<Item = (&str, Entity, &str)> {
        self.display
            .iter()
            .zip(&self.display_entities)
            .zip(self.display_keys.iter())
            .map(|((n, &e), k)| (n, e, k))
    }

    /// The display names of features whose keys have `words` words (1 to 3; none otherwise)
    /// and a number of characters in `chars`, in runs of keys of one length and letters
    /// ([`KeysOf`]), shortest first (each run in the order of the display names): what a phrase
    /// of as many words is matched against for did-you-mean. Each key comes once, with the
    /// first display name that has it (names that several features share, or copies that
    /// differ only by a word that says nothing, are measured once). Found by halving, not by
    /// looking at each.
    /// Keys are made of folded words, so they are lowercase already: their lengths are those
    /// did-you-mean compares, and they come with their [`crate::diag::letters`].
    pub fn feature_keys_within(
        &self,
        words: usize,
        chars: std::ops::RangeInclusive<usize>,
    ) -> impl Iterator<Item = KeysOf<'_>> {
        let by_words = self.feature_keys_by_words.get_or_init(|| {
            // The keys of each number of words, by length, then letters (none last), then the
            // order of the display names, each as one number to sort.
            let mut sorted: [Vec<u128>; 4] = Default::default();
            let mut seen: HashSet<&str> = HashSet::default();
            for (i, (_, e, key)) in self.displays().enumerate() {
                // As many words as spaces and one.
                let n = key.bytes().filter(|&b| b == b' ').count() + 1;
                if matches!(e, Entity::Feature(_)) && n <= 3 && seen.insert(key) {
                    let chars = u32::try_from(key.chars().count()).unwrap_or(u32::MAX);
                    let letters = (!key.chars().any(char::is_uppercase)).then(|| crate::diag::letters(key));
                    sorted[n].push(
                        u128::from(chars) << 97
                            | u128::from(letters.is_none()) << 96
                            | u128::from(letters.unwrap_or(0)) << 32
                            | u128::from(u32::try_from(i).unwrap_or(u32::MAX)),
                    );
                }
            }
            sorted.map(|mut sorted| {
                sorted.sort_unstable();
                let mut keys = FeatureKeys::default();
                let mut last = None;
                for k in sorted {
                    // (The truncations take each field back.)
                    #[allow(clippy::cast_possible_truncation)]
                    let (chars, none, letters, i) = ((k >> 97) as u32, (k >> 96) & 1 == 1, (k >> 32) as u64, k as u32);
                    let key = (i, chars, (!none).then_some(letters));
                    if last != Some((key.1, key.2)) {
                        keys.starts.push(u32::try_from(keys.keys.len()).unwrap_or(u32::MAX));
                        last = Some((key.1, key.2));
                    }
                    keys.keys.push(key);
                }
                keys
            })
        });
        let (keys, starts): (&[FeatureKey], &[u32]) = by_words.get(words).map_or((&[], &[]), |k| (&k.keys, &k.starts));
        // The runs whose length is within reach, found by halving.
        let length = |run: &u32| keys.get(*run as usize).map_or(0, |k| k.1 as usize);
        let from = starts.partition_point(|run| length(run) < *chars.start());
        let to = from + starts[from..].partition_point(|run| chars.contains(&length(run)));
        (from..to).map(move |r| {
            let start = starts[r] as usize;
            let end = starts.get(r + 1).map_or(keys.len(), |&e| e as usize);
            KeysOf {
                index: self,
                keys: &keys[start..end],
            }
        })
    }

    /// The key of the `i`th display name.
    fn display_key(&self, i: usize) -> &str {
        self.display_keys.get(i).unwrap_or("")
    }

    /// The folded key of a name: its words, without function words (for did-you-mean).
    #[must_use]
    pub fn key(&self, text: &str) -> String {
        key_of(self.cut_with_punct(text).iter().map(|(w, _, _, _)| w.as_str()))
    }
}

/// Whether a word of a name or question says nothing of what is named: a stop word, or
/// "Microsoft" (every product is Microsoft's).
fn says_nothing(w: &str) -> bool {
    stop::is_stop(w) || w == "microsoft"
}

/// The key of a name from its words ([`NameIndex::key`]): those that say something, joined
/// by spaces.
fn key_of<'w>(words: impl Iterator<Item = &'w str>) -> String {
    let mut key = String::new();
    for w in words.filter(|w| !says_nothing(w)) {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(w);
    }
    key
}

/// How many edits a typo of a word of `n` characters may be from the word it stands for: one,
/// two from eight characters on.
fn edits_allowed(n: usize) -> usize {
    if n >= 8 { 2 } else { 1 }
}

/// The one candidate a word is a typo of: one edit for four to seven letters (four: only two
/// letters swapped), two from eight; none when two candidates of different terms are as close.
fn closest_word<'a>(w: &str, candidates: impl Iterator<Item = (&'a str, Term)>) -> Option<String> {
    let n = w.chars().count();
    let max = edits_allowed(n);
    let mut best: Option<(usize, &str, Term)> = None;
    let mut tied = false;
    let counts = crate::diag::Counts::of(w);
    // Made for the first candidate measured (most words measure none).
    let mut measures = None;
    for (s, t) in candidates {
        let m = if s.is_ascii() { s.len() } else { s.chars().count() };
        if m < 4 || m.abs_diff(n) > max {
            continue;
        }
        // Most words of the vocabulary are far from a typo by their letters alone: no
        // distance is worked out for them.
        if counts.edits_at_least(n, s, m) > max {
            continue;
        }
        let measures = measures.get_or_insert_with(|| crate::diag::Measures::new(w));
        let Some(d) = measures.distance_within(s, max) else {
            continue;
        };
        if d == 0 || (n == 4 && !(m == 4 && swapped(w, s))) {
            continue;
        }
        match best {
            Some((bd, bs, bt)) if d == bd => {
                if bt != t {
                    tied = true;
                } else if s < bs {
                    best = Some((d, s, t));
                }
            }
            Some((bd, _, _)) if d > bd => {}
            _ => {
                best = Some((d, s, t));
                tied = false;
            }
        }
    }
    match best {
        Some((_, s, _)) if !tied => Some(s.to_owned()),
        _ => None,
    }
}

/// The usual English inflections of a word, for typos of them: "search" → "searches",
/// "searched", "searching"; "archive" → "archives", "archived", "archiving".
fn inflections(w: &str) -> Vec<String> {
    if w.chars().count() < 4 || !w.chars().all(|c| c.is_ascii_alphabetic()) {
        return Vec::new();
    }
    match w.strip_suffix('e') {
        Some(stem) => vec![format!("{w}s"), format!("{w}d"), format!("{stem}ing")],
        None if w.ends_with('s') || w.ends_with("ch") || w.ends_with("sh") || w.ends_with('x') => {
            vec![format!("{w}es"), format!("{w}ed"), format!("{w}ing")]
        }
        None => vec![format!("{w}s"), format!("{w}ed"), format!("{w}ing")],
    }
}

/// Two strings of the same length that differ by two neighbouring letters swapped.
fn swapped(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    diff.len() == 2 && diff[1] == diff[0] + 1 && a[diff[0]] == b[diff[1]] && a[diff[1]] == b[diff[0]]
}

/// The folded words of a text, for tests and callers that need no vocabulary.
#[must_use]
pub fn folded_words(text: &str) -> Vec<String> {
    lex::lex(text)
        .into_iter()
        .filter(|t| t.kind != Kind::Punct)
        .map(|t| if t.kind == Kind::Han { t.text } else { fold(&t.text) })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The letter filter of typo correction never skips a word within reach: it is a lower
    /// bound of the distance, on every pair of words of the vocabulary (in every language)
    /// and their typos.
    #[test]
    fn the_letter_filter_is_a_lower_bound_of_the_distance() {
        let (kb, idx) = index();
        let mut words: Vec<&str> = idx.surfaces.keys().collect();
        words.sort_unstable();
        let typos = [
            "presense",
            "unifed",
            "contat",
            "exchnage",
            "lyncc",
            "archving",
            "voicemial",
            "xyz",
        ];
        let mut checked = 0;
        for a in words.iter().copied().chain(typos).step_by(3) {
            let counts = crate::diag::Counts::of(a);
            let n = a.chars().count();
            for b in words.iter().copied().step_by(5) {
                let bound = counts.edits_at_least(n, b, b.chars().count());
                assert!(bound <= strsim::osa_distance(a, b), "{a} / {b}");
                checked += 1;
            }
        }
        assert!(checked > 10_000, "{checked} pairs");
        drop(kb);
    }

    /// Typo correction finds what comparing the word with every word of the vocabulary finds,
    /// though it compares it only with those of a length and letters within reach: on each word
    /// of the vocabulary with a letter left out, doubled, changed or swapped with the next.
    #[test]
    fn a_typo_is_corrected_as_by_a_look_at_every_word() {
        let (_kb, idx) = index();
        let everywhere = |w: &str| {
            let n = w.chars().count();
            (n >= 4 && w.chars().all(char::is_alphabetic))
                .then(|| closest_word(w, idx.surfaces.iter().map(|(s, &t)| (s, t))))
                .flatten()
        };
        let mut typos: Vec<String> = Vec::new();
        for (k, s) in idx.surfaces.keys().enumerate() {
            let cs: Vec<char> = s.chars().collect();
            let i = k % cs.len().max(1);
            let with = |f: &dyn Fn(&mut Vec<char>)| {
                let mut v = cs.clone();
                f(&mut v);
                v.into_iter().collect::<String>()
            };
            typos.push(with(&|v| {
                v.remove(i);
            }));
            typos.push(with(&|v| v.insert(i, cs[i])));
            typos.push(with(&|v| v[i] = if cs[i] == 'e' { 'a' } else { 'e' }));
            if i + 1 < cs.len() {
                typos.push(with(&|v| v.swap(i, i + 1)));
            }
            typos.push(with(&|v| v.extend(['s', 'x'])));
        }
        let mut corrected = 0;
        for w in &typos {
            let found = idx.correction(w);
            assert_eq!(found, everywhere(w), "{w}");
            corrected += usize::from(found.is_some());
        }
        assert!(corrected > 1_000, "{corrected} of {} typos corrected", typos.len());
    }

    /// A word is an inflection of a stop word when some stop word of more than three letters
    /// inflects to it: what `stop_stem` finds from the word itself.
    #[test]
    fn inflections_of_stop_words_are_found_from_the_word() {
        let (_kb, idx) = index();
        let brute = |w: &str| {
            stop::WORDS
                .iter()
                .filter(|s| s.len() > 3)
                .any(|s| inflections(s).iter().any(|f| f == w))
        };
        let mut words: Vec<String> = stop::WORDS.iter().flat_map(|s| inflections(s)).collect();
        words.extend(stop::WORDS.iter().map(|s| (*s).to_owned()));
        words.extend(idx.terms.keys().map(str::to_owned));
        words.extend(
            [
                "changes",
                "requiring",
                "onlie",
                "wheres",
                "getting",
                "havings",
                "déjà",
                "théing",
            ]
            .map(String::from),
        );
        let mut found = 0;
        for w in &words {
            let expected =
                w.len() > 3 && w.chars().all(char::is_alphabetic) && !idx.surfaces.contains_key(w.as_str()) && brute(w);
            assert_eq!(idx.stop_stem(w), expected, "{w}");
            found += usize::from(expected);
        }
        assert!(found > 100, "{found} inflections");
    }

    /// The keys did-you-mean measures come once each, with the first feature name that has
    /// them, and every feature name's key of up to three words is among them.
    #[test]
    fn each_feature_key_is_measured_once_with_its_first_name() {
        let (_, idx) = index();
        let mut shared = 0;
        for words in 1..=3 {
            let keys: Vec<_> = idx
                .feature_keys_within(words, 0..=usize::MAX)
                .flat_map(|group| {
                    let chars = crate::diag::Lettered::chars(&group);
                    group.keys().map(move |k| (k, chars))
                })
                .collect();
            let mut seen = HashSet::default();
            for (k, chars) in &keys {
                let (name, key) = (k.name(), k.key());
                assert!(seen.insert(key), "`{key}` offered twice");
                assert_eq!(*chars, key.chars().count());
                let first = idx
                    .displays()
                    .find(|(_, e, k)| matches!(e, Entity::Feature(_)) && *k == key)
                    .map(|(n, _, _)| n);
                assert_eq!(first, Some(name), "`{key}`");
            }
            for (_, e, key) in idx.displays() {
                if matches!(e, Entity::Feature(_)) && key.split(' ').count() == words {
                    assert!(seen.contains(key), "`{key}` is not offered");
                }
            }
            shared += idx
                .displays()
                .filter(|(_, e, k)| matches!(e, Entity::Feature(_)) && k.split(' ').count() == words)
                .count()
                - keys.len();
        }
        // Names that several features share ("presence") are there to be measured once.
        assert!(shared > 0, "no feature key is shared");
    }

    fn index() -> (KnowledgeBase, NameIndex) {
        let kb = crate::kb::load_embedded().unwrap();
        let idx = NameIndex::build(&kb);
        (kb, idx)
    }

    fn found(idx: &NameIndex, kb: &KnowledgeBase, text: &str) -> Vec<String> {
        let ws = idx.read(text);
        let mut out = Vec::new();
        let mut i = 0;
        while i < ws.len() {
            if let Some((end, es)) = idx.longest_match(&ws, i) {
                out.push(es.iter().map(|e| e.name(kb).to_owned()).collect::<Vec<_>>().join("|"));
                i = end + 1;
            } else {
                i += 1;
            }
        }
        out
    }

    #[test]
    fn names_are_found_past_function_words_and_never_across_a_break() {
        let (kb, idx) = index();
        assert_eq!(
            found(&idx, &kb, "Skype for Business Server 2015"),
            ["Skype for Business Server 2015"]
        );
        let got = found(&idx, &kb, "Exchange 2010 on-prem + SfB Online");
        assert_eq!(got[0], "Exchange Server 2010");
        assert!(got[1].starts_with("on premises"), "{got:?}");
        assert_eq!(got[2], "Skype for Business Online");
        // "users" is not read past: "on-prem … Skype for Business" is no name.
        let got = found(&idx, &kb, "on-prem users on Skype for Business Online");
        assert_eq!(
            got.last().map(String::as_str),
            Some("Skype for Business Online"),
            "{got:?}"
        );
        assert_eq!(found(&idx, &kb, "Ex2013"), ["Exchange Server 2013"]);
    }

    #[test]
    fn typos_compounds_and_joins_are_read_as_the_word_of_a_name() {
        let (_, idx) = index();
        let ws = idx.read("presense contat contactstore Exchnage seaching");
        let texts: Vec<&str> = ws.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(
            texts,
            ["presence", "contact", "contact", "store", "exchange", "searching"]
        );
        assert_eq!(ws[0].corrected_from.as_deref(), Some("presense"));
        assert_eq!(ws[5].corrected_from.as_deref(), Some("seaching"));
        // Function words and words of four letters are not corrected.
        let ws = idx.read("turn cell");
        assert!(ws.iter().all(|w| w.corrected_from.is_none()), "{ws:?}");
    }

    #[test]
    fn chinese_is_cut_against_the_names() {
        let (_, idx) = index();
        let ws = idx.read("集成时支持统一联系人存储吗");
        let texts: Vec<&str> = ws.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["集成", "时", "支持", "统一", "联系人", "存储", "吗"]);
        assert!(ws[0].stop && !ws[3].stop && ws[3].terms.len() == 1);
    }

    #[test]
    fn no_phrase_of_one_synonym_is_read_as_another() {
        let (kb, idx) = index();
        for s in &kb.synonyms {
            for (_, phrase) in s.words.tagged() {
                if let Some(exact) = phrase.strip_prefix('=') {
                    let ws = idx.read(exact);
                    let got = ws[0].exact.map(|t| idx.term(t).to_owned());
                    assert_eq!(got, Some(format!("@synonym:{}", s.id)), "`{phrase}` of `{}`", s.id);
                    continue;
                }
                let ws = idx.read(phrase);
                let Some(k) = ws.iter().position(|w| !w.terms.is_empty()) else {
                    continue;
                };
                let Some((_, got)) = idx.synonym_at(&ws, k) else {
                    panic!("`{phrase}` of `{}` is not found", s.id)
                };
                assert_eq!(idx.term(got), format!("@synonym:{}", s.id), "`{phrase}` of `{}`", s.id);
            }
        }
    }

    #[test]
    fn inflections_meet_the_names() {
        let (_, idx) = index();
        for w in [
            "archiving",
            "archived",
            "archive",
            "replying",
            "searching",
            "publishing",
        ] {
            assert!(idx.knows(w), "{w}");
        }
        assert!(!idx.knows("zebras"));
    }
}
