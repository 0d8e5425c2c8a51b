//! Questions: from the words an administrator types to a [`Question`] of known names.
//!
//! `grammar/GRAMMAR.md` documents the language. [`lex`] splits the text (nom); [`parse`] finds
//! the kind of question from its lead words, then reads names by longest match against every
//! alias of the knowledge base ([`NameIndex`]); filler words are skipped; anything else is an
//! error with a caret under it and a did-you-mean.

pub mod lex;

use std::ops::Range;

use crate::diag::{Diagnostic, closest, one_of};
use crate::kb::KnowledgeBase;
use crate::names::{Entity, NameIndex, Word, key, words};

/// Longest question accepted, in bytes.
pub const MAX_QUESTION_BYTES: usize = 4096;

/// What is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Does a feature work with a topology?
    Check,
    /// Why (not) — the same answer, explained in full.
    Why,
    /// What is needed for a feature: the answer, the changes, the prerequisite steps.
    Needs,
    /// Which features work with a topology.
    WhatWorks,
    /// Which features do not work with a topology.
    WhatFails,
    /// What changes from one topology to another.
    Diff,
}

/// A name found in the question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Everything the words can denote; more than one when the name is ambiguous.
    pub entities: Vec<Entity>,
    /// Byte span in the question.
    pub span: Range<usize>,
    /// The words as written.
    pub text: String,
    /// Index of its first word.
    pub word: usize,
}

/// A product line named with a version the knowledge base does not know: "Exchange 2007".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVersion {
    pub role: usize,
    pub text: String,
    pub span: Range<usize>,
}

/// A parsed question.
#[derive(Debug, Clone)]
pub struct Question {
    pub text: String,
    pub kind: Kind,
    pub features: Vec<Mention>,
    /// The topology asked about (for a diff: the one moved to).
    pub topology: Vec<Mention>,
    /// For a diff: the topology moved from.
    pub from: Vec<Mention>,
    pub unknown_versions: Vec<UnknownVersion>,
}

/// Filler words, in folded form (see [`crate::names`]), in the three languages of the sources.
#[rustfmt::skip]
const FILLER: &[&str] = &[
    "之", "间", "的", "与", "和", "对", "于", "是", "否",
    "pas", "ai", "j", "quoi", "hi", "thanks", "thank", "they", "them", "see", "while", "w", "hybrid", "cu",
    "sp", "rtm", "build", "rollup", "ru", "update", "sync", "synced", "lot", "people", "staff", "employee",
    "fonctionnalite", "fonctionnalites", "fonctionner", "tourne", "peuvent", "puis", "nos", "mes", "leur",
    "不", "适", "于", "要", "有", "哪", "里", "时", "候", "如", "何", "配", "置", "工", "作", "吗", "keep", "maintain",
    "homed", "home", "located", "residing", "mailbox", "mailboxe", "account", "tenant", "site", "our",
    "their", "actually", "already", "anymore", "ever", "even", "much", "many", "some", "every", "each", "one",
    "a", "an", "the", "doe", "do", "did", "is", "are", "was", "be", "will", "would", "should", "could", "can",
    "cannot", "may", "might", "it", "thi", "that", "there", "work", "working", "worked", "function",
    "functioning", "run", "with", "and", "or", "on", "in", "into", "at", "for", "of", "to", "from", "by",
    "via", "using", "use", "used", "supported", "support", "supporting", "available", "possible", "enabled",
    "able", "allowed", "compatible", "combination", "combined", "together", "along", "between", "plus",
    "also", "both", "either", "all", "any", "i", "we", "my", "me", "you", "your", "user", "org",
    "organization", "organisation", "company", "environment", "deployment", "setup", "scenario", "topology",
    "running", "have", "ha", "having", "get", "when", "if", "then", "still", "yet", "not", "no", "doesn",
    "isn", "aren", "won", "don", "didn", "wasn", "t", "s", "d", "ll", "ve", "re", "m", "what", "which", "why",
    "how", "who", "whether", "feature", "capability", "integration", "integrate", "integrated", "integrating",
    "make", "set", "up", "enable", "configure", "setting", "list", "show", "tell", "explain", "please", "ok",
    "okay", "hello", "currently", "today", "now", "right", "exactly", "only", "just", "really", "version",
    "edition", "release", "server", "product", "side", "something", "thing", "change", "changing", "migrate",
    "migrating", "migration", "move", "moving", "upgrade", "upgrading", "go", "going", "switch", "switching",
    "gain", "lose", "compare", "difference", "against", "v", "vs", "versus", "after", "before", "fine",
    "well", "properly", "correctly", "fully", "partially", "under", "over", "about", "within", "inside",
    "behind", "than", "so", "such", "these", "those", "other", "else", "etc", "like", "same", "work?", "est",
    "ce", "que", "qu", "qui", "le", "la", "les", "l", "un", "une", "de", "du", "des", "et", "ou", "avec",
    "sur", "pour", "en", "dan", "par", "fonctionne", "fonctionnent", "marche", "marchent", "pri", "charge",
    "prise", "prend", "prennent", "il", "elle", "je", "nou", "vou", "mon", "notre", "quelle", "quel",
    "quelles", "quels", "pourquoi", "comment", "ne", "pa", "peut", "peux", "utiliser", "utilisateur", "se",
    "sont", "entre", "au", "aux", "是", "否", "支", "持", "和", "与", "在", "中", "的", "能", "可", "以", "使", "用", "什",
    "么", "为", "些", "功", "及", "或", "吧", "呢", "了", "我", "们", "下",
];

/// Words that ask what is needed: filler among names, and the mark of a `needs` question.
const NEED_WORDS: &[&str] = &[
    "need",
    "needed",
    "require",
    "required",
    "requirement",
    "prerequisite",
    "prerequis",
    "besoin",
    "faut",
    "需",
];

fn is_filler(w: &str) -> bool {
    FILLER.contains(&w) || NEED_WORDS.contains(&w)
}

fn has(words: &[Word], seq: &[&str]) -> Option<usize> {
    words
        .windows(seq.len())
        .position(|win| win.iter().zip(seq).all(|(w, s)| w.text == *s))
}

fn starts(words: &[Word], seq: &[&str]) -> bool {
    words.len() >= seq.len() && words.iter().zip(seq).all(|(w, s)| w.text == *s)
}

/// Parse a question against a knowledge base.
///
/// # Errors
/// A question that is empty, too long, names nothing, or has a word that is no name and no
/// filler: a diagnostic with a caret under the question.
#[allow(clippy::result_large_err)] // one per question, on the way to the user
pub fn parse(kb: &KnowledgeBase, index: &NameIndex, text: &str) -> Result<Question, Diagnostic> {
    if text.len() > MAX_QUESTION_BYTES {
        let mut cut = MAX_QUESTION_BYTES;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        return Err(Diagnostic::new(format!(
            "the question is {} bytes long; questions are limited to {MAX_QUESTION_BYTES}",
            text.len()
        ))
        .at(0, cut..cut + 1)
        .label("the limit is here"));
    }
    let ws = words(text);
    if ws.is_empty() {
        let d = if text.trim().is_empty() {
            Diagnostic::new("the question is empty")
        } else {
            Diagnostic::new("the question has no words")
                .at(0, 0..text.len())
                .label("no name or word here")
        };
        return Err(d.note("ask for example: does high-resolution photo work with Exchange 2013 and Lync Server 2013?"));
    }

    // The lead words decide the kind of question.
    let lower: Vec<&str> = ws.iter().map(|w| w.text.as_str()).collect();
    let negated = [
        "not", "doesn", "isn", "won", "don", "cannot", "aren", "pa", "pas", "ne", "不",
    ]
    .iter()
    .any(|n| lower.iter().take(6).any(|w| w == n));
    let mut kind = if starts(&ws, &["why"]) || starts(&ws, &["pourquoi"]) || starts(&ws, &["为", "什", "么"]) {
        Kind::Why
    } else if NEED_WORDS.iter().any(|m| lower.iter().take(8).any(|w| w == m))
        || (starts(&ws, &["how"])
            && lower
                .iter()
                .take(5)
                .any(|w| ["enable", "get", "set", "configure", "make"].contains(w)))
    {
        Kind::Needs
    } else {
        Kind::Check
    };
    let diff_at = {
        let from = ws.iter().position(|w| w.text == "from");
        from.and_then(|f| {
            ws.iter()
                .enumerate()
                .skip(f + 1)
                .find(|(_, w)| w.text == "to" || w.text == "into" || w.text == "vers")
                .map(|(i, _)| (f, i))
        })
        .or_else(|| {
            // "A → B", "A -> B"; not "A <-> B", which is a pair.
            let arrow = text
                .char_indices()
                .find(|&(i, c)| c == '→' || (c == '>' && !text[..i].ends_with("<-") && !text[..i].ends_with("<=")))
                .map(|(i, _)| i)?;
            let i = ws.iter().position(|w| w.span.start > arrow)?;
            Some((0, i))
        })
    };
    if diff_at.is_none()
        && ws.iter().any(|w| w.text == "from")
        && (starts(&ws, &["what", "change"]) || starts(&ws, &["what", "changes"]))
    {
        return Err(Diagnostic::new("a migration question needs a topology on each side")
            .at(0, 0..text.len())
            .label("from what, to what?")
            .note("ask for example: what changes from Exchange 2010 and Lync Server 2013 to Exchange 2016 and Skype for Business Server 2015?"));
    }
    let listing = starts(&ws, &["what"])
        || starts(&ws, &["which"])
        || starts(&ws, &["list"])
        || starts(&ws, &["show"])
        || starts(&ws, &["quelle"])
        || starts(&ws, &["quelles"])
        || starts(&ws, &["quels"])
        || starts(&ws, &["qu", "est", "ce", "qui"])
        || starts(&ws, &["qu", "est", "ce", "que"])
        || has(&ws, &["哪", "些"]).is_some();

    // Names, by longest match; filler skipped; the rest is an error.
    let mut mentions: Vec<Mention> = Vec::new();
    let mut unknown_versions = Vec::new();
    let mut strangers: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        if let Some((len, entities)) = index.longest_match(&ws, i) {
            // A filler word that happens to be an alias ("on", "a") only counts inside a longer name.
            if !(len == 1
                && is_filler(&ws[i].text)
                && entities.iter().all(|e| matches!(e, Entity::Role(_) | Entity::Mode(_))))
            {
                let span = ws[i].span.start..ws[i + len - 1].span.end;
                mentions.push(Mention {
                    entities: entities.to_vec(),
                    span: span.clone(),
                    text: text[span].to_owned(),
                    word: i,
                });
                i += len;
                continue;
            }
        }
        let w = &ws[i];
        if w.text.chars().all(|c| c.is_ascii_digit()) {
            if i > 0 && ["cu", "sp", "update", "rollup", "build", "kb", "rtm", "ru"].contains(&ws[i - 1].text.as_str())
            {
                // A cumulative update or service pack: not a version of the product line.
                i += 1;
                continue;
            }
            if let Some(done) = version_number(kb, text, &ws, i, &mut mentions, &mut unknown_versions) {
                i = done;
                continue;
            }
        }
        if !is_filler(&w.text) {
            strangers.push(i);
        }
        i += 1;
    }
    describe_feature(kb, index, text, &ws, &mut mentions, &strangers)?;

    let (features, mut rest): (Vec<Mention>, Vec<Mention>) = mentions
        .into_iter()
        .partition(|m| m.entities.iter().all(|e| matches!(e, Entity::Feature(_))));
    // A name that is both a feature and a product ("OWA") counts as the product when a
    // feature is named too, and as the feature otherwise.
    let mut features = features;
    if features.is_empty()
        && let Some(pos) = rest
            .iter()
            .position(|m| m.entities.iter().any(|e| matches!(e, Entity::Feature(_))))
    {
        let mut m = rest.remove(pos);
        m.entities.retain(|e| matches!(e, Entity::Feature(_)));
        features.push(m);
    }
    for m in &mut rest {
        m.entities.retain(|e| !matches!(e, Entity::Feature(_)));
    }

    let (from, topology) = match diff_at {
        Some((_, to_word)) if kind != Kind::Needs => {
            kind = Kind::Diff;
            let (a, b): (Vec<Mention>, Vec<Mention>) = rest.into_iter().partition(|m| m.word < to_word);
            (a, b)
        }
        _ => (Vec::new(), rest),
    };
    if kind != Kind::Diff && features.is_empty() {
        if listing || topology.is_empty() && !unknown_versions.is_empty() {
            kind = if negated { Kind::WhatFails } else { Kind::WhatWorks };
        } else if !topology.is_empty() || !unknown_versions.is_empty() {
            kind = if negated { Kind::WhatFails } else { Kind::WhatWorks };
            if !listing {
                return Err(Diagnostic::new("the question names no feature")
                    .at(0, 0..text.len())
                    .label("which feature?")
                    .note("name a feature, such as `high-resolution photo` or `unified contact store` (`interop features` lists them)")
                    .note("or ask what works with a topology: `what works with Exchange 2013 and Lync Server 2013?`"));
            }
        }
    }
    if features.is_empty() && topology.is_empty() && from.is_empty() && unknown_versions.is_empty() {
        return Err(Diagnostic::new("the question names no feature and no product")
            .at(0, 0..text.len())
            .note("`interop features` and `interop products` list the names")
            .note("ask for example: does high-resolution photo work with Exchange 2010 and Lync 2010?"));
    }
    if kind == Kind::Diff && (from.is_empty() || topology.is_empty()) {
        return Err(Diagnostic::new("a migration question needs a topology on each side")
            .at(0, 0..text.len())
            .note("ask for example: what changes from Exchange 2010 and Lync Server 2013 to Exchange 2016 and Skype for Business Server 2015?"));
    }
    Ok(Question {
        text: text.to_owned(),
        kind,
        features,
        topology,
        from,
        unknown_versions,
    })
}

/// Words that are no name: either they describe a feature in the question's own words, all of
/// them words of that feature's names ("schedule online meetings through OWA"), or the first
/// of them is an error.
#[allow(clippy::result_large_err)]
fn describe_feature(
    kb: &KnowledgeBase,
    index: &NameIndex,
    text: &str,
    ws: &[Word],
    mentions: &mut Vec<Mention>,
    strangers: &[usize],
) -> Result<(), Diagnostic> {
    let Some(&first) = strangers.first() else {
        return Ok(());
    };
    let named: Vec<usize> = mentions
        .iter()
        .flat_map(|m| &m.entities)
        .filter_map(|e| if let Entity::Feature(f) = e { Some(*f) } else { None })
        .collect();
    let fits = |f: usize| strangers.iter().all(|&i| index.feature_words[f].contains(&ws[i].text));
    if !named.is_empty() {
        // Extra words of a feature already named ("the high-res contact photo option").
        if let Some(&bad) = strangers
            .iter()
            .find(|&&i| !named.iter().any(|&f| index.feature_words[f].contains(&ws[i].text)))
        {
            return Err(unknown_word(index, text, ws, bad));
        }
        return Ok(());
    }
    // Score each feature that has every stranger word by how many of the question's other
    // words it has; words the names already took (products, modes) and filler say nothing.
    let taken: Vec<usize> = mentions
        .iter()
        .flat_map(|m| m.word..m.word + key(&m.text).split(' ').count())
        .collect();
    let free_words: Vec<&str> = ws
        .iter()
        .enumerate()
        .filter(|(i, w)| !taken.contains(i) && !is_filler(&w.text))
        .map(|(_, w)| w.text.as_str())
        .collect();
    let scored: Vec<(usize, usize)> = (0..index.feature_words.len())
        .filter(|&f| fits(f))
        .map(|f| {
            (
                f,
                free_words
                    .iter()
                    .filter(|w| index.feature_words[f].contains(**w))
                    .count(),
            )
        })
        .collect();
    let Some(best) = scored.iter().map(|s| s.1).max() else {
        let bad = strangers
            .iter()
            .copied()
            .find(|&i| !index.feature_words.iter().any(|s| s.contains(&ws[i].text)))
            .unwrap_or(first);
        return Err(unknown_word(index, text, ws, bad));
    };
    let last = strangers.last().copied().unwrap_or(first);
    let span = ws[first].span.start..ws[last].span.end;
    // Ties go to the rows of the support table, in its order, before the other capabilities.
    let mut best_features: Vec<usize> = scored.iter().filter(|s| s.1 == best).map(|s| s.0).collect();
    best_features.sort_by_key(|&f| (kb.features[f].row.is_none(), kb.features[f].row, f));
    mentions.push(Mention {
        entities: best_features.into_iter().map(Entity::Feature).collect(),
        span: span.clone(),
        text: text[span].to_owned(),
        word: first,
    });
    mentions.sort_by_key(|m| m.word);
    Ok(())
}

/// A number after a product line: "Skype 2015" (the line's product of that version),
/// "Exchange 2013 and 2016" (a second version of the line named just before), "Ex16"
/// (two-digit years), or a version the knowledge base does not know ("Exchange 2007").
/// Returns the next word to read, or `None` when the number belongs to no line.
fn version_number(
    kb: &KnowledgeBase,
    text: &str,
    ws: &[Word],
    i: usize,
    mentions: &mut Vec<Mention>,
    unknown_versions: &mut Vec<UnknownVersion>,
) -> Option<usize> {
    let n: i64 = ws[i].text.parse().ok()?;
    let years = if n < 100 { vec![n, 2000 + n] } else { vec![n] };
    // The closest name before it, within three words, that has a role.
    let prev = mentions.iter().rposition(|m| {
        let end = m.word + key(&m.text).split(' ').count();
        end <= i
            && i - end <= 3
            && m.entities
                .iter()
                .any(|e| !matches!(e, Entity::Feature(_) | Entity::Mode(_) | Entity::Deployment(_)))
    })?;
    let adjacent = mentions[prev].word + key(&mentions[prev].text).split(' ').count() == i;
    // Candidate products: of the families or roles named, or of the role of a product named.
    let mut found: Vec<usize> = Vec::new();
    let mut line_role = None;
    for e in &mentions[prev].entities {
        let (pool, role): (Vec<usize>, usize) = match *e {
            Entity::Family(f) => (kb.families[f].members.clone(), kb.families[f].role),
            Entity::Role(r) => (kb.roles[r].products.clone(), r),
            Entity::Product(p) if !adjacent => (kb.roles[kb.products[p].role].products.clone(), kb.products[p].role),
            _ => continue,
        };
        line_role.get_or_insert(role);
        for p in pool {
            if kb.products[p].version.is_some_and(|v| years.contains(&v)) && !found.contains(&p) {
                found.push(p);
            }
        }
    }
    let role = line_role?;
    if !found.is_empty() {
        let entities: Vec<Entity> = found.into_iter().map(Entity::Product).collect();
        if adjacent && !matches!(mentions[prev].entities[0], Entity::Product(_)) {
            // "Skype 2015": the line and its version are one name.
            let m = &mut mentions[prev];
            let span = m.span.start..ws[i].span.end;
            m.text = text[span.clone()].to_owned();
            m.span = span;
            m.entities = entities;
        } else {
            mentions.push(Mention {
                entities,
                span: ws[i].span.clone(),
                text: text[ws[i].span.clone()].to_owned(),
                word: i,
            });
        }
        return Some(i + 1);
    }
    // A version nobody documents.
    let start = if adjacent {
        mentions[prev].span.start
    } else {
        ws[i].span.start
    };
    let span = start..ws[i].span.end;
    unknown_versions.push(UnknownVersion {
        role,
        text: text[span.clone()].to_owned(),
        span,
    });
    if adjacent && !matches!(mentions[prev].entities[0], Entity::Product(_)) {
        mentions.remove(prev);
    }
    Some(i + 1)
}

/// The error for a word that is neither a name nor filler, with the closest names.
fn unknown_word(index: &NameIndex, text: &str, ws: &[Word], i: usize) -> Diagnostic {
    let w = &ws[i];
    // Compare with names of as many words as the question has left, up to three.
    let mut best: Vec<String> = Vec::new();
    let mut best_len = 1;
    for len in (1..=3).rev() {
        if i + len > ws.len() {
            continue;
        }
        let phrase = ws[i..i + len]
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let names: Vec<(&str, String)> = index
            .display
            .iter()
            .map(|(n, _)| (n.as_str(), key(n)))
            .filter(|(_, k)| k.split(' ').count() == len)
            .collect();
        let found = closest(&phrase, names.iter().map(|(_, k)| k.as_str()));
        for f in found {
            if let Some((n, _)) = names.iter().find(|(_, k)| k == f)
                && !best.iter().any(|b| b == n)
            {
                best.push((*n).to_owned());
            }
        }
        if !best.is_empty() {
            best_len = len;
            break;
        }
    }
    let refs: Vec<&str> = best.iter().map(String::as_str).take(3).collect();
    // Under the whole phrase the suggestion replaces.
    let span = w.span.start..ws[i + best_len - 1].span.end;
    let what = if best_len > 1 { "words" } else { "word" };
    Diagnostic::new(format!("unknown {what} `{}`", &text[span.clone()]))
        .at(0, span)
        .label("not a product, feature or deployment the knowledge base knows")
        .suggest(one_of(&refs))
        .note("`interop features` and `interop products` list every name and alias")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb() -> (KnowledgeBase, NameIndex) {
        let kb = crate::kb::load_embedded().unwrap();
        let idx = NameIndex::build(&kb);
        (kb, idx)
    }

    #[test]
    fn the_mission_question_names_a_feature_and_two_products() {
        let (kb, idx) = kb();
        let q = parse(
            &kb,
            &idx,
            "does high-resolution photo work with Exchange 2010 and Lync 2010?",
        )
        .unwrap();
        assert_eq!(q.kind, Kind::Check);
        assert_eq!(q.features.len(), 1);
        assert_eq!(q.topology.len(), 2);
        assert!(q.topology[1].entities.len() >= 2, "Lync 2010 is ambiguous");
    }

    #[test]
    fn unknown_words_are_errors_with_a_suggestion() {
        let (kb, idx) = kb();
        let e = parse(&kb, &idx, "does UCS work with Exchnage 2013?").unwrap_err();
        assert_eq!(e.span, Some(19..32), "under the whole phrase the suggestion replaces");
        assert!(e.suggestion.unwrap().contains("Exchange 2013"));
    }

    #[test]
    fn unknown_versions_are_kept_not_rejected() {
        let (kb, idx) = kb();
        let q = parse(&kb, &idx, "does UCS work with Exchange 2007 and Lync Server 2013?").unwrap();
        assert_eq!(q.unknown_versions.len(), 1);
        assert_eq!(q.unknown_versions[0].text, "Exchange 2007");
    }

    #[test]
    fn kinds_follow_the_lead_words() {
        let (kb, idx) = kb();
        let k = |t: &str| parse(&kb, &idx, t).unwrap().kind;
        assert_eq!(k("why not UCS with Exchange 2010 and SfB Server 2015?"), Kind::Why);
        assert_eq!(k("what do I need for UCS with Exchange 2013?"), Kind::Needs);
        assert_eq!(k("what works with Exchange 2013 and SfB Server 2015?"), Kind::WhatWorks);
        assert_eq!(
            k("what doesn't work with Exchange 2010 and SfB Online?"),
            Kind::WhatFails
        );
        assert_eq!(
            k("what changes from Exchange 2010 and Lync Server 2013 to Exchange 2016 and SfB Server 2015?"),
            Kind::Diff
        );
        assert_eq!(k("UCS with Exchange 2013 and SfB Server 2015?"), Kind::Check);
    }
}
