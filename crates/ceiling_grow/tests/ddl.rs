//! The DDL made from the schema model builds a real database: the example apps' models, applied to
//! a throwaway PostgreSQL, give back every table, primary key and foreign key of the model.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ceiling_facts::{ForeignKey, Index, IndexKey, IndexKind, Origin, Schema, SchemaSource, Table};
use ceiling_grow::ddl::{ColumnType, Ddl, column_type, ddl_from_schema};
use ceiling_postgres::{TempPostgres, start_or_skip};

fn example(app: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(app)
}

fn scan(root: &Path) -> Schema {
    let result = ceiling_scan::scan(root, &ceiling_scan::ScanOptions::default())
        .unwrap_or_else(|err| panic!("cannot scan {}: {err:?}", root.display()));
    result.project.schema
}

/// A copy of the directory `from` in `to`, without the paths (relative to `from`) in `without`.
fn copy_tree(from: &Path, to: &Path, without: &[&str], at: &Path) {
    std::fs::create_dir_all(to.join(at)).unwrap();
    for entry in std::fs::read_dir(from.join(at)).unwrap() {
        let entry = entry.unwrap();
        let relative = at.join(entry.file_name());
        if without.iter().any(|skipped| relative == Path::new(skipped)) || entry.file_name() == "node_modules" {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_tree(from, to, without, &relative);
        } else {
            std::fs::copy(entry.path(), to.join(&relative)).unwrap();
        }
    }
}

/// Runs the whole script with psql, stopping at the first error.
fn apply(server: &TempPostgres, ddl: &Ddl) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schema.sql");
    std::fs::write(&path, ddl.script()).unwrap();
    if let Err(err) = server.psql_file(&path) {
        panic!("the DDL does not apply: {err}\n--- script ---\n{}", ddl.script());
    }
}

fn rows(server: &TempPostgres, sql: &str) -> Vec<Vec<String>> {
    let out = server.psql(sql).unwrap_or_else(|err| panic!("{sql}: {err}"));
    out.lines().filter(|line| !line.is_empty()).map(|line| line.split('|').map(str::to_owned).collect()).collect()
}

/// What the database holds, in the `public` schema.
#[derive(Debug, Default, PartialEq, Eq)]
struct Built {
    tables: BTreeSet<String>,
    primary_keys: BTreeSet<(String, Vec<String>)>,
    /// (table, columns, referenced table, referenced columns).
    foreign_keys: BTreeSet<(String, Vec<String>, String, Vec<String>)>,
    uniques: BTreeSet<(String, Vec<String>)>,
}

fn split(text: &str) -> Vec<String> {
    text.split(',').filter(|part| !part.is_empty()).map(str::to_owned).collect()
}

fn built(server: &TempPostgres) -> Built {
    let mut built = Built::default();
    let tables = "select table_name from information_schema.tables \
                  where table_schema = 'public' and table_type = 'BASE TABLE'";
    built.tables = rows(server, tables).into_iter().map(|row| row[0].clone()).collect();
    let columns = |key: &str, relation: &str| {
        format!(
            "coalesce((select string_agg(a.attname, ',' order by k.ord) \
             from unnest(c.{key}) with ordinality k(attnum, ord) \
             join pg_attribute a on a.attrelid = c.{relation} and a.attnum = k.attnum), '')"
        )
    };
    let constraints = format!(
        "select (select relname from pg_class where oid = c.conrelid), c.contype, {}, \
         coalesce((select relname from pg_class where oid = c.confrelid), ''), {} \
         from pg_constraint c where c.contype in ('p', 'u', 'f') and c.connamespace = 'public'::regnamespace",
        columns("conkey", "conrelid"),
        columns("confkey", "confrelid"),
    );
    for row in rows(server, &constraints) {
        let [table, kind, keys, target, target_keys] = row.as_slice() else { panic!("{row:?}") };
        match kind.as_str() {
            "p" => built.primary_keys.insert((table.clone(), split(keys))),
            "u" => built.uniques.insert((table.clone(), split(keys))),
            _ => built.foreign_keys.insert((table.clone(), split(keys), target.clone(), split(target_keys))),
        };
    }
    built
}

/// (data type as `format_type` writes it, identity) of every column of `public`, by (table, column).
fn column_types(server: &TempPostgres) -> BTreeMap<(String, String), (String, bool)> {
    let sql = "select c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attidentity <> '' \
               from pg_attribute a join pg_class c on c.oid = a.attrelid \
               where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and a.attnum > 0 \
               and not a.attisdropped";
    rows(server, sql)
        .into_iter()
        .map(|row| ((row[0].clone(), row[1].clone()), (row[2].clone(), row[3] == "t")))
        .collect()
}

fn column(types: &BTreeMap<(String, String), (String, bool)>, table: &str, column: &str) -> (String, bool) {
    types.get(&(table.to_owned(), column.to_owned())).cloned().unwrap_or_else(|| panic!("no column {table}.{column}"))
}

/// What the model says the database should hold.
fn expected(schema: &Schema) -> Built {
    let mut expected = Built::default();
    for table in &schema.tables {
        expected.tables.insert(table.name.clone());
        for index in &table.indexes {
            let keys = || {
                index
                    .keys
                    .iter()
                    .map(|key| match key {
                        IndexKey::Column { name, .. } => name.clone(),
                        IndexKey::Expression(text) => panic!("an expression key {text} in {}", table.name),
                    })
                    .collect::<Vec<_>>()
            };
            match index.kind {
                IndexKind::PrimaryKey => expected.primary_keys.insert((table.name.clone(), keys())),
                IndexKind::Unique => expected.uniques.insert((table.name.clone(), keys())),
                IndexKind::Index => false,
            };
        }
        for key in table.foreign_keys.iter().filter(|key| key.enforced) {
            let target = schema.table_for(&key.references_table).expect("the referenced table is in the model");
            expected.foreign_keys.insert((
                table.name.clone(),
                key.columns.clone(),
                target.name.clone(),
                key.references_columns.clone(),
            ));
        }
    }
    expected
}

/// Applies the DDL of `schema` to a fresh server and checks that it holds the model; the server,
/// for more checks, or `None` when PostgreSQL is not installed and skipping is allowed.
fn build(test: &str, schema: &Schema) -> Option<(TempPostgres, Ddl)> {
    let server = start_or_skip(test)?;
    let ddl = ddl_from_schema(schema);
    apply(&server, &ddl);
    let built = built(&server);
    let expected = expected(schema);
    assert_eq!(built.tables, expected.tables, "tables\n{}", ddl.script());
    assert_eq!(built.primary_keys, expected.primary_keys, "primary keys\n{}", ddl.script());
    assert_eq!(built.foreign_keys, expected.foreign_keys, "foreign keys\n{}", ddl.script());
    assert_eq!(built.uniques, expected.uniques, "unique constraints\n{}", ddl.script());
    Some((server, ddl))
}

fn index_definition(server: &TempPostgres, name: &str) -> String {
    server.psql(&format!("select indexdef from pg_indexes where indexname = '{name}'")).unwrap().trim().to_owned()
}

#[test]
fn the_django_models_build_their_tables() {
    let schema = scan(&example("django-drf-app"));
    assert!(!schema.is_empty());
    let Some((server, ddl)) = build("the_django_models_build_their_tables", &schema) else { return };
    assert_eq!(ddl.notes, Vec::<String>::new());
    // The trigram index needs its extension before it.
    assert_eq!(ddl.statements[0], "CREATE EXTENSION IF NOT EXISTS pg_trgm");
    let types = column_types(&server);
    assert_eq!(column(&types, "shop_order", "id"), ("integer".into(), true));
    assert_eq!(column(&types, "shop_order", "customer_id"), ("integer".into(), false));
    assert_eq!(column(&types, "shop_order", "created_at"), ("timestamp with time zone".into(), false));
    assert_eq!(column(&types, "shop_customer", "email"), ("character varying(255)".into(), false));
    assert_eq!(column(&types, "shop_product", "description"), ("text".into(), false));
    assert_eq!(column(&types, "shop_orderitem", "quantity"), ("integer".into(), false));
    let trigram = index_definition(&server, "product_title_trgm");
    assert!(trigram.contains("USING gin (title gin_trgm_ops)"), "{trigram}");
    // The index a `RunSQL` migration adds is in the model too.
    let trigram = index_definition(&server, "shop_customer_name_trgm");
    assert!(trigram.contains("USING gin (name gin_trgm_ops)"), "{trigram}");
    let status = index_definition(&server, "shop_order_status_idx");
    assert!(status.contains("btree (status)"), "{status}");
}

#[test]
fn the_prisma_schema_without_its_migrations_builds_its_tables() {
    let copy = tempfile::tempdir().unwrap();
    copy_tree(&example("next-prisma-app"), copy.path(), &["prisma/migrations"], Path::new(""));
    let schema = scan(copy.path());
    let names: Vec<&str> = schema.tables.iter().map(|table| table.name.as_str()).collect();
    // The implicit many-to-many table of `Post.tags` / `Tag.posts` is not in the model.
    assert_eq!(names, ["Comment", "Notification", "Post", "Tag", "User"]);
    let Some((server, ddl)) = build("the_prisma_schema_without_its_migrations_builds_its_tables", &schema) else {
        return;
    };
    assert_eq!(ddl.notes, Vec::<String>::new());
    let types = column_types(&server);
    assert_eq!(column(&types, "User", "id"), ("text".into(), false));
    assert_eq!(column(&types, "Post", "authorId"), ("text".into(), false));
    assert_eq!(column(&types, "Post", "views"), ("integer".into(), false));
    assert_eq!(column(&types, "Post", "status"), ("text".into(), false));
    assert_eq!(column(&types, "Post", "createdAt"), ("timestamp(3) without time zone".into(), false));
    assert_eq!(column(&types, "Notification", "readAt"), ("timestamp(3) without time zone".into(), false));
    let author = index_definition(&server, "Post_authorId_idx");
    assert!(author.contains(r#"btree ("authorId")"#), "{author}");
    assert!(server.psql(r#"select 1 from pg_constraint where conname = 'User_email_key'"#).unwrap().contains('1'));
}

#[test]
fn the_prisma_schema_with_its_migrations_builds_the_join_table_too() {
    let schema = scan(&example("next-prisma-app"));
    assert!(schema.table("_PostToTag").is_some());
    let Some((server, ddl)) = build("the_prisma_schema_with_its_migrations_builds_the_join_table_too", &schema) else {
        return;
    };
    assert_eq!(ddl.notes, Vec::<String>::new());
    let types = column_types(&server);
    assert_eq!(column(&types, "_PostToTag", "A"), ("text".into(), false));
}

#[test]
fn the_drizzle_tables_build_their_tables() {
    let schema = scan(&example("express-drizzle-app"));
    assert!(!schema.is_empty());
    let Some((server, ddl)) = build("the_drizzle_tables_build_their_tables", &schema) else { return };
    assert_eq!(ddl.notes, Vec::<String>::new());
    let types = column_types(&server);
    assert_eq!(column(&types, "orders", "id"), ("integer".into(), true));
    assert_eq!(column(&types, "orders", "user_id"), ("integer".into(), false));
    // `orderStatus('status')`, a `pgEnum` whose values the model does not keep.
    assert_eq!(column(&types, "orders", "status"), ("text".into(), false));
    assert_eq!(column(&types, "orders", "created_at"), ("timestamp without time zone".into(), false));
    assert_eq!(column(&types, "users", "email"), ("character varying".into(), false));
    let user = index_definition(&server, "orders_user_id_idx");
    assert!(user.contains("btree (user_id)"), "{user}");
}

fn origin(source: SchemaSource) -> Origin {
    Origin { file: "models".into(), line: 1, offset: 0, source }
}

fn table(name: &str, source: SchemaSource, columns: &[(&str, &str)]) -> Table {
    let mut table = Table::new(name, origin(source));
    for (column, ty) in columns {
        table.add_column(ceiling_facts::Column {
            name: column.to_string(),
            field: None,
            ty: ty.to_string(),
            enumerated: false,
            origin: origin(source),
        });
    }
    table
}

fn index<'t>(table: &'t mut Table, kind: IndexKind, keys: &[&str], name: Option<&str>) -> &'t mut Index {
    let keys = keys
        .iter()
        .map(|key| match key.strip_prefix('(') {
            Some(expression) => IndexKey::Expression(expression.strip_suffix(')').unwrap().to_owned()),
            None => match key.split_once(' ') {
                Some((column, opclass)) => IndexKey::Column { name: column.into(), opclass: Some(opclass.into()) },
                None => IndexKey::column(*key),
            },
        })
        .collect();
    let origin = table.origin.clone();
    table.indexes.push(Index { name: name.map(str::to_owned), kind, keys, method: None, predicate: None, origin });
    table.indexes.last_mut().unwrap()
}

fn foreign_key<'t>(
    table: &'t mut Table,
    columns: &[&str],
    target: &str,
    target_columns: &[&str],
) -> &'t mut ForeignKey {
    let origin = table.origin.clone();
    table.foreign_keys.push(ForeignKey {
        columns: columns.iter().map(|column| column.to_string()).collect(),
        references_table: target.into(),
        references_columns: target_columns.iter().map(|column| column.to_string()).collect(),
        enforced: true,
        origin,
    });
    table.foreign_keys.last_mut().unwrap()
}

const LONG: &str = "a_table_whose_name_is_far_longer_than_postgresql_keeps_for_an_identifier";

/// A model with what real ones have now and then: a table without a primary key, a cycle of
/// foreign keys, a one-to-one primary key, a schema of its own, conditions written in Python,
/// types nobody knows, names too long or taken twice, collections that are no tables.
fn odd_schema() -> Schema {
    use SchemaSource::*;
    let mut accounts = table(
        "accounts",
        Django,
        &[("id", "AutoField"), ("best_friend_id", "ForeignKey"), ("color", "ColorField"), ("nickname", "CharField")],
    );
    index(&mut accounts, IndexKind::PrimaryKey, &["id"], None);
    foreign_key(&mut accounts, &["best_friend_id"], "profiles", &["account_id"]);
    index(&mut accounts, IndexKind::Index, &["nickname"], None).predicate = Some("Q(deleted=False)".into());
    index(&mut accounts, IndexKind::Unique, &["color"], None).predicate = Some("Q(deleted=False)".into());

    // A one-to-one extension: its primary key is a foreign key, not an identity.
    let mut profiles = table("profiles", Django, &[("account_id", "OneToOneField"), ("bio", "TextField")]);
    index(&mut profiles, IndexKind::PrimaryKey, &["account_id"], None);
    foreign_key(&mut profiles, &["account_id"], "accounts", &["id"]);

    let mut events = table(
        "events",
        SqlMigration,
        &[
            ("payload", "jsonb"),
            ("happened_at", "timestamp(6) with time zone"),
            ("kind", "varchar(20)"),
            ("label", "citext"),
            ("account_id", "bigint"),
        ],
    );
    index(&mut events, IndexKind::Index, &["(lower(kind))"], Some("events_lower_kind"));
    index(&mut events, IndexKind::Index, &["happened_at"], Some("events_recent")).predicate =
        Some("happened_at > '2020-01-01'".into());
    index(&mut events, IndexKind::Index, &["payload"], Some("events_payload")).method = Some("gin".into());
    index(&mut events, IndexKind::Index, &["kind"], Some("events_kind_gin")).method = Some("gin".into());
    index(&mut events, IndexKind::Index, &["kind gin_trgm_ops"], Some("events_kind_trgm")).method = Some("gin".into());
    foreign_key(&mut events, &["account_id"], "accounts", &["id"]);

    let mut logs = table("logs", TypeOrm, &[("id", "number"), ("account", ""), ("message", "string | null")]);
    logs.namespace = Some("audit".into());
    index(&mut logs, IndexKind::PrimaryKey, &["id"], None);
    index(&mut logs, IndexKind::Index, &["message"], None).predicate = Some(r#""message" IS NOT NULL"#.into());
    foreign_key(&mut logs, &["account"], "accounts", &["id"]);

    let mut posts = table(
        "Post",
        Prisma,
        &[
            ("id", "Int"),
            ("roles", "Role[]"),
            ("search", "Unsupported(\"tsvector\")?"),
            ("authorId", "String"),
            ("editorId", "Int?"),
            ("ghostId", "Int"),
            ("title", "String"),
            ("tags", "String[]"),
        ],
    );
    posts.columns[1].enumerated = true;
    index(&mut posts, IndexKind::PrimaryKey, &["id"], Some("Post_pkey"));
    index(&mut posts, IndexKind::Index, &["search"], Some("Post_search_idx")).method = Some("gin".into());
    index(&mut posts, IndexKind::Index, &["title"], Some("dup_idx"));
    index(&mut posts, IndexKind::Index, &["title"], Some("Post_title_ft")).method = Some("fulltext".into());
    index(&mut posts, IndexKind::Index, &["missing"], Some("Post_missing_idx"));
    foreign_key(&mut posts, &["authorId"], "accounts", &["id"]);
    foreign_key(&mut posts, &["editorId"], "accounts", &["id"]).enforced = false;
    foreign_key(&mut posts, &["ghostId"], "Ghost", &["id"]);
    posts.bindings.push("Post".into());

    let mut tags = table("tags", Prisma, &[("id", "BigInt"), ("name", "String"), ("post_title", "String")]);
    index(&mut tags, IndexKind::PrimaryKey, &["id"], None);
    index(&mut tags, IndexKind::Index, &["name"], Some("dup_idx"));
    // The referenced column has no unique constraint.
    foreign_key(&mut tags, &["post_title"], "Post", &["title"]);

    let mut long_table = table(
        LONG,
        Alembic,
        &[("id", "BigInteger"), ("first_column_of_it", "String"), ("second_column_of_it", "Text")],
    );
    index(&mut long_table, IndexKind::PrimaryKey, &["id"], None);
    index(&mut long_table, IndexKind::Unique, &["first_column_of_it"], None);
    index(&mut long_table, IndexKind::Unique, &["second_column_of_it"], None);

    let sessions = table("sessions", Mongoose, &[("_id", "ObjectId")]);
    let empty = Table::new("legacy", origin(Alembic));

    let mut schema = Schema::default();
    schema.merge([accounts, profiles, events, logs, posts, tags, long_table, sessions, empty]);
    schema
}

#[test]
fn an_odd_model_still_builds_and_says_what_it_left_out() {
    let schema = odd_schema();
    let ddl = ddl_from_schema(&schema);
    let expected_notes = [
        "legacy: not created: none of its columns is known",
        "sessions: not created: a MongoDB collection, not a table",
        "accounts.color: type `ColorField` unknown, created as text",
        "events.label: type `citext` unknown, created as text",
        "accounts(nickname): created without its condition `Q(deleted=False)`, which is code, not SQL",
        "accounts(color): not created: its condition `Q(deleted=False)` is code, not SQL",
        "Post(title): not created: PostgreSQL has no fulltext index",
        "Post(missing): not created: its column missing is not a known column of the table",
        "Post(authorId) -> accounts(id): no foreign key: authorId is text but id is integer",
        "Post(editorId) -> accounts(id): no foreign key: not enforced by the database",
        "Post(ghostId) -> Ghost(id): no foreign key: Ghost is not one of the tables created",
        "tags(post_title) -> Post(title): no foreign key: no primary key or unique constraint of Post covers",
        "events(kind): not created: a gin index of kind, a varchar(20), needs an operator class",
        "tags: the name dup_idx is taken by another table or index: tags_name_idx instead",
    ];
    for expected in expected_notes {
        assert!(ddl.notes.iter().any(|note| note.starts_with(expected)), "no note {expected:?} in {:#?}", ddl.notes);
    }
    assert_eq!(ddl.notes.len(), expected_notes.len(), "{:#?}", ddl.notes);
    // Extensions and schemas first, then every table before any foreign key, the indexes last.
    let kinds: Vec<&str> = ddl
        .statements
        .iter()
        .map(|statement| match statement.split_whitespace().take(2).collect::<Vec<_>>().as_slice() {
            ["CREATE", "EXTENSION"] => "extension",
            ["CREATE", "SCHEMA"] => "schema",
            ["CREATE", "TABLE"] => "table",
            ["ALTER", "TABLE"] => "foreign key",
            ["CREATE", "INDEX" | "UNIQUE"] => "index",
            _ => panic!("{statement}"),
        })
        .collect();
    let mut sorted = kinds.clone();
    let rank = |kind: &&str| ["extension", "schema", "table", "foreign key", "index"].iter().position(|k| k == kind);
    sorted.sort_by_key(rank);
    assert_eq!(kinds, sorted);
    assert_eq!(kinds.iter().filter(|kind| **kind == "table").count(), 7);

    let Some(server) = start_or_skip("an_odd_model_still_builds_and_says_what_it_left_out") else { return };
    apply(&server, &ddl);
    let built = built(&server);
    // `logs` is in its own schema; the long name is cut to 63 bytes.
    let tables: Vec<&str> = built.tables.iter().map(String::as_str).collect();
    assert_eq!(tables, ["Post", &LONG[..63], "accounts", "events", "profiles", "tags"]);
    assert!(!built.primary_keys.iter().any(|(table, _)| table == "events"), "a table without a primary key gets none");
    let keys = |table: &str, columns: &[&str], target: &str, target_columns: &[&str]| {
        let strings = |names: &[&str]| names.iter().map(|name| name.to_string()).collect::<Vec<_>>();
        (table.to_owned(), strings(columns), target.to_owned(), strings(target_columns))
    };
    assert_eq!(
        built.foreign_keys,
        BTreeSet::from([
            keys("accounts", &["best_friend_id"], "profiles", &["account_id"]),
            keys("profiles", &["account_id"], "accounts", &["id"]),
            keys("events", &["account_id"], "accounts", &["id"]),
        ])
    );
    assert_eq!(built.uniques.len(), 2, "both unique columns of the long table, under names made unique");
    let names =
        rows(&server, &format!("select conname from pg_constraint where conrelid = '\"{}\"'::regclass", &LONG[..63]));
    let mut kinds: Vec<&str> = names
        .iter()
        .map(|row| {
            assert!(row[0].len() <= 63 && row[0].starts_with(&LONG[..40]), "{row:?}");
            &row[0][row[0].rfind('_').unwrap()..]
        })
        .collect();
    kinds.sort();
    // Cut to fit, the kind of each name kept, numbered as PostgreSQL numbers its own.
    assert_eq!(kinds, ["_key", "_key1", "_pkey"]);
    let logs = server
        .psql(
            "select count(*) from pg_constraint where conrelid = 'audit.logs'::regclass and contype in ('p', 'f') \
             and (select attidentity from pg_attribute where attrelid = 'audit.logs'::regclass and attname = 'id') = 'd'",
        )
        .unwrap();
    assert_eq!(logs.trim(), "2", "audit.logs has its primary key, an identity, and its foreign key");
    let types = column_types(&server);
    assert_eq!(column(&types, "accounts", "id"), ("integer".into(), true));
    // Through the cycle: accounts.best_friend_id -> profiles.account_id -> accounts.id.
    assert_eq!(column(&types, "accounts", "best_friend_id"), ("integer".into(), false));
    assert_eq!(column(&types, "profiles", "account_id"), ("integer".into(), false));
    assert_eq!(column(&types, "Post", "id"), ("integer".into(), true));
    assert_eq!(column(&types, "Post", "roles"), ("text[]".into(), false));
    assert_eq!(column(&types, "Post", "tags"), ("text[]".into(), false));
    assert_eq!(column(&types, "Post", "search"), ("tsvector".into(), false));
    assert_eq!(column(&types, "tags", "id"), ("bigint".into(), true));
    assert_eq!(column(&types, "events", "happened_at"), ("timestamp(6) with time zone".into(), false));
    assert!(index_definition(&server, "events_lower_kind").contains("(lower((kind)::text))"));
    assert!(index_definition(&server, "events_recent").contains("WHERE"));
    assert!(index_definition(&server, "events_payload").contains("USING gin (payload)"));
    assert!(index_definition(&server, "events_kind_trgm").contains("gin_trgm_ops"));
    assert!(index_definition(&server, "Post_search_idx").contains("USING gin (search)"));
    assert!(index_definition(&server, "tags_name_idx").contains("(name)"));
    assert!(!index_definition(&server, "accounts_nickname_idx").contains("WHERE"));
    assert!(index_definition(&server, "logs_message_idx").contains("WHERE (message IS NOT NULL)"));
}

fn ty(sql: &str) -> Option<ColumnType> {
    Some(ColumnType { sql: sql.into(), identity: false })
}

fn identity(sql: &str) -> Option<ColumnType> {
    Some(ColumnType { sql: sql.into(), identity: true })
}

#[test]
fn django_fields_map_to_their_postgresql_types() {
    use SchemaSource::Django;
    assert_eq!(column_type(Django, "AutoField"), identity("integer"));
    assert_eq!(column_type(Django, "BigAutoField"), identity("bigint"));
    for field in ["CharField", "SlugField", "EmailField", "URLField"] {
        assert_eq!(column_type(Django, field), ty("varchar(255)"), "{field}");
    }
    assert_eq!(column_type(Django, "TextField"), ty("text"));
    assert_eq!(column_type(Django, "IntegerField"), ty("integer"));
    assert_eq!(column_type(Django, "PositiveIntegerField"), ty("integer"));
    assert_eq!(column_type(Django, "SmallIntegerField"), ty("smallint"));
    assert_eq!(column_type(Django, "BigIntegerField"), ty("bigint"));
    assert_eq!(column_type(Django, "BooleanField"), ty("boolean"));
    assert_eq!(column_type(Django, "DateTimeField"), ty("timestamptz"));
    assert_eq!(column_type(Django, "DateField"), ty("date"));
    assert_eq!(column_type(Django, "DecimalField"), ty("numeric(12,2)"));
    assert_eq!(column_type(Django, "FloatField"), ty("double precision"));
    assert_eq!(column_type(Django, "UUIDField"), ty("uuid"));
    assert_eq!(column_type(Django, "JSONField"), ty("jsonb"));
    // The type of a foreign key is its target's: not known from the field alone.
    assert_eq!(column_type(Django, "ForeignKey"), None);
    assert_eq!(column_type(Django, "OneToOneField"), None);
    assert_eq!(column_type(Django, "ColorField"), None);
    assert_eq!(column_type(Django, ""), None);
    assert_eq!(ColumnType { sql: "bigint".into(), identity: true }.to_sql(), "bigint generated by default as identity");
}

#[test]
fn prisma_types_map_to_their_postgresql_types() {
    use SchemaSource::Prisma;
    assert_eq!(column_type(Prisma, "String"), ty("text"));
    assert_eq!(column_type(Prisma, "String?"), ty("text"));
    assert_eq!(column_type(Prisma, "Int"), ty("integer"));
    assert_eq!(column_type(Prisma, "BigInt"), ty("bigint"));
    assert_eq!(column_type(Prisma, "Float"), ty("double precision"));
    assert_eq!(column_type(Prisma, "Decimal"), ty("numeric(65,30)"));
    assert_eq!(column_type(Prisma, "Boolean"), ty("boolean"));
    assert_eq!(column_type(Prisma, "DateTime?"), ty("timestamp(3)"));
    assert_eq!(column_type(Prisma, "Json"), ty("jsonb"));
    assert_eq!(column_type(Prisma, "Bytes"), ty("bytea"));
    assert_eq!(column_type(Prisma, "String[]"), ty("text[]"));
    assert_eq!(column_type(Prisma, "Int[]"), ty("integer[]"));
    assert_eq!(column_type(Prisma, r#"Unsupported("tsvector")?"#), ty("tsvector"));
    assert_eq!(column_type(Prisma, r#"Unsupported("vector(3)")"#), None);
    // An enum's name.
    assert_eq!(column_type(Prisma, "PostStatus"), None);
}

#[test]
fn sql_types_pass_through_and_serials_are_identities() {
    use SchemaSource::SqlMigration;
    for sql in [
        "integer",
        "varchar(80)",
        "character varying(255)",
        "timestamp(3)",
        "timestamp with time zone",
        "timestamp(6) without time zone",
        "numeric(10, 2)",
        "double precision",
        "text[]",
        "jsonb",
        "uuid",
    ] {
        assert_eq!(column_type(SqlMigration, sql), ty(sql), "{sql}");
    }
    assert_eq!(column_type(SqlMigration, "TEXT"), ty("text"));
    assert_eq!(column_type(SqlMigration, "serial"), identity("integer"));
    assert_eq!(column_type(SqlMigration, "bigserial"), identity("bigint"));
    assert_eq!(column_type(SqlMigration, "datetime"), ty("timestamp"));
    // A type of the app's own (an enum), or of an extension.
    assert_eq!(column_type(SqlMigration, "Role"), None);
    assert_eq!(column_type(SqlMigration, "citext"), None);
    assert_eq!(column_type(SqlMigration, "varchar(evil)"), None);
}

#[test]
fn the_js_and_python_orms_map_to_their_postgresql_types() {
    use SchemaSource::*;
    assert_eq!(column_type(Drizzle, "serial"), identity("integer"));
    assert_eq!(column_type(Drizzle, "bigserial"), identity("bigint"));
    assert_eq!(column_type(Drizzle, "varchar"), ty("varchar"));
    assert_eq!(column_type(Drizzle, "doublePrecision"), ty("double precision"));
    assert_eq!(column_type(Drizzle, "timestamp"), ty("timestamp"));
    assert_eq!(column_type(Drizzle, "orderStatus"), None);
    assert_eq!(column_type(Sequelize, "STRING"), ty("varchar(255)"));
    assert_eq!(column_type(Sequelize, "DATE"), ty("timestamptz"));
    assert_eq!(column_type(Sequelize, "DATEONLY"), ty("date"));
    assert_eq!(column_type(Sequelize, "INTEGER"), ty("integer"));
    assert_eq!(column_type(Sequelize, "ENUM"), None);
    assert_eq!(column_type(TypeOrm, "string | null"), ty("varchar"));
    assert_eq!(column_type(TypeOrm, "number"), ty("integer"));
    assert_eq!(column_type(TypeOrm, "Date"), ty("timestamp"));
    assert_eq!(column_type(TypeOrm, "timestamptz"), ty("timestamptz"));
    assert_eq!(column_type(TypeOrm, "int"), ty("int"));
    assert_eq!(column_type(TypeOrm, "uuid"), ty("uuid"));
    assert_eq!(column_type(SqlAlchemy, "Integer"), ty("integer"));
    assert_eq!(column_type(SqlAlchemy, "String"), ty("varchar"));
    assert_eq!(column_type(SqlAlchemy, "DateTime"), ty("timestamp"));
    assert_eq!(column_type(SqlAlchemy, "int"), ty("integer"));
    assert_eq!(column_type(SqlAlchemy, "VARCHAR"), ty("varchar"));
    assert_eq!(column_type(Alembic, "BigInteger"), ty("bigint"));
    assert_eq!(column_type(Mongoose, "ObjectId"), None);
}
