//! Raw SQL: `pool.query('SELECT ...')`, `dataSource.query(sql)`, TypeORM entity-manager methods,
//! and tagged templates (`sql\`select ...\``) of SQL clients.

use ceiling_facts::{Operation, QueryApi};
use oxc_ast::ast::*;

use super::{Chain, Shape, model};

pub fn recognise<'a>(chain: &Chain<'_, 'a>, at: usize, _hints: &super::Hints<'_, 'a>) -> Option<Shape> {
    let (method, args) = chain.links.get(at)?.method()?;
    match method {
        "query" | "execute" | "unsafe" => {
            let text = sql_text(args.first().and_then(Argument::as_expression));
            Some(statement_shape(QueryApi::ClientMethod, at, method, text.as_deref()))
        }
        // TypeORM's EntityManager: `manager.find(User, { where })`, `manager.save(entity)`.
        _ => {
            let operation = model::operation(method, args.get(1..).unwrap_or_default())?;
            let mut shape = Shape::new(QueryApi::ClientMethod, at, method, operation);
            shape.bounded = operation == Operation::ReadOne;
            shape.opaque = true;
            Some(shape)
        }
    }
}

/// The shape of a tagged template whose tag may be a SQL client.
pub fn sql_tag_shape(template: &TemplateLiteral<'_>, method: &str) -> Shape {
    let text = template_text(template);
    statement_shape(QueryApi::SqlTag, 0, method, Some(&text))
}

/// Raw SQL is read for its kind of statement and its table, not its conditions: the shape is
/// `opaque` to the schema-aware rules.
fn statement_shape(api: QueryApi, at: usize, method: &str, text: Option<&str>) -> Shape {
    let Some(text) = text else {
        let mut shape = Shape::new(api, at, method, Operation::Raw);
        shape.opaque = true;
        return shape;
    };
    let lower = text.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_' && c != '.' && c != '"')
        .filter(|w| !w.is_empty())
        .collect();
    let upsert = lower.contains("on conflict") || lower.contains("on duplicate key");
    let operation = match words.first().copied() {
        Some("select" | "with") => Operation::ReadMany,
        Some("insert") => {
            // Several row tuples, `unnest` or `select` as the source: already many rows.
            let tuples = lower.matches("),").count();
            if tuples > 0 || lower.contains("unnest") || lower.contains("select") {
                Operation::BulkWrite
            } else if upsert {
                Operation::Upsert
            } else {
                Operation::Create
            }
        }
        Some("update") => Operation::Update,
        Some("delete") => Operation::Delete,
        _ => Operation::Raw,
    };
    let mut shape = Shape::new(api, at, method, operation);
    let table_after = |keyword: &str| {
        words.iter().position(|w| *w == keyword).and_then(|i| words.get(i + 1)).map(|t| t.trim_matches('"').to_owned())
    };
    shape.model = match operation {
        Operation::Create | Operation::BulkWrite => table_after("into"),
        Operation::Update => words.get(1).map(|t| t.trim_matches('"').to_owned()),
        _ => table_after("from"),
    };
    let compact: String = lower.split_whitespace().collect();
    shape.batched = compact.contains("any($")
        || compact.contains("any(${")
        || compact.contains("in(${")
        || compact.contains("in${")
        || compact.contains("=any(");
    shape.bounded = words.contains(&"limit");
    shape.opaque = true;
    shape
}

/// The text of a SQL argument: a string literal or a template (expressions left out).
fn sql_text(expr: Option<&Expression<'_>>) -> Option<String> {
    match expr?.get_inner_expression() {
        Expression::StringLiteral(literal) => Some(literal.value.to_string()),
        Expression::TemplateLiteral(template) => Some(template_text(template)),
        Expression::TaggedTemplateExpression(tagged) => Some(template_text(&tagged.quasi)),
        _ => None,
    }
}

/// A template's text with each expression replaced by `${`, enough to classify a statement.
fn template_text(template: &TemplateLiteral<'_>) -> String {
    let mut text = String::new();
    for (index, quasi) in template.quasis.iter().enumerate() {
        text.push_str(quasi.value.raw.as_str());
        if index + 1 < template.quasis.len() {
            text.push_str("${");
        }
    }
    text
}
