//! The app's database schema: tables, columns, indexes, foreign keys, row-level security and its
//! policies, as the app's own sources declare them (a Prisma schema, SQL migrations, Drizzle
//! tables, TypeORM entities, Sequelize and Mongoose models).
//!
//! Each source yields [`Table`]s; [`Schema::merge`] joins the tables of several sources by name,
//! keeping where each fact came from ([`Origin`]), so a finding can say "declared in
//! prisma/schema.prisma:12". Names are kept as the database stores them: SQL folds unquoted
//! identifiers to lower case, Prisma and the JS ORMs quote theirs.

use serde::Serialize;

/// The kind of source a schema fact was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SchemaSource {
    Prisma,
    SqlMigration,
    Drizzle,
    TypeOrm,
    Sequelize,
    Mongoose,
    Django,
    /// SQLAlchemy declarative models, `Table(...)`s and SQLModel tables.
    SqlAlchemy,
    /// Alembic migrations (`op.create_table`, `op.create_index`...).
    Alembic,
}

impl SchemaSource {
    pub fn display_name(self) -> &'static str {
        match self {
            SchemaSource::Prisma => "Prisma schema",
            SchemaSource::SqlMigration => "SQL migration",
            SchemaSource::Drizzle => "Drizzle schema",
            SchemaSource::TypeOrm => "TypeORM entity",
            SchemaSource::Sequelize => "Sequelize model",
            SchemaSource::Mongoose => "Mongoose schema",
            SchemaSource::Django => "Django model",
            SchemaSource::SqlAlchemy => "SQLAlchemy model",
            SchemaSource::Alembic => "Alembic migration",
        }
    }
}

/// Where a schema fact was declared: file (relative to the scan root), 1-based line, source kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Origin {
    pub file: String,
    pub line: u32,
    /// Byte offset of the declaration in the file, for findings that point at it.
    pub offset: u32,
    pub source: SchemaSource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    /// The table's name in the database (`posts`, `"User"` is `User`).
    pub name: String,
    /// How code names the table: the Prisma model (`User`), the Drizzle table's variable
    /// (`posts`), the TypeORM entity class, the Sequelize or Mongoose model name.
    pub bindings: Vec<String>,
    pub origin: Origin,
    pub columns: Vec<Column>,
    /// Every index, the primary key and unique constraints included (each is a B-tree index).
    pub indexes: Vec<Index>,
    pub foreign_keys: Vec<ForeignKey>,
    /// `ALTER TABLE ... ENABLE ROW LEVEL SECURITY`: `Some(true)`; disabled again: `Some(false)`.
    pub rls: Option<bool>,
    /// The row-level security policies (`CREATE POLICY ... ON t`) the migrations leave on the
    /// table: with RLS enabled, what each role may read and write is what they grant.
    pub policies: Vec<Policy>,
    /// Rows inserted by the migrations themselves (`INSERT INTO t VALUES ...`): a lookup table
    /// whose size the app does not grow, unless the app also writes to it.
    pub seeded: bool,
    /// Declared small by the project's config (`small-tables`): it stays small however the app grows.
    pub small: bool,
    /// The schema a SQL migration created it in when one is named and it is not `public`
    /// (`private`, `auth`); `None` for the default schema.
    pub namespace: Option<String>,
}

impl Table {
    pub fn new(name: impl Into<String>, origin: Origin) -> Table {
        Table {
            name: name.into(),
            bindings: Vec::new(),
            origin,
            columns: Vec::new(),
            indexes: Vec::new(),
            foreign_keys: Vec::new(),
            rls: None,
            policies: Vec::new(),
            seeded: false,
            small: false,
            namespace: None,
        }
    }

    /// The column that code names `written`: its field name (`authorId`) or its database name
    /// (`author_id`).
    pub fn column(&self, written: &str) -> Option<&Column> {
        self.columns
            .iter()
            .find(|column| column.field.as_deref() == Some(written))
            .or_else(|| self.columns.iter().find(|column| column.name == written))
    }

    /// The first index whose leading key is `column` (a database column name): the index
    /// PostgreSQL can use for an equality, range or sort on that column alone.
    pub fn index_leading_with(&self, column: &str) -> Option<&Index> {
        self.indexes.iter().find(|index| index.keys.first().is_some_and(|key| key.is_column(column)))
    }

    /// The first full (not partial) index whose leading keys are exactly `columns`, in any order:
    /// what a foreign key on those columns needs for joins and cascades, which see every row.
    pub fn index_starting_with(&self, columns: &[String]) -> Option<&Index> {
        self.indexes.iter().find(|index| {
            index.predicate.is_none()
                && index.keys.len() >= columns.len()
                && index.keys[..columns.len()].iter().all(|key| columns.iter().any(|column| key.is_column(column)))
        })
    }

    /// An index that can serve an unanchored pattern match (`ILIKE '%x%'`) on `column`: a GIN
    /// or GiST index with a trigram operator class (`gin_trgm_ops`) over the column. A full-text
    /// index (`to_tsvector(...)`) cannot serve `LIKE`.
    pub fn pattern_index_on(&self, column: &str) -> Option<&Index> {
        self.indexes.iter().find(|index| {
            matches!(index.method.as_deref(), Some("gin" | "gist"))
                && index.keys.iter().any(|key| match key {
                    IndexKey::Column { name, opclass } => {
                        name == column && opclass.as_deref().is_some_and(|opclass| opclass.contains("trgm"))
                    }
                    IndexKey::Expression(text) => key.mentions(column) && text.contains("trgm"),
                })
        })
    }

    /// Adds `index` unless the same index (kind, keys, method, predicate) is already there.
    pub fn add_index(&mut self, index: Index) {
        let same = |known: &Index| {
            known.kind == index.kind
                && known.keys == index.keys
                && known.method == index.method
                && known.predicate == index.predicate
        };
        if !self.indexes.iter().any(same) {
            self.indexes.push(index);
        }
    }

    /// Adds `column`, or fills in what an existing column of that name did not know.
    pub fn add_column(&mut self, column: Column) {
        match self.columns.iter_mut().find(|known| known.name == column.name) {
            Some(known) => {
                if known.field.is_none() {
                    known.field = column.field;
                }
                if known.ty.is_empty() {
                    known.ty = column.ty;
                }
                known.enumerated |= column.enumerated;
            }
            None => self.columns.push(column),
        }
    }

    pub fn add_foreign_key(&mut self, key: ForeignKey) {
        if !self.foreign_keys.iter().any(|known| known.columns == key.columns) {
            self.foreign_keys.push(key);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    /// The column's name in the database (`author_id`).
    pub name: String,
    /// The name code uses when it differs (`authorId` for Prisma's `authorId String @map("author_id")`).
    pub field: Option<String>,
    /// The type as declared (`text`, `String`, `integer`); empty when not known.
    pub ty: String,
    /// A boolean or an enum: a handful of distinct values, which an index alone rarely narrows.
    pub enumerated: bool,
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IndexKind {
    PrimaryKey,
    Unique,
    Index,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Index {
    /// The index or constraint name, where one was given or derived.
    pub name: Option<String>,
    pub kind: IndexKind,
    pub keys: Vec<IndexKey>,
    /// The access method when not B-tree (`gin`, `gist`, `hash`, `brin`), lower case.
    pub method: Option<String>,
    /// The `WHERE` predicate of a partial index, as written.
    pub predicate: Option<String>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IndexKey {
    /// A plain column, with its operator class when one is named (`gin_trgm_ops`).
    Column { name: String, opclass: Option<String> },
    /// An expression (`lower(email)`, `to_tsvector('english', title)`), as written.
    Expression(String),
}

impl IndexKey {
    pub fn column(name: impl Into<String>) -> IndexKey {
        IndexKey::Column { name: name.into(), opclass: None }
    }

    pub fn is_column(&self, column: &str) -> bool {
        matches!(self, IndexKey::Column { name, .. } if name == column)
    }

    /// The key is the column or an expression over it.
    fn mentions(&self, column: &str) -> bool {
        match self {
            IndexKey::Column { name, .. } => name == column,
            IndexKey::Expression(text) => {
                text.split(|c: char| !(c.is_alphanumeric() || c == '_')).any(|word| word == column)
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForeignKey {
    /// The referencing columns, database names.
    pub columns: Vec<String>,
    pub references_table: String,
    pub references_columns: Vec<String>,
    /// False for Prisma relations under `relationMode = "prisma"`: no constraint in the
    /// database, the same need for an index.
    pub enforced: bool,
    pub origin: Origin,
}

/// A row-level security policy, as far as it says whom it lets do what: a policy whose condition
/// is constant true lets its roles touch every row, and Supabase's `anon` and `authenticated`
/// roles are anyone with the public anon key and anyone who signed up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// The policy's name, unique per table (`DROP POLICY name ON t` names it).
    pub name: String,
    pub command: PolicyCommand,
    /// The roles it applies to, as PostgreSQL stores them (`anon`, `authenticated`); `public`,
    /// every role, when the policy names none.
    pub roles: Vec<String>,
    /// `AS PERMISSIVE`, the default: it grants access on its own. A restrictive policy only
    /// narrows what the permissive ones grant, never grants anything.
    pub permissive: bool,
    /// `USING (true)` (or another constant true, `(1 = 1)`): every existing row passes, for
    /// reading it, or changing or deleting it under `UPDATE`, `DELETE` and `ALL`.
    pub using_true: bool,
    /// `WITH CHECK (true)`: any new or changed row is accepted. Without a `WITH CHECK`,
    /// PostgreSQL checks new rows with `USING`, and `INSERT` policies with neither accept none.
    pub check_true: bool,
    /// The `CREATE POLICY` statement.
    pub origin: Origin,
}

/// The command a policy applies to; `ALL` when it names none. Shared by the policies of schema
/// files and those of a live database's catalog.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyCommand {
    #[default]
    All,
    Select,
    Insert,
    Update,
    Delete,
}

impl PolicyCommand {
    /// The command as SQL writes it: `ALL`, `SELECT`, ...
    pub fn as_sql(self) -> &'static str {
        match self {
            PolicyCommand::All => "ALL",
            PolicyCommand::Select => "SELECT",
            PolicyCommand::Insert => "INSERT",
            PolicyCommand::Update => "UPDATE",
            PolicyCommand::Delete => "DELETE",
        }
    }
}

/// A migration written in code (an Alembic revision): its place in the chain of revisions and
/// the changes its upgrade makes, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Migration {
    pub revision: Option<String>,
    /// The revisions it follows (`down_revision`; several for a merge).
    pub parents: Vec<String>,
    pub steps: Vec<MigrationStep>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MigrationStep {
    CreateTable(Table),
    DropTable(String),
    AddColumn {
        table: String,
        column: Column,
    },
    DropColumn {
        table: String,
        column: String,
    },
    CreateIndex {
        table: String,
        index: Index,
    },
    /// `drop_index(name)`, its table when named; a dropped unique constraint too.
    DropIndex {
        table: Option<String>,
        name: String,
    },
    AddForeignKey {
        table: String,
        key: ForeignKey,
    },
}

/// The tables the migrations of the project leave: each applied after the revisions it follows
/// (in path order where the chain says nothing), so an index dropped by a later revision is gone.
pub fn apply_migrations<'m>(migrations: impl IntoIterator<Item = (&'m str, &'m Migration)>) -> Vec<Table> {
    let mut pending: Vec<(&str, &Migration)> = migrations.into_iter().collect();
    pending.sort_by(|a, b| a.0.cmp(b.0));
    let known: std::collections::HashSet<&str> =
        pending.iter().filter_map(|(_, migration)| migration.revision.as_deref()).collect();
    let mut applied: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut tables: std::collections::BTreeMap<String, Table> = std::collections::BTreeMap::new();
    while !pending.is_empty() {
        let ready = pending
            .iter()
            .position(|(_, migration)| {
                migration
                    .parents
                    .iter()
                    .all(|parent| applied.contains(parent.as_str()) || !known.contains(parent.as_str()))
            })
            // A cycle: carry on in path order.
            .unwrap_or(0);
        let (_, migration) = pending.remove(ready);
        if let Some(revision) = migration.revision.as_deref() {
            applied.insert(revision);
        }
        for step in &migration.steps {
            apply_step(&mut tables, step);
        }
    }
    tables.into_values().collect()
}

fn apply_step(tables: &mut std::collections::BTreeMap<String, Table>, step: &MigrationStep) {
    // A change to a table no migration created: one the models (or another source) declare.
    fn table<'t>(
        tables: &'t mut std::collections::BTreeMap<String, Table>,
        name: &str,
        origin: &Origin,
    ) -> &'t mut Table {
        tables.entry(name.to_owned()).or_insert_with(|| Table::new(name, origin.clone()))
    }
    match step {
        MigrationStep::CreateTable(created) => {
            tables.insert(created.name.clone(), created.clone());
        }
        MigrationStep::DropTable(name) => {
            tables.remove(name);
        }
        MigrationStep::AddColumn { table: name, column } => {
            table(tables, name, &column.origin).add_column(column.clone())
        }
        MigrationStep::DropColumn { table, column } => {
            if let Some(known) = tables.get_mut(table) {
                known.columns.retain(|known| &known.name != column);
                known.indexes.retain(|index| !index.keys.iter().any(|key| key.is_column(column)));
                known.foreign_keys.retain(|key| !key.columns.contains(column));
            }
        }
        MigrationStep::CreateIndex { table: name, index } => {
            table(tables, name, &index.origin).add_index(index.clone())
        }
        MigrationStep::DropIndex { table, name } => {
            for (_, known) in tables.iter_mut().filter(|(known, _)| table.as_ref().is_none_or(|table| table == *known))
            {
                known.indexes.retain(|index| index.name.as_ref() != Some(name));
            }
        }
        MigrationStep::AddForeignKey { table: name, key } => {
            table(tables, name, &key.origin).add_foreign_key(key.clone())
        }
    }
}

/// A schema statement that could not be read, reported and skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaProblem {
    pub file: String,
    pub line: u32,
    pub message: String,
}

/// The merged schema of the app.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Schema {
    /// Sorted by name.
    pub tables: Vec<Table>,
    pub problems: Vec<SchemaProblem>,
    /// The `ceiling-ignore` comments of schema files (SQL, Prisma), by path.
    pub suppressions: std::collections::BTreeMap<String, Vec<crate::Suppression>>,
}

impl Schema {
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }

    /// The table named `name` in the database.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.binary_search_by(|table| table.name.as_str().cmp(name)).ok().map(|at| &self.tables[at])
    }

    /// The table that code refers to as `written`: a binding (Prisma model, Drizzle variable,
    /// entity class), or the table's own name. Prisma's client names models in lower camel case
    /// (`prisma.blogPost` for `model BlogPost`), so bindings compare without case when nothing
    /// matches exactly.
    pub fn table_for(&self, written: &str) -> Option<&Table> {
        let exact = self.tables.iter().find(|table| table.bindings.iter().any(|binding| binding == written));
        exact.or_else(|| self.table(written)).or_else(|| {
            let mut folded = self.tables.iter().filter(|table| {
                table.bindings.iter().any(|binding| binding.eq_ignore_ascii_case(written))
                    || table.name.eq_ignore_ascii_case(written)
            });
            let first = folded.next();
            // Two tables that differ only in case: say nothing rather than guess.
            if folded.next().is_some() { None } else { first }
        })
    }

    /// The table of a Prisma model accessor (`prisma.blogPost` is `model BlogPost`): models only,
    /// never a same-named table that only a migration declares.
    pub fn table_of_model(&self, accessor: &str) -> Option<&Table> {
        let mut models =
            self.tables.iter().filter(|table| table.bindings.iter().any(|model| model.eq_ignore_ascii_case(accessor)));
        let first = models.next();
        if models.next().is_some() { None } else { first }
    }

    /// Joins `tables` into the schema: tables of the same name become one, their columns,
    /// indexes and foreign keys united, each keeping its own origin. What is merged first keeps
    /// its origin for a fact both sources declare: merge the schema the app edits first.
    pub fn merge(&mut self, tables: impl IntoIterator<Item = Table>) {
        for table in tables {
            match self.tables.binary_search_by(|known| known.name.cmp(&table.name)) {
                Ok(at) => {
                    let known = &mut self.tables[at];
                    for binding in table.bindings {
                        if !known.bindings.contains(&binding) {
                            known.bindings.push(binding);
                        }
                    }
                    for column in table.columns {
                        known.add_column(column);
                    }
                    for index in table.indexes {
                        known.add_index(index);
                    }
                    for key in table.foreign_keys {
                        known.add_foreign_key(key);
                    }
                    known.rls = known.rls.or(table.rls);
                    for policy in table.policies {
                        if !known.policies.iter().any(|known| known.name == policy.name) {
                            known.policies.push(policy);
                        }
                    }
                    known.seeded |= table.seeded;
                    known.namespace = known.namespace.take().or(table.namespace);
                }
                Err(at) => self.tables.insert(at, table),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin() -> Origin {
        Origin { file: "schema.sql".into(), line: 1, offset: 0, source: SchemaSource::SqlMigration }
    }

    fn index(kind: IndexKind, columns: &[&str]) -> Index {
        Index {
            name: None,
            kind,
            keys: columns.iter().map(|column| IndexKey::column(*column)).collect(),
            method: None,
            predicate: None,
            origin: origin(),
        }
    }

    #[test]
    fn a_composite_index_serves_its_leading_column_only() {
        let mut table = Table::new("posts", origin());
        table.add_index(index(IndexKind::Index, &["author_id", "created_at"]));
        assert!(table.index_leading_with("author_id").is_some());
        assert!(table.index_leading_with("created_at").is_none());
        assert!(table.index_starting_with(&["author_id".into()]).is_some());
        assert!(table.index_starting_with(&["created_at".into()]).is_none());
    }

    #[test]
    fn merge_unites_tables_of_the_same_name_and_keeps_them_sorted() {
        let mut schema = Schema::default();
        let mut users = Table::new("users", origin());
        users.bindings.push("User".into());
        schema.merge([users, Table::new("accounts", origin())]);
        let mut more = Table::new("users", origin());
        more.add_index(index(IndexKind::Unique, &["email"]));
        schema.merge([more]);
        assert_eq!(schema.tables.iter().map(|table| table.name.as_str()).collect::<Vec<_>>(), ["accounts", "users"]);
        assert_eq!(schema.table_for("user").unwrap().indexes.len(), 1);
    }
}
