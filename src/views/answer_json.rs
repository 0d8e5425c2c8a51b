//! An answer as JSON, serialized straight to the output: no `serde_json::Value` tree is built
//! and freed per answer, and no text of the knowledge base is copied (a batch of JSON answers
//! costs about what the text one does).
//!
//! The objects are written with their keys in alphabetical order, the order a `Value` map
//! would give them; each object's key list is sorted, which a test checks (the reading's
//! types, serialized by derive, have their fields in that order).

use std::sync::{Mutex, PoisonError};

use serde::ser::{Error as _, Serialize, SerializeMap, Serializer};
use serde_json::value::RawValue;

use super::answer::change_text;
use crate::engine::{Answer, FeatureAnswer, Reason, Verdict, describe_cube};
use crate::kb::{Cite, Command, KnowledgeBase};
use crate::query::Kind;
use crate::region::Cube;

/// A value written with its `Display` form, as a JSON string.
struct Disp<T>(T);

impl<T: std::fmt::Display> Serialize for Disp<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// A list written from an iterator made on demand.
struct Seq<F>(F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// An object of literal keys, written in the order given (alphabetical by convention).
macro_rules! object {
    ($s:expr; $($k:literal => $v:expr),* $(,)?) => {{
        let mut m = $s.serialize_map(None)?;
        $( m.serialize_entry($k, &$v)?; )*
        m.end()
    }};
}

/// What the objects of an answer are written from: the knowledge base, and the parts of it
/// already written.
struct Cx<'a> {
    kb: &'a KnowledgeBase,
    written: Option<&'a Written>,
}

impl std::ops::Deref for Cx<'_> {
    type Target = KnowledgeBase;

    fn deref(&self) -> &KnowledgeBase {
        self.kb
    }
}

/// The parts of the knowledge base an answer writes as they are: citations, prerequisite
/// steps, limits, conflicts.
#[derive(Clone, Copy)]
enum Part {
    Cite,
    Step,
    Limit,
    Conflict,
}

/// The parts of the knowledge base that answers write as they are (citations, steps, limits,
/// conflicts), each written as JSON once and then copied: a batch of answers cites the same
/// few hundred passages over and over, and escaping their quotes was most of the cost of
/// writing an answer. For one knowledge base (parts are known by their index in it;
/// citations by [`Cite::ix`]).
#[derive(Default)]
pub struct Written(Mutex<[Vec<Option<Box<RawValue>>>; 4]>);

impl Cx<'_> {
    /// Write part `ix` of the knowledge base's `part`s, as `fresh` writes it from the knowledge
    /// base alone the first time, and as a copy of that after.
    fn kept<S: Serializer>(
        &self,
        written: &Written,
        part: Part,
        ix: usize,
        s: S,
        fresh: impl FnOnce(&Cx<'_>) -> serde_json::Result<String>,
    ) -> Result<S::Ok, S::Error> {
        let mut kept = written.0.lock().unwrap_or_else(PoisonError::into_inner);
        let slots = &mut kept[part as usize];
        if let Some(Some(raw)) = slots.get(ix) {
            return raw.serialize(s);
        }
        let alone = Cx {
            kb: self.kb,
            written: None,
        };
        let raw = fresh(&alone)
            .and_then(RawValue::from_string)
            .map_err(S::Error::custom)?;
        let out = raw.serialize(s);
        if slots.len() <= ix {
            slots.resize_with(ix + 1, || None);
        }
        slots[ix] = Some(raw);
        out
    }
}

struct CiteJ<'a>(&'a Cx<'a>, &'a Cite);

impl Serialize for CiteJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Self(kb, c) = *self;
        if let Some(written) = kb.written {
            return kb.kept(written, Part::Cite, c.ix as usize, s, |alone| {
                serde_json::to_string(&CiteJ(alone, c))
            });
        }
        let src = &kb.sources[c.doc];
        object!(s;
            "commit" => src.commit, "date" => src.date.map(Disp), "document" => src.id,
            "english" => c.english(), "file" => src.file, "inferred" => c.inferred(),
            "language" => src.language, "path" => src.path, "quote" => c.quote(),
            "repository" => src.repository, "section" => c.section(), "title" => src.title,
            "url" => src.url,
        )
    }
}

/// The sources of a fact.
struct CitesJ<'a>(&'a Cx<'a>, &'a [Cite]);

impl Serialize for CitesJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Self(kb, cites) = *self;
        s.collect_seq(cites.iter().map(|c| CiteJ(kb, c)))
    }
}

struct ReasonJ<'a>(&'a Cx<'a>, &'a Reason);

impl Serialize for ReasonJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Self(kb, r) = *self;
        object!(s;
            "because" => Seq(|| r.because.iter().map(|b| ReasonJ(kb, b))),
            "here" => r.here, "id" => r.id, "kind" => r.kind, "outcome" => r.outcome,
            "polarity" => r.polarity, "says" => r.says, "sources" => CitesJ(kb, &r.sources),
        )
    }
}

struct TopologyJ<'a>(&'a Cx<'a>, &'a Cube);

impl Serialize for TopologyJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Self(kb, t) = *self;
        object!(s; "roles" => RolesJ(kb, t), "text" => describe_cube(kb, t))
    }
}

/// The roles a topology names, each with its products (ids), by role id.
struct RolesJ<'a>(&'a Cx<'a>, &'a Cube);

impl Serialize for RolesJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Self(kb, t) = *self;
        let u = &kb.universe;
        let mut named: Vec<usize> = (0..kb.roles.len()).filter(|&r| !u.is_free(t, r)).collect();
        named.sort_by(|&a, &b| kb.roles[a].id.cmp(&kb.roles[b].id));
        let mut m = s.serialize_map(Some(named.len()))?;
        for r in named {
            m.serialize_entry(
                &kb.roles[r].id,
                &Seq(|| u.allowed(t, r).map(|p| kb.products[p].id.as_str())),
            )?;
        }
        m.end()
    }
}

struct CommandJ<'a>(&'a Command);

impl Serialize for CommandJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = self.0;
        object!(s; "expect" => c.expect, "run" => c.run, "shell" => c.shell)
    }
}

/// `{ "id", "name" }` of a feature.
struct FeatureRef<'a>(&'a Cx<'a>, usize);

impl Serialize for FeatureRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let f = &self.0.features[self.1];
        object!(s; "id" => f.id, "name" => f.name)
    }
}

/// The fields of one feature's answer, in alphabetical order.
const FEATURE_KEYS: [&str; 11] = [
    "caveats",
    "conditions",
    "conflicts",
    "feature",
    "fix_note",
    "limits",
    "prerequisites",
    "reasons",
    "replacement",
    "suggestions",
    "verdict",
];

struct FeatureJ<'a>(&'a Cx<'a>, &'a FeatureAnswer);

impl FeatureJ<'_> {
    /// Write the field `key` (one of [`FEATURE_KEYS`]).
    fn entry<M: SerializeMap>(&self, key: &'static str, m: &mut M) -> Result<(), M::Error> {
        let Self(kb, fa) = *self;
        let ev = &fa.evaluation;
        let f = &kb.features[ev.feature];
        match key {
            "caveats" => m.serialize_entry(key, &ev.caveats),
            "conditions" => m.serialize_entry(key, &ev.conditions),
            "conflicts" => m.serialize_entry(key, &Seq(|| fa.conflicts.iter().map(|&c| ConflictJ(kb, c)))),
            "feature" => m.serialize_entry(key, &FeatureRef(kb, ev.feature)),
            "fix_note" => {
                let none = fa.suggestions.is_empty()
                    && fa.replacement.is_none()
                    && matches!(ev.verdict, Verdict::No | Verdict::Conditional);
                m.serialize_entry(key, &none.then_some(super::NO_FIX))
            }
            "limits" => m.serialize_entry(key, &Seq(|| fa.limits.iter().map(|&l| LimitJ(kb, l)))),
            "prerequisites" => m.serialize_entry(key, &Seq(|| fa.steps.iter().map(|&s| StepJ(kb, s)))),
            "reasons" => m.serialize_entry(key, &Seq(|| ev.reasons.iter().map(|r| ReasonJ(kb, r)))),
            "replacement" => m.serialize_entry(
                key,
                &fa.replacement
                    .zip(f.replaced_by.as_ref())
                    .map(|((r, verdict), by)| ReplacementJ(kb, r, verdict, by)),
            ),
            "suggestions" => m.serialize_entry(key, &Seq(|| fa.suggestions.iter().map(|fix| FixJ(kb, fix)))),
            "verdict" => m.serialize_entry(key, &ev.verdict),
            _ => Err(M::Error::custom(format!("not a field of a feature's answer: {key}"))),
        }
    }
}

impl Serialize for FeatureJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(FEATURE_KEYS.len()))?;
        for key in FEATURE_KEYS {
            self.entry(key, &mut m)?;
        }
        m.end()
    }
}

struct ConflictJ<'a>(&'a Cx<'a>, usize);

impl Serialize for ConflictJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let kb = self.0;
        if let Some(written) = kb.written {
            return kb.kept(written, Part::Conflict, self.1, s, |alone| {
                serde_json::to_string(&ConflictJ(alone, self.1))
            });
        }
        let c = &kb.conflicts[self.1];
        object!(s;
            "claims" => Seq(|| c.claims.iter().map(|cl| ClaimJ(kb, cl))),
            "id" => c.id, "resolution" => c.resolution, "topic" => c.topic,
        )
    }
}

struct ClaimJ<'a>(&'a Cx<'a>, &'a crate::kb::Claim);

impl Serialize for ClaimJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Self(kb, cl) = *self;
        object!(s; "says" => cl.says, "sources" => CitesJ(kb, &cl.sources))
    }
}

struct LimitJ<'a>(&'a Cx<'a>, usize);

impl Serialize for LimitJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let kb = self.0;
        if let Some(written) = kb.written {
            return kb.kept(written, Part::Limit, self.1, s, |alone| {
                serde_json::to_string(&LimitJ(alone, self.1))
            });
        }
        let l = &kb.limits[self.1];
        object!(s; "sources" => CitesJ(kb, &l.sources), "value" => l.value, "what" => l.what)
    }
}

struct StepJ<'a>(&'a Cx<'a>, usize);

impl Serialize for StepJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let kb = self.0;
        if let Some(written) = kb.written {
            return kb.kept(written, Part::Step, self.1, s, |alone| {
                serde_json::to_string(&StepJ(alone, self.1))
            });
        }
        let st = &kb.steps[self.1];
        object!(s;
            "checks" => st.checks,
            "configure" => Seq(|| st.configure.iter().map(CommandJ)),
            "id" => st.id, "on" => kb.roles[st.on].id, "title" => st.title,
            "verify" => Seq(|| st.verify.iter().map(CommandJ)),
        )
    }
}

struct ReplacementJ<'a>(&'a Cx<'a>, usize, Verdict, &'a crate::kb::Replacement);

impl Serialize for ReplacementJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Self(kb, r, verdict, by) = *self;
        object!(s;
            "feature" => FeatureRef(kb, r), "says" => by.says,
            "sources" => CitesJ(kb, &by.sources), "verdict" => verdict,
        )
    }
}

struct FixJ<'a>(&'a Cx<'a>, &'a crate::engine::Fix);

impl Serialize for FixJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Self(kb, fix) = *self;
        object!(s;
            "changes" => Seq(|| fix.changes.iter().map(|c| ChangeJ(kb, c))),
            "result" => fix.result,
        )
    }
}

struct ChangeJ<'a>(&'a Cx<'a>, &'a crate::engine::Change);

impl Serialize for ChangeJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Self(kb, c) = *self;
        object!(s;
            "from" => Seq(|| c.from.iter().map(|&p| kb.products[p].id.as_str())),
            "role" => kb.roles[c.role].id, "text" => change_text(kb, c),
            "to" => kb.products[c.to].id,
        )
    }
}

struct ReadingJ<'a>(&'a crate::engine::Reading);

impl Serialize for ReadingJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        object!(s;
            "others" => Seq(|| r.others.iter().map(|(reading, verdict)| OtherJ(reading, *verdict))),
            "taken" => r.taken, "text" => r.text,
        )
    }
}

struct OtherJ<'a>(&'a str, Verdict);

impl Serialize for OtherJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        object!(s; "reading" => self.0, "verdict" => self.1)
    }
}

/// A feature of a listing, as a reason of the answer cited by its own sources.
struct ListedJ<'a>(&'a Answer, &'a Cx<'a>, usize, Verdict);

impl Serialize for ListedJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Self(a, kb, f, verdict) = *self;
        let feat = &kb.features[f];
        let sources = kb.row_of(f, a.as_of).map_or(&feat.sources, |r| &r.sources);
        object!(s;
            "id" => feat.id, "kind" => "feature",
            "outcome" => if verdict == Verdict::No { "fails" } else { "holds" },
            "says" => format!("{}: {}", feat.name, verdict.word()),
            "sources" => CitesJ(kb, sources),
        )
    }
}

struct VerdictOfJ<'a>(&'a Cx<'a>, usize, Verdict);

impl Serialize for VerdictOfJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let f = &self.0.features[self.1];
        object!(s; "id" => f.id, "name" => f.name, "verdict" => self.2)
    }
}

struct ChangedJ<'a>(&'a Cx<'a>, usize, Verdict, Verdict);

impl Serialize for ChangedJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let f = &self.0.features[self.1];
        object!(s; "from" => self.2, "id" => f.id, "name" => f.name, "to" => self.3)
    }
}

/// The fields every answer has.
const COMMON_KEYS: [&str; 8] = [
    "as_of",
    "kind",
    "question",
    "reading",
    "readings",
    "schema",
    "topology",
    "unknown_versions",
];

/// The fields of a listing's answer beyond the common ones.
const LISTING_KEYS: [&str; 4] = ["feature", "features", "reasons", "suggestions"];
/// The fields of a diff's answer beyond the common ones.
const DIFF_KEYS: [&str; 5] = ["changes", "feature", "from", "reasons", "suggestions"];

/// An answer, as `interop ask --format json` writes it (`book/src/reference/answer.schema.json`).
pub struct AnswerJ<'a>(pub &'a KnowledgeBase, pub &'a Answer, pub Option<&'a Written>);

/// The shapes of an answer: about no feature, one, several; a listing; a diff.
const SHAPES: usize = 5;

/// Every key of an answer of `shape` (one of [`SHAPES`]), sorted.
fn key_list(shape: usize) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = COMMON_KEYS.to_vec();
    keys.push("verdict");
    match shape {
        0..=2 => {
            if shape > 0 {
                keys.extend(FEATURE_KEYS.iter().filter(|k| **k != "verdict"));
            }
            if shape > 1 {
                keys.push("answers");
            }
        }
        3 => keys.extend(LISTING_KEYS),
        _ => keys.extend(DIFF_KEYS),
    }
    keys.sort_unstable();
    keys
}

impl AnswerJ<'_> {
    /// Every key of this answer, sorted (each shape's list made once).
    fn keys(&self) -> &'static [&'static str] {
        static LISTS: std::sync::OnceLock<[Vec<&'static str>; SHAPES]> = std::sync::OnceLock::new();
        let a = self.1;
        let shape = match a.kind {
            Kind::Check | Kind::Why | Kind::Needs => a.features.len().min(2),
            Kind::WhatWorks | Kind::WhatFails => 3,
            Kind::Diff => 4,
        };
        &LISTS.get_or_init(|| std::array::from_fn(key_list))[shape]
    }
}

impl Serialize for AnswerJ<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Self(kb, a, written) = *self;
        let cx = Cx { kb, written };
        let kb = &cx;
        let keys = self.keys();
        let first = a.features.first().map(|fa| FeatureJ(kb, fa));
        let mut m = s.serialize_map(Some(keys.len()))?;
        for &key in keys {
            match key {
                "as_of" => m.serialize_entry(key, &Disp(a.as_of))?,
                "kind" => m.serialize_entry(key, &a.kind)?,
                "question" => m.serialize_entry(key, &a.question)?,
                "reading" => m.serialize_entry(key, &a.reading)?,
                "readings" => m.serialize_entry(key, &Seq(|| a.readings.iter().map(ReadingJ)))?,
                "schema" => m.serialize_entry(key, super::ANSWER_SCHEMA)?,
                "topology" => m.serialize_entry(key, &TopologyJ(kb, &a.topology))?,
                "unknown_versions" => m.serialize_entry(key, &a.unknown_versions)?,
                "verdict" => m.serialize_entry(key, &a.verdict)?,
                "answers" => m.serialize_entry(key, &Seq(|| a.features.iter().map(|fa| FeatureJ(kb, fa))))?,
                "feature" if !matches!(a.kind, Kind::Check | Kind::Why | Kind::Needs) => {
                    m.serialize_entry(key, &())?;
                }
                "features" => m.serialize_entry(
                    key,
                    &Seq(|| a.listing.iter().map(|&(f, verdict)| VerdictOfJ(kb, f, verdict))),
                )?,
                "reasons" if a.kind == Kind::Diff => m.serialize_entry(key, &[(); 0])?,
                "reasons" if matches!(a.kind, Kind::WhatWorks | Kind::WhatFails) => {
                    m.serialize_entry(key, &Seq(|| a.listed().map(|(f, verdict)| ListedJ(a, kb, f, verdict))))?;
                }
                "suggestions" if !matches!(a.kind, Kind::Check | Kind::Why | Kind::Needs) => {
                    m.serialize_entry(key, &[(); 0])?;
                }
                "from" => m.serialize_entry(key, &a.from.as_ref().map(|f| TopologyJ(kb, f)))?,
                "changes" => {
                    m.serialize_entry(key, &Seq(|| a.changes().map(|(f, from, to)| ChangedJ(kb, f, from, to))))?
                }
                feature_key => match &first {
                    Some(fj) => fj.entry(feature_key, &mut m)?,
                    None => {
                        return Err(S::Error::custom(format!(
                            "a field of a feature's answer without a feature: {feature_key}"
                        )));
                    }
                },
            }
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_lists_are_sorted_as_a_json_map_would_sort_them() {
        assert!(FEATURE_KEYS.is_sorted());
        assert!(COMMON_KEYS.is_sorted());
        assert!(LISTING_KEYS.is_sorted());
        assert!(DIFF_KEYS.is_sorted());
    }
}
