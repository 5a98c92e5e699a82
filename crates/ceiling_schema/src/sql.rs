//! SQL migrations in the PostgreSQL dialect, applied in order.
//!
//! Every file is cut into statements on the tokenizer's `;` tokens (so strings, dollar-quoted
//! bodies and comments never split one), each statement is parsed on its own, and the statements
//! that shape tables (`CREATE TABLE`, `CREATE INDEX`, `ALTER TABLE`, `DROP INDEX`, ...) evolve
//! one schema across all files: a later migration that drops an index wins.
//!
//! Names follow PostgreSQL: unquoted identifiers fold to lower case, quoted ones keep theirs, and
//! schema qualifiers are dropped (`public.users` and `auth.users` are both `users`), so an app
//! with several schemas sees same-named tables merged.
//!
//! Row-level security policies (`CREATE POLICY`, `ALTER POLICY`, `DROP POLICY`) are kept on the
//! table they guard, as far as a rule needs them: command, roles, and whether their conditions
//! are constant true.
//!
//! A statement sqlparser cannot read is reported only when it would shape a table (`CREATE
//! TABLE`, `CREATE [UNIQUE] INDEX`, `ALTER TABLE`, `DROP INDEX`, `DROP TABLE`); functions, `DO`
//! blocks, grants, policies and the rest that it cannot read are skipped silently: they hold no
//! table facts, and a report per `CREATE POLICY` would drown the ones that matter. A policy that
//! cannot be read is not kept: what it grants is not known, and a rule must not guess.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use ceiling_facts::{
    Column, ForeignKey, Index, IndexKey, IndexKind, Origin, Policy, PolicyCommand, SchemaProblem, SchemaSource, Table,
};
use sqlparser::ast::{
    AlterColumnOperation, AlterIndexOperation, AlterPolicy, AlterPolicyOperation, AlterTable, AlterTableOperation,
    BinaryOperator, ColumnDef, ColumnOption, ColumnOptionDef, CreateIndex, CreatePolicy, CreatePolicyCommand,
    CreatePolicyType, CreateTable, DataType, DropPolicy, Expr, ForeignKeyConstraint, Ident, IndexColumn, IndexType,
    Insert, ObjectName, ObjectType, Owner, PrimaryKeyConstraint, RenameTableNameKind, SetExpr, Spanned, Statement,
    TableConstraint, TableObject, UniqueConstraint, UserDefinedTypeRepresentation, Value,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer, Whitespace};

use crate::{Read, SchemaFile};

/// PostgreSQL's `NAMEDATALEN - 1`: longer identifiers are truncated to this many bytes.
const MAX_NAME: usize = 63;

pub(crate) fn apply(files: &[&SchemaFile]) -> Read {
    let mut state = State::default();
    let mut problems = Vec::new();
    // golang-migrate's `*.down.sql` undo their `*.up.sql`: they never run forward.
    for file in files.iter().filter(|file| !file.path.ends_with(".down.sql")) {
        state.apply_file(&Source::new(file), &mut problems);
    }
    Read { tables: state.finish(), problems }
}

/// The byte ranges of a migration's comments, `--` and `/* */`.
pub(crate) fn comments(file: &SchemaFile) -> Vec<(u32, u32)> {
    let source = Source::new(file);
    let Ok(tokens) = Tokenizer::new(&PostgreSqlDialect {}, source.text).tokenize_with_location() else {
        return Vec::new();
    };
    let offset = |at| u32::try_from(source.offset(at)).unwrap_or(u32::MAX);
    tokens
        .iter()
        .filter(|token| {
            matches!(
                token.token,
                Token::Whitespace(Whitespace::SingleLineComment { .. } | Whitespace::MultiLineComment(_))
            )
        })
        .map(|token| (offset(token.span.start), offset(token.span.end)))
        .collect()
}

/// A migration file, with what turns a token's line and column into an [`Origin`].
struct Source<'a> {
    path: &'a str,
    text: &'a str,
    line_starts: Vec<usize>,
    /// `INSERT`s outside seed files fill lookup tables; a seed file fills any table.
    marks_seeded: bool,
    /// Where the text starts in its file (SQL embedded in code starts inside it).
    first_line: u32,
    first_offset: u32,
}

impl<'a> Source<'a> {
    fn new(file: &'a SchemaFile) -> Source<'a> {
        // dbmate keeps both directions in one file: what follows `-- migrate:down` undoes it.
        let text = match file.text.find("-- migrate:down") {
            Some(at) => &file.text[..at],
            None => file.text.as_str(),
        };
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(at, _)| at + 1)).collect();
        Source {
            path: &file.path,
            text,
            line_starts,
            marks_seeded: !file.path.to_ascii_lowercase().contains("seed"),
            first_line: file.first_line.max(1),
            first_offset: file.first_offset,
        }
    }

    /// The line in the file of a tokenizer line.
    fn line(&self, line: u64) -> u32 {
        u32::try_from(line).unwrap_or(u32::MAX).saturating_add(self.first_line - 1)
    }

    /// The byte offset of a tokenizer location (1-based line, 1-based column counted in chars).
    fn offset(&self, at: Location) -> usize {
        let line = usize::try_from(at.line).unwrap_or(usize::MAX).saturating_sub(1);
        let column = usize::try_from(at.column).unwrap_or(usize::MAX).saturating_sub(1);
        let Some(&start) = self.line_starts.get(line) else { return self.text.len() };
        self.text[start..].char_indices().nth(column).map_or(self.text.len(), |(at, _)| start + at)
    }
}

/// One statement being applied: its file and where it starts, the fallback for facts whose own
/// position sqlparser does not know.
struct Cx<'a> {
    source: &'a Source<'a>,
    start: Location,
}

impl Cx<'_> {
    fn origin(&self, at: Location) -> Origin {
        let at = if at.line == 0 { self.start } else { at };
        let offset = u32::try_from(self.source.offset(at)).unwrap_or(u32::MAX);
        Origin {
            file: self.source.path.to_string(),
            line: self.source.line(at.line),
            offset: offset.saturating_add(self.source.first_offset),
            source: SchemaSource::SqlMigration,
        }
    }

    fn here(&self) -> Origin {
        self.origin(self.start)
    }
}

/// The schema as the migrations applied so far leave it.
#[derive(Default)]
struct State {
    tables: BTreeMap<String, Entry>,
    /// Types created `AS ENUM`: their columns hold a handful of values.
    enums: BTreeSet<String>,
}

struct Entry {
    table: Table,
    /// Foreign keys with their constraint names, which [`ForeignKey`] does not keep but
    /// `DROP CONSTRAINT` needs.
    foreign_keys: Vec<(String, ForeignKey)>,
}

impl State {
    fn apply_file(&mut self, source: &Source, problems: &mut Vec<SchemaProblem>) {
        // A byte order mark would glue itself to the first word; a space keeps every column.
        let text = match source.text.strip_prefix('\u{feff}') {
            Some(rest) => Cow::Owned(format!(" {rest}")),
            None => Cow::Borrowed(source.text),
        };
        let tokens = match Tokenizer::new(&PostgreSqlDialect {}, &text).tokenize_with_location() {
            Ok(tokens) => tokens,
            Err(error) => {
                problems.push(SchemaProblem {
                    file: source.path.to_string(),
                    line: source.line(1),
                    message: format!("could not read this SQL file: {error}"),
                });
                return;
            }
        };
        for mut statement in split(tokens) {
            let cx = Cx { source, start: statement[0].span.start };
            if let Some(body) = do_body(&statement) {
                self.apply_do_body(body, &cx);
                continue;
            }
            normalize(&mut statement);
            let relevant = opens_schema_statement(&statement) && !moves_schema(&statement);
            match parse(statement) {
                Ok(parsed) => parsed.iter().for_each(|parsed| self.apply(parsed, &cx)),
                Err(error) if relevant => problems.push(SchemaProblem {
                    file: source.path.to_string(),
                    line: source.line(cx.start.line),
                    message: format!("could not read this SQL statement: {}", parser_message(error)),
                }),
                // Functions, policies, grants and the like that sqlparser cannot read do not
                // shape tables: skipped without a word.
                Err(_) => {}
            }
        }
    }

    /// Applies the table statements inside a `DO` block's body: drizzle-kit wraps its foreign
    /// keys in `DO $$ BEGIN ALTER TABLE ... EXCEPTION WHEN duplicate_object THEN null; END $$`,
    /// and hand-written migrations guard DDL with `IF NOT EXISTS (...) THEN`. What fails to
    /// parse there is PL/pgSQL, not a schema statement, and is skipped silently.
    fn apply_do_body(&mut self, (body, at): (&str, Location), cx: &Cx) {
        let Ok(tokens) = Tokenizer::new(&PostgreSqlDialect {}, body).tokenize_with_location() else { return };
        let tokens = tokens.into_iter().map(|token| relocate(token, at)).collect();
        for piece in split(tokens) {
            let Some(from) = (0..piece.len()).find(|&at| {
                !matches!(piece[at].token, Token::Whitespace(_))
                    && (opens_schema_statement(&piece[at..]) || opens_policy_statement(&piece[at..]))
            }) else {
                continue;
            };
            let mut statement = piece[from..].to_vec();
            let cx = Cx { source: cx.source, start: statement[0].span.start };
            normalize(&mut statement);
            if let Ok(parsed) = parse(statement) {
                parsed.iter().for_each(|parsed| self.apply(parsed, &cx));
            }
        }
    }

    fn apply(&mut self, statement: &Statement, cx: &Cx) {
        match statement {
            Statement::CreateTable(create) => self.create_table(create, cx),
            Statement::CreateIndex(create) => self.create_index(create, cx),
            Statement::AlterTable(alter) => self.alter_table(alter, cx),
            Statement::AlterIndex { name, operation: AlterIndexOperation::RenameIndex { index_name } } => {
                if let (Some(old), Some(new)) = (object_name(name), object_name(index_name)) {
                    self.rename_index(&old, new);
                }
            }
            Statement::Drop { object_type: ObjectType::Table, names, .. } => {
                names.iter().filter_map(object_name).for_each(|name| self.drop_table(&name));
            }
            Statement::Drop { object_type: ObjectType::Index, names, .. } => {
                for name in names.iter().filter_map(object_name) {
                    for entry in self.tables.values_mut() {
                        entry.table.indexes.retain(|index| index.name.as_deref() != Some(name.as_str()));
                    }
                }
            }
            Statement::Insert(insert) => self.insert(insert, cx),
            Statement::CreatePolicy(create) => self.create_policy(create, cx),
            Statement::AlterPolicy(alter) => self.alter_policy(alter),
            Statement::DropPolicy(drop) => self.drop_policy(drop),
            Statement::CreateType { name, representation: Some(UserDefinedTypeRepresentation::Enum { .. }) } => {
                self.enums.extend(object_name(name));
            }
            _ => {}
        }
    }

    fn create_table(&mut self, create: &CreateTable, cx: &Cx) {
        let Some(name) = object_name(&create.name) else { return };
        if create.temporary {
            return;
        }
        // A table created again (`IF NOT EXISTS`, or a schema dump kept beside the migrations)
        // gains what the new declaration adds.
        self.ensure_table(&name, cx);
        // A table first named by an `ALTER` or `CREATE INDEX` is declared here.
        if let Some(entry) = self.tables.get_mut(&name)
            && entry.table.columns.is_empty()
        {
            entry.table.origin = cx.here();
        }
        if let [namespace, _] = create.name.0.as_slice()
            && let Some(namespace) = namespace.as_ident().map(ident).filter(|namespace| namespace != "public")
            && let Some(entry) = self.tables.get_mut(&name)
        {
            entry.table.namespace = Some(namespace);
        }
        // sqlparser reads `(LIKE other)` as a column named `LIKE` of type `other`.
        let columns: Vec<&ColumnDef> = create
            .columns
            .iter()
            .filter(|column| column.name.quote_style.is_some() || !column.name.value.eq_ignore_ascii_case("like"))
            .collect();
        self.add_columns(&name, &columns, &create.constraints, cx);
    }

    /// Adds columns and constraints, keys before foreign keys so that a reference without
    /// columns finds the primary key even of the table being created.
    fn add_columns(&mut self, table: &str, columns: &[&ColumnDef], constraints: &[TableConstraint], cx: &Cx) {
        let mut all = Vec::new();
        for column in columns {
            let added = Column {
                name: ident(&column.name),
                field: None,
                ty: type_text(&column.data_type),
                enumerated: match &column.data_type {
                    DataType::Bool | DataType::Boolean => true,
                    DataType::Custom(name, _) => object_name(name).is_some_and(|name| self.enums.contains(&name)),
                    _ => false,
                },
                origin: cx.origin(column.name.span.start),
            };
            if let Some(entry) = self.tables.get_mut(table) {
                entry.table.add_column(added);
            }
            all.extend(column.options.iter().filter_map(|option| column_constraint(&column.name, option)));
        }
        all.extend(constraints.iter().cloned());
        let (foreign, keys): (Vec<_>, Vec<_>) =
            all.iter().partition(|constraint| matches!(constraint, TableConstraint::ForeignKey(_)));
        for constraint in keys.into_iter().chain(foreign) {
            self.add_constraint(table, constraint, cx);
        }
    }

    fn add_constraint(&mut self, table: &str, constraint: &TableConstraint, cx: &Cx) {
        let origin = cx.origin(constraint.span().start);
        let (name, kind, columns) = match constraint {
            TableConstraint::PrimaryKey(key) => (&key.name, IndexKind::PrimaryKey, &key.columns),
            TableConstraint::Unique(key) => (&key.name, IndexKind::Unique, &key.columns),
            TableConstraint::ForeignKey(key) => return self.add_foreign_key(table, key, origin),
            TableConstraint::PrimaryKeyUsingIndex(using) | TableConstraint::UniqueUsingIndex(using) => {
                let Some(entry) = self.tables.get_mut(table) else { return };
                let index_name = ident(&using.index_name);
                let Some(index) =
                    entry.table.indexes.iter_mut().find(|index| index.name.as_deref() == Some(index_name.as_str()))
                else {
                    return;
                };
                // The index becomes the constraint's, renamed to the constraint when it is named.
                if let Some(name) = &using.name {
                    index.name = Some(ident(name));
                }
                if matches!(constraint, TableConstraint::PrimaryKeyUsingIndex(_)) {
                    index.kind = IndexKind::PrimaryKey;
                }
                return;
            }
            _ => return,
        };
        let (keys, key_names) = index_keys(columns);
        let index = Index { name: name.as_ref().map(ident), kind, keys, method: None, predicate: None, origin };
        match kind {
            // A primary key's default name has no columns: `users_pkey`.
            IndexKind::PrimaryKey => self.add_index(table, index, "pkey", &[]),
            _ => self.add_index(table, index, "key", &key_names),
        }
    }

    /// Adds `index` to `table`. An unnamed one gets PostgreSQL's default name, from the table,
    /// `key_names` and `label`, unless the same index is already there (declared again by a
    /// schema dump beside the migrations); a named one is skipped when the name is taken.
    fn add_index(&mut self, table: &str, mut index: Index, label: &str, key_names: &[String]) {
        let Some(entry) = self.tables.get(table) else { return };
        match &index.name {
            Some(name) if self.index_named(name) => return,
            Some(_) => {}
            None => {
                if entry.table.indexes.iter().any(|known| same_index(known, &index)) {
                    return;
                }
                index.name = Some(self.unused_name(table, key_names, label, |state, name| state.index_named(name)));
            }
        }
        if let Some(entry) = self.tables.get_mut(table) {
            entry.table.indexes.push(index);
        }
    }

    fn add_foreign_key(&mut self, table: &str, key: &ForeignKeyConstraint, origin: Origin) {
        let Some(references_table) = object_name(&key.foreign_table) else { return };
        let columns: Vec<String> = key.columns.iter().map(ident).collect();
        let mut references_columns: Vec<String> = key.referred_columns.iter().map(ident).collect();
        if references_columns.is_empty() {
            // `REFERENCES users` means the referenced table's primary key; unknown when that
            // table lives elsewhere (`auth.users`).
            references_columns = self.primary_key(&references_table);
        }
        let Some(entry) = self.tables.get(table) else { return };
        let name = match key.name.as_ref().map(ident) {
            Some(name) if entry.foreign_keys.iter().any(|(known, _)| *known == name) => return,
            Some(name) => name,
            None if entry.foreign_keys.iter().any(|(_, known)| known.columns == columns) => return,
            None => self.unused_name(table, &columns, "fkey", |state, name| {
                state.tables.get(table).is_some_and(|entry| entry.foreign_keys.iter().any(|(known, _)| known == name))
            }),
        };
        let key = ForeignKey { columns, references_table, references_columns, enforced: true, origin };
        if let Some(entry) = self.tables.get_mut(table) {
            entry.foreign_keys.push((name, key));
        }
    }

    fn create_index(&mut self, create: &CreateIndex, cx: &Cx) {
        let Some(table) = object_name(&create.table_name) else { return };
        let method = create.using.as_ref().and_then(|using| match using {
            IndexType::BTree => None,
            IndexType::Custom(name) => Some(name.value.to_ascii_lowercase()),
            other => Some(other.to_string().to_ascii_lowercase()),
        });
        let (keys, key_names) = index_keys(&create.columns);
        let index = Index {
            name: create.name.as_ref().and_then(object_name),
            kind: if create.unique { IndexKind::Unique } else { IndexKind::Index },
            keys,
            method,
            predicate: create.predicate.as_ref().map(Expr::to_string),
            origin: cx.here(),
        };
        self.ensure_table(&table, cx);
        self.add_index(&table, index, "idx", &key_names);
    }

    fn alter_table(&mut self, alter: &AlterTable, cx: &Cx) {
        let Some(mut table) = object_name(&alter.name) else { return };
        if alter.if_exists && !self.tables.contains_key(&table) {
            return;
        }
        self.ensure_table(&table, cx);
        for operation in &alter.operations {
            match operation {
                AlterTableOperation::AddColumn { column_def, .. } => self.add_columns(&table, &[column_def], &[], cx),
                AlterTableOperation::AddConstraint { constraint, .. } => self.add_constraint(&table, constraint, cx),
                AlterTableOperation::DropColumn { column_names, .. } => {
                    column_names.iter().for_each(|column| self.drop_column(&table, &ident(column)));
                }
                AlterTableOperation::DropConstraint { name, .. } => {
                    let name = ident(name);
                    if let Some(entry) = self.tables.get_mut(&table) {
                        entry.table.indexes.retain(|index| index.name.as_deref() != Some(name.as_str()));
                        entry.foreign_keys.retain(|(known, _)| *known != name);
                    }
                }
                AlterTableOperation::RenameConstraint { old_name, new_name } => {
                    let (old, new) = (ident(old_name), ident(new_name));
                    if let Some(entry) = self.tables.get_mut(&table) {
                        for index in &mut entry.table.indexes {
                            if index.name.as_deref() == Some(old.as_str()) {
                                index.name = Some(new.clone());
                            }
                        }
                        for (known, _) in &mut entry.foreign_keys {
                            if *known == old {
                                known.clone_from(&new);
                            }
                        }
                    }
                }
                AlterTableOperation::RenameColumn { old_column_name, new_column_name } => {
                    self.rename_column(&table, &ident(old_column_name), &ident(new_column_name));
                }
                AlterTableOperation::RenameTable {
                    table_name: RenameTableNameKind::To(name) | RenameTableNameKind::As(name),
                } => {
                    if let Some(new) = object_name(name) {
                        self.rename_table(&table, &new);
                        table = new;
                    }
                }
                AlterTableOperation::AlterColumn {
                    column_name,
                    op: AlterColumnOperation::SetDataType { data_type, .. },
                } => {
                    let name = ident(column_name);
                    if let Some(entry) = self.tables.get_mut(&table)
                        && let Some(column) = entry.table.columns.iter_mut().find(|column| column.name == name)
                    {
                        column.ty = type_text(data_type);
                    }
                }
                // `FORCE` makes the owner obey policies too; whether they apply at all is
                // `ENABLE`'s and `DISABLE`'s to say.
                AlterTableOperation::EnableRowLevelSecurity => self.set_rls(&table, true),
                AlterTableOperation::DisableRowLevelSecurity => self.set_rls(&table, false),
                _ => {}
            }
        }
    }

    fn set_rls(&mut self, table: &str, enabled: bool) {
        if let Some(entry) = self.tables.get_mut(table) {
            entry.table.rls = Some(enabled);
        }
    }

    /// Keeps a policy on the table it guards, replacing one of the same name (a schema dump
    /// declaring it again). A policy on a table the migrations do not know, or on a same-named
    /// table of another schema (`storage.objects` beside `public.objects`), is not kept.
    fn create_policy(&mut self, create: &CreatePolicy, cx: &Cx) {
        let Some(entry) = self.policy_table(&create.table_name) else { return };
        let policy = Policy {
            name: ident(&create.name),
            command: match create.command {
                None | Some(CreatePolicyCommand::All) => PolicyCommand::All,
                Some(CreatePolicyCommand::Select) => PolicyCommand::Select,
                Some(CreatePolicyCommand::Insert) => PolicyCommand::Insert,
                Some(CreatePolicyCommand::Update) => PolicyCommand::Update,
                Some(CreatePolicyCommand::Delete) => PolicyCommand::Delete,
            },
            roles: create.to.as_deref().map_or_else(|| vec!["public".to_string()], roles),
            permissive: create.policy_type != Some(CreatePolicyType::Restrictive),
            using_true: create.using.as_ref().is_some_and(is_true),
            check_true: create.with_check.as_ref().is_some_and(is_true),
            origin: cx.here(),
        };
        let policies = &mut entry.table.policies;
        policies.retain(|known| known.name != policy.name);
        policies.push(policy);
    }

    /// `ALTER POLICY` renames a policy, or gives it other roles or conditions; what it does not
    /// name stays.
    fn alter_policy(&mut self, alter: &AlterPolicy) {
        let name = ident(&alter.name);
        let Some(entry) = self.policy_table(&alter.table_name) else { return };
        let Some(policy) = entry.table.policies.iter_mut().find(|known| known.name == name) else { return };
        match &alter.operation {
            AlterPolicyOperation::Rename { new_name } => policy.name = ident(new_name),
            AlterPolicyOperation::Apply { to, using, with_check } => {
                if let Some(to) = to {
                    policy.roles = roles(to);
                }
                if let Some(using) = using {
                    policy.using_true = is_true(using);
                }
                if let Some(with_check) = with_check {
                    policy.check_true = is_true(with_check);
                }
            }
        }
    }

    fn drop_policy(&mut self, drop: &DropPolicy) {
        let name = ident(&drop.name);
        if let Some(entry) = self.policy_table(&drop.table_name) {
            entry.table.policies.retain(|known| known.name != name);
        }
    }

    /// The table a policy statement names, unless it names another schema than the table's.
    fn policy_table(&mut self, name: &ObjectName) -> Option<&mut Entry> {
        let table = object_name(name)?;
        let namespace = match name.0.as_slice() {
            [namespace, _] => Some(namespace.as_ident().map(ident)?),
            _ => None,
        };
        let entry = self.tables.get_mut(&table)?;
        match namespace {
            Some(namespace) if entry.table.namespace.as_deref().unwrap_or("public") != namespace => None,
            _ => Some(entry),
        }
    }

    fn insert(&mut self, insert: &Insert, cx: &Cx) {
        let TableObject::TableName(name) = &insert.table else { return };
        let values = insert.source.as_ref().is_some_and(|query| matches!(query.body.as_ref(), SetExpr::Values(_)));
        if cx.source.marks_seeded
            && values
            && let Some(entry) = object_name(name).and_then(|name| self.tables.get_mut(&name))
        {
            entry.table.seeded = true;
        }
    }

    /// Makes sure the table named `name` is known, created where first mentioned when no
    /// statement we read created it (a `CREATE TABLE` sqlparser cannot read, a table of another
    /// schema): its indexes still count.
    fn ensure_table(&mut self, name: &str, cx: &Cx) {
        self.tables
            .entry(name.to_string())
            .or_insert_with(|| Entry { table: Table::new(name, cx.here()), foreign_keys: Vec::new() });
    }

    fn index_named(&self, name: &str) -> bool {
        self.tables.values().any(|entry| entry.table.indexes.iter().any(|index| index.name.as_deref() == Some(name)))
    }

    fn primary_key(&self, table: &str) -> Vec<String> {
        let Some(entry) = self.tables.get(table) else { return Vec::new() };
        let Some(key) = entry.table.indexes.iter().find(|index| index.kind == IndexKind::PrimaryKey) else {
            return Vec::new();
        };
        key.keys
            .iter()
            .filter_map(|key| match key {
                IndexKey::Column { name, .. } => Some(name.clone()),
                IndexKey::Expression(_) => None,
            })
            .collect()
    }

    /// PostgreSQL's name for an unnamed index or constraint, numbered like PostgreSQL's when
    /// the plain one is taken (`users_email_idx1`).
    fn unused_name(
        &self,
        table: &str,
        columns: &[String],
        label: &str,
        taken: impl Fn(&State, &str) -> bool,
    ) -> String {
        let mut name = default_name(table, columns, label);
        let mut pass = 0;
        while taken(self, &name) {
            pass += 1;
            name = default_name(table, columns, &format!("{label}{pass}"));
        }
        name
    }

    fn rename_index(&mut self, old: &str, new: String) {
        for entry in self.tables.values_mut() {
            for index in &mut entry.table.indexes {
                if index.name.as_deref() == Some(old) {
                    index.name = Some(new.clone());
                }
            }
        }
    }

    /// Drops the table and, as `DROP TABLE ... CASCADE` does, the foreign keys pointing at it.
    fn drop_table(&mut self, name: &str) {
        self.tables.remove(name);
        for entry in self.tables.values_mut() {
            entry.foreign_keys.retain(|(_, key)| key.references_table != name);
        }
    }

    fn rename_table(&mut self, old: &str, new: &str) {
        let Some(mut entry) = self.tables.remove(old) else { return };
        entry.table.name = new.to_string();
        self.tables.insert(new.to_string(), entry);
        for entry in self.tables.values_mut() {
            for (_, key) in &mut entry.foreign_keys {
                if key.references_table == old {
                    key.references_table = new.to_string();
                }
            }
        }
    }

    /// Drops the column with the indexes and foreign keys that use it, as PostgreSQL does.
    fn drop_column(&mut self, table: &str, column: &str) {
        let Some(entry) = self.tables.get_mut(table) else { return };
        entry.table.columns.retain(|known| known.name != column);
        entry.table.indexes.retain(|index| {
            !index.keys.iter().any(|key| match key {
                IndexKey::Column { name, .. } => name == column,
                IndexKey::Expression(text) => mentions(text, column),
            }) && !index.predicate.as_deref().is_some_and(|predicate| mentions(predicate, column))
        });
        entry.foreign_keys.retain(|(_, key)| !key.columns.iter().any(|known| known == column));
        for entry in self.tables.values_mut() {
            entry.foreign_keys.retain(|(_, key)| {
                key.references_table != table || !key.references_columns.iter().any(|known| known == column)
            });
        }
    }

    fn rename_column(&mut self, table: &str, old: &str, new: &str) {
        let Some(entry) = self.tables.get_mut(table) else { return };
        for column in &mut entry.table.columns {
            if column.name == old {
                column.name = new.to_string();
            }
        }
        for index in &mut entry.table.indexes {
            for key in &mut index.keys {
                match key {
                    IndexKey::Column { name, .. } if name == old => *name = new.to_string(),
                    IndexKey::Expression(text) => *text = replace_word(text, old, new),
                    IndexKey::Column { .. } => {}
                }
            }
            if let Some(predicate) = &mut index.predicate {
                *predicate = replace_word(predicate, old, new);
            }
        }
        for (_, key) in &mut entry.foreign_keys {
            key.columns.iter_mut().filter(|column| *column == old).for_each(|column| *column = new.to_string());
        }
        for entry in self.tables.values_mut() {
            for (_, key) in entry.foreign_keys.iter_mut().filter(|(_, key)| key.references_table == table) {
                key.references_columns
                    .iter_mut()
                    .filter(|column| *column == old)
                    .for_each(|column| *column = new.to_string());
            }
        }
    }

    fn finish(self) -> Vec<Table> {
        self.tables
            .into_values()
            .map(|entry| {
                let mut table = entry.table;
                // Not `Table::add_index`, which would fold a partial index into a full one on
                // the same keys.
                let mut indexes: Vec<Index> = Vec::new();
                for index in std::mem::take(&mut table.indexes) {
                    if !indexes.iter().any(|known| same_index(known, &index)) {
                        indexes.push(index);
                    }
                }
                table.indexes = indexes;
                for (_, key) in entry.foreign_keys {
                    table.add_foreign_key(key);
                }
                table
            })
            .collect()
    }
}

/// The same index under another name.
fn same_index(a: &Index, b: &Index) -> bool {
    a.kind == b.kind && a.keys == b.keys && a.method == b.method && a.predicate == b.predicate
}

/// Cuts a file's tokens into statements on `;` outside parentheses, each trimmed to start at
/// its first token. psql meta-commands (`\connect db`, `\restrict key`: a backslash opening a
/// statement, up to the line's end) end no statement with `;` and are dropped.
fn split(tokens: Vec<TokenWithSpan>) -> Vec<Vec<TokenWithSpan>> {
    let mut statements = Vec::new();
    let mut current: Vec<TokenWithSpan> = Vec::new();
    let mut depth = 0usize;
    let mut meta_command = false;
    for token in tokens {
        match &token.token {
            Token::Whitespace(Whitespace::Newline) if meta_command => meta_command = false,
            _ if meta_command => {}
            Token::Whitespace(_) if current.is_empty() => {}
            Token::Backslash if current.is_empty() => meta_command = true,
            Token::SemiColon if depth == 0 => statements.push(std::mem::take(&mut current)),
            Token::LParen => {
                depth += 1;
                current.push(token);
            }
            Token::RParen => {
                depth = depth.saturating_sub(1);
                current.push(token);
            }
            _ => current.push(token),
        }
    }
    statements.push(current);
    statements.retain(|statement| !statement.is_empty());
    statements
}

fn parse(tokens: Vec<TokenWithSpan>) -> Result<Vec<Statement>, ParserError> {
    Parser::new(&PostgreSqlDialect {}).with_tokens_with_locations(tokens).parse_statements()
}

fn parser_message(error: ParserError) -> String {
    match error {
        ParserError::TokenizerError(message) | ParserError::ParserError(message) => message,
        ParserError::RecursionLimitExceeded => "nested too deeply".to_string(),
    }
}

/// The upper-cased unquoted words that open `tokens`, up to `count`.
fn leading_words(tokens: &[TokenWithSpan], count: usize) -> Vec<String> {
    tokens
        .iter()
        .filter(|token| !matches!(token.token, Token::Whitespace(_)))
        .map_while(|token| match &token.token {
            Token::Word(word) if word.quote_style.is_none() => Some(word.value.to_ascii_uppercase()),
            _ => None,
        })
        .take(count)
        .collect()
}

/// Whether `tokens` open a statement that shapes tables: the ones whose parse failure is worth
/// reporting.
fn opens_schema_statement(tokens: &[TokenWithSpan]) -> bool {
    let words = leading_words(tokens, 3);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    matches!(
        words.as_slice(),
        ["CREATE", "TABLE" | "INDEX", ..]
            | ["CREATE", "UNIQUE" | "UNLOGGED", "INDEX" | "TABLE", ..]
            | ["ALTER", "TABLE", ..]
            | ["DROP", "INDEX" | "TABLE", ..]
    )
}

/// Whether `tokens` open `CREATE POLICY`, `ALTER POLICY` or `DROP POLICY`.
fn opens_policy_statement(tokens: &[TokenWithSpan]) -> bool {
    let words = leading_words(tokens, 2);
    matches!(words.iter().map(String::as_str).collect::<Vec<_>>().as_slice(), ["CREATE" | "ALTER" | "DROP", "POLICY"])
}

/// Removes what sqlparser 0.64 rejects and the schema does not need: `ONLY` in `CREATE INDEX
/// ... ON ONLY t` (pg_dump's partitioned tables), `CONCURRENTLY` in `DROP INDEX`, `IF EXISTS` in
/// `ALTER INDEX`, and the column list of `ON DELETE SET NULL (column)` (PostgreSQL 15).
fn normalize(tokens: &mut Vec<TokenWithSpan>) {
    let significant: Vec<usize> =
        (0..tokens.len()).filter(|&at| !matches!(tokens[at].token, Token::Whitespace(_))).collect();
    let token = |at: usize| significant.get(at).map(|&at| &tokens[at].token);
    let is = |at: usize, expected: &str| matches!(token(at), Some(Token::Word(word)) if word.quote_style.is_none() && word.value.eq_ignore_ascii_case(expected));
    let mut drop = Vec::new();
    if is(0, "DROP") && is(1, "INDEX") && is(2, "CONCURRENTLY") {
        drop.push(2);
    }
    if is(0, "ALTER") && is(1, "INDEX") && is(2, "IF") && is(3, "EXISTS") {
        drop.extend([2, 3]);
    }
    if is(0, "CREATE")
        && (is(1, "INDEX") || is(1, "UNIQUE") && is(2, "INDEX"))
        && let Some(on) = (2..significant.len()).find(|&at| is(at, "ON"))
        && is(on + 1, "ONLY")
    {
        drop.push(on + 1);
    }
    for at in 0..significant.len() {
        if is(at, "ON") && is(at + 1, "DELETE") && is(at + 2, "SET") && (is(at + 3, "NULL") || is(at + 3, "DEFAULT")) {
            let mut depth = 0usize;
            for list in at + 4..significant.len() {
                match token(list) {
                    Some(Token::LParen) => depth += 1,
                    Some(Token::RParen) if depth > 0 => depth -= 1,
                    _ if depth == 0 => break,
                    _ => {}
                }
                drop.push(list);
                if depth == 0 {
                    break;
                }
            }
        }
    }
    drop.sort_unstable();
    drop.dedup();
    for at in drop.into_iter().rev().filter_map(|at| significant.get(at)) {
        tokens.remove(*at);
    }
}

/// `ALTER TABLE t SET SCHEMA s`, which sqlparser 0.64 cannot read and which changes nothing
/// here: schemas are not kept.
fn moves_schema(tokens: &[TokenWithSpan]) -> bool {
    let words = leading_words(tokens, 2);
    let last: Vec<&Token> = tokens
        .iter()
        .rev()
        .map(|token| &token.token)
        .filter(|token| !matches!(token, Token::Whitespace(_)))
        .take(3)
        .collect();
    let is = |token: &Token, expected: &str| matches!(token, Token::Word(word) if word.quote_style.is_none() && word.value.eq_ignore_ascii_case(expected));
    words == ["ALTER", "TABLE"] && matches!(last.as_slice(), [_, schema, set] if is(schema, "SCHEMA") && is(set, "SET"))
}

/// The body of a `DO` block and where it starts in the file.
fn do_body(tokens: &[TokenWithSpan]) -> Option<(&str, Location)> {
    if leading_words(tokens, 1).first().map(String::as_str) != Some("DO") {
        return None;
    }
    tokens.iter().find_map(|token| match &token.token {
        Token::DollarQuotedString(quoted) => {
            // The opening `$tag$` sits on the line the body starts on.
            let opening = quoted.tag.as_ref().map_or(0, |tag| tag.chars().count()) as u64 + 2;
            let start = Location { line: token.span.start.line, column: token.span.start.column + opening };
            Some((quoted.value.as_str(), start))
        }
        _ => None,
    })
}

/// Moves a token of a text that starts at `base` in the file to its place in the file.
fn relocate(mut token: TokenWithSpan, base: Location) -> TokenWithSpan {
    let shift = |at: Location| match at.line {
        0 => at,
        1 => Location { line: base.line, column: (base.column + at.column).saturating_sub(1) },
        line => Location { line: (base.line + line).saturating_sub(1), column: at.column },
    };
    token.span.start = shift(token.span.start);
    token.span.end = shift(token.span.end);
    token
}

/// A policy's roles as PostgreSQL stores them; `CURRENT_USER` and the like by their keyword.
fn roles(owners: &[Owner]) -> Vec<String> {
    owners
        .iter()
        .map(|owner| match owner {
            Owner::Ident(name) => ident(name),
            other => other.to_string().to_ascii_lowercase(),
        })
        .collect()
}

/// A policy condition that holds for every row: `true`, `(true)`, `1 = 1`, `'a' = 'a'`.
fn is_true(expr: &Expr) -> bool {
    match expr {
        Expr::Nested(inner) => is_true(inner),
        Expr::Value(value) => value.value == Value::Boolean(true),
        Expr::BinaryOp { left, op: BinaryOperator::Eq, right } => {
            let literal = |expr: &Expr| {
                let mut expr = expr;
                while let Expr::Nested(inner) = expr {
                    expr = inner;
                }
                match expr {
                    Expr::Value(value) if value.value != Value::Null => Some(value.value.clone()),
                    _ => None,
                }
            };
            literal(left).is_some_and(|left| Some(left) == literal(right))
        }
        _ => false,
    }
}

/// A column's inline `PRIMARY KEY`, `UNIQUE` or `REFERENCES` as the table constraint it is.
fn column_constraint(column: &Ident, option: &ColumnOptionDef) -> Option<TableConstraint> {
    let columns = || vec![IndexColumn::from(column.clone())];
    match &option.option {
        ColumnOption::PrimaryKey(key) => Some(TableConstraint::PrimaryKey(PrimaryKeyConstraint {
            name: option.name.clone().or_else(|| key.name.clone()),
            columns: columns(),
            ..key.clone()
        })),
        ColumnOption::Unique(key) => Some(TableConstraint::Unique(UniqueConstraint {
            name: option.name.clone().or_else(|| key.name.clone()),
            columns: columns(),
            ..key.clone()
        })),
        ColumnOption::ForeignKey(key) => Some(TableConstraint::ForeignKey(ForeignKeyConstraint {
            name: option.name.clone().or_else(|| key.name.clone()),
            columns: vec![column.clone()],
            ..key.clone()
        })),
        _ => None,
    }
}

/// An index's keys, and the names PostgreSQL gives them in a default index name.
fn index_keys(columns: &[IndexColumn]) -> (Vec<IndexKey>, Vec<String>) {
    columns.iter().map(|column| (index_key(column), expr_name(&column.column.expr))).unzip()
}

fn index_key(column: &IndexColumn) -> IndexKey {
    let mut expr = &column.column.expr;
    while let Expr::Nested(inner) = expr {
        expr = inner;
    }
    let named = match expr {
        Expr::Identifier(name) => Some(name),
        Expr::Collate { expr, .. } => match expr.as_ref() {
            Expr::Identifier(name) => Some(name),
            _ => None,
        },
        _ => None,
    };
    match named {
        Some(name) => {
            IndexKey::Column { name: ident(name), opclass: column.operator_class.as_ref().and_then(object_name) }
        }
        None => IndexKey::Expression(expr.to_string()),
    }
}

/// PostgreSQL's `FigureColname` for an index key: the column, the function called (`lower`),
/// or `expr`.
fn expr_name(expr: &Expr) -> String {
    match expr {
        Expr::Identifier(name) => ident(name),
        Expr::Function(function) => object_name(&function.name).unwrap_or_else(|| "expr".to_string()),
        Expr::Nested(inner) | Expr::Collate { expr: inner, .. } | Expr::Cast { expr: inner, .. } => expr_name(inner),
        _ => "expr".to_string(),
    }
}

/// PostgreSQL's `makeObjectName`: `{table}_{columns}_{label}`, the table and column parts
/// shortened in turn, the longer first, to fit 63 bytes.
fn default_name(table: &str, columns: &[String], label: &str) -> String {
    let columns = columns.join("_");
    let overhead = label.len() + 1 + if columns.is_empty() { 0 } else { 1 };
    let available = MAX_NAME.saturating_sub(overhead);
    let (mut table_len, mut columns_len) = (table.len(), columns.len());
    while table_len + columns_len > available {
        if table_len > columns_len {
            table_len -= 1;
        } else {
            columns_len -= 1;
        }
    }
    let mut name = clip(table, table_len).to_string();
    if !columns.is_empty() {
        name.push('_');
        name.push_str(clip(&columns, columns_len));
    }
    name.push('_');
    name.push_str(label);
    name
}

/// The longest prefix of `text` within `len` bytes that ends on a character boundary.
fn clip(text: &str, len: usize) -> &str {
    let mut end = len.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// An identifier as PostgreSQL stores it: unquoted folds to lower case, and both are cut to
/// 63 bytes.
fn ident(ident: &Ident) -> String {
    let value = match ident.quote_style {
        Some(_) => ident.value.clone(),
        None => ident.value.to_ascii_lowercase(),
    };
    clip(&value, MAX_NAME).to_string()
}

/// The object's own name, its schema dropped.
fn object_name(name: &ObjectName) -> Option<String> {
    name.0.last()?.as_ident().map(ident)
}

/// A column's type as PostgreSQL would show it: built-in types in lower case, a type of the app's
/// own (`"Role"`, an enum) by its name.
fn type_text(ty: &DataType) -> String {
    if let DataType::Custom(name, modifiers) = ty
        && modifiers.is_empty()
    {
        return object_name(name).unwrap_or_default();
    }
    let text = ty.to_string();
    // Quoted names inside (`"Role"[]`) keep their case.
    if text.contains('"') { text } else { text.to_ascii_lowercase() }
}

fn mentions(text: &str, column: &str) -> bool {
    text.split(|c: char| !is_word_char(c)).any(|word| word == column)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `text` with every whole word `old` replaced by `new`.
fn replace_word(text: &str, old: &str, new: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(is_word_char) {
        out.push_str(&rest[..start]);
        let word_len = rest[start..].find(|c: char| !is_word_char(c)).unwrap_or(rest.len() - start);
        let word = &rest[start..start + word_len];
        out.push_str(if word == old { new } else { word });
        rest = &rest[start + word_len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(files: &[(&str, &str)]) -> Read {
        let files: Vec<SchemaFile> =
            files.iter().map(|(path, text)| SchemaFile::new(path.to_string(), text.to_string())).collect();
        apply(&files.iter().collect::<Vec<_>>())
    }

    fn one(text: &str) -> Read {
        let read = read(&[("migrations/001.sql", text)]);
        assert_eq!(read.problems, [], "{text}");
        read
    }

    fn table<'a>(read: &'a Read, name: &str) -> &'a Table {
        read.tables.iter().find(|table| table.name == name).unwrap_or_else(|| panic!("no table {name}"))
    }

    fn index<'a>(table: &'a Table, name: &str) -> &'a Index {
        table.indexes.iter().find(|index| index.name.as_deref() == Some(name)).unwrap_or_else(|| {
            panic!("no index {name} in {:?}", table.indexes.iter().map(|index| &index.name).collect::<Vec<_>>())
        })
    }

    fn names(read: &Read) -> Vec<&str> {
        read.tables.iter().map(|table| table.name.as_str()).collect()
    }

    fn column(name: &str) -> IndexKey {
        IndexKey::column(name)
    }

    #[test]
    fn prisma_migration() {
        let text = r#"-- CreateEnum
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'USER',
    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Post" (
    "id" SERIAL NOT NULL,
    "authorId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
"#;
        let read = one(text);
        assert_eq!(names(&read), ["Post", "User"]);
        let user = table(&read, "User");
        assert_eq!(user.origin.line, 5);
        assert_eq!(
            user.columns.iter().map(|column| (column.name.as_str(), column.ty.as_str())).collect::<Vec<_>>(),
            [("id", "serial"), ("email", "text"), ("role", "Role")]
        );
        assert_eq!(index(user, "User_pkey").kind, IndexKind::PrimaryKey);
        assert_eq!(index(user, "User_pkey").keys, [column("id")]);
        let email = index(user, "User_email_key");
        assert_eq!((email.kind, &email.keys, email.origin.line), (IndexKind::Unique, &vec![column("email")], 21));
        let post = table(&read, "Post");
        assert_eq!(post.columns[2].ty, "timestamp(3)");
        let [key] = post.foreign_keys.as_slice() else { panic!("{:?}", post.foreign_keys) };
        assert_eq!((key.columns.as_slice(), key.references_table.as_str()), (&["authorId".to_string()][..], "User"));
        assert_eq!(key.references_columns, ["id"]);
        assert!(key.enforced);
        assert_eq!(key.origin.line, 24);
        assert!(text[key.origin.offset as usize..].starts_with(r#""Post_authorId_fkey" FOREIGN KEY"#));
        assert!(text[post.columns[1].origin.offset as usize..].starts_with(r#""authorId" INTEGER"#));
    }

    #[test]
    fn supabase_migration() {
        let read = one(r#"create table public.profiles (
  id uuid references auth.users on delete cascade not null primary key,
  updated_at timestamp with time zone,
  username text unique,
  constraint username_length check (char_length(username) >= 3)
);
alter table profiles enable row level security;
create policy "Public profiles are viewable by everyone." on profiles
  for select using (true);
create function public.handle_new_user()
returns trigger as $$
begin
  insert into public.profiles (id) values (new.id);
  return new;
end;
$$ language plpgsql security definer;
create trigger on_auth_user_created
  after insert on auth.users
  for each row execute procedure public.handle_new_user();
"#);
        assert_eq!(names(&read), ["profiles"]);
        let profiles = table(&read, "profiles");
        assert_eq!(profiles.rls, Some(true));
        assert!(!profiles.seeded);
        assert_eq!(index(profiles, "profiles_pkey").keys, [column("id")]);
        assert_eq!(index(profiles, "profiles_username_key").kind, IndexKind::Unique);
        let [key] = profiles.foreign_keys.as_slice() else { panic!("{:?}", profiles.foreign_keys) };
        assert_eq!((key.columns.as_slice(), key.references_table.as_str()), (&["id".to_string()][..], "users"));
        // `auth.users` is not in the migrations: its primary key is unknown.
        assert!(key.references_columns.is_empty());
        assert_eq!(profiles.columns[1].ty, "timestamp with time zone");
    }

    #[test]
    fn policies_are_kept_on_their_table() {
        let text = r#"create table public.notes (id int, user_id uuid);
create table private.notes_audit (id int);
alter table notes enable row level security;
create policy "read all" on public.notes for select using (true);
create policy "anyone inserts" on public.notes as permissive for insert to anon, authenticated with check ((true));
create policy "everything" on notes using (1 = 1);
create policy "own" on notes for update to authenticated using ((select auth.uid()) = user_id);
create policy "narrow" on notes as restrictive for delete to public using (true);
create policy "server" on notes for all to service_role using (true) with check (true);
create policy "temp" on notes for delete using (true);
drop policy if exists "temp" on public.notes;
create policy "renamed" on notes for update using (true);
alter policy "renamed" on notes rename to "fixed";
alter policy "fixed" on notes using (auth.uid() = user_id);
create policy "storage" on storage.notes for all using (true);
create policy "elsewhere" on missing for all using (true);
DO $$ BEGIN
  create policy "guarded" on notes for delete to anon using (true);
END $$;
"#;
        let read = one(text);
        let notes = table(&read, "notes");
        let summary: Vec<String> = notes
            .policies
            .iter()
            .map(|policy| {
                format!(
                    "{} {} to {}{}{}{}",
                    policy.name,
                    policy.command.as_sql(),
                    policy.roles.join(","),
                    if policy.permissive { "" } else { " restrictive" },
                    if policy.using_true { " using" } else { "" },
                    if policy.check_true { " check" } else { "" },
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                "read all SELECT to public using",
                "anyone inserts INSERT to anon,authenticated check",
                "everything ALL to public using",
                "own UPDATE to authenticated",
                "narrow DELETE to public restrictive using",
                "server ALL to service_role using check",
                "fixed UPDATE to public",
                "guarded DELETE to anon using",
            ]
        );
        let inserts = &notes.policies[1];
        assert_eq!(inserts.origin.line, 5);
        assert!(text[inserts.origin.offset as usize..].starts_with("create policy \"anyone inserts\""));
        assert!(table(&read, "notes_audit").policies.is_empty());
    }

    #[test]
    fn a_later_migration_drops_an_index() {
        let read = read(&[
            (
                "db/migrations/001_init.sql",
                "CREATE TABLE users (id bigint, email text);\nCREATE INDEX users_email_idx ON users (email);",
            ),
            ("db/migrations/002_drop.sql", "DROP INDEX CONCURRENTLY IF EXISTS public.users_email_idx, other_idx;"),
        ]);
        assert_eq!(read.problems, []);
        assert!(table(&read, "users").indexes.is_empty());
    }

    #[test]
    fn index_forms() {
        let read = one("CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE users (id int, org_id int, email text, name text, deleted_at timestamptz);
CREATE INDEX users_active ON users (org_id) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX users_email_lower ON users (lower(email));
CREATE INDEX users_name_trgm ON users USING GIN (name gin_trgm_ops);
CREATE INDEX users_org_created ON users (org_id, id DESC);
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name ON ONLY public.users USING hash (name);
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name ON users (email);
CREATE INDEX ON users (lower(name));
CREATE INDEX ON users (org_id, email);
CREATE INDEX ON users (org_id, email) WHERE deleted_at IS NULL;
");
        let users = table(&read, "users");
        let active = index(users, "users_active");
        assert_eq!((active.kind, &active.keys), (IndexKind::Index, &vec![column("org_id")]));
        assert_eq!(active.predicate.as_deref(), Some("deleted_at IS NULL"));
        let lower = index(users, "users_email_lower");
        assert_eq!((lower.kind, &lower.keys), (IndexKind::Unique, &vec![IndexKey::Expression("lower(email)".into())]));
        let trgm = index(users, "users_name_trgm");
        assert_eq!(trgm.method.as_deref(), Some("gin"));
        assert_eq!(trgm.keys, [IndexKey::Column { name: "name".into(), opclass: Some("gin_trgm_ops".into()) }]);
        assert!(users.pattern_index_on("name").is_some());
        assert_eq!(index(users, "users_org_created").keys, [column("org_id"), column("id")]);
        let name = index(users, "users_name");
        assert_eq!((name.method.as_deref(), &name.keys), (Some("hash"), &vec![column("name")]));
        assert_eq!(index(users, "users_lower_idx").keys, [IndexKey::Expression("lower(name)".into())]);
        assert_eq!(index(users, "users_org_id_email_idx").predicate, None);
        assert!(index(users, "users_org_id_email_idx1").predicate.is_some());
        assert_eq!(users.indexes.len(), 8);
    }

    #[test]
    fn quoted_identifiers_keep_their_case() {
        let read = one(r#"CREATE TABLE "User" ("Id" int PRIMARY KEY);
CREATE TABLE User (Id int PRIMARY KEY);
CREATE INDEX ON "User" ("Id");"#);
        assert_eq!(names(&read), ["User", "user"]);
        assert_eq!(table(&read, "User").columns[0].name, "Id");
        assert_eq!(table(&read, "user").columns[0].name, "id");
        assert_eq!(index(table(&read, "User"), "User_Id_idx").keys, [column("Id")]);
        assert_eq!(index(table(&read, "user"), "user_pkey").keys, [column("id")]);
    }

    #[test]
    fn an_unreadable_schema_statement_is_reported_and_the_next_applied() {
        let text = "CREATE TABLE t (a int, b int);\n\n-- a broken one\nCREATE INDEX t_a\n  ON t (a,);\nCREATE INDEX t_b ON t (b);\n";
        let read = read(&[("schema.sql", text)]);
        let [problem] = read.problems.as_slice() else { panic!("{:?}", read.problems) };
        assert_eq!((problem.file.as_str(), problem.line), ("schema.sql", 4));
        assert!(problem.message.starts_with("could not read this SQL statement: Expected"), "{}", problem.message);
        assert!(problem.message.contains("Line: 5"), "{}", problem.message);
        let t = table(&read, "t");
        assert_eq!(t.indexes.len(), 1);
        assert_eq!(index(t, "t_b").origin.line, 6);
    }

    #[test]
    fn statements_that_do_not_shape_tables_are_skipped_silently() {
        let read = one("DO $$ BEGIN RAISE NOTICE 'hello; world'; END $$;
ALTER PUBLICATION supabase_realtime ADD TABLE messages;
CREATE MATERIALIZED VIEW stats AS SELECT 1 WITH NO DATA;
GRANT ALL ON TABLE messages TO authenticated;
CREATE TABLE messages (id int);");
        assert_eq!(names(&read), ["messages"]);
    }

    #[test]
    fn drizzle_kit_output() {
        let text = r#"CREATE TABLE IF NOT EXISTS "users" (
	"id" serial PRIMARY KEY NOT NULL,
	"email" varchar(256) NOT NULL,
	CONSTRAINT "users_email_unique" UNIQUE("email")
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "posts" (
	"id" serial PRIMARY KEY NOT NULL,
	"author_id" integer NOT NULL
);
--> statement-breakpoint
DO $$ BEGIN
 ALTER TABLE "posts" ADD CONSTRAINT "posts_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;
EXCEPTION
 WHEN duplicate_object THEN null;
END $$;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "posts_author_idx" ON "posts" USING btree ("author_id");"#;
        let read = one(text);
        assert_eq!(names(&read), ["posts", "users"]);
        let users = table(&read, "users");
        assert_eq!(users.columns[1].ty, "varchar(256)");
        assert_eq!(index(users, "users_pkey").keys, [column("id")]);
        assert_eq!(index(users, "users_email_unique").keys, [column("email")]);
        let posts = table(&read, "posts");
        let [key] = posts.foreign_keys.as_slice() else { panic!("{:?}", posts.foreign_keys) };
        assert_eq!(
            (key.references_table.as_str(), key.references_columns.as_slice()),
            ("users", &["id".to_string()][..])
        );
        assert_eq!(key.origin.line, 13);
        assert!(text[key.origin.offset as usize..].starts_with(r#""posts_author_id_users_id_fk""#));
        let author = index(posts, "posts_author_idx");
        assert_eq!((author.method.as_deref(), &author.keys), (None, &vec![column("author_id")]));
        assert!(posts.index_starting_with(&key.columns).is_some());
    }

    #[test]
    fn guarded_ddl_in_a_do_block_is_applied() {
        let read = one("CREATE TABLE t (a int, b int);
DO $body$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 't_b_idx') THEN
    CREATE INDEX t_b_idx ON t (b);
  END IF;
END
$body$;");
        let t = table(&read, "t");
        assert_eq!(index(t, "t_b_idx").origin.line, 5);
    }

    #[test]
    fn alter_table_evolves_the_table() {
        let read = one("CREATE TABLE orgs (id int PRIMARY KEY);
CREATE TABLE members (id int, org_id int REFERENCES orgs, email text, legacy int);
CREATE INDEX members_legacy ON members (legacy);
CREATE INDEX members_lower ON members (lower(email)) WHERE legacy > 0;
ALTER TABLE members ADD CONSTRAINT members_pk PRIMARY KEY (id), ADD UNIQUE (org_id, email);
ALTER TABLE ONLY members DROP COLUMN legacy;
ALTER TABLE members RENAME COLUMN email TO address;
ALTER TABLE members RENAME org_id TO team_id;
ALTER TABLE orgs RENAME TO teams;
ALTER TABLE IF EXISTS teams ADD COLUMN name text NOT NULL;
ALTER TABLE teams ALTER COLUMN name TYPE varchar(80);
CREATE UNIQUE INDEX teams_name_idx ON teams (name);
ALTER TABLE teams ADD CONSTRAINT teams_name_key UNIQUE USING INDEX teams_name_idx;
ALTER TABLE teams ENABLE ROW LEVEL SECURITY;
ALTER TABLE teams FORCE ROW LEVEL SECURITY;
ALTER TABLE members ENABLE ROW LEVEL SECURITY;
ALTER TABLE members DISABLE ROW LEVEL SECURITY;
ALTER TABLE IF EXISTS missing ADD COLUMN x int;
");
        assert_eq!(names(&read), ["members", "teams"]);
        let members = table(&read, "members");
        assert_eq!(
            members.columns.iter().map(|column| column.name.as_str()).collect::<Vec<_>>(),
            ["id", "team_id", "address"]
        );
        assert_eq!(
            members.indexes.iter().filter_map(|index| index.name.as_deref()).collect::<Vec<_>>(),
            ["members_pk", "members_org_id_email_key"]
        );
        assert_eq!(index(members, "members_org_id_email_key").keys, [column("team_id"), column("address")]);
        let [key] = members.foreign_keys.as_slice() else { panic!("{:?}", members.foreign_keys) };
        assert_eq!(key.columns, ["team_id"]);
        assert_eq!(
            (key.references_table.as_str(), key.references_columns.as_slice()),
            ("teams", &["id".to_string()][..])
        );
        assert_eq!(members.rls, Some(false));
        let teams = table(&read, "teams");
        assert_eq!(teams.rls, Some(true));
        assert_eq!(teams.columns[1].ty, "varchar(80)");
        assert_eq!(index(teams, "teams_name_key").kind, IndexKind::Unique);
    }

    #[test]
    fn dropping_constraints_indexes_and_tables() {
        let read = one("CREATE TABLE a (id int PRIMARY KEY, code text CONSTRAINT a_code UNIQUE);
CREATE TABLE b (id int, a_id int, CONSTRAINT b_a FOREIGN KEY (a_id) REFERENCES a (id));
CREATE TABLE c (id int, a_id int REFERENCES a);
ALTER TABLE a DROP CONSTRAINT a_code;
ALTER TABLE b DROP CONSTRAINT IF EXISTS b_a;
CREATE INDEX b_a_id ON b (a_id);
ALTER INDEX b_a_id RENAME TO b_by_a;
ALTER INDEX IF EXISTS b_by_a RENAME TO b_by_a_2;
DROP INDEX b_by_a_2;
DROP TABLE IF EXISTS a CASCADE;
");
        assert_eq!(names(&read), ["b", "c"]);
        assert!(table(&read, "b").foreign_keys.is_empty());
        assert!(table(&read, "b").indexes.is_empty());
        assert!(table(&read, "c").foreign_keys.is_empty());
    }

    #[test]
    fn inserts_outside_seed_files_mark_lookup_tables() {
        let read = read(&[
            (
                "migrations/001.sql",
                "CREATE TABLE roles (id int, name text);\nINSERT INTO roles (id, name) VALUES (1, 'admin');",
            ),
            (
                "migrations/002.sql",
                "CREATE TABLE users (id int);\nCREATE TABLE plans (id int);\nINSERT INTO plans SELECT 1;",
            ),
            ("supabase/seed.sql", "INSERT INTO users VALUES (1);"),
        ]);
        assert_eq!(read.problems, []);
        assert!(table(&read, "roles").seeded);
        assert!(!table(&read, "users").seeded);
        assert!(!table(&read, "plans").seeded);
    }

    #[test]
    fn a_file_that_cannot_be_tokenized_is_one_problem() {
        let read = read(&[("a.sql", "CREATE TABLE t (id int);\nCREATE FUNCTION f() AS $$ never closed")]);
        let [problem] = read.problems.as_slice() else { panic!("{:?}", read.problems) };
        assert_eq!(problem.line, 1);
        assert!(problem.message.starts_with("could not read this SQL file: "), "{}", problem.message);
        assert!(read.tables.is_empty());
    }

    #[test]
    fn pg_dump_output() {
        let read = one("\\restrict abc123
SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
CREATE TABLE public.authors (id integer NOT NULL, name text);
CREATE TABLE public.events (id integer NOT NULL, at date) PARTITION BY RANGE (at);
COPY public.authors (id, name) FROM stdin;
1\tO'Brien
\\.
ALTER TABLE ONLY public.authors
    ADD CONSTRAINT authors_pkey PRIMARY KEY (id);
CREATE INDEX events_at_idx ON ONLY public.events USING btree (at);
\\unrestrict abc123
");
        assert_eq!(names(&read), ["authors", "events"]);
        assert_eq!(index(table(&read, "authors"), "authors_pkey").origin.line, 10);
        assert_eq!(index(table(&read, "events"), "events_at_idx").keys, [column("at")]);
    }

    #[test]
    fn postgres_syntax_sqlparser_lacks_is_smoothed_over() {
        let read = one("CREATE TABLE quizzes (id int, PRIMARY KEY (id));
CREATE TABLE answers (id int, quiz_id int, option_id int);
ALTER TABLE answers ADD CONSTRAINT answers_option_fkey FOREIGN KEY (option_id, quiz_id)
  REFERENCES options (id, quiz_id) ON UPDATE CASCADE ON DELETE SET NULL (option_id);
ALTER TABLE answers SET SCHEMA private;");
        let answers = table(&read, "answers");
        assert_eq!(answers.foreign_keys[0].columns, ["option_id", "quiz_id"]);
    }

    #[test]
    fn default_names_fit_postgres_limit() {
        let table_name = "a".repeat(40);
        let column_name = "b".repeat(40);
        let read = one(&format!("CREATE TABLE {table_name} ({column_name} int UNIQUE);"));
        let name = read.tables[0].indexes[0].name.clone().unwrap_or_default();
        assert_eq!(name, format!("{}_{}_key", "a".repeat(29), "b".repeat(29)));
    }

    #[test]
    fn odd_create_tables_do_not_panic() {
        let read = read(&[(
            "m.sql",
            "CREATE TABLE p PARTITION OF parent FOR VALUES FROM (1) TO (10);
CREATE TABLE l (LIKE other INCLUDING ALL);
CREATE TABLE l2 (a int, LIKE other);
CREATE TABLE s AS SELECT 1 AS x;
CREATE TEMP TABLE scratch (a int);",
        )]);
        assert_eq!(names(&read), ["l2", "p", "s"]);
        assert_eq!(table(&read, "l2").columns.len(), 1);
        // sqlparser 0.64 cannot read `LIKE ... INCLUDING`.
        assert_eq!(read.problems.iter().map(|problem| problem.line).collect::<Vec<_>>(), [2]);
    }

    #[test]
    fn never_panics_on_truncated_input() {
        let text = r#"\connect db
CREATE TABLE "T" (id int PRIMARY KEY, x text REFERENCES "T");
DO $x$ BEGIN ALTER TABLE "T" ADD CONSTRAINT c UNIQUE (x); END $x$;
CREATE INDEX ON ONLY "T" USING gin ((x || 'é'), lower(x));
ALTER TABLE "T" RENAME COLUMN x TO y, DROP COLUMN y;
COPY t FROM stdin;
a'b
\.
DROP INDEX CONCURRENTLY "T_x_idx";
INSERT INTO "T" VALUES (1);"#;
        for (at, _) in text.char_indices() {
            let _ = read(&[("m.sql", &text[..at]), ("n.sql", &text[at..])]);
        }
        for odd in ["", ";;;", "(((;", ")));", "DO", "DO $$", "\\", "CREATE INDEX ON", "ALTER TABLE", "\u{feff}"] {
            let _ = read(&[("m.sql", odd)]);
        }
    }

    #[test]
    fn a_byte_order_mark_does_not_hide_the_first_statement() {
        let text = "\u{feff}CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);";
        let read = one(text);
        let t = table(&read, "t");
        assert!(text[t.columns[0].origin.offset as usize..].starts_with("a int"));
        assert_eq!(Some(index(t, "t_a").origin.offset as usize), text.find("CREATE INDEX"));
    }
}
