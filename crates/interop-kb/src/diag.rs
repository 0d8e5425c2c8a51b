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
/// reach by that bound, with no look at their text.
#[must_use]
pub fn closest_lettered<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = (&'a str, usize, Option<u64>)>,
) -> Vec<&'a str> {
    let w = word.to_lowercase();
    if w.is_empty() {
        return Vec::new();
    }
    let n = w.chars().count();
    let budget = budget(n);
    let counts = w.is_ascii().then(|| {
        let mut counts = [0i16; 128];
        for b in w.bytes() {
            counts[usize::from(b)] += 1;
        }
        counts
    });
    let own = letters(&w);
    // Only the closest spellings are offered (a near miss hides the farther ones): those at the
    // smallest distance found so far are kept, and a candidate surely farther is not measured.
    let mut best = usize::MAX;
    let mut kept: Vec<(usize, u64, &str)> = Vec::new();
    for (c, chars, classes) in candidates {
        // Skip the distances of candidates too long or too short (they cost a table each).
        // (Lowercase ASCII has as many characters.)
        if too_far(n, chars) && c.is_ascii() {
            continue;
        }
        // The bound of the characters they have in common by their classes (a lowercase
        // candidate has `chars` characters), as the count below would use it.
        if let Some(classes) = classes
            && counts.is_some()
        {
            let theirs = (classes & !own).count_ones() as usize;
            let ours = (own & !classes).count_ones() as usize;
            let common = chars.saturating_sub(theirs).min(n.saturating_sub(ours));
            if too_far(n, chars)
                || (beyond(n, chars, common, budget, w.len() >= 4)
                    || best != usize::MAX && beyond(n, chars, common, best, false))
            {
                continue;
            }
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
        if let Some(counts) = &counts
            && (out_of_reach(counts, n, &lc, m, budget, w.len() >= 4)
                || best != usize::MAX && out_of_reach(counts, n, &lc, m, best, false))
        {
            continue;
        }
        // Adjacent transpositions count one edit (restricted Damerau-Levenshtein).
        let d = strsim::osa_distance(&w, &lc);
        if d > best {
            continue;
        }
        let jw = strsim::jaro_winkler(&w, &lc);
        if d <= budget || (jw >= 0.9 && w.len() >= 4) {
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

/// Whether the candidate `c` of `m` characters is surely neither within `budget` edits of the
/// ASCII word of `n` characters that `counts` counts, nor (when `jaro` counts) at a
/// Jaro-Winkler similarity of 0.9 or more, by the characters they have in common alone: an edit
/// changes at most one character that one has and the other lacks (a transposition none), and
/// Jaro matches only characters both have (no other than ASCII ones here).
fn out_of_reach(counts: &[i16; 128], n: usize, c: &str, m: usize, budget: usize, jaro: bool) -> bool {
    let mut left = *counts;
    let mut common = 0usize;
    for b in c.bytes().filter(u8::is_ascii) {
        let k = &mut left[usize::from(b)];
        if *k > 0 {
            *k -= 1;
            common += 1;
        }
    }
    beyond(n, m, common, budget, jaro)
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

    /// What [`closest_sized`] gives is what measuring every candidate, sorting them and keeping
    /// the closest gives (as it did before it kept only the closest found so far, and skipped
    /// candidates by length and by the characters they share).
    #[test]
    fn closest_is_the_closest_of_all_candidates_measured() {
        let all = |word: &str| -> Vec<&str> {
            let w = word.to_lowercase();
            let n = w.chars().count();
            let mut scored: Vec<(usize, u64, &str)> = NAMES
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
        for word in NAMES
            .into_iter()
            .chain(["Presense", "UNIFIED contact", "archivng", "réunions", "ühd"])
        {
            let got = closest(word, NAMES);
            assert_eq!(got, all(word), "{word}");
            offered += usize::from(!got.is_empty());
        }
        assert!(offered > 30, "{offered} words offered a candidate");
    }

    /// The character filter of [`closest`] skips no candidate that either measure would take:
    /// checked on every pair of a set of names, typos and strangers.
    #[test]
    fn out_of_reach_never_skips_a_close_candidate() {
        let words = NAMES;
        for w in words.into_iter().filter(|w| w.is_ascii()) {
            let n = w.len();
            let budget = budget(n);
            let mut counts = [0i16; 128];
            for b in w.bytes() {
                counts[usize::from(b)] += 1;
            }
            for c in words {
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
        let mut candidates: Vec<String> = NAMES.iter().map(|c| c.to_lowercase()).collect();
        candidates.extend(NAMES.iter().flat_map(|c| {
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
        for w in NAMES.iter().chain(&edge) {
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
