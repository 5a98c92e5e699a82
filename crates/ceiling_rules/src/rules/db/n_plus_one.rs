//! `n-plus-one`: a database read executed once per element of a collection.

use ceiling_facts::catalog::{Catalog, Lookup, Statement};
use ceiling_facts::{Orm, Project, ReachKind};

use crate::loops::{Handful, finding, per_element_queries, with_article};
use crate::{ChainLink, Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "n-plus-one",
    family: Family::Db,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A database read runs once per element of a list, directly or through helpers.",
    docs: Docs {
        what: "A read query (find, select, count, raw SQL) that runs once for every element of a \
collection: written inside a `for`/`for...of`/`while` loop or a `.map`/`.forEach` callback \
(including `Promise.all(xs.map(...))`), or reached from such a loop through calls to helpers in \
the same file or in other modules. Lazy loading counts: a method of a loaded record that queries \
(Sequelize `post.getComments()`, Mongoose `doc.populate()`, Objection `build.$fetchGraph()`, or a \
model method that calls one). The finding shows the chain from the loop to the query. In a live \
database (`ceiling db`), the same pattern shows in `pg_stat_statements`: a lookup by key run \
hundreds of times, about once per row that another statement (the list) returned.",
        why: "The number of queries grows with the data: 11 queries for 10 posts, 501 for 500. Each \
is a network round trip and a connection held from the pool, so a page that takes 50 ms with \
test data takes seconds in production, and concurrent requests exhaust the pool.",
        fix: "Fetch all rows in one query before the loop and look them up in memory: collect the \
keys and query with `IN` (`findMany({ where: { id: { in: ids } } })`, `inArray`, `.in()`, \
`whereIn`, `$in`, `In()`, `= ANY($1)`), or let the ORM load the relation with the query that \
produced the list (`include`, `with`, embedded selects, `relations`, `populate`). In GraphQL \
resolvers, batch with DataLoader.",
        fires: "```ts\nconst posts = await prisma.post.findMany();\nfor (const post of posts) {\n  post.author = await prisma.user.findUnique({ where: { id: post.authorId } });\n}\n```",
        passes: "```ts\nconst posts = await prisma.post.findMany({ include: { author: true } });\n```",
        guards: &[
            "A query in a `catch`/`except` block, or one that fills an instance's cache (`if key not in self.loaded:`, `if self._x is None:`): it runs when something failed, or once per key, not once per element.",
            "A Django queryset built in the loop but not evaluated there (returned, appended, folded into `Exists(...)`, `Q(...)` or `Prefetch(...)`, `.none()`): it runs later, once, as part of other SQL. A queryset counts where it is iterated, counted, indexed or rendered.",
            "The loop runs over a literal collection (`['a', 'b']`, a `const` array or `as const` tuple, `.map`/`.filter` of one), unless the code grows it (`ids.push(...)`).",
            "The loop runs over at most 50 elements fixed in code: the result of a query with a literal limit (`take: 30`, `.limit(10)`), a counted loop or `Array.from({ length: N })` with a constant bound, or a constant table (`TEMPLATES[type].folders`). The number of queries is capped and does not grow with the data. A page size taken from the request (`take: limit`) still fires.",
            "The loop runs over a parameter and every caller passes a short array literal (`hasAccess(user, [{ type: 'org' }])`).",
            "The query filters on a run-time set (`in`, `inArray`, `.in()`, `whereIn`, `$in`, `In()`, `ANY($1)`): one query per chunk is batching.",
            "The loop body ends in an unconditional `return`, `break` or `throw`: it runs at most once.",
            "Retry loops: a counted or conditional loop that leaves when a `try` succeeds.",
            "Pagination and polling loops (`while (cursor)`, `do ... while (hasMore)`): one query per page, not per element. A per-row query inside such a loop still fires.",
            "The receiver is not a database client, model or repository created through the ORM's own package (a `Map` called `db`, a mock, DataLoader's `load`).",
            "The per-element queries form one batched transaction: `prisma.$transaction(xs.map((x) => prisma.t.update(...)))`, or promises pushed onto an array handed to `$transaction(ops)`.",
            "The query (or the call that reaches it) sits in a `catch` block: a fallback that runs only when something failed.",
            "In the helper called from the loop, a query under a condition on one of its parameters that the call rules out: `if (!claim) { ...query }` when the loop passes `claim`, `if (options.userId)` when it passes no `userId`.",
            "Functions defined in a loop but not called in it; helpers that run no query.",
            "Serializers (Django REST Framework): a nested serializer over a relation the queryset `select_related`s or `prefetch_related`s (the path too: `project__workspace`); fields that are not relations of the model; rows filtered by their primary key (`filter(pk=...)`: one at most); rows that are not a queryset the code shows (a view's `self.get_queryset()` counts when every `return` of it builds one).",
            "Test files are not scanned; seeds and scripts are reported as `info`, not as request-path warnings.",
            "In a live database: only a SELECT of one table whose `WHERE` is equalities of columns to parameters that cover a unique key (at most one row per call) or a foreign key; run at least 100 times, under 1 ms on average; and whose calls are 0.5 to 2 times the rows of another SELECT (the list it runs for) that reads a table related to the looked-up one by a foreign key: counts alone pair by chance in a busy database. Batches (`IN (...)`, `= ANY($1)`), lookups that no related list accounts for and lookups run a handful of times are not reported.",
        ],
    },
    splinter: None,
    check: Check::Both { code: check, database: check_database },
};

/// A read per row of a list capped by a literal (`take: 30`) is a fixed number of queries, not one
/// that grows with the data; a page size from the request (`take: limit`) is not capped.
const HANDFUL: Handful = Handful(50);

const WHY: &str = "The number of queries grows with the list: one round trip and one pooled \
connection per element, so a page that is fast with test data slows down linearly with real data \
and concurrent requests exhaust the connection pool.";

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for found in per_element_queries(project, ReachKind::Read, HANDFUL, |query| !query.shape.batched) {
        let line = project.file(found.file).iterations[found.loop_id as usize].span.line;
        let message = match &found.helper {
            None => {
                format!("{} {} runs once per element of the loop at line {line}", found.orm.display_name(), found.query)
            }
            Some(helper) => format!(
                "`{helper}()` runs {} read ({}) once per element of the loop at line {line}",
                with_article(found.orm.display_name()),
                found.query
            ),
        };
        let fix = fix(found.orm).to_owned();
        findings.push(finding(&RULE, project, found, message, WHY, fix));
    }
    // A serializer that renders relations of each row: the loop is the serializer's. One finding
    // per render, naming every relation it reads per row.
    let per_row = crate::serializers::per_row_relations(project);
    let mut at = 0;
    while at < per_row.len() {
        let first = &per_row[at];
        let same = per_row[at..]
            .iter()
            .take_while(|other| other.file == first.file && other.render.span == first.render.span)
            .count();
        let group = &per_row[at..at + same];
        at += same;
        // Each relation once, however many fields or getters read it.
        let mut distinct: Vec<&crate::serializers::PerRow> = Vec::new();
        for row in group {
            if !distinct.iter().any(|known| known.path == row.path) {
                distinct.push(row);
            }
        }
        let names: Vec<String> = distinct.iter().map(|row| format!("`{}`", row.path)).collect();
        let select: Vec<String> =
            distinct.iter().filter(|row| !row.many).map(|row| format!("'{}'", row.path)).collect();
        let prefetch: Vec<String> =
            distinct.iter().filter(|row| row.many).map(|row| format!("'{}'", row.path)).collect();
        let mut loads = Vec::new();
        if !select.is_empty() {
            loads.push(format!("`select_related({})`", select.join(", ")));
        }
        if !prefetch.is_empty() {
            loads.push(format!("`prefetch_related({})`", prefetch.join(", ")));
        }
        let mut found = RULE.finding(
            project.file(first.file).path.clone(),
            first.render.span,
            format!(
                "`{}` renders {} of each row, and the queryset does not load {}: one query per row for each",
                first.serializer,
                names.join(", "),
                if distinct.len() == 1 { "it" } else { "them" }
            ),
            WHY.to_owned(),
            format!("Load them with the rows: add {} to the queryset the serializer is given.", loads.join(" and ")),
        );
        // The fix goes where the queryset is built, which may be far from where it is rendered.
        if first.render.queryset.line != first.render.span.line {
            found.chain.push(ChainLink {
                file: project.file(first.file).path.clone(),
                span: first.render.queryset,
                note: "the queryset is built here".to_owned(),
            });
        }
        for row in group {
            let (declared_file, declared_span) = row.declared;
            found.chain.push(ChainLink {
                file: project.file(declared_file).path.clone(),
                span: declared_span,
                note: match &row.getter {
                    Some(getter) => format!("`{getter}()` reads `{}` of the row", row.path),
                    None => format!("renders `{}` with a nested serializer", row.path),
                },
            });
        }
        findings.push(found);
    }
}

/// A lookup run this many times or more can be a loop's; fewer is a handful.
const MIN_LOOKUPS: i64 = 100;

/// A lookup by key takes well under a millisecond; a slower statement is a problem of its own.
const MAX_LOOKUP_MS: f64 = 1.0;

/// The lookup's calls, against the rows of the list it runs for.
const PAIRED: std::ops::RangeInclusive<f64> = 0.5..=2.0;

/// The live database's workload: a lookup by key whose calls match the rows of another statement.
fn check_database(catalog: &Catalog, findings: &mut Vec<Finding>) {
    for statement in &catalog.workload.statements {
        let Some(lookup) = &statement.shape.lookup else { continue };
        if statement.calls < MIN_LOOKUPS || statement.mean_ms >= MAX_LOOKUP_MS {
            continue;
        }
        let Some(table) = catalog.table(lookup.table_oid) else { continue };
        let by_key = by_unique_key(catalog, lookup) && statement.rows <= statement.calls;
        if table.managed || !(by_key || by_foreign_key(catalog, lookup)) {
            continue;
        }
        let Some(list) = list_of(catalog, statement, lookup) else { continue };
        let column = catalog.column_names(table.oid, &lookup.columns[..1]).remove(0);
        findings.push(RULE.db_finding(
            DbObject { kind: ObjectKind::Statement, name: statement.short() },
            format!(
                "`{}` ran {} times ({:.3} ms each), about once per row of `{}` ({} rows in {} call{}): one round \
trip per row to read `{}`",
                statement.short(),
                statement.calls,
                statement.mean_ms,
                list.short(),
                list.rows,
                list.calls,
                if list.calls == 1 { "" } else { "s" },
                table.qualified()
            ),
            WHY.to_owned(),
            format!(
                "Read the rows of `{}` in one statement: `WHERE {column} = ANY($1)` with the keys of the list's \
rows, or a JOIN (the ORM's eager loading: `include`, `with`, `select_related`, `selectinload`) in the \
list's query.",
                table.qualified()
            ),
        ));
    }
}

/// The lookup's columns cover a unique key of the table: one row per call.
fn by_unique_key(catalog: &Catalog, lookup: &Lookup) -> bool {
    catalog.indexes_of(lookup.table_oid).any(|index| {
        index.valid
            && index.unique
            && index.predicate.is_none()
            && !index.keys.is_empty()
            && index.keys.iter().all(|key| *key != 0 && lookup.columns.contains(key))
    })
}

/// The lookup's columns cover a foreign key of the table: the children of one parent per call.
fn by_foreign_key(catalog: &Catalog, lookup: &Lookup) -> bool {
    catalog.foreign_keys.iter().any(|key| {
        key.table_oid == lookup.table_oid
            && !key.columns.is_empty()
            && key.columns.iter().all(|column| lookup.columns.contains(column))
    })
}

/// The SELECT whose rows the lookup's calls follow: a statement called less often, whose rows are
/// 0.5 to 2 times the lookup's calls, and that reads a table related to the looked-up one by a
/// foreign key; the closest count wins. Counts alone pair by chance in a busy database (a user
/// lookup per request and any list of as many rows), so an unrelated list is never the partner.
fn list_of<'a>(catalog: &'a Catalog, lookup_statement: &Statement, lookup: &Lookup) -> Option<&'a Statement> {
    let related = |list: &Statement| -> bool {
        list.shape.tables.iter().any(|&table| {
            catalog.foreign_keys.iter().any(|key| {
                (key.table_oid == table && key.referenced_oid == lookup.table_oid)
                    || (key.table_oid == lookup.table_oid && key.referenced_oid == table)
            })
        })
    };
    catalog
        .workload
        .statements
        .iter()
        .filter(|list| {
            list.query_id != lookup_statement.query_id
                && list.shape.plain_select
                && !list.shape.tables.is_empty()
                && list.rows > 0
                && list.calls < lookup_statement.calls
                && PAIRED.contains(&(lookup_statement.calls as f64 / list.rows as f64))
                && related(list)
        })
        .min_by_key(|list| (lookup_statement.calls - list.rows).abs())
}

fn fix(orm: Orm) -> &'static str {
    match orm {
        Orm::Prisma => {
            "Load the rows once before the loop: collect the keys and use `findMany({ where: { id: { in: ids } } })`, then look them up in a Map; or add `include: { relation: true }` to the query that produced the list."
        }
        Orm::Drizzle => {
            "Load the rows once with `where(inArray(table.id, ids))` and look them up in a Map, or load the relation with the relational API's `with: { relation: true }`."
        }
        Orm::Supabase => {
            "Load the rows once with `.in('id', ids)` and look them up in a Map, or embed the relation in the select that produced the list: `.select('*, author:profiles(*)')`."
        }
        Orm::TypeOrm => {
            "Load the rows once with `findBy({ id: In(ids) })` and look them up in a Map, or add `relations: [...]` to the query that produced the list."
        }
        Orm::Sequelize => {
            "Load the rows once with `findAll({ where: { id: ids } })` and look them up in a Map, or `include` the association in the query that produced the list."
        }
        Orm::Mongoose => {
            "Load the documents once with `find({ _id: { $in: ids } })` and look them up in a Map, or `.populate()` the reference in the query that produced the list."
        }
        Orm::Knex => {
            "Load the rows once with `.whereIn('id', ids)` and look them up in a Map, or join the table in the query that produced the list."
        }
        Orm::Kysely => {
            "Load the rows once with `.where('id', 'in', ids)` and look them up in a Map, or join the table in the query that produced the list."
        }
        Orm::Objection => {
            "Load the rows once with `.whereIn('id', ids)` (or `findByIds(ids)`) and look them up in a Map, or eager-load the relation with `withGraphFetched('relation')` on the query that produced the list."
        }
        Orm::Sql => {
            "Load the rows in one statement: `WHERE id = ANY($1)` with an array parameter, or a JOIN in the query that produced the list."
        }
        Orm::SqlAlchemy => {
            "Load the rows once with `select(Model).where(Model.id.in_(ids))` and look them up in a dict, or load the relation with the query that produced the list: `.options(selectinload(Model.relation))` (or `joinedload` for a many-to-one)."
        }
        Orm::Django => {
            "Load the rows once with `Model.objects.in_bulk(ids)` (or `filter(id__in=ids)`) and look them up in a dict, or follow the relation with `select_related('relation')` / `prefetch_related('relation')` on the queryset that produced the list."
        }
    }
}
