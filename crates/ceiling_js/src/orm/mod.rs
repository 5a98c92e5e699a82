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

use ceiling_facts::{Filter, FilterOp, Operation, QueryApi, QueryShape};
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

/// The conditions of a filter object (`{ authorId: x, title: { contains: q }, OR: [...] }`),
/// whether any of them matches a column against a run-time set through one of `set_keys`
/// (`in`, `$in`), and whether part of the filter cannot be read here (a spread, an `OR` list
/// built elsewhere).
pub fn filter_object<'a>(
    object: &ObjectExpression<'a>,
    set_keys: &[&str],
    batch_set: &dyn Fn(&Expression<'a>) -> bool,
) -> (Vec<Filter>, bool, bool) {
    let mut walk = FilterWalk { set_keys, batch_set, filters: Vec::new(), batched: false, opaque: false };
    walk.object(object, false, 0);
    (walk.filters, walk.batched, walk.opaque)
}

struct FilterWalk<'w, 'a> {
    set_keys: &'w [&'w str],
    batch_set: &'w dyn Fn(&Expression<'a>) -> bool,
    filters: Vec<Filter>,
    batched: bool,
    opaque: bool,
}

impl<'a> FilterWalk<'_, 'a> {
    fn object(&mut self, object: &ObjectExpression<'a>, alternative: bool, depth: u32) {
        if depth > 8 {
            return;
        }
        for property in &object.properties {
            let ObjectPropertyKind::ObjectProperty(property) = property else {
                self.opaque = true;
                continue;
            };
            let Some(key) = filter_key(&property.key) else {
                self.opaque = true;
                continue;
            };
            let value = property.value.get_inner_expression();
            match key.as_str() {
                "AND" | "$and" | "OR" | "$or" | "NOT" | "$not" | "$nor" => {
                    let alternative = alternative || !matches!(key.as_str(), "AND" | "$and");
                    let before = self.filters.len();
                    self.branches(value, alternative, depth);
                    if matches!(key.as_str(), "NOT" | "$not" | "$nor") {
                        self.filters[before..].iter_mut().for_each(|filter| filter.op = FilterOp::Other);
                    }
                }
                _ => {
                    let op = self.condition(value);
                    self.filters.push(Filter { column: key, op, alternative });
                }
            }
        }
    }

    fn branches(&mut self, value: &Expression<'a>, alternative: bool, depth: u32) {
        match value {
            Expression::ArrayExpression(array)
                if array.elements.iter().any(|element| {
                    !matches!(
                        element.as_expression().map(Expression::get_inner_expression),
                        Some(Expression::ObjectExpression(_))
                    )
                }) =>
            {
                self.opaque = true;
                for element in &array.elements {
                    if let Some(Expression::ObjectExpression(inner)) =
                        element.as_expression().map(Expression::get_inner_expression)
                    {
                        self.object(inner, alternative, depth + 1);
                    }
                }
            }
            Expression::ObjectExpression(inner) => self.object(inner, alternative, depth + 1),
            Expression::ArrayExpression(array) => {
                for element in &array.elements {
                    if let Some(Expression::ObjectExpression(inner)) =
                        element.as_expression().map(Expression::get_inner_expression)
                    {
                        self.object(inner, alternative, depth + 1);
                    }
                }
            }
            _ => self.opaque = true,
        }
    }

    /// How the value of `column: value` compares the column.
    fn condition(&mut self, value: &Expression<'a>) -> FilterOp {
        match value {
            Expression::ObjectExpression(operators) => {
                // A JSON path filter (`{ path: ['a'], equals: 1 }`) compares inside the value.
                if property(operators, "path").is_some() {
                    return FilterOp::Other;
                }
                let mut ops = Vec::new();
                for property in &operators.properties {
                    let ObjectPropertyKind::ObjectProperty(property) = property else { return FilterOp::Other };
                    let Some(key) = filter_key(&property.key) else { return FilterOp::Other };
                    let operand = property.value.get_inner_expression();
                    if self.set_keys.contains(&key.as_str()) {
                        self.batched |= (self.batch_set)(operand);
                    }
                    match operator(&key, operand) {
                        Some(op) => ops.push(op),
                        // Not an operator: a condition on a related record (`author: { email }`).
                        None => return FilterOp::Relation,
                    }
                }
                // `{ gte: a, lt: b }` is a range; `{ contains: q, mode: 'insensitive' }` a pattern.
                [FilterOp::Equals, FilterOp::In, FilterOp::Range, FilterOp::Prefix, FilterOp::Unanchored]
                    .into_iter()
                    .find(|wanted| ops.contains(wanted))
                    .unwrap_or(FilterOp::Other)
            }
            Expression::CallExpression(call) => {
                // TypeORM's find operators: `In(ids)`, `Like('%x%')`, `MoreThan(d)`.
                let name =
                    call.callee.get_inner_expression().get_identifier_reference().map(|ident| ident.name.as_str());
                let operand = call.arguments.first().and_then(Argument::as_expression);
                match name {
                    Some("In") => {
                        self.batched |= operand.is_some_and(self.batch_set);
                        FilterOp::In
                    }
                    Some("Like" | "ILike") => operand.map_or(FilterOp::Other, like_pattern),
                    Some("MoreThan" | "MoreThanOrEqual" | "LessThan" | "LessThanOrEqual" | "Between") => {
                        FilterOp::Range
                    }
                    Some("Equal" | "IsNull") => FilterOp::Equals,
                    Some(_) => FilterOp::Other,
                    // A value computed by a call: compared for equality.
                    None => FilterOp::Equals,
                }
            }
            Expression::RegExpLiteral(_) | Expression::NewExpression(_) => regex_op(value),
            _ => FilterOp::Equals,
        }
    }
}

/// A regular expression match (Mongo): `/^abc/` is a prefix, `/abc/i`, `new RegExp(q, 'i')` and
/// any pattern known only at run time are not anchored.
fn regex_op(value: &Expression<'_>) -> FilterOp {
    match value.get_inner_expression() {
        Expression::RegExpLiteral(regex) => regex_pattern(regex.regex.pattern.text.as_str()),
        Expression::NewExpression(new) if new.callee.is_specific_id("RegExp") => {
            match new.arguments.first().and_then(Argument::as_expression).and_then(string_value) {
                Some(pattern) => regex_pattern(&pattern),
                None => FilterOp::Unanchored,
            }
        }
        Expression::NewExpression(_) => FilterOp::Equals,
        other => string_value(other).map_or(FilterOp::Unanchored, |pattern| regex_pattern(&pattern)),
    }
}

/// The key of a filter property: `authorId`, `'author_id'`, or Sequelize's `[Op.like]`.
fn filter_key(key: &PropertyKey<'_>) -> Option<String> {
    match key {
        PropertyKey::StaticMemberExpression(member) => Some(member.property.name.to_string()),
        key => key.static_name().map(|name| name.to_string()),
    }
}

/// The comparison an operator key makes (Prisma, Mongo `$`-operators, Sequelize `Op.*`); `None`
/// when the key is no operator.
fn operator(key: &str, operand: &Expression<'_>) -> Option<FilterOp> {
    Some(match key.trim_start_matches('$') {
        "equals" | "eq" | "is" => FilterOp::Equals,
        "in" => FilterOp::In,
        "lt" | "lte" | "gt" | "gte" | "between" => FilterOp::Range,
        "startsWith" => FilterOp::Prefix,
        "contains" | "endsWith" | "substring" => FilterOp::Unanchored,
        "like" | "iLike" | "ilike" => like_pattern(operand),
        "regex" => regex_op(operand),
        // `mode` and `$options` modify another operator, which decides.
        "mode" | "options" | "not" | "ne" | "notIn" | "nin" | "search" | "has" | "hasSome" | "hasEvery" | "isEmpty"
        | "path" | "array_contains" | "string_contains" | "exists" | "size" | "all" | "elemMatch" | "notLike"
        | "notILike" | "overlap" | "contained" | "isSet" => FilterOp::Other,
        _ => return None,
    })
}

/// The conditions of a builder's `where` call, in Knex, Kysely and Objection:
/// `where('col', v)`, `where('col', '>=', v)`, `where({ a, b })`, `whereIn('col', ids)`,
/// `whereILike('col', '%q%')`; `orWhere*` calls are alternatives.
pub fn where_call<'a>(
    method: &str,
    args: &[Argument<'a>],
    batch_set: &dyn Fn(&Expression<'a>) -> bool,
    shape: &mut QueryShape,
) {
    let alternative = method.starts_with("or");
    let condition = method.trim_start_matches("or").trim_start_matches("and").to_ascii_lowercase();
    let arg = |at: usize| args.get(at).and_then(Argument::as_expression);
    if let Some(Expression::ObjectExpression(object)) = arg(0).map(Expression::get_inner_expression) {
        let (filters, batched, opaque) = filter_object(object, &[], batch_set);
        shape.batched |= batched;
        shape.opaque |= opaque;
        shape.filters.extend(filters.into_iter().map(|filter| Filter { alternative, ..filter }));
        return;
    }
    let Some(column) = string_arg(args.first()) else {
        // `where((qb) => ...)`, `where(conditions)`: built elsewhere.
        shape.opaque = true;
        return;
    };
    let op = match condition.as_str() {
        "where" if args.len() >= 3 => {
            let operator = string_arg(args.get(1)).unwrap_or_default().to_ascii_lowercase();
            if operator == "in" {
                shape.batched |= arg(2).is_some_and(batch_set);
            }
            sql_operator(&operator, arg(2))
        }
        "where" => FilterOp::Equals,
        "wherein" => {
            shape.batched |= arg(1).is_some_and(batch_set);
            FilterOp::In
        }
        "wherelike" | "whereilike" => arg(1).map_or(FilterOp::Other, like_pattern),
        "wherebetween" => FilterOp::Range,
        "wherenull" => FilterOp::Equals,
        _ => FilterOp::Other,
    };
    shape.filters.push(Filter { column: column.rsplit('.').next().unwrap_or_default().to_owned(), op, alternative });
}

/// A SQL comparison operator as a filter op; `LIKE` looks at the pattern.
pub fn sql_operator(operator: &str, operand: Option<&Expression<'_>>) -> FilterOp {
    match operator {
        "=" | "is" | "==" => FilterOp::Equals,
        "in" => FilterOp::In,
        "<" | "<=" | ">" | ">=" | "between" => FilterOp::Range,
        "like" | "ilike" => operand.map_or(FilterOp::Other, like_pattern),
        _ => FilterOp::Other,
    }
}

/// A number known only at run time: a `skip`/`offset` that pages through a table.
///
/// `skip: page ? (page - 1) * size : undefined` pages only when a caller asks: not counted.
pub fn is_runtime_number(expr: &Expression<'_>) -> bool {
    !matches!(
        expr.get_inner_expression(),
        Expression::NumericLiteral(_) | Expression::NullLiteral(_) | Expression::ConditionalExpression(_)
    ) && !matches!(expr.get_inner_expression(), Expression::Identifier(ident) if ident.name == "undefined")
}

/// Whether an options object holds what cannot be read here: a spread (`...paginate()`).
pub fn has_spread(object: &ObjectExpression<'_>) -> bool {
    object.properties.iter().any(|property| matches!(property, ObjectPropertyKind::SpreadProperty(_)))
}

/// `LIKE` pattern: `'%x%'` or `` `%${q}%` `` is unanchored; `'x%'` is a prefix.
pub fn like_pattern(pattern: &Expression<'_>) -> FilterOp {
    let head = match pattern.get_inner_expression() {
        Expression::StringLiteral(literal) => Some(literal.value.to_string()),
        Expression::TemplateLiteral(template) => template.quasis.first().map(|quasi| quasi.value.raw.to_string()),
        Expression::BinaryExpression(concat) if concat.operator == BinaryOperator::Addition => {
            return like_pattern(&concat.left);
        }
        _ => None,
    };
    match head {
        Some(head) if head.starts_with('%') || head.starts_with('_') => FilterOp::Unanchored,
        Some(head) if !head.is_empty() => FilterOp::Prefix,
        _ => FilterOp::Other,
    }
}

/// A regular expression is anchored when it starts with `^` (and is not case-insensitive, which
/// the caller cannot see from the pattern alone: anchored patterns count as prefixes).
fn regex_pattern(pattern: &str) -> FilterOp {
    if pattern.starts_with('^') { FilterOp::Prefix } else { FilterOp::Unanchored }
}

fn string_value(expr: &Expression<'_>) -> Option<String> {
    match expr.get_inner_expression() {
        Expression::StringLiteral(literal) => Some(literal.value.to_string()),
        _ => None,
    }
}
