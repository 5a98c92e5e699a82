//! `unbounded-read`: a read of many rows with no limit, on a table that grows.

use ceiling_facts::{ClassId, FileId, Operation, Orm, Project, RowsUseKind, in_package};

use crate::tables::{scoped, table_queries, written_tables};
use crate::{Check, Docs, Family, Finding, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "unbounded-read",
    family: Family::Db,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A list query has no limit: it returns the whole table, which grows with every user.",
    docs: Docs {
        what: "A read of many rows (`findMany`, `select().from(t)`, `.from(t).select()`, `find`) in \
app code with no `take`/`limit`/`.range()`, on a table the app writes to, that either filters \
on nothing that scopes it (no equality on a foreign key, key or indexed column), or skips rows \
without ever taking a page (`skip` with no `take`). A Django REST framework list view \
(`ModelViewSet`, `ListAPIView`) reads its `queryset` whole when neither it nor the settings \
name a pagination class.",
        why: "The query returns every row: 50 rows at launch, 500,000 a year later, each one read, \
sent over the network, turned into objects and serialised into the response, on every request. \
Memory and latency grow with the table until the function times out.",
        fix: "Page the list: `take`/`limit` with a cursor (keyset) or page number, or scope it by its \
owner (`where: { teamId }`). When every row is needed (an export, a job), stream it in batches \
(`cursor` + `take` in a loop) outside the request path.",
        fires: "```ts\nexport async function GET() {\n  return Response.json(await prisma.post.findMany());\n}\n```",
        passes: "```ts\nexport async function GET() {\n  return Response.json(await prisma.post.findMany({ take: 50 }));\n}\n```",
        guards: &[
            "Tables the project's config declares small (`small-tables` in `ceiling.toml`).",
            "A query built partly elsewhere (`findMany(query)`, `where: buildWhere(id)`, `{ ...paginate() }`, an `OR` list from a variable, a builder stored and extended later (`let q = ...; q = q.eq(...)`), raw SQL): its conditions and limits are unknown, not absent, so nothing is said.",
            "A limit (`take`, `limit`, `first`, `.range()`, `.single()`, a Django slice `[:50]`) bounds the read; `in_bulk(ids)` reads the rows it is given.",
            "A DRF list view is paged by its `pagination_class`, a base class's, a pagination mixin, or `DEFAULT_PAGINATION_CLASS` in the settings; a base class from outside the app or REST framework may page it, so nothing is said. A view whose own `list` or `get_serializer_class` the walk cannot follow, and a `GenericViewSet` without `ListModelMixin`, list nothing here.",
            "A Django queryset is judged where it is evaluated (iterated, `list()`ed, rendered), with every `.filter()` added to it since it was built; one that is returned or passed on is not judged here.",
            "The rows are only filtered, counted or sliced in JS: `app-side-filter` reports that read, with the fix that moves the work into the query.",
            "An equality on a foreign key, primary or unique key, or indexed column scopes the read to one owner's rows (`where: { teamId }`); only filters on flags and statuses leave it unbounded.",
            "Tables the app never writes to (lookup tables, tables filled by another service), tables the schema does not declare, tests, scripts, seeds and migrations.",
        ],
    },
    splinter: None,
    check: Check::Code(check),
};

fn check(project: &Project, findings: &mut Vec<Finding>) {
    let queries = table_queries(project);
    let written = written_tables(&queries);
    let paged_by_default = project.files().any(|(_, facts)| facts.drf_default_pagination);
    for found in &queries {
        let (shape, table) = (&found.query.shape, found.table);
        // A table the app never writes to is filled elsewhere, often a lookup table: its size is
        // not the app's doing. One the config declares small stays small.
        if shape.operation != Operation::ReadMany
            || shape.bounded
            || table.small
            || !written.contains(table.name.as_str())
        {
            continue;
        }
        // `skip` with no `take` reads the rest of the table whatever the filter: only a limit
        // built elsewhere could save it.
        let skips_without_limit = shape.offset && !shape.limit_unknown;
        if shape.limit_unknown {
            continue;
        }
        let listed_by = found.query.listed_by;
        if listed_by.is_some_and(|view| !lists_every_row(project, found.file, view, paged_by_default)) {
            continue;
        }
        if !skips_without_limit {
            let Some(scoped) = scoped(table, found.query) else { continue };
            // Rows only filtered, counted or sliced in JS: `app-side-filter` says what to do instead.
            let sifted =
                found.query.uses.as_ref().is_some_and(|uses| {
                    !uses.is_empty() && uses.iter().all(|row_use| row_use.kind != RowsUseKind::Other)
                });
            if scoped || sifted {
                continue;
            }
        }
        let view = listed_by.map(|view| project.file(found.file).classes[view as usize].name.as_str());
        let message = if let Some(view) = view {
            format!(
                "`{view}` lists every row of `{}`: neither the view nor the settings name a pagination class",
                table.name
            )
        } else if shape.offset {
            format!(
                "{} skips rows of `{}` but never limits the page: each request reads the rest of the table",
                found.orm.display_name(),
                table.name
            )
        } else {
            format!("{} reads every row of `{}` with no limit", found.orm.display_name(), table.name)
        };
        // PostgREST caps every response (`max_rows`, 1,000 by default): past it, rows are
        // silently missing rather than slow.
        let why = match found.orm {
            Orm::Supabase => {
                "The result grows with the table: every row is read and sent on every request, and \
past PostgREST's `max_rows` cap (1,000 by default) the rest are silently dropped: the list is wrong, not only slow."
            }
            _ => {
                "The result grows with the table: every row is read, sent and serialised on every \
request, until the request times out."
            }
        };
        let limit = match found.orm {
            Orm::Prisma => "`take: n` (with `cursor` for the next page)",
            Orm::Supabase => "`.range(from, to)` or `.limit(n)`",
            Orm::Mongoose | Orm::Sequelize | Orm::TypeOrm => "`limit`/`take` with a cursor",
            _ => "`.limit(n)` with a cursor",
        };
        let fix = match view {
            Some(_) => "Page the list: `pagination_class = PageNumberPagination` (with a `page_size`) or a \
`CursorPagination` on the view, or `DEFAULT_PAGINATION_CLASS` and `PAGE_SIZE` in `REST_FRAMEWORK` for every view; \
or scope the queryset to its owner (`.filter(owner=self.request.user)`)."
                .to_owned(),
            None => format!("Page the read with {limit}, or scope it to its owner (`where: {{ teamId }}`)."),
        };
        findings.push(RULE.finding(
            project.file(found.file).path.clone(),
            found.query.span,
            message,
            why.to_owned(),
            fix,
        ));
    }
}

/// Whether DRF's `list` of a view returns every row: no class from the view up to REST
/// framework's own names a `pagination_class`, and the settings give no default. A base the
/// project does not declare, from another package, may page it: then nothing is known.
fn lists_every_row(project: &Project, file: FileId, view: ClassId, paged_by_default: bool) -> bool {
    let (mut file, mut class) = (file, view);
    // Class chains are short; the bound only guards against a cycle of bad imports.
    for _ in 0..8 {
        let facts = project.file(file);
        let declared = &facts.classes[class as usize];
        if let Some(paged) = declared.pagination {
            return !paged;
        }
        match project.class_of(file, &declared.extends) {
            Some((base_file, base)) => (file, class) = (base_file, base),
            None => {
                let from_drf = project
                    .package_origin(file, &declared.extends, 0)
                    .is_some_and(|(module, _)| in_package(&module, "rest_framework"));
                return from_drf && !paged_by_default;
            }
        }
    }
    false
}
