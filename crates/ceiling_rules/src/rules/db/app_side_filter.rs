//! `app-side-filter`: rows read from the database only to be filtered, counted or sliced in JS.

use ceiling_facts::{Operation, Project, RowsUseKind};

use crate::tables::{scoped, table_queries};
use crate::{ChainLink, Check, Docs, Family, Finding, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "app-side-filter",
    family: Family::Db,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "Rows are read with no limit and then filtered, counted or sliced in JS: the database could do it.",
    docs: Docs {
        what: "A read of many rows with no limit whose result is used only through `.filter()`, \
`.find()`, `.some()`, `.every()` with a plain comparison of the rows' fields, `.length` or \
`.slice()`: work that a `where`, a `count()` or a `take` would do in the database.",
        why: "Every row of the table crosses the network and becomes an object so that JS can keep \
a few, or just count them. It costs nothing at 100 rows; at 100,000 rows it is megabytes per \
request, and the memory and latency grow with the table.",
        fix: "Move the condition into the query (`where: { status: 'open' }`, `.eq('status', \
'open')`), use `count()` / `{ count: 'exact', head: true }` instead of `.length`, and `take` / \
`.limit()` instead of `.slice()`.",
        fires: "```ts\nconst posts = await prisma.post.findMany();\nconst published = posts.filter((p) => p.status === 'published');\n```",
        passes: "```ts\nconst published = await prisma.post.findMany({ where: { status: 'published' } });\n```",
        guards: &[
            "Tables the project's config declares small (`small-tables` in `ceiling.toml`).",
            "A query built partly elsewhere (`findMany(query)`, `where: buildWhere(id)`, `{ ...paginate() }`, an `OR` list from a variable, a builder stored and extended later (`let q = ...; q = q.eq(...)`), raw SQL): its conditions and limits are unknown, not absent, so nothing is said.",
            "The rows are used any other way too (returned, rendered, passed to a function, iterated): then the read is needed anyway.",
            "The predicate is not a plain comparison of the rows' fields (`(p) => canView(user, p)`, `p.title.toLowerCase().includes(q)`): SQL may not say it.",
            "The read has a limit (`take`, `limit`), or is not bound to a constant.",
            "The read is scoped to one owner's rows by an equality on a key, foreign key or indexed column (`where: { teamId }`): a small set to sift.",
            "Tables the schema does not declare, tests, scripts, seeds and migrations.",
        ],
    },
    splinter: None,
    check: Check::Code(check),
};

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for found in table_queries(project) {
        let query = found.query;
        // A read scoped to one owner's rows (`where: { teamId }`) is small enough to sift in JS.
        if query.shape.operation != Operation::ReadMany
            || query.shape.bounded
            || found.table.small
            || scoped(found.table, query).is_none_or(|scoped| scoped)
        {
            continue;
        }
        let Some(uses) = &query.uses else { continue };
        if uses.is_empty() || uses.iter().any(|row_use| row_use.kind == RowsUseKind::Other) {
            continue;
        }
        let what: Vec<&str> =
            [(RowsUseKind::Filter, "filtered"), (RowsUseKind::Count, "counted"), (RowsUseKind::Slice, "sliced")]
                .into_iter()
                .filter(|(kind, _)| uses.iter().any(|row_use| row_use.kind == *kind))
                .map(|(_, word)| word)
                .collect();
        let file = project.file(found.file).path.clone();
        let chain = uses
            .iter()
            .map(|row_use| ChainLink {
                file: file.clone(),
                span: row_use.span,
                note: match row_use.kind {
                    RowsUseKind::Filter => "filtered here, in JS".to_owned(),
                    RowsUseKind::Count => "counted here, in JS".to_owned(),
                    _ => "sliced here, in JS".to_owned(),
                },
            })
            .collect();
        findings.push(Finding {
            chain,
            ..RULE.finding(
                file,
                query.span,
                format!(
                    "{} reads every matching row of `{}` only for JS to keep some: the rows are {} in code",
                    found.orm.display_name(),
                    found.table.name,
                    what.join(" and ")
                ),
                "Every row crosses the network and becomes an object so that JS can keep a few or \
count them: the cost grows with the table, not with the answer."
                    .to_owned(),
                "Let the database do it: the condition in the query's `where`, `count()` instead of \
`.length`, `take`/`limit` instead of `.slice()`."
                    .to_owned(),
            )
        });
    }
}
