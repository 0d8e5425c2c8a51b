//! The TOML schema of `data/`, exactly as an administrator writes it.
//!
//! Every table is strict (`deny_unknown_fields`): a misspelt key is an error, never silently
//! ignored. Ids and references are kept as [`Spanned`] strings so that the loader can point at
//! them when they resolve to nothing. A file may hold any of the top-level arrays; the loader
//! merges them across files.
//!
//! ```
//! # use interop_kb::kb::raw::Document;
//! let doc: Document = toml::from_str(r#"
//!     [[source]]
//!     id = "seed-004"
//!     file = "004_0a2f387b3b0d7666.txt"
//!     title = "Planifier l’intégration de Skype Entreprise et d’Exchange"
//!     language = "fr-FR"
//!     translation = "machine"
//! "#).unwrap();
//! assert_eq!(doc.source.len(), 1);
//! ```

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

/// A spanned string: an id, a reference or an expression, with where it was written.
pub type Str = Spanned<String>;

/// One TOML file of the knowledge base. Each key is an array of tables (`[[source]]`, …).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct Document {
    pub source: Vec<Source>,
    pub role: Vec<Role>,
    pub family: Vec<Family>,
    pub product: Vec<Product>,
    pub lifecycle: Vec<Lifecycle>,
    pub deployment_mode: Vec<DeploymentMode>,
    pub feature: Vec<Feature>,
    pub deployment: Vec<Deployment>,
    pub table: Vec<Table>,
    pub row: Vec<Row>,
    pub statement: Vec<Statement>,
    pub rule: Vec<Rule>,
    pub limit: Vec<Limit>,
    pub step: Vec<Step>,
    pub conflict: Vec<Conflict>,
    pub uncovered_product: Vec<UncoveredProduct>,
    pub synonym: Vec<Synonym>,
}

/// The names of the top-level arrays, for did-you-mean on an unknown one.
pub const TABLES: &[&str] = &[
    "source",
    "role",
    "family",
    "product",
    "lifecycle",
    "deployment-mode",
    "feature",
    "deployment",
    "table",
    "row",
    "statement",
    "rule",
    "limit",
    "step",
    "conflict",
    "uncovered-product",
    "synonym",
];

/// A source document: a Microsoft page, as one of the seeds translates it or in English.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Source {
    pub id: Str,
    /// Its text, under `sources/` beside the data files (`seeds/004_….txt`, `en/….md`).
    pub file: Str,
    /// The title in the document's own language.
    pub title: String,
    /// The English title of the original page, where the document is a translation.
    #[serde(default)]
    pub english_title: Option<String>,
    /// BCP 47 tag: `fr-FR`, `zh-CN`, `en`.
    pub language: String,
    /// `machine`, `human` or `original`.
    pub translation: Spanned<String>,
    /// The date the document carries (ms.date, lasthandoff, or gathering date).
    #[serde(default)]
    pub date: Option<Spanned<Datetime>>,
    /// Where the original is published.
    #[serde(default)]
    pub url: Option<String>,
    /// The repository the text was read from (`MicrosoftDocs/OfficeDocs-SkypeForBusiness`),
    /// the file's path in it, and the commit.
    #[serde(default)]
    pub repository: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub commit: Option<Str>,
    /// The page this document is a revision of (another source's id, or a name shared by the
    /// revisions): the revisions of one page are told apart by their dates.
    #[serde(default)]
    pub revision_of: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// A citation: which document, which section, and the words it uses.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Cite {
    pub doc: Str,
    pub section: String,
    /// The original-language quote.
    pub quote: String,
    /// An English rendering, where the quote is not English.
    #[serde(default)]
    pub english: Option<String>,
    /// Set when the document does not state the fact but it is drawn from what the document
    /// says (a cell absent from a table of supported features): how.
    #[serde(default)]
    pub inferred: Option<String>,
}

/// Names in the three languages of the sources.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Aliases {
    pub en: Vec<Str>,
    pub fr: Vec<Str>,
    pub zh: Vec<Str>,
}

/// A slot of a topology that one product fills: `exchange`, `server`, `client`, …
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Role {
    pub id: Str,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub aliases: Aliases,
    /// A role questions need not name (SharePoint, the mail client): left unstated, it never
    /// makes an answer conditional or unknown on its own.
    #[serde(default)]
    pub optional: bool,
}

/// A group of products named together: "Skype for Business Server" is 2015 and 2019.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Family {
    pub id: Str,
    pub name: String,
    pub role: Str,
    #[serde(default)]
    pub aliases: Aliases,
    pub sources: Vec<Cite>,
}

/// One product at one version: what a topology is made of.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Product {
    pub id: Str,
    pub name: String,
    pub role: Str,
    #[serde(default)]
    pub families: Vec<Str>,
    /// The version number `>=` compares; none for services such as Exchange Online.
    #[serde(default)]
    pub version: Option<Spanned<i64>>,
    /// `on-premises` or `online`; clients that are neither leave it out.
    #[serde(default)]
    pub deployment: Option<Str>,
    #[serde(default)]
    pub aliases: Aliases,
    /// Other names that also denote a product of another role ("Lync 2010").
    #[serde(default)]
    pub description: Option<String>,
    pub sources: Vec<Cite>,
}

/// A dated lifecycle event: after `retired`, combinations with the product are unsupported.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Lifecycle {
    pub product: Str,
    #[serde(default)]
    pub released: Option<Spanned<Datetime>>,
    #[serde(default)]
    pub retired: Option<Spanned<Datetime>>,
    pub says: String,
    pub sources: Vec<Cite>,
}

/// `on-premises` or `online`, with the words administrators use for them.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DeploymentMode {
    pub id: Str,
    pub name: String,
    #[serde(default)]
    pub aliases: Aliases,
}

/// A product no source covers ("Microsoft Teams", "Office Communications Server 2007"): named
/// so that a question about it answers `unknown` and says which name it lacks, instead of
/// being misread as something else. It states no fact, so it cites no source.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct UncoveredProduct {
    pub id: Str,
    pub name: String,
    /// The role it would fill, if it is one of ours.
    #[serde(default)]
    pub role: Option<Str>,
    #[serde(default)]
    pub aliases: Aliases,
}

/// Words that mean the same in the names of features, in the three languages: a feature
/// named with one of them is found by any other ("reply by IM" by "respond with an instant
/// message"). Words, not facts: no source.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Synonym {
    pub id: Str,
    pub words: Aliases,
}

/// A row of the support table, or a capability the Lync Server 2013 pages describe.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Feature {
    pub id: Str,
    pub name: String,
    /// The English row label, verbatim, for rows of the support table.
    #[serde(default)]
    pub label: Option<String>,
    /// The row label as the French seed writes it.
    #[serde(default)]
    pub label_fr: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Other features this one needs: it cannot work where they are known not to.
    #[serde(default)]
    pub requires: Vec<Str>,
    /// Prerequisite steps that set it up.
    #[serde(default)]
    pub steps: Vec<Str>,
    /// Products or families that provide it.
    #[serde(default)]
    pub provided_by: Vec<Str>,
    /// The feature a source names as its replacement (Cloud Voicemail for Exchange UM).
    #[serde(default)]
    pub replaced_by: Option<Replacement>,
    #[serde(default)]
    pub aliases: Aliases,
    pub sources: Vec<Cite>,
}

/// A documented replacement of a feature.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Replacement {
    pub feature: Str,
    /// What the source says, in English.
    pub says: String,
    pub sources: Vec<Cite>,
}

/// A column of the support table: a combination of deployments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Deployment {
    pub id: Str,
    /// The English column header, verbatim but for the stray bold markers.
    pub name: String,
    /// A short name for narrow tables.
    pub short: String,
    /// Which topologies the column covers, in the condition language.
    pub when: Str,
    #[serde(default)]
    pub aliases: Aliases,
    pub sources: Vec<Cite>,
}

/// A cell: `"Y"`, `"N"`, or a conditional support with its condition.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Cell {
    /// Untagged enums cannot carry spans; the loader takes them from the enclosing cell.
    Plain(String),
    Conditional(ConditionalCell),
}

/// `Y (need Exchange 2016/2013)`: supported where `requires` holds.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ConditionalCell {
    /// The cell as the English table writes it.
    pub text: String,
    /// The condition, as the table writes it: `need Exchange 2016/2013`.
    pub condition: String,
    /// The same condition in the condition language.
    pub requires: String,
}

/// A support table as a source prints it: its columns and its rows, in the source's order.
/// The revisions of one page (`page`) are in force one after another, each from its date.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Table {
    pub id: Str,
    pub title: String,
    /// The page the table is a revision of; the table's own id if left out.
    #[serde(default)]
    pub page: Option<String>,
    /// From this date on the table is in force, until the next revision of its page; the
    /// first revision also speaks for the time before it.
    #[serde(default)]
    pub from: Option<Spanned<Datetime>>,
    /// The ids of its deployment columns, left to right.
    pub columns: Vec<Str>,
    /// The ids of the features of its rows, top to bottom.
    pub rows: Vec<Str>,
    pub sources: Vec<Cite>,
}

/// A row of a support table: one feature, one cell per column of the table.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Row {
    pub feature: Str,
    /// The table, where more than one lists the feature.
    #[serde(default)]
    pub table: Option<Str>,
    /// Keyed by deployment id.
    pub cells: Spanned<indexmap::IndexMap<String, Spanned<Cell>>>,
    pub sources: Vec<Cite>,
}

/// A support statement from outside the table (the Lync Server 2013 pages): where `when`
/// holds, the feature is supported (`yes`), not supported (`no`), or supported under a
/// condition that is not about the topology (`conditional`, with `condition`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Statement {
    pub id: Str,
    pub feature: Str,
    pub when: Str,
    pub support: Str,
    #[serde(default)]
    pub condition: Option<String>,
    /// From this date on (the date of the document that says it); before, it says nothing.
    #[serde(default)]
    pub from: Option<Spanned<Datetime>>,
    /// Until this date (when a later document says otherwise); from it on, it says nothing.
    #[serde(default)]
    pub until: Option<Spanned<Datetime>>,
    pub says: String,
    pub sources: Vec<Cite>,
}

/// A rule: where `when` holds, the features need `requires`; otherwise they do not work.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Rule {
    pub id: Str,
    /// `version`, `client`, `auth`, `storage`, `limit`.
    pub kind: Str,
    pub features: Vec<Str>,
    #[serde(default)]
    pub when: Option<Str>,
    pub requires: Str,
    /// What the rule says, in English.
    pub says: String,
    pub sources: Vec<Cite>,
}

/// A documented limit or size: facts shown with answers about the feature.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Limit {
    pub id: Str,
    pub features: Vec<Str>,
    pub what: String,
    pub value: String,
    pub sources: Vec<Cite>,
}

/// A prerequisite step, with its order and the commands that do and check it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Step {
    pub id: Str,
    pub title: String,
    /// The role whose product the step is done on.
    pub on: Str,
    /// Steps that must be done before this one.
    #[serde(default)]
    pub after: Vec<Str>,
    /// Where it applies, in the condition language (default: everywhere).
    #[serde(default)]
    pub when: Option<Str>,
    /// What must be true, in English.
    #[serde(default)]
    pub checks: Vec<String>,
    #[serde(default)]
    pub configure: Vec<Command>,
    #[serde(default)]
    pub verify: Vec<Command>,
    /// What `interop check` judges of an environment file for this step.
    #[serde(default)]
    pub tests: Vec<StepTest>,
    pub sources: Vec<Cite>,
}

/// A test of an environment file: which test, its threshold, what it checks, and the commands
/// that fix a failure.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct StepTest {
    pub test: Str,
    #[serde(default)]
    pub min: Option<i64>,
    pub says: String,
    #[serde(default)]
    pub fix: Vec<Command>,
}

/// A command, in the shell it runs in.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Command {
    /// `Exchange Management Shell`, `Lync Server Management Shell`, …
    pub shell: String,
    pub run: String,
    /// What to look for in the output.
    #[serde(default)]
    pub expect: Option<String>,
}

/// Sources that disagree, kept side by side.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Conflict {
    pub id: Str,
    pub topic: String,
    /// The features whose answers it touches.
    pub features: Vec<Str>,
    /// Where it matters (default: every topology).
    #[serde(default)]
    pub when: Option<Str>,
    pub claims: Vec<Claim>,
    /// How the knowledge base settles it, and why.
    pub resolution: String,
}

/// One side of a conflict.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Claim {
    pub says: String,
    pub sources: Vec<Cite>,
}
