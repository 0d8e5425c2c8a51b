//! Problems with what a user gave us — a knowledge-base file, a question — and how they read.
//!
//! Every problem names where it is (`file:line:col`, or a caret under the question), says what
//! is wrong in lower case with names in backticks, and offers a did-you-mean where one fits.
//! The library returns [`Diagnostic`]s; `main` renders them on stderr and exits 2.

use std::fmt::Write as _;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// A text a diagnostic can point into: a data file, or the question.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// How the file is named in messages: `data/products.toml`, `<question>`.
    pub name: String,
    pub text: String,
    /// The line number of the text's first line: 1 for a file, the line's own number for a
    /// line of a batch, so that messages point into the whole input without holding it.
    pub first_line: usize,
}

impl SourceText {
    #[must_use]
    pub fn new(name: String, text: String) -> Self {
        SourceText {
            name,
            text,
            first_line: 1,
        }
    }

    /// The text of one line of a longer input, numbered as it is there.
    #[must_use]
    pub fn line(name: String, text: String, number: usize) -> Self {
        SourceText {
            name,
            text,
            first_line: number.max(1),
        }
    }

    /// 1-based line (counted from [`SourceText::first_line`]) and character column of a byte
    /// offset.
    #[must_use]
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let (line, col) = line_col(&self.text, offset);
        (line + self.first_line - 1, col)
    }
}

/// One problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub message: String,
    /// Index into the [`SourceText`]s the diagnostic was made against.
    pub file: Option<usize>,
    /// Byte range in that file.
    pub span: Option<Range<usize>>,
    /// What the caret says.
    pub label: Option<String>,
    /// A "did you mean" suggestion.
    pub suggestion: Option<String>,
    /// Further help and notes.
    pub notes: Vec<String>,
    /// A warning: worth saying, but the input is still accepted.
    pub warning: bool,
}

impl Diagnostic {
    #[must_use]
    pub fn new(message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            file: None,
            span: None,
            label: None,
            suggestion: None,
            notes: Vec::new(),
            warning: false,
        }
    }

    /// The same, as a warning.
    #[must_use]
    pub fn warning(mut self) -> Self {
        self.warning = true;
        self
    }

    #[must_use]
    pub fn at(mut self, file: usize, span: Range<usize>) -> Self {
        self.file = Some(file);
        self.span = Some(span);
        self
    }

    #[must_use]
    pub fn in_file(mut self, file: usize) -> Self {
        self.file = Some(file);
        self
    }

    #[must_use]
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    #[must_use]
    pub fn suggest(mut self, suggestion: Option<String>) -> Self {
        self.suggestion = suggestion;
        self
    }

    #[must_use]
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// `file:line:col` of the start of the span, 1-based, columns counted in characters.
    #[must_use]
    pub fn location(&self, files: &[SourceText]) -> Option<String> {
        let file = files.get(self.file?)?;
        let Some(span) = &self.span else {
            return Some(file.name.clone());
        };
        let (line, col) = file.line_col(span.start);
        Some(format!("{}:{line}:{col}", file.name))
    }

    /// Render for a terminal, in colour or not.
    #[must_use]
    pub fn render(&self, files: &[SourceText], color: bool) -> String {
        let file = self.file.and_then(|f| files.get(f));
        let level = if self.warning { Level::WARNING } else { Level::ERROR };
        let title = level.primary_title(self.message.as_str());
        let mut groups = Vec::new();
        let mut first = match (file, &self.span) {
            (Some(file), Some(span)) => {
                let span = clamp(&file.text, span.clone());
                let mut ann = AnnotationKind::Primary.span(span);
                if let Some(l) = &self.label {
                    ann = ann.label(l.as_str());
                }
                Group::with_title(title).element(
                    Snippet::source(file.text.as_str())
                        .line_start(file.first_line)
                        .path(file.name.as_str())
                        .annotation(ann),
                )
            }
            (Some(file), None) => Group::with_title(title).element(annotate_snippets::Origin::path(file.name.as_str())),
            _ => Group::with_title(title),
        };
        if let Some(s) = &self.suggestion {
            first = first.element(Level::HELP.message(format!("did you mean {s}?")));
        }
        for n in &self.notes {
            first = first.element(Level::NOTE.message(n.as_str()));
        }
        groups.push(first);
        let renderer = if color { Renderer::styled() } else { Renderer::plain() };
        renderer.render(&groups)
    }

    /// The diagnostic as JSON, for `--format json`.
    #[must_use]
    pub fn to_json(&self, files: &[SourceText]) -> serde_json::Value {
        let file = self.file.and_then(|f| files.get(f));
        let (line, column) = match (file, &self.span) {
            (Some(f), Some(s)) => {
                let (l, c) = f.line_col(s.start);
                (Some(l), Some(c))
            }
            _ => (None, None),
        };
        serde_json::json!({
            "level": if self.warning { "warning" } else { "error" },
            "message": self.message,
            "file": file.map(|f| f.name.as_str()),
            "line": line,
            "column": column,
            "label": self.label,
            "suggestion": self.suggestion,
            "notes": self.notes,
        })
    }
}

/// Keep a span inside the text and on character boundaries, and never empty where the text
/// has something to point at.
fn clamp(text: &str, span: Range<usize>) -> Range<usize> {
    let mut start = span.start.min(text.len());
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// 1-based line and character column of a byte offset.
#[must_use]
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = clamp(text, offset..offset).start;
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() + 1;
    (line, col)
}

/// The closest candidates to `word`, best first, for a did-you-mean. Compares case-folded
/// text; accepts a candidate when it is a close spelling (Damerau-Levenshtein within a third
/// of the length) or very similar by Jaro-Winkler.
#[must_use]
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    closest_sized(word, candidates.into_iter().map(|c| (c, c.chars().count())))
}

/// How many edits [`closest_sized`] accepts for a word of `n` characters.
fn budget(n: usize) -> usize {
    (n / 3).clamp(1, 3)
}

/// Whether a candidate of `m` characters is too long or too short for [`closest_sized`] to
/// accept it for a word of `n`: Jaro-Winkler cannot reach 0.9 between words of very different
/// lengths, nor an edit distance within the budget.
fn too_far(n: usize, m: usize) -> bool {
    n.abs_diff(m) > budget(n).max(n.min(m) / 2)
}

/// The numbers of characters (once lowercase) a candidate can have for [`closest_sized`] to
/// offer it for `word`: a vocabulary that keeps its words by length need look at those only.
#[must_use]
pub fn reach(word: &str) -> std::ops::RangeInclusive<usize> {
    let n = word.to_lowercase().chars().count();
    let shortest = (0..=n).find(|&m| !too_far(n, m)).unwrap_or(n);
    shortest..=n + budget(n).max(n / 2)
}

/// [`closest`], among candidates given with how many characters they have (a vocabulary that
/// keeps it need not count them at every question).
#[must_use]
pub fn closest_sized<'a>(word: &str, candidates: impl IntoIterator<Item = (&'a str, usize)>) -> Vec<&'a str> {
    closest_lettered(word, candidates.into_iter().map(|(c, chars)| (c, chars, None)))
}

/// Candidates of [`closest_lettered`], one or several of the same length and letters: how many
/// characters they have and their [`letters`] (if they are lowercase) are asked first, and
/// their texts only of those they leave within reach (a vocabulary can then look them up for
/// those only).
pub trait Lettered<'a> {
    /// How many characters each has.
    fn chars(&self) -> usize;
    /// Their [`letters`], if they are lowercase.
    fn letters(&self) -> Option<u64>;
    /// Their texts.
    fn texts(&self) -> impl Iterator<Item = &'a str>;
}

impl<'a> Lettered<'a> for (&'a str, usize, Option<u64>) {
    fn chars(&self) -> usize {
        self.1
    }
    fn letters(&self) -> Option<u64> {
        self.2
    }
    fn texts(&self) -> impl Iterator<Item = &'a str> {
        std::iter::once(self.0)
    }
}

/// How many characters a word of `n` characters and [`letters`] `own` has in common at most
/// with a lowercase candidate of `m` characters and letters `theirs`, by their classes alone:
/// each class one has and the other lacks is a character of one that the other cannot match.
pub(crate) fn common_by_letters(n: usize, own: u64, m: usize, theirs: u64) -> usize {
    let only_theirs = (theirs & !own).count_ones() as usize;
    let only_ours = (own & !theirs).count_ones() as usize;
    m.saturating_sub(only_theirs).min(n.saturating_sub(only_ours))
}

/// The ASCII characters of a text, as a set of 64 classes (a character's code modulo 64): what
/// [`closest_lettered`] compares first.
#[must_use]
pub fn letters(text: &str) -> u64 {
    text.bytes().filter(u8::is_ascii).fold(0, |set, b| set | 1 << (b % 64))
}

/// [`closest_sized`], among candidates that may come with their [`letters`]; a candidate with
/// them must be lowercase already, as the folded keys of a vocabulary are. Each class of
/// characters one has and the other lacks is a character of one that the other cannot match, so
/// the classes alone bound how many characters they have in common: most candidates are out of
/// reach by that bound, with no look at their text (nor at those given with them).
#[must_use]
pub fn closest_lettered<'a, C: Lettered<'a>>(word: &str, candidates: impl IntoIterator<Item = C>) -> Vec<&'a str> {
    let w = word.to_lowercase();
    if w.is_empty() {
        return Vec::new();
    }
    let n = w.chars().count();
    let budget = budget(n);
    let counts = Counts::of(&w);
    let own = letters(&w);
    // Only the closest spellings are offered (a near miss hides the farther ones): those at the
    // smallest distance found so far are kept, and a candidate surely farther is not measured.
    let mut best = usize::MAX;
    let mut kept: Vec<(usize, u64, &str)> = Vec::new();
    // Made for the first candidate measured (most words measure none).
    let mut measures: Option<Measures> = None;
    for group in candidates {
        let (chars, classes) = (group.chars(), group.letters());
        // The bound of the characters they have in common by their classes (a lowercase
        // candidate has `chars` characters), as the count below would use it.
        if let Some(classes) = classes {
            let common = common_by_letters(n, own, chars, classes);
            // Skip the distances of candidates too long or too short (they cost a table each).
            if too_far(n, chars)
                || (beyond(n, chars, common, budget, w.len() >= 4)
                    || best != usize::MAX && beyond(n, chars, common, best, false))
            {
                continue;
            }
        }
        for c in group.texts() {
            // (Lowercase ASCII has as many characters.)
            if classes.is_none() && too_far(n, chars) && c.is_ascii() {
                continue;
            }
            let lc: std::borrow::Cow<'_, str> = if c.is_ascii() {
                if c.bytes().any(|b| b.is_ascii_uppercase()) {
                    c.to_ascii_lowercase().into()
                } else {
                    c.into()
                }
            } else if c.chars().any(char::is_uppercase) {
                c.to_lowercase().into()
            } else {
                c.into()
            };
            let m = if matches!(lc, std::borrow::Cow::Borrowed(_)) {
                chars
            } else {
                lc.chars().count()
            };
            if too_far(n, m) {
                continue;
            }
            // Most candidates share too few characters with the word to be within reach of
            // either measure, or of the closest found so far: skip the distances then.
            let common = counts.common_with(&lc);
            if beyond(n, m, common, budget, w.len() >= 4) || best != usize::MAX && beyond(n, m, common, best, false) {
                continue;
            }
            let measures = measures.get_or_insert_with(|| Measures::new(&w));
            // Adjacent transpositions count one edit (restricted Damerau-Levenshtein); none
            // farther than the closest found so far is kept. Within the budget of edits a
            // candidate is offered whatever its similarity (which ranks it); beyond, only at a
            // similarity of 0.9 or more. When the characters in common put it beyond the budget
            // (as they do most candidates measured), the similarity is asked first: it rules out
            // most of them, and the distance is then not needed.
            let (d, jw) = if n.max(m).saturating_sub(common) <= budget {
                let Some(d) = measures.distance_within(&lc, best) else {
                    continue;
                };
                if d <= budget {
                    (d, measures.similarity(&lc))
                } else if w.len() >= 4
                    && let Some(jw) = measures.similarity_at_least(&lc, 0.9)
                {
                    (d, jw)
                } else {
                    continue;
                }
            } else {
                let Some(jw) = measures.similarity_at_least(&lc, 0.9) else {
                    continue;
                };
                let Some(d) = measures.distance_within(&lc, best) else {
                    continue;
                };
                (d, jw)
            };
            if d < best {
                best = d;
                kept.clear();
            }
            // Lower is better: distance first, then Jaro-Winkler.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let jw_rank = ((1.0 - jw) * 1e6) as u64;
            kept.push((d, jw_rank, c));
        }
    }
    kept.sort_unstable();
    kept.dedup_by(|a, b| a.2 == b.2);
    kept.into_iter().take(3).map(|(_, _, c)| c).collect()
}

/// The two measures of a word against its candidates: the restricted Damerau-Levenshtein
/// (OSA) distance and the Jaro-Winkler similarity, each worked out on a table of the word's
/// characters made once (bit-parallel, `rapidfuzz`), not on a table of both words for each
/// candidate; on bytes when both are ASCII. They give exactly what `strsim`'s `osa_distance`
/// and `jaro_winkler` give (a test checks both on random pairs).
pub struct Measures {
    word: String,
    bytes: Option<Measured<u8>>,
    chars: std::cell::OnceCell<Measured<char>>,
}

/// The two measures' tables of one word, of its bytes or of its characters.
struct Measured<T> {
    osa: rapidfuzz::distance::osa::BatchComparator<T>,
    jaro: rapidfuzz::distance::jaro_winkler::BatchComparator<T>,
}

impl<T: rapidfuzz::HashableChar + Copy> Measured<T> {
    fn new(word: impl DoubleEndedIterator<Item = T> + Clone) -> Self {
        Self {
            osa: rapidfuzz::distance::osa::BatchComparator::new(word.clone()),
            jaro: rapidfuzz::distance::jaro_winkler::BatchComparator::new(word),
        }
    }

    fn distance_within<I>(&self, other: I, most: usize) -> Option<usize>
    where
        I: DoubleEndedIterator<Item = T> + Clone,
        T: PartialEq,
    {
        self.osa
            .distance_with_args(other, &rapidfuzz::distance::osa::Args::default().score_cutoff(most))
    }

    fn similarity<I>(&self, other: I, least: Option<f64>) -> Option<f64>
    where
        I: DoubleEndedIterator<Item = T> + Clone,
        T: PartialEq,
    {
        match least {
            None => Some(self.jaro.similarity(other)),
            // Told a bound, the measure gives up on pairs it can tell are below it; a pair at
            // the bound itself can be taken for one just below by rounding, so it is told a
            // bound a little lower.
            Some(least) => self
                .jaro
                .similarity_with_args(
                    other,
                    &rapidfuzz::distance::jaro_winkler::Args::default().score_cutoff(least - 1e-9),
                )
                .filter(|&jw| jw >= least),
        }
    }
}

impl Measures {
    /// The measures against `word`.
    #[must_use]
    pub fn new(word: &str) -> Self {
        Self {
            word: word.to_owned(),
            bytes: word.is_ascii().then(|| Measured::new(word.bytes())),
            chars: std::cell::OnceCell::new(),
        }
    }

    fn chars(&self) -> &Measured<char> {
        self.chars.get_or_init(|| Measured::new(self.word.chars()))
    }

    /// The edit distance to `other`, if it is `most` or less.
    #[must_use]
    pub fn distance_within(&self, other: &str, most: usize) -> Option<usize> {
        match &self.bytes {
            Some(bytes) if other.is_ascii() => bytes.distance_within(other.bytes(), most),
            _ => self.chars().distance_within(other.chars(), most),
        }
    }

    /// The Jaro-Winkler similarity to `other`.
    #[must_use]
    pub fn similarity(&self, other: &str) -> f64 {
        match &self.bytes {
            Some(bytes) if other.is_ascii() => bytes.similarity(other.bytes(), None),
            _ => self.chars().similarity(other.chars(), None),
        }
        .unwrap_or(0.0)
    }

    /// The Jaro-Winkler similarity to `other`, if it is `least` or more.
    #[must_use]
    pub fn similarity_at_least(&self, other: &str, least: f64) -> Option<f64> {
        match &self.bytes {
            Some(bytes) if other.is_ascii() => bytes.similarity(other.bytes(), Some(least)),
            _ => self.chars().similarity(other.chars(), Some(least)),
        }
    }
}

/// The characters of a word by their numbers: each ASCII one, and how many others. What they
/// have in common with another word bounds both measures: the edit distance is at least the
/// longer length less the characters in common ([`Counts::edits_at_least`]).
pub(crate) struct Counts {
    ascii: [i16; 128],
    other: usize,
}

impl Counts {
    pub(crate) fn of(word: &str) -> Self {
        let mut counts = Self {
            ascii: [0; 128],
            other: 0,
        };
        for ch in word.chars() {
            match u8::try_from(ch) {
                Ok(b) if b.is_ascii() => counts.ascii[usize::from(b)] += 1,
                _ => counts.other += 1,
            }
        }
        counts
    }

    /// How many characters the word has in common with `c` at most, by their numbers alone (a
    /// bound of what either measure can match): its ASCII ones each, and as many of the others
    /// as both have.
    fn common_with(&self, c: &str) -> usize {
        let mut left = self.ascii;
        let mut common = 0usize;
        let mut other = 0usize;
        for b in c.bytes() {
            if b.is_ascii() {
                let k = &mut left[usize::from(b)];
                if *k > 0 {
                    *k -= 1;
                    common += 1;
                }
            } else if b & 0xC0 != 0x80 {
                // The first byte of a character beyond ASCII.
                other += 1;
            }
        }
        common + other.min(self.other)
    }

    /// A lower bound of the edit distance (with transpositions) between the word of `n`
    /// characters and `c` of `m`: an edit changes at most one character that one has and the
    /// other lacks, a transposition none.
    pub(crate) fn edits_at_least(&self, n: usize, c: &str, m: usize) -> usize {
        n.max(m).saturating_sub(self.common_with(c))
    }
}

/// Whether the candidate `c` of `m` characters is surely neither within `budget` edits of the
/// word of `n` characters that `counts` counts, nor (when `jaro` counts) at a Jaro-Winkler
/// similarity of 0.9 or more, by the characters they have in common alone: an edit changes at
/// most one character that one has and the other lacks (a transposition none), and Jaro
/// matches only characters both have.
#[cfg(test)]
fn out_of_reach(counts: &Counts, n: usize, c: &str, m: usize, budget: usize, jaro: bool) -> bool {
    beyond(n, m, counts.common_with(c), budget, jaro)
}

/// Whether a word of `n` characters and a candidate of `m` with at most `common` characters in
/// common are surely neither within `budget` edits nor (when `jaro`) at a Jaro-Winkler
/// similarity of 0.9 or more ([`out_of_reach`]).
fn beyond(n: usize, m: usize, common: usize, budget: usize, jaro: bool) -> bool {
    if n.max(m).saturating_sub(common) <= budget {
        return false;
    }
    if !jaro || common == 0 {
        return true;
    }
    #[allow(clippy::cast_precision_loss)]
    let (common, n, m) = (common as f64, n as f64, m as f64);
    let sim = (common / n + common / m + 1.0) / 3.0;
    // At most four characters of common prefix, each worth a tenth of what is left.
    sim + 0.4 * (1.0 - sim) < 0.9 - 1e-9
}

/// "`a`", "`a` or `b`", "`a`, `b` or `c`".
#[must_use]
pub fn one_of(words: &[&str]) -> Option<String> {
    let (last, rest) = words.split_last()?;
    let mut s = String::new();
    for (i, w) in rest.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "`{w}`");
    }
    if !rest.is_empty() {
        s.push_str(" or ");
    }
    let _ = write!(s, "`{last}`");
    Some(s)
}

/// A did-you-mean for `word` among `candidates`, ready for [`Diagnostic::suggest`].
#[must_use]
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    one_of(&closest(word, candidates))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A vocabulary that looks only at the candidates within `reach` misses none that
    /// `closest_sized` could offer: every length outside it is too far, every one inside is not.
    #[test]
    fn reach_is_every_length_a_candidate_can_have() {
        for n in 1..60 {
            let word = "x".repeat(n);
            let within = reach(&word);
            for m in 0..200 {
                assert_eq!(within.contains(&m), !too_far(n, m), "{n} / {m}");
            }
        }
        assert_eq!(reach("Exchnage"), 6..=12);
    }

    #[test]
    fn line_col_counts_characters() {
        let t = "ab\nçd = 1\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 6), (2, 3));
        assert_eq!(line_col(t, 1000), (3, 1));
    }

    /// Names, typos of them and strangers.
    const NAMES: [&str; 36] = [
        "high resolution photo",
        "hi res photo",
        "unified contact store",
        "unifed contact store",
        "ucs",
        "voicemail",
        "voice mail",
        "archiving",
        "archving",
        "presence",
        "presense",
        "free busy",
        "freebusy",
        "meeting delegation",
        "delegation",
        "blorp",
        "owa",
        "outlook web app",
        "im",
        "chat",
        "contact",
        "contacts",
        "photo",
        "photos",
        "unified messaging",
        "um",
        "server to server authentication",
        "oauth",
        "autodiscover",
        "autodicover",
        "sharepoint",
        "skill search",
        "skills",
        "missed conversation",
        "conversation history",
        "history",
    ];

    /// Names beyond ASCII, and typos of them.
    const STRANGERS: [&str; 12] = [
        "réunions en ligne",
        "reunions en ligne",
        "réunons en ligne",
        "messagerie unifiée",
        "messagerie unifee",
        "会议 委派",
        "会议委派",
        "会意 委派",
        "联系人 在线",
        "后 网页版 outlook",
        "网页版 outlook",
        "ühd",
    ];

    /// What [`closest_sized`] gives is what measuring every candidate, sorting them and keeping
    /// the closest gives (as it did before it kept only the closest found so far, and skipped
    /// candidates by length and by the characters they share).
    #[test]
    fn closest_is_the_closest_of_all_candidates_measured() {
        let names: Vec<&str> = NAMES.into_iter().chain(STRANGERS).collect();
        let all = |word: &str| -> Vec<&str> {
            let w = word.to_lowercase();
            let n = w.chars().count();
            let mut scored: Vec<(usize, u64, &str)> = names
                .iter()
                .filter_map(|&c| {
                    let lc = c.to_lowercase();
                    if too_far(n, lc.chars().count()) {
                        return None;
                    }
                    let d = strsim::osa_distance(&w, &lc);
                    let jw = strsim::jaro_winkler(&w, &lc);
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    let jw_rank = ((1.0 - jw) * 1e6) as u64;
                    (d <= budget(n) || (jw >= 0.9 && w.len() >= 4)).then_some((d, jw_rank, c))
                })
                .collect();
            scored.sort_unstable();
            scored.dedup_by(|a, b| a.2 == b.2);
            let best = scored.first().map_or(0, |s| s.0);
            scored
                .into_iter()
                .filter(|s| s.0 == best)
                .take(3)
                .map(|s| s.2)
                .collect()
        };
        let mut offered = 0;
        for word in
            names
                .iter()
                .copied()
                .chain(["Presense", "UNIFIED contact", "archivng", "réunions", "ühd", "会议 委"])
        {
            let got = closest(word, names.iter().copied());
            assert_eq!(got, all(word), "{word}");
            offered += usize::from(!got.is_empty());
        }
        assert!(offered > 30, "{offered} words offered a candidate");
    }

    /// [`Measures`] gives what `strsim` gives, bit for bit: the distance, the similarity, and
    /// each told a bound (at the bound itself too), on random pairs of words over small
    /// alphabets (so that they share much), of bytes and of characters beyond ASCII, short and
    /// longer than the 64 characters of one word of bits.
    #[test]
    fn measures_are_strsim_s() {
        let alphabets: [&[char]; 4] = [
            &['a', 'b'],
            &['a', 'b', 'c'],
            &['a', 'b', 'c', 'd', 'e', ' '],
            &['a', 'é', '会', 'b', ' '],
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            usize::try_from(seed % n as u64).unwrap_or(0)
        };
        let (mut at_bound, mut close) = (0, 0);
        for round in 0..20_000 {
            let alphabet = alphabets[round % 4];
            let longest = if round % 3 == 0 { 9 } else { 80 };
            let mut word = || -> String {
                let n = next(longest);
                (0..n).map(|_| alphabet[next(alphabet.len())]).collect()
            };
            let (a, b) = (word(), word());
            let measures = Measures::new(&a);
            let d = strsim::osa_distance(&a, &b);
            let jw = strsim::jaro_winkler(&a, &b);
            assert_eq!(measures.distance_within(&b, usize::MAX), Some(d), "{a:?} {b:?}");
            for most in [0, 1, 3, 10] {
                let within = measures.distance_within(&b, most);
                assert_eq!(within, (d <= most).then_some(d), "{a:?} {b:?} {most}");
            }
            assert_eq!(measures.similarity(&b).to_bits(), jw.to_bits(), "{a:?} {b:?}");
            let least = measures.similarity_at_least(&b, 0.9);
            assert_eq!(
                least.map(f64::to_bits),
                (jw >= 0.9).then_some(jw.to_bits()),
                "{a:?} {b:?}"
            );
            at_bound += usize::from(jw == 0.9);
            close += usize::from(jw >= 0.9 && d > 3);
        }
        // The pairs exactly at the bound, and the close ones only by similarity, are there.
        assert!(at_bound > 10 && close > 10, "{at_bound} at the bound, {close} close");
    }

    /// The character filter of [`closest`] skips no candidate that either measure would take:
    /// checked on every pair of a set of names, typos and strangers.
    #[test]
    fn out_of_reach_never_skips_a_close_candidate() {
        let words = NAMES;
        let words: Vec<&str> = words.into_iter().chain(STRANGERS).collect();
        for &w in &words {
            let n = w.chars().count();
            let budget = budget(n);
            let counts = Counts::of(w);
            for &c in &words {
                if out_of_reach(&counts, n, c, c.chars().count(), budget, n >= 4) {
                    assert!(strsim::osa_distance(w, c) > budget, "{w} / {c}");
                    assert!(n < 4 || strsim::jaro_winkler(w, c) < 0.9, "{w} / {c}");
                }
            }
        }
    }

    /// Candidates given with their letters are offered exactly as without them: the bound the
    /// letters give never skips one that would be offered. Checked with every name of a set of
    /// names, typos and strangers as the word, among the others, and among prefixes of them;
    /// and with typos whose every edit brings a letter the name lacks, as many as the edits
    /// allowed (where the bound is exact).
    #[test]
    fn letters_skip_no_candidate_that_would_be_offered() {
        let mut candidates: Vec<String> = NAMES.iter().chain(&STRANGERS).map(|c| c.to_lowercase()).collect();
        candidates.extend(NAMES.iter().chain(&STRANGERS).flat_map(|c| {
            let chars: Vec<char> = c.to_lowercase().chars().collect();
            (1..chars.len()).map(move |k| chars[..k].iter().collect::<String>())
        }));
        let mut skipped = 0;
        let edge = [
            "presnce",
            "archivng",
            "meetng delegaton",
            "xyz",
            "zzzcemail",
            "qqesence",
            "unified cxntxct stxre",
        ];
        for w in NAMES.iter().chain(&STRANGERS).chain(&edge) {
            let plain = closest_sized(w, candidates.iter().map(|c| (c.as_str(), c.chars().count())));
            let lettered = closest_lettered(
                w,
                candidates
                    .iter()
                    .map(|c| (c.as_str(), c.chars().count(), Some(letters(c)))),
            );
            assert_eq!(lettered, plain, "{w}");
            // The candidates with more classes of letters the word lacks than any budget of
            // edits: the bound rules them out by the distance alone.
            let own = letters(&w.to_lowercase());
            skipped += candidates
                .iter()
                .filter(|c| letters(c) & !own != 0 && (letters(c) & !own).count_ones() > 3)
                .count();
        }
        assert!(skipped > 100, "the letters put {skipped} candidates out of reach");
    }

    #[test]
    fn closest_finds_typos_and_not_strangers() {
        let c = ["exchange-2013", "exchange-2016", "lync-2013", "sfb-online"];
        assert_eq!(closest("exchange-2031", c), ["exchange-2013"]);
        assert_eq!(closest("sfb-onlien", c), ["sfb-online"]);
        assert!(closest("sharepoint", c).is_empty());
    }

    #[test]
    fn rendering_points_at_line_and_column() {
        let files = vec![SourceText::new(
            "data/x.toml".into(),
            "[[product]]\nid = \"exchnage-2013\"\n".into(),
        )];
        let d = Diagnostic::new("unknown product `exchnage-2013`")
            .at(0, 18..31)
            .label("not a product")
            .suggest(Some("`exchange-2013`".into()));
        let out = d.render(&files, false);
        assert!(out.contains("data/x.toml:2:7"), "{out}");
        assert!(out.contains("did you mean `exchange-2013`?"), "{out}");
        assert_eq!(d.location(&files).unwrap(), "data/x.toml:2:7");
    }
}
