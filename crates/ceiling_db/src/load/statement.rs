//! Reading a normalised statement of `pg_stat_statements` (`$1` for each constant) and a plan's
//! filter: which tables it reads, whether it is a lookup by key, whether it only reads, and which
//! columns an index could serve a filter with.

use ceiling_facts::catalog::{Catalog, Lookup, RelationKind, Shape};
use rustc_hash::FxHashSet;
use sqlparser::ast::{
    BinaryOperator, Expr, Ident, ObjectName, ObjectNamePart, Query, SetExpr, Statement, TableFactor, TableWithJoins,
    Value,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

/// What the text of a statement says. `volatile` names the functions that change something or
/// answer differently on each call (`nextval`, `random`): a statement calling one is not plain.
pub fn shape(catalog: &Catalog, text: &str, volatile: &FxHashSet<String>) -> Shape {
    let Ok(mut statements) = Parser::parse_sql(&PostgreSqlDialect {}, text) else { return Shape::default() };
    // Two statements in one text are not something pg_stat_statements lists, nor anything to explain.
    if statements.len() != 1 {
        return Shape::default();
    }
    let Statement::Query(query) = statements.remove(0) else { return Shape::default() };
    let mut tables = Vec::new();
    collect_tables(catalog, &query.body, &mut tables);
    let plain_select = only_reads(&query) && !calls_any(text, volatile);
    let lookup = lookup(catalog, &query);
    Shape { plain_select, tables, lookup }
}

/// The number of parameters (`$n`) of a normalised text: how many values `EXECUTE` must pass.
pub fn parameters(text: &str) -> usize {
    let Ok(tokens) = Tokenizer::new(&PostgreSqlDialect {}, text).tokenize() else { return 0 };
    tokens
        .iter()
        .filter_map(|token| match token {
            Token::Placeholder(name) => name.strip_prefix('$')?.parse::<usize>().ok(),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

/// No data-modifying CTE, no locking clause, no `SELECT INTO` (which creates a table).
fn only_reads(query: &Query) -> bool {
    if !query.locks.is_empty() {
        return false;
    }
    if let Some(with) = &query.with
        && !with.cte_tables.iter().all(|cte| only_reads(&cte.query))
    {
        return false;
    }
    body_reads(&query.body)
}

fn body_reads(body: &SetExpr) -> bool {
    match body {
        SetExpr::Select(select) => select.into.is_none(),
        SetExpr::Query(query) => only_reads(query),
        SetExpr::SetOperation { left, right, .. } => body_reads(left) && body_reads(right),
        SetExpr::Values(_) | SetExpr::Table(_) => true,
        _ => false,
    }
}

/// Whether the text calls a function of `names`: a name followed by `(`. A keyword or table name
/// that happens to be spelled like one only makes the statement look less plain than it is.
fn calls_any(text: &str, names: &FxHashSet<String>) -> bool {
    let Ok(tokens) = Tokenizer::new(&PostgreSqlDialect {}, text).tokenize() else { return true };
    let tokens: Vec<&Token> = tokens.iter().filter(|token| !matches!(token, Token::Whitespace(_))).collect();
    tokens.windows(2).any(|pair| match pair {
        [Token::Word(word), Token::LParen] => {
            let name = if word.quote_style.is_some() { word.value.clone() } else { word.value.to_lowercase() };
            names.contains(&name)
        }
        _ => false,
    })
}

fn collect_tables(catalog: &Catalog, body: &SetExpr, tables: &mut Vec<u32>) {
    match body {
        SetExpr::Select(select) => {
            for from in &select.from {
                collect_from(catalog, from, tables);
            }
        }
        SetExpr::Query(query) => collect_tables(catalog, &query.body, tables),
        SetExpr::SetOperation { left, right, .. } => {
            collect_tables(catalog, left, tables);
            collect_tables(catalog, right, tables);
        }
        _ => {}
    }
}

fn collect_from(catalog: &Catalog, from: &TableWithJoins, tables: &mut Vec<u32>) {
    for factor in std::iter::once(&from.relation).chain(from.joins.iter().map(|join| &join.relation)) {
        match factor {
            TableFactor::Table { name, .. } => {
                if let Some(oid) = resolve(catalog, name)
                    && !tables.contains(&oid)
                {
                    tables.push(oid);
                }
            }
            TableFactor::Derived { subquery, .. } => collect_tables(catalog, &subquery.body, tables),
            TableFactor::NestedJoin { table_with_joins, .. } => collect_from(catalog, table_with_joins, tables),
            _ => {}
        }
    }
}

/// The catalog's table for a name as written: `schema.table`, or `table` alone, which the app's
/// `search_path` resolves; that is `public` first, else the one schema that has such a table.
fn resolve(catalog: &Catalog, name: &ObjectName) -> Option<u32> {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|part| match part {
            ObjectNamePart::Identifier(ident) => Some(ident_name(ident)),
            ObjectNamePart::Function(_) => None,
        })
        .collect::<Option<_>>()?;
    match parts.as_slice() {
        [schema, table] => catalog.tables.iter().find(|t| t.schema == *schema && t.name == *table).map(|t| t.oid),
        [table] => {
            let named: Vec<_> = catalog.tables.iter().filter(|t| t.name == *table).collect();
            named
                .iter()
                .find(|t| t.schema == "public")
                .or(if named.len() == 1 { named.first() } else { None })
                .map(|t| t.oid)
        }
        _ => None,
    }
}

/// Unquoted names fold to lower case, as PostgreSQL folds them.
fn ident_name(ident: &Ident) -> String {
    if ident.quote_style.is_some() { ident.value.clone() } else { ident.value.to_lowercase() }
}

/// `SELECT ... FROM t [AS a] WHERE a.x = $1 AND y = $2`: one table, no join, a `WHERE` made only
/// of equalities of its columns to parameters.
fn lookup(catalog: &Catalog, query: &Query) -> Option<Lookup> {
    let SetExpr::Select(select) = query.body.as_ref() else { return None };
    let [from] = select.from.as_slice() else { return None };
    if !from.joins.is_empty() {
        return None;
    }
    let TableFactor::Table { name, alias, .. } = &from.relation else { return None };
    let table_oid = resolve(catalog, name)?;
    let table = catalog.table(table_oid)?;
    let mut qualifiers = vec![table.name.clone()];
    qualifiers.extend(alias.as_ref().map(|alias| ident_name(&alias.name)));
    let mut columns = Vec::new();
    equalities(select.selection.as_ref()?, &mut |column, value| {
        let name = column_name(column, &qualifiers)?;
        if !is_parameter(value) {
            return None;
        }
        let number = catalog.columns.iter().find(|c| c.table_oid == table_oid && c.name == name)?.number;
        columns.push(number);
        Some(())
    })?;
    Some(Lookup { table_oid, columns })
}

/// Calls `each` with both sides of every `=` of an `AND` tree; `None` when the tree holds anything
/// else or `each` refuses a pair.
fn equalities(expr: &Expr, each: &mut impl FnMut(&Expr, &Expr) -> Option<()>) -> Option<()> {
    match expr {
        Expr::Nested(inner) => equalities(inner, each),
        Expr::BinaryOp { left, op: BinaryOperator::And, right } => {
            equalities(left, each)?;
            equalities(right, each)
        }
        Expr::BinaryOp { left, op: BinaryOperator::Eq, right } => each(left, right).or_else(|| each(right, left)),
        _ => None,
    }
}

/// The column an expression names, if it is a bare or qualified column of the table (a cast of one
/// counts: `(orders.email)::text`).
fn column_name(expr: &Expr, qualifiers: &[String]) -> Option<String> {
    match expr {
        Expr::Nested(inner) | Expr::Cast { expr: inner, .. } => column_name(inner, qualifiers),
        Expr::Identifier(ident) => Some(ident_name(ident)),
        Expr::CompoundIdentifier(parts) => match parts.as_slice() {
            [.., qualifier, column] if qualifiers.contains(&ident_name(qualifier)) => Some(ident_name(column)),
            _ => None,
        },
        _ => None,
    }
}

/// `$1`, or `$1::uuid`.
fn is_parameter(expr: &Expr) -> bool {
    match expr {
        Expr::Nested(inner) | Expr::Cast { expr: inner, .. } => is_parameter(inner),
        Expr::Value(value) => matches!(value.value, Value::Placeholder(_)),
        _ => false,
    }
}

/// Columns of `table_oid` an index could serve a plan's `Filter` with: the columns compared with
/// `=` (or `= ANY`) to something that is not a column, then the first compared with a range
/// operator. Empty when the filter is not one sqlparser reads or has nothing a btree serves
/// (`LIKE '%x'`, a function of a column).
pub fn index_columns(catalog: &Catalog, table_oid: u32, filter: &str) -> Vec<i16> {
    let Some(table) = catalog.table(table_oid) else { return Vec::new() };
    if !matches!(table.kind, RelationKind::Table | RelationKind::MaterializedView | RelationKind::PartitionedTable) {
        return Vec::new();
    }
    let Ok(mut parser) = Parser::new(&PostgreSqlDialect {}).try_with_sql(filter) else { return Vec::new() };
    let Ok(expr) = parser.parse_expr() else { return Vec::new() };
    let number = |expr: &Expr| -> Option<i16> {
        let name = any_column_name(expr)?;
        catalog.columns.iter().find(|c| c.table_oid == table_oid && c.name == name).map(|c| c.number)
    };
    let mut equal = Vec::new();
    let mut range = Vec::new();
    conjuncts(&expr, &mut |conjunct| match conjunct {
        Expr::BinaryOp { left, op, right } => {
            // A column against a parameter or a constant; two columns are a join's, not a filter's.
            let column = match (number(left), number(right)) {
                (Some(column), None) | (None, Some(column)) => column,
                _ => return,
            };
            match op {
                BinaryOperator::Eq => equal.push(column),
                BinaryOperator::Lt | BinaryOperator::LtEq | BinaryOperator::Gt | BinaryOperator::GtEq => {
                    range.push(column)
                }
                _ => {}
            }
        }
        Expr::AnyOp { left, compare_op: BinaryOperator::Eq, .. } => equal.extend(number(left)),
        Expr::Between { expr, negated: false, .. } => range.extend(number(expr)),
        _ => {}
    });
    let mut columns: Vec<i16> = Vec::new();
    for column in equal.into_iter().chain(range.into_iter().take(1)) {
        if !columns.contains(&column) {
            columns.push(column);
        }
    }
    columns
}

/// The column an expression of a plan names: a plan qualifies columns by the alias the statement
/// gave the table, so any qualifier is taken, and the caller checks the name against the table.
fn any_column_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Nested(inner) | Expr::Cast { expr: inner, .. } => any_column_name(inner),
        Expr::Identifier(ident) => Some(ident_name(ident)),
        Expr::CompoundIdentifier(parts) => parts.last().map(ident_name),
        _ => None,
    }
}

/// Each operand of an `AND` tree.
fn conjuncts<'a>(expr: &'a Expr, each: &mut impl FnMut(&'a Expr)) {
    match expr {
        Expr::Nested(inner) => conjuncts(inner, each),
        Expr::BinaryOp { left, op: BinaryOperator::And, right } => {
            conjuncts(left, each);
            conjuncts(right, each);
        }
        other => each(other),
    }
}

#[cfg(test)]
mod tests {
    use ceiling_facts::catalog::{Column, Table};

    use super::*;

    fn catalog() -> Catalog {
        let mut catalog = Catalog::default();
        for (oid, name, columns) in
            [(1, "authors", &["id", "email"][..]), (2, "posts", &["id", "author_id", "created_at"][..])]
        {
            catalog.tables.push(Table { oid, schema: "public".into(), name: name.into(), ..Table::default() });
            for (at, column) in columns.iter().enumerate() {
                catalog.columns.push(Column {
                    table_oid: oid,
                    number: at as i16 + 1,
                    name: (*column).into(),
                    type_name: "int4".into(),
                });
            }
        }
        catalog
    }

    fn volatile() -> FxHashSet<String> {
        ["nextval", "random"].into_iter().map(str::to_owned).collect()
    }

    #[test]
    fn a_lookup_by_parameters_names_its_table_and_columns() {
        let catalog = catalog();
        let shape =
            shape(&catalog, "SELECT a.* FROM authors a WHERE a.id = $1 AND (email = $2::text) LIMIT $3", &volatile());
        assert_eq!(shape.lookup, Some(Lookup { table_oid: 1, columns: vec![1, 2] }));
        assert!(shape.plain_select);
        assert_eq!(shape.tables, vec![1]);
    }

    #[test]
    fn batches_joins_and_literals_are_not_lookups() {
        let catalog = catalog();
        for text in [
            "select * from authors where id in ($1, $2)",
            "select * from authors where id = any($1)",
            "select * from authors join posts on posts.author_id = authors.id where authors.id = $1",
            "select * from authors where id = $1 or email = $2",
            "select * from authors where id = 3",
            "select * from authors",
        ] {
            assert_eq!(shape(&catalog, text, &volatile()).lookup, None, "{text}");
        }
    }

    #[test]
    fn only_reading_selects_are_plain() {
        let catalog = catalog();
        let plain = |text| shape(&catalog, text, &volatile()).plain_select;
        assert!(plain("select p.id, a.email from posts p join public.authors a on a.id = p.author_id"));
        assert!(!plain("select * from authors where id = $1 for update"));
        assert!(!plain("with gone as (delete from posts returning id) select * from gone"));
        assert!(!plain("select nextval($1)"));
        assert!(!plain("select * into copy from authors"));
        assert!(!plain("delete from authors where id = $1"));
        assert!(!plain("select 1; delete from authors"));
    }

    #[test]
    fn tables_are_read_through_joins_and_subqueries() {
        let catalog = catalog();
        let shape = shape(&catalog, "select * from (select * from posts) p join \"authors\" on true", &volatile());
        assert_eq!(shape.tables, vec![2, 1]);
    }

    #[test]
    fn parameters_are_counted_by_their_highest_number() {
        assert_eq!(parameters("select * from t where a = $2 and b = $1 limit $3"), 3);
        assert_eq!(parameters("select 1"), 0);
    }

    #[test]
    fn a_filter_gives_equalities_then_one_range() {
        let catalog = catalog();
        let filter = "((p.created_at > $2) AND (p.author_id = $1) AND (p.id < 5))";
        assert_eq!(index_columns(&catalog, 2, filter), vec![2, 3]);
        assert_eq!(index_columns(&catalog, 2, "(posts.author_id = ANY ($1))"), vec![2]);
        assert_eq!(index_columns(&catalog, 1, "((authors.email)::text = $1)"), vec![2]);
        assert!(index_columns(&catalog, 1, "(lower(authors.email) = $1)").is_empty());
        assert!(index_columns(&catalog, 1, "(authors.email ~~ '%x'::text)").is_empty());
    }
}
