//! Findings: what every ceiling command reports, whatever found it.

use ceiling_facts::Span;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    Db,
    Abuse,
    Jobs,
    Auth,
    Http,
    /// About ceiling's own comments: suppressions that are malformed or silence nothing.
    Meta,
}

impl Family {
    /// Every family, in the order reports list them.
    pub const ALL: [Family; 6] = [Family::Db, Family::Abuse, Family::Jobs, Family::Auth, Family::Http, Family::Meta];

    pub fn as_str(self) -> &'static str {
        match self {
            Family::Db => "db",
            Family::Abuse => "abuse",
            Family::Jobs => "jobs",
            Family::Auth => "auth",
            Family::Http => "http",
            Family::Meta => "meta",
        }
    }
}

/// One step of the path from the loop to the query: the loop, each call, the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainLink {
    pub file: String,
    pub span: Span,
    /// What happens here: "loops over each element", "calls getAuthor()", "queries user.findUnique".
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub family: Family,
    pub severity: Severity,
    /// Path relative to the scan root, `/`-separated.
    pub file: String,
    pub span: Span,
    pub message: String,
    /// Loop, calls and query, in the order they run.
    pub chain: Vec<ChainLink>,
    /// Why this breaks at scale, in one or two sentences.
    pub why: String,
    /// How to fix it, for the ORM in use.
    pub fix: String,
    /// The index that fixes it, for index findings: `ceiling scan --fix-indexes` writes these
    /// into a migration, and the human report groups findings by it.
    pub index: Option<SuggestedIndex>,
    /// Places in the finding's file that hold a secret (a hard-coded fallback): code excerpts
    /// mask them.
    #[serde(skip)]
    pub redact: Vec<Span>,
    /// For findings of a live database (`ceiling db`): the object, in place of `file` and `span`,
    /// which are empty.
    pub object: Option<DbObject>,
    /// What a live database says about a finding of the code (`ceiling db --code`): the table's
    /// size, the index it already has.
    pub evidence: Vec<String>,
}

/// An object of a live database that a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct DbObject {
    pub kind: ObjectKind,
    /// Qualified as the database spells it: `public.posts`, `public.posts_author_id_idx`; for a
    /// policy, `public.posts: owners read`.
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ObjectKind {
    Database,
    Table,
    View,
    Index,
    Constraint,
    Policy,
    Function,
    Extension,
    Statement,
}

impl ObjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Database => "database",
            ObjectKind::Table => "table",
            ObjectKind::View => "view",
            ObjectKind::Index => "index",
            ObjectKind::Constraint => "constraint",
            ObjectKind::Policy => "policy",
            ObjectKind::Function => "function",
            ObjectKind::Extension => "extension",
            ObjectKind::Statement => "statement",
        }
    }
}

/// An index to create, with the statement that creates it and the line that declares it in the
/// schema the app edits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct SuggestedIndex {
    /// The table, as the database names it.
    pub table: String,
    /// Database column names, in index order.
    pub columns: Vec<String>,
    /// Deterministic: `{table}_{columns}_idx`, Prisma's own default, so that a later
    /// `prisma migrate` sees the index it would have made.
    pub name: String,
    /// `CREATE INDEX CONCURRENTLY IF NOT EXISTS ...;`
    pub sql: String,
    /// Where the schema the app edits declares the table, and what to add there.
    pub declaration: Option<Declaration>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Declaration {
    pub file: String,
    pub line: u32,
    /// What to add: `@@index([authorId])`, `index('post_author_id_idx').on(t.authorId)`.
    pub text: String,
    /// Where in that file: `model Post`, `the indexes of pgTable('posts')`.
    pub within: String,
}
