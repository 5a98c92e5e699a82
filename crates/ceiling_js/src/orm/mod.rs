//! Recognising query calls. A call chain (`db.select().from(users).where(...)`) is flattened into
//! its root and links; each ORM module says whether the links from some position on have the
//! shape of one of its queries, and what that query does. Whether the receiver really is a client
//! of that ORM is decided later, by the project model, from imports and bindings.

mod drizzle;
mod knex;
mod kysely;
mod model;
mod objection;
mod prisma;
mod record;
mod sql;
mod supabase;

use ceiling_facts::{Operation, QueryApi, QueryShape};
use oxc_ast::ast::*;

pub use sql::sql_tag_shape;

/// One step of a call chain after its root.
pub enum Link<'b, 'a> {
    /// `.name`
    Property(&'b str),
    /// `.name(args)`
    Method(&'b str, &'b [Argument<'a>]),
    /// `(args)`: the previous value called directly (`knex('users')`).
    Call(&'b [Argument<'a>]),
}

impl<'b, 'a> Link<'b, 'a> {
    pub fn method(&self) -> Option<(&'b str, &'b [Argument<'a>])> {
        match *self {
            Link::Method(name, args) => Some((name, args)),
            _ => None,
        }
    }
}

/// What recognisers ask of the surrounding code, which only the extractor can answer.
pub struct Hints<'b, 'a> {
    /// Whether an expression is a set of keys looked up in one query (batching), as opposed to a
    /// literal list or a list derived from the one element a loop is on.
    pub batch_set: &'b dyn Fn(&Expression<'a>) -> bool,
    /// Whether an expression is one row to write: an object literal, or a name bound to one.
    pub one_row: &'b dyn Fn(&Expression<'a>) -> bool,
}

/// Whether the rows argument of an insert (`values(x)`, `.insert(x)`) is one row.
pub fn one_row<'a>(rows: Option<&Argument<'a>>, hints: &Hints<'_, 'a>) -> bool {
    rows.and_then(Argument::as_expression).is_some_and(|rows| (hints.one_row)(rows))
}

pub struct Chain<'b, 'a> {
    pub root: &'b Expression<'a>,
    pub links: Vec<Link<'b, 'a>>,
}

impl<'b, 'a> Chain<'b, 'a> {
    /// Flattens a call into root and links, outermost link last.
    pub fn of_call(call: &'b CallExpression<'a>) -> Chain<'b, 'a> {
        let mut links = Vec::new();
        let mut current = &call.callee;
        push_call(&mut links, &call.callee, &call.arguments, &mut current);
        loop {
            match current.without_parentheses() {
                Expression::CallExpression(call) => {
                    push_call(&mut links, &call.callee, &call.arguments, &mut current);
                }
                Expression::StaticMemberExpression(member) => {
                    links.push(Link::Property(member.property.name.as_str()));
                    current = &member.object;
                }
                Expression::TSNonNullExpression(inner) => current = &inner.expression,
                Expression::ChainExpression(chain) => match &chain.expression {
                    ChainElement::CallExpression(call) => {
                        push_call(&mut links, &call.callee, &call.arguments, &mut current);
                    }
                    ChainElement::StaticMemberExpression(member) => {
                        links.push(Link::Property(member.property.name.as_str()));
                        current = &member.object;
                    }
                    _ => break,
                },
                _ => break,
            }
        }
        links.reverse();
        Chain { root: current, links }
    }
}

fn push_call<'b, 'a>(
    links: &mut Vec<Link<'b, 'a>>,
    callee: &'b Expression<'a>,
    arguments: &'b [Argument<'a>],
    current: &mut &'b Expression<'a>,
) {
    match callee.without_parentheses() {
        Expression::StaticMemberExpression(member) => {
            links.push(Link::Method(member.property.name.as_str(), arguments));
            *current = &member.object;
        }
        other => {
            links.push(Link::Call(arguments));
            *current = other;
        }
    }
}

/// What a recogniser found: a query whose receiver is the chain up to `receiver_links`.
pub struct Shape {
    pub receiver_links: usize,
    pub query: QueryShape,
}

impl Shape {
    fn new(api: QueryApi, receiver_links: usize, method: &str, operation: Operation) -> Shape {
        Shape { receiver_links, query: QueryShape::new(api, method, operation) }
    }
}

impl std::ops::Deref for Shape {
    type Target = QueryShape;

    fn deref(&self) -> &QueryShape {
        &self.query
    }
}

impl std::ops::DerefMut for Shape {
    fn deref_mut(&mut self) -> &mut QueryShape {
        &mut self.query
    }
}

/// Every query shape the chain could be, one per ORM family that matches. Usually one; when the
/// same syntax means a query in two ORMs (`x.select().from(t)` in Drizzle and Knex), both are
/// returned and the receiver decides.
pub fn shapes<'a>(chain: &Chain<'_, 'a>, hints: &Hints<'_, 'a>) -> Vec<Shape> {
    let mut found = Vec::new();
    for at in 0..chain.links.len() {
        // Only plain member paths and calls lead up to a query's receiver.
        for recognise in [
            prisma::recognise,
            drizzle::recognise,
            supabase::recognise,
            knex::recognise,
            kysely::recognise,
            objection::recognise,
            model::recognise,
            sql::recognise,
            record::recognise,
        ] {
            if let Some(shape) = recognise(chain, at, hints) {
                found.push(shape);
            }
        }
        if !found.is_empty() {
            break;
        }
    }
    // `User.findAll()`, `Account.query()`: the model is the class the chain starts from.
    if let Expression::Identifier(root) = chain.root.get_inner_expression() {
        for shape in found.iter_mut().filter(|shape| shape.model.is_none() && shape.receiver_links == 0) {
            if matches!(shape.api, QueryApi::ModelMethod | QueryApi::ObjectionQuery) {
                shape.model = Some(root.name.to_string());
            }
        }
    }
    found
}

/// The string value of a literal argument (`'users'`, `` `users` ``).
pub fn string_arg(arg: Option<&Argument<'_>>) -> Option<String> {
    match arg?.as_expression()?.get_inner_expression() {
        Expression::StringLiteral(literal) => Some(literal.value.to_string()),
        Expression::TemplateLiteral(template) if template.expressions.is_empty() => {
            template.quasis.first().map(|quasi| quasi.value.raw.to_string())
        }
        _ => None,
    }
}

/// Whether an expression is a set of keys computed at run time (not an array literal of
/// constants): a precondition for `in`, `inArray`, `whereIn` to be a batched lookup.
pub fn is_dynamic_set(expr: &Expression<'_>) -> bool {
    match expr.get_inner_expression() {
        Expression::ArrayExpression(array) => array.elements.iter().any(|element| {
            matches!(element, ArrayExpressionElement::SpreadElement(_))
                || element.as_expression().is_some_and(|e| {
                    !matches!(
                        e.get_inner_expression(),
                        Expression::StringLiteral(_)
                            | Expression::NumericLiteral(_)
                            | Expression::BooleanLiteral(_)
                            | Expression::NullLiteral(_)
                    )
                })
        }),
        Expression::StringLiteral(_) | Expression::NumericLiteral(_) => false,
        _ => true,
    }
}

/// The object literal an argument is, if it is one.
pub fn object_arg<'b, 'a>(arg: Option<&'b Argument<'a>>) -> Option<&'b ObjectExpression<'a>> {
    match arg?.as_expression()?.get_inner_expression() {
        Expression::ObjectExpression(object) => Some(object),
        _ => None,
    }
}

/// A property of an object literal by static key.
pub fn property<'b, 'a>(object: &'b ObjectExpression<'a>, key: &str) -> Option<&'b Expression<'a>> {
    object.properties.iter().find_map(|property| match property {
        ObjectPropertyKind::ObjectProperty(property) if property.key.static_name().is_some_and(|name| name == key) => {
            Some(&property.value)
        }
        _ => None,
    })
}

/// Static keys of an object literal.
pub fn keys(object: &ObjectExpression<'_>) -> Vec<String> {
    object
        .properties
        .iter()
        .filter_map(|property| match property {
            ObjectPropertyKind::ObjectProperty(property) => property.key.static_name().map(|name| name.to_string()),
            _ => None,
        })
        .collect()
}

/// Columns of a filter object (`{ authorId: x, AND: [{ status }] }`) and whether any of them is
/// matched against a run-time set through one of `set_keys` (`in`, `$in`).
pub fn filter_object<'a>(
    object: &ObjectExpression<'a>,
    set_keys: &[&str],
    batch_set: &dyn Fn(&Expression<'a>) -> bool,
) -> (Vec<String>, bool) {
    let mut columns = Vec::new();
    let mut batched = false;
    collect_filter(object, set_keys, batch_set, &mut columns, &mut batched, 0);
    (columns, batched)
}

fn collect_filter<'a>(
    object: &ObjectExpression<'a>,
    set_keys: &[&str],
    batch_set: &dyn Fn(&Expression<'a>) -> bool,
    columns: &mut Vec<String>,
    batched: &mut bool,
    depth: u32,
) {
    if depth > 8 {
        return;
    }
    for property in &object.properties {
        let ObjectPropertyKind::ObjectProperty(property) = property else { continue };
        let key = match &property.key {
            PropertyKey::StaticMemberExpression(member) => {
                // Sequelize's `[Op.in]: ids`.
                member.property.name.to_string()
            }
            key => match key.static_name() {
                Some(name) => name.to_string(),
                None => continue,
            },
        };
        let value = property.value.get_inner_expression();
        if set_keys.contains(&key.as_str()) {
            *batched |= batch_set(value);
            continue;
        }
        match value {
            Expression::ObjectExpression(inner) if matches!(key.as_str(), "AND" | "OR" | "NOT" | "$and" | "$or") => {
                collect_filter(inner, set_keys, batch_set, columns, batched, depth + 1);
            }
            Expression::ArrayExpression(array) if matches!(key.as_str(), "AND" | "OR" | "NOT" | "$and" | "$or") => {
                for element in &array.elements {
                    if let Some(Expression::ObjectExpression(inner)) =
                        element.as_expression().map(Expression::get_inner_expression)
                    {
                        collect_filter(inner, set_keys, batch_set, columns, batched, depth + 1);
                    }
                }
            }
            Expression::ObjectExpression(inner) => {
                columns.push(key);
                // Operators on the column: `{ in: ids }`, `{ $in: ids }`.
                let mut ignored = Vec::new();
                collect_filter(inner, set_keys, batch_set, &mut ignored, batched, depth + 1);
            }
            Expression::CallExpression(call)
                if call
                    .callee
                    .get_inner_expression()
                    .get_identifier_reference()
                    .is_some_and(|ident| ident.name == "In") =>
            {
                columns.push(key);
                if let Some(set) = call.arguments.first().and_then(Argument::as_expression) {
                    *batched |= batch_set(set);
                }
            }
            _ => columns.push(key),
        }
    }
}
