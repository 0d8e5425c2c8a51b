//! The knowledge base: every documented fact, resolved, validated and cited.
//!
//! [`load`] reads the TOML of `data/` ([`raw`] is its schema), checks it all in one pass and
//! returns either a [`KnowledgeBase`] or every problem found. Once built, a knowledge base is
//! immutable; ids have become indices, conditions have become [`Region`]s, and the dependency
//! [`Graph`](crate::graph::Graph) is built.

mod describe;
mod load;
pub mod raw;

use rustc_hash::FxHashMap as HashMap;

use jiff::civil::Date;

use crate::diag::SourceText;
use crate::graph::Graph;
use crate::region::{Region, Universe};
use crate::strmap::Texts;

pub use describe::{describe_cube, describe_set};
pub use load::{
    EMBEDDED, LoadError, MAX_FILE_BYTES, load, load_dir, load_dir_indexed, load_embedded, load_embedded_for_answers,
};

pub type SourceIx = usize;
pub type RoleIx = usize;
pub type ProductIx = usize;
pub type FamilyIx = usize;
pub type FeatureIx = usize;
pub type StepIx = usize;

/// Names in English, French and Chinese, as the sources use them: one after the other in one
/// text, the English first (a compiled base reads them back in two pieces, not one each).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Names {
    names: Texts,
    /// The number of the first French name, and of the first Chinese.
    fr: u32,
    zh: u32,
}

impl Names {
    #[must_use]
    pub fn new<'a>(
        en: impl IntoIterator<Item = &'a str>,
        fr: impl IntoIterator<Item = &'a str>,
        zh: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let mut names = Texts::default();
        let mut count = |v: &mut dyn Iterator<Item = &'a str>| {
            for s in v {
                names.push(s);
            }
            u32::try_from(names.len()).unwrap_or(u32::MAX)
        };
        let fr_at = count(&mut en.into_iter());
        let zh_at = count(&mut fr.into_iter());
        count(&mut zh.into_iter());
        Names {
            names,
            fr: fr_at,
            zh: zh_at,
        }
    }

    /// The names of numbers `from..to`, within those there are.
    fn range(&self, from: u32, to: Option<u32>) -> impl ExactSizeIterator<Item = &str> + Clone {
        let n = self.names.len();
        let from = (from as usize).min(n);
        let to = to.map_or(n, |t| (t as usize).clamp(from, n));
        (from..to).map(|i| self.names.get(i).unwrap_or(""))
    }

    pub fn en(&self) -> impl ExactSizeIterator<Item = &str> + Clone {
        self.range(0, Some(self.fr))
    }

    pub fn fr(&self) -> impl ExactSizeIterator<Item = &str> + Clone {
        self.range(self.fr, Some(self.zh))
    }

    pub fn zh(&self) -> impl ExactSizeIterator<Item = &str> + Clone {
        self.range(self.zh, None)
    }

    /// Every alias, English first.
    pub fn all(&self) -> impl Iterator<Item = &str> {
        self.en().chain(self.fr()).chain(self.zh())
    }

    /// Each alias with its language tag.
    pub fn tagged(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let en = self.en().map(|s| ("en", s));
        let fr = self.fr().map(|s| ("fr", s));
        let zh = self.zh().map(|s| ("zh", s));
        en.chain(fr).chain(zh)
    }
}

/// A citation: document, section and the original words.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Cite {
    /// Which citation of the base this is: each has its own number, below the number of
    /// citations read (a large base numbers its features' citations in a range set apart for
    /// them). What a view that renders each citation once and keeps it knows it by.
    pub ix: u32,
    pub doc: SourceIx,
    /// The section, the quote, then the English and how the fact is inferred when they are
    /// there (one text, read back in two pieces).
    texts: Texts,
    has_english: bool,
}

impl Cite {
    #[must_use]
    pub fn new(
        ix: u32,
        doc: SourceIx,
        section: &str,
        quote: &str,
        english: Option<&str>,
        inferred: Option<&str>,
    ) -> Self {
        let mut texts = Texts::default();
        for s in [Some(section), Some(quote), english, inferred].into_iter().flatten() {
            texts.push(s);
        }
        Cite {
            ix,
            doc,
            texts,
            has_english: english.is_some(),
        }
    }

    #[must_use]
    pub fn section(&self) -> &str {
        self.texts.get(0).unwrap_or("")
    }

    /// The original words.
    #[must_use]
    pub fn quote(&self) -> &str {
        self.texts.get(1).unwrap_or("")
    }

    /// The quote in English, when the source is a translation.
    #[must_use]
    pub fn english(&self) -> Option<&str> {
        if self.has_english { self.texts.get(2) } else { None }
    }

    /// The fact is inferred from the quote, not stated by it: how.
    #[must_use]
    pub fn inferred(&self) -> Option<&str> {
        self.texts.get(2 + usize::from(self.has_english))
    }

    /// The characters of its texts, in bytes.
    #[must_use]
    pub fn text_len(&self) -> usize {
        self.texts.iter().map(str::len).sum()
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Source {
    pub id: String,
    pub file: String,
    pub title: String,
    pub english_title: Option<String>,
    pub language: String,
    pub translation: String,
    pub date: Option<Date>,
    pub url: Option<String>,
    pub repository: Option<String>,
    pub path: Option<String>,
    pub commit: Option<String>,
    pub revision_of: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub aliases: Names,
    /// Left unstated, it never makes an answer conditional or unknown on its own.
    pub optional: bool,
    /// The products that can fill it, in data order.
    pub products: Vec<ProductIx>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Family {
    pub id: String,
    pub name: String,
    pub role: RoleIx,
    pub members: Vec<ProductIx>,
    pub aliases: Names,
    pub sources: Vec<Cite>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Product {
    pub id: String,
    pub name: String,
    pub role: RoleIx,
    pub families: Vec<FamilyIx>,
    pub version: Option<i64>,
    /// Index into [`KnowledgeBase::modes`]; none for clients that are neither.
    pub deployment: Option<usize>,
    pub aliases: Names,
    pub description: Option<String>,
    pub sources: Vec<Cite>,
}

/// A product no source covers ("Microsoft Teams"): a question that names it answers
/// `unknown`, naming it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Uncovered {
    pub id: String,
    pub name: String,
    pub role: Option<RoleIx>,
    pub aliases: Names,
}

/// Words that mean the same in the names of features, in the three languages.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Synonym {
    pub id: String,
    pub words: Names,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Lifecycle {
    pub product: ProductIx,
    pub released: Option<Date>,
    pub retired: Option<Date>,
    pub says: String,
    pub sources: Vec<Cite>,
    /// Every topology with the product ([`Lifecycle::with_product`]), made when first needed.
    #[serde(skip)]
    pub with: std::sync::OnceLock<Region>,
}

impl Lifecycle {
    /// Every topology that has the product, `role` being its role.
    pub fn with_product(&self, u: &Universe, role: RoleIx) -> &Region {
        self.with
            .get_or_init(|| Region::from_cube(u, u.restrict(role, [self.product])))
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Mode {
    pub id: String,
    pub name: String,
    pub aliases: Names,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Feature {
    pub id: String,
    pub name: String,
    pub label: Option<String>,
    pub label_fr: Option<String>,
    pub description: Option<String>,
    pub requires: Vec<FeatureIx>,
    pub steps: Vec<StepIx>,
    pub provided_by: Vec<Provider>,
    pub aliases: Names,
    pub sources: Vec<Cite>,
    /// Its rows in the support tables (one per table that lists it), in table order.
    pub rows: Vec<usize>,
    /// The feature a source names as its replacement.
    pub replaced_by: Option<Replacement>,
}

/// A documented replacement: the feature, what the source says, and the source.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Replacement {
    pub feature: FeatureIx,
    pub says: String,
    pub sources: Vec<Cite>,
}

/// What provides a feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Provider {
    Product(ProductIx),
    Family(FamilyIx),
}

impl Provider {
    /// The role of the product or family.
    #[must_use]
    pub fn role(self, kb: &KnowledgeBase) -> RoleIx {
        match self {
            Provider::Product(p) => kb.products[p].role,
            Provider::Family(f) => kb.families[f].role,
        }
    }
}

/// A condition of the data, parsed and compiled.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Condition {
    pub text: String,
    /// The roles it names, in the order written, each once in a row (what an explanation says
    /// is stated of them). The parse itself is not kept: its names are resolved, and its
    /// meaning is the region.
    pub roles: Vec<RoleIx>,
    /// Shared by the conditions of the same text of a base loaded from TOML.
    pub region: std::sync::Arc<Region>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Deployment {
    pub id: String,
    pub name: String,
    pub short: String,
    pub when: Condition,
    pub aliases: Names,
    pub sources: Vec<Cite>,
}

/// What a cell or a statement says.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum Support {
    Yes,
    No,
    /// Supported where `requires` holds (a condition on the topology, from a table cell).
    Conditional {
        text: String,
        condition: String,
        requires: Condition,
    },
    /// Supported under a condition that is not about the topology ("only during a migration").
    Qualified {
        condition: String,
    },
}

impl Support {
    /// `yes`, `no` or `conditional`, as the matrix JSON has it.
    #[must_use]
    pub fn word(&self) -> &'static str {
        match self {
            Support::Yes => "yes",
            Support::No => "no",
            Support::Conditional { .. } | Support::Qualified { .. } => "conditional",
        }
    }

    /// The cell as the English table writes it.
    #[must_use]
    pub fn cell_text(&self) -> &str {
        match self {
            Support::Yes => "Y",
            Support::No => "N",
            Support::Conditional { text, .. } => text,
            Support::Qualified { condition } => condition,
        }
    }

    #[must_use]
    pub fn condition(&self) -> Option<&str> {
        match self {
            Support::Yes | Support::No => None,
            Support::Conditional { condition, .. } | Support::Qualified { condition } => Some(condition),
        }
    }
}

/// A support table: its columns (deployments) and rows, in the order of its source.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Table {
    pub id: String,
    pub title: String,
    /// The page it is a revision of (its own id when it has no other revision).
    pub page: String,
    pub from: Option<Date>,
    /// Until this date, when a later revision of its page replaces it.
    pub until: Option<Date>,
    /// The first revision of its page speaks also for the time before its date.
    pub first: bool,
    pub columns: Vec<usize>,
    pub rows: Vec<usize>,
    pub sources: Vec<Cite>,
}

impl Statement {
    /// Whether it holds on a date.
    #[must_use]
    pub fn in_force(&self, date: Date) -> bool {
        self.from.is_none_or(|f| f <= date) && self.until.is_none_or(|u| date < u)
    }
}

impl Table {
    /// Whether the table is in force on a date: from its date (the first revision of its page
    /// also before) until the next revision's.
    #[must_use]
    pub fn in_force(&self, date: Date) -> bool {
        self.until.is_none_or(|u| date < u) && (self.first || self.from.is_none_or(|f| f <= date))
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Row {
    pub feature: FeatureIx,
    pub table: usize,
    /// One cell per column of its table, in column order.
    pub cells: Vec<Support>,
    pub sources: Vec<Cite>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Statement {
    pub id: String,
    pub feature: FeatureIx,
    pub when: Condition,
    pub support: Support,
    /// It holds from this date on.
    pub from: Option<Date>,
    /// Until this date.
    pub until: Option<Date>,
    pub says: String,
    pub sources: Vec<Cite>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Rule {
    pub id: String,
    pub kind: String,
    pub features: Vec<FeatureIx>,
    pub when: Option<Condition>,
    pub requires: Condition,
    pub says: String,
    pub sources: Vec<Cite>,
    /// Where it is broken ([`Rule::violated`]), worked out when first needed.
    #[serde(skip)]
    pub broken: std::sync::OnceLock<Region>,
}

impl Rule {
    /// Where the rule applies and its requirement is not met, on every role.
    pub fn violated(&self, u: &Universe) -> &Region {
        self.broken.get_or_init(|| match &self.when {
            Some(w) => w.region.subtract(u, &self.requires.region),
            None => self.requires.region.complement(u),
        })
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Limit {
    pub id: String,
    pub features: Vec<FeatureIx>,
    pub what: String,
    pub value: String,
    pub sources: Vec<Cite>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Command {
    pub shell: String,
    pub run: String,
    pub expect: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Step {
    pub id: String,
    pub title: String,
    pub on: RoleIx,
    pub after: Vec<StepIx>,
    pub when: Option<Condition>,
    pub checks: Vec<String>,
    pub configure: Vec<Command>,
    pub verify: Vec<Command>,
    /// What `interop check` judges of an environment file.
    pub tests: Vec<StepTest>,
    pub sources: Vec<Cite>,
}

/// The tests an environment file can be judged by (`interop::env::Environment::judge`), for
/// `kb check`: a step of the data may name only these.
pub const TESTS: &[&str] = &[
    "oauth-certificate-key-length",
    "oauth-certificate-subject-sip-domain",
    "oauth-certificate-same-on-all-front-ends",
    "autodiscover-internal-uri",
    "oauth-autodiscover-svc",
    "autodiscover-dns",
];

/// A test of an environment file (`interop::env::Environment::judge`), one of [`TESTS`].
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct StepTest {
    pub test: String,
    pub min: Option<i64>,
    pub says: String,
    pub fix: Vec<Command>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Claim {
    pub says: String,
    pub sources: Vec<Cite>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Conflict {
    pub id: String,
    pub topic: String,
    pub features: Vec<FeatureIx>,
    pub when: Option<Condition>,
    pub claims: Vec<Claim>,
    pub resolution: String,
}

/// Everything the engine knows, immutable once loaded.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct KnowledgeBase {
    #[serde(skip)]
    pub files: Vec<SourceText>,
    pub sources: Vec<Source>,
    pub roles: Vec<Role>,
    pub families: Vec<Family>,
    pub products: Vec<Product>,
    pub lifecycle: Vec<Lifecycle>,
    pub modes: Vec<Mode>,
    pub features: Vec<Feature>,
    pub deployments: Vec<Deployment>,
    /// The support tables, by page and date; their rows and columns, in that order.
    pub tables: Vec<Table>,
    pub rows: Vec<Row>,
    pub statements: Vec<Statement>,
    pub rules: Vec<Rule>,
    pub limits: Vec<Limit>,
    pub steps: Vec<Step>,
    pub conflicts: Vec<Conflict>,
    /// Products no source covers: named only so that questions about them answer `unknown`.
    pub uncovered: Vec<Uncovered>,
    /// Words that mean the same in the names of features.
    pub synonyms: Vec<Synonym>,
    pub universe: Universe,
    pub graph: Graph,
    /// What `kb check` should say of a sound knowledge base: products no fact covers.
    #[serde(skip)]
    pub warnings: Vec<crate::diag::Diagnostic>,
    /// For each feature, its statements and its rules: answering reads a feature's facts
    /// without scanning every fact of the base.
    pub facts_of: Vec<FeatureFacts>,
    index: Index,
}

/// The facts about one feature, by index.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct FeatureFacts {
    pub statements: Vec<usize>,
    pub rules: Vec<usize>,
    /// The roles the feature involves, by role ([`KnowledgeBase::involved_roles`]), worked
    /// out when first asked for.
    #[serde(skip)]
    pub involved: std::sync::OnceLock<Vec<bool>>,
}

impl KnowledgeBase {
    /// The roles a feature involves: those its own facts (its table rows' columns and
    /// conditions, its statements, its rules) restrict, and those of the products that provide
    /// it. A feature it requires is judged on these roles only: server-to-server authentication
    /// with SharePoint Online says nothing of the unified contact store, which involves no
    /// SharePoint. Worked out once per feature, when first needed.
    #[must_use]
    pub fn involved_roles(&self, feature: FeatureIx) -> &[bool] {
        self.facts_of[feature]
            .involved
            .get_or_init(|| self.find_involved_roles(feature))
    }

    /// What [`KnowledgeBase::involved_roles`] returns, from the facts themselves.
    fn find_involved_roles(&self, feature: FeatureIx) -> Vec<bool> {
        let u = &self.universe;
        let mut regions: Vec<&crate::region::Region> = Vec::new();
        for row in self.rows_of(feature) {
            for (d, cell) in self.cells(row) {
                regions.push(&d.when.region);
                if let Support::Conditional { requires, .. } = cell {
                    regions.push(&requires.region);
                }
            }
        }
        regions.extend(self.statements_of(feature).map(|s| &*s.when.region));
        for r in self.rules_of(feature) {
            regions.push(&r.requires.region);
            regions.extend(r.when.as_ref().map(|w| &*w.region));
        }
        let mut involved: Vec<bool> = (0..self.roles.len())
            .map(|role| {
                regions
                    .iter()
                    .any(|reg| reg.cubes().iter().any(|c| !u.is_free(c, role)))
            })
            .collect();
        for p in &self.features[feature].provided_by {
            involved[p.role(self)] = true;
        }
        involved
    }

    /// The statements about a feature.
    pub fn statements_of(&self, feature: FeatureIx) -> impl Iterator<Item = &Statement> {
        self.facts_of[feature].statements.iter().map(|&s| &self.statements[s])
    }

    /// The rules about a feature.
    pub fn rules_of(&self, feature: FeatureIx) -> impl Iterator<Item = &Rule> {
        self.facts_of[feature].rules.iter().map(|&r| &self.rules[r])
    }
}

/// Id → index maps, one per kind of entity.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Index {
    sources: HashMap<String, SourceIx>,
    roles: HashMap<String, RoleIx>,
    families: HashMap<String, FamilyIx>,
    products: HashMap<String, ProductIx>,
    modes: HashMap<String, usize>,
    features: HashMap<String, FeatureIx>,
    deployments: HashMap<String, usize>,
    tables: HashMap<String, usize>,
    steps: HashMap<String, StepIx>,
}

/// Counts of what a knowledge base holds, for `kb check`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub sources: usize,
    pub roles: usize,
    pub families: usize,
    pub products: usize,
    pub features: usize,
    pub deployments: usize,
    pub cells: usize,
    pub statements: usize,
    pub rules: usize,
    pub limits: usize,
    pub prerequisites: usize,
    pub conflicts: usize,
    pub uncovered_products: usize,
    pub synonyms: usize,
    pub lifecycle_events: usize,
    pub graph_nodes: usize,
    pub graph_edges: usize,
}

impl KnowledgeBase {
    #[must_use]
    pub fn source(&self, id: &str) -> Option<SourceIx> {
        self.index.sources.get(id).copied()
    }
    #[must_use]
    pub fn role(&self, id: &str) -> Option<RoleIx> {
        self.index.roles.get(id).copied()
    }
    #[must_use]
    pub fn family(&self, id: &str) -> Option<FamilyIx> {
        self.index.families.get(id).copied()
    }
    #[must_use]
    pub fn product(&self, id: &str) -> Option<ProductIx> {
        self.index.products.get(id).copied()
    }
    #[must_use]
    pub fn mode(&self, id: &str) -> Option<usize> {
        self.index.modes.get(id).copied()
    }
    #[must_use]
    pub fn feature(&self, id: &str) -> Option<FeatureIx> {
        self.index.features.get(id).copied()
    }
    #[must_use]
    pub fn deployment(&self, id: &str) -> Option<usize> {
        self.index.deployments.get(id).copied()
    }
    #[must_use]
    pub fn step(&self, id: &str) -> Option<StepIx> {
        self.index.steps.get(id).copied()
    }

    /// The row for a feature of the support table in force on a date (the first, if several
    /// tables in force list it).
    #[must_use]
    pub fn row_of(&self, feature: FeatureIx, date: Date) -> Option<&Row> {
        self.rows_of(feature).find(|r| self.tables[r.table].in_force(date))
    }

    /// Every row of a feature, in every table and revision.
    pub fn rows_of(&self, feature: FeatureIx) -> impl Iterator<Item = &Row> {
        self.features[feature].rows.iter().map(|&r| &self.rows[r])
    }

    /// A row's cells with their columns.
    pub fn cells<'a>(&'a self, row: &'a Row) -> impl Iterator<Item = (&'a Deployment, &'a Support)> {
        self.tables[row.table]
            .columns
            .iter()
            .map(|&d| &self.deployments[d])
            .zip(&row.cells)
    }

    /// A feature's row number (from 1) in the first table that lists it.
    #[must_use]
    pub fn row_number(&self, feature: FeatureIx) -> Option<usize> {
        let &r = self.features[feature].rows.first()?;
        self.tables[self.rows[r].table]
            .rows
            .iter()
            .position(|&x| x == r)
            .map(|i| i + 1)
    }

    /// Whether a feature is a row of some support table.
    #[must_use]
    pub fn in_a_table(&self, feature: FeatureIx) -> bool {
        !self.features[feature].rows.is_empty()
    }

    /// The tables in force on a date.
    pub fn tables_in_force(&self, date: Date) -> impl Iterator<Item = &Table> {
        self.tables.iter().filter(move |t| t.in_force(date))
    }

    #[must_use]
    pub fn summary(&self) -> Summary {
        Summary {
            files: self.files.len(),
            sources: self.sources.len(),
            roles: self.roles.len(),
            families: self.families.len(),
            products: self.products.len(),
            features: self.features.len(),
            deployments: self.deployments.len(),
            cells: self.rows.iter().map(|r| r.cells.len()).sum(),
            statements: self.statements.len(),
            rules: self.rules.len(),
            limits: self.limits.len(),
            prerequisites: self.steps.len(),
            conflicts: self.conflicts.len(),
            uncovered_products: self.uncovered.len(),
            synonyms: self.synonyms.len(),
            lifecycle_events: self.lifecycle.len(),
            graph_nodes: self.graph.node_count(),
            graph_edges: self.graph.edge_count(),
        }
    }
}

/// Whether a quote stands in a document's text. Both are compared in Unicode normal form C,
/// with no-break spaces read as spaces and every run of white space as one space: a quote may
/// join the lines of a paragraph, and a translation may write "2 048" with a no-break space.
#[must_use]
pub fn quote_stands_in(quote: &str, text: &str) -> bool {
    fn squash(s: &str) -> String {
        use unicode_normalization::UnicodeNormalization;
        let mut out = String::with_capacity(s.len());
        for word in s
            .nfc()
            .map(|c| {
                if matches!(c, '\u{a0}' | '\u{202f}' | '\u{2007}') {
                    ' '
                } else {
                    c
                }
            })
            .collect::<String>()
            .split_whitespace()
        {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        out
    }
    let q = squash(quote);
    !q.is_empty() && squash(text).contains(&q)
}
