//! Django ORM queries: `Model.objects.<method>(...)` and the querysets chained from it
//! (`Order.objects.filter(paid=True).select_related('customer').order_by('-created')`).

use ceiling_facts::{Filter, FilterOp, Operation, QueryApi, QueryShape};
use ruff_python_ast::{Expr, ExprCall};

/// A query: the expression of its model (`Order`) and what it does.
pub struct Found<'a> {
    pub model: &'a Expr,
    pub shape: QueryShape,
}

/// The query a call chain makes, when it goes through a model's `objects` manager.
pub fn query(call: &ExprCall) -> Option<Found<'_>> {
    let mut links: Vec<(&str, &ExprCall)> = Vec::new();
    let mut current = call;
    let model = loop {
        let Expr::Attribute(attribute) = current.func.as_ref() else { return None };
        links.push((attribute.attr.as_str(), current));
        match attribute.value.as_ref() {
            Expr::Attribute(manager) if ceiling_facts::is_django_manager(manager.attr.as_str()) => {
                break manager.value.as_ref();
            }
            Expr::Call(inner) => current = inner,
            _ => return None,
        }
    };
    links.reverse();
    // `objects.none()` is an empty queryset: it never reaches the database.
    if links.iter().any(|(method, _)| *method == "none") {
        return None;
    }
    let mut shape = shape(&links)?;
    shape.model = match model {
        Expr::Name(name) => Some(name.id.to_string()),
        Expr::Attribute(attribute) => Some(attribute.attr.to_string()),
        _ => None,
    };
    Some(Found { model, shape })
}

/// What a chain of queryset methods does, first call first.
fn shape(links: &[(&str, &ExprCall)]) -> Option<QueryShape> {
    let (last, _) = *links.last()?;
    let mut shape = QueryShape::new(QueryApi::ModelMethod, last, operation(links));
    for (method, call) in links {
        match *method {
            // `exclude(...)` is a NOT condition: no index narrows the rows by it.
            "exclude" => {}
            "filter" | "get" | "get_or_create" | "update_or_create" | "first" | "count" | "exists" | "delete"
            | "update" => {
                for keyword in call.arguments.keywords.iter() {
                    let Some(name) = &keyword.arg else {
                        // `filter(**filters)`: conditions built elsewhere.
                        shape.opaque = true;
                        continue;
                    };
                    if matches!(*method, "update" | "get_or_create" | "update_or_create")
                        && matches!(name.as_str(), "defaults")
                    {
                        continue;
                    }
                    if *method == "update" {
                        continue;
                    }
                    let filter = lookup(name.as_str());
                    if filter.op == FilterOp::In && !is_literal_list(&keyword.value) {
                        shape.batched = true;
                    }
                    shape.filters.push(filter);
                }
                // `filter(Q(...) | Q(...))`: conditions this reader does not take apart.
                if !call.arguments.args.is_empty() {
                    shape.opaque = true;
                }
            }
            "order_by" => {
                shape.sorts.extend(strings(call).map(|field| field.trim_start_matches('-').to_owned()));
            }
            "select_related" | "prefetch_related" => {
                shape.includes.extend(strings(call).map(str::to_owned));
                shape.includes.extend(call.arguments.args.iter().flat_map(prefetch_lookups));
            }
            // `in_bulk(ids)`: `WHERE id IN (...)`; a bare `in_bulk()` reads every row.
            "in_bulk" if !call.arguments.args.is_empty() => {
                let column = crate::syntax::keyword(call, "field_name").and_then(crate::syntax::string).unwrap_or("id");
                shape.filters.push(Filter::new(column, FilterOp::In));
                shape.batched = true;
            }
            _ => {}
        }
    }
    shape.bounded = matches!(shape.operation, Operation::ReadOne | Operation::Count | Operation::Aggregate);
    Some(shape)
}

/// Whether the query filters on the primary key's value (`filter(pk=...)`, `filter(id=...)`):
/// one row at most.
pub fn by_primary_key(shape: &QueryShape) -> bool {
    shape.filters.iter().any(|filter| {
        matches!(filter.column.as_str(), "pk" | "id") && filter.op == FilterOp::Equals && !filter.alternative
    })
}

/// Whether a query of this shape waits to be evaluated: a queryset (`filter`, `order_by`...),
/// which runs only when iterated, counted or indexed, not a call that runs it (`get`, `count`,
/// `update`, `iterator`, `in_bulk`).
pub fn lazy(shape: &QueryShape) -> bool {
    shape.operation == Operation::ReadMany && !matches!(shape.method.as_str(), "iterator" | "in_bulk")
}

/// `qs.filter(...).select_related('a')`, `qs.filter(...).exists()`: what the chain refines (`qs`,
/// `super().get_queryset()`), and what the chain adds to its query, when every call of the
/// chain refines a queryset but the last, which may run it.
pub fn refinement(call: &ExprCall) -> Option<(&Expr, QueryShape)> {
    let mut links: Vec<(&str, &ExprCall)> = Vec::new();
    let mut current = call;
    loop {
        let Expr::Attribute(attribute) = current.func.as_ref() else { return None };
        let method = attribute.attr.as_str();
        let runs = links.is_empty() && RUNS.contains(&method);
        if !runs && !ceiling_facts::DJANGO_QUERYSET_METHODS.contains(&method) {
            return None;
        }
        links.push((method, current));
        match attribute.value.as_ref() {
            Expr::Call(inner) if is_refinement(inner) => current = inner,
            root => {
                links.reverse();
                return Some((root, shape(&links)?));
            }
        }
    }
}

/// Queryset methods that run the query, ending a chain.
const RUNS: &[&str] = &[
    "get",
    "first",
    "last",
    "earliest",
    "latest",
    "count",
    "exists",
    "aggregate",
    "update",
    "delete",
    "_raw_delete",
    "iterator",
    "in_bulk",
    "contains",
];

/// Adds what a refinement does (`delta`) to the query it refines.
pub fn refine(shape: &mut QueryShape, delta: QueryShape) {
    if !lazy(&delta) {
        shape.operation = delta.operation;
        shape.method.clone_from(&delta.method);
    }
    shape.filters.extend(delta.filters);
    shape.sorts.extend(delta.sorts);
    shape.includes.extend(delta.includes);
    shape.batched |= delta.batched;
    shape.opaque |= delta.opaque;
    shape.bounded |= delta.bounded;
}

/// A call of a queryset method on something (`.filter(...)`), which may refine a queryset.
fn is_refinement(call: &ExprCall) -> bool {
    matches!(call.func.as_ref(), Expr::Attribute(attribute)
        if ceiling_facts::DJANGO_QUERYSET_METHODS.contains(&attribute.attr.as_str()))
}

/// What a chain does, by the method that runs it.
fn operation(links: &[(&str, &ExprCall)]) -> Operation {
    links
        .iter()
        .rev()
        .find_map(|(method, _)| {
            Some(match *method {
                "get" | "first" | "last" | "earliest" | "latest" => Operation::ReadOne,
                "count" | "exists" => Operation::Count,
                "aggregate" => Operation::Aggregate,
                "create" => Operation::Create,
                "get_or_create" | "update_or_create" => Operation::Upsert,
                "update" => Operation::Update,
                "delete" | "_raw_delete" => Operation::Delete,
                "bulk_create" | "bulk_update" => Operation::BulkWrite,
                _ => return None,
            })
        })
        .unwrap_or(Operation::ReadMany)
}

/// A keyword of `filter()`: `email`, `author__name`, `created__gte`, `title__icontains`.
fn lookup(keyword: &str) -> Filter {
    let mut parts: Vec<&str> = keyword.split("__").collect();
    let op = match parts.last().copied() {
        Some("in") => Some(FilterOp::In),
        Some("gt" | "gte" | "lt" | "lte" | "range") => Some(FilterOp::Range),
        Some("startswith" | "istartswith") => Some(FilterOp::Prefix),
        Some("contains" | "icontains" | "endswith" | "iendswith" | "regex" | "iregex") => Some(FilterOp::Unanchored),
        Some("exact" | "iexact" | "isnull") => Some(FilterOp::Equals),
        _ => None,
    };
    if op.is_some() && parts.len() > 1 {
        parts.pop();
    }
    let column = match parts[0] {
        "pk" => "id",
        column => column,
    };
    // `author__name`: a condition on the related table.
    let op = if parts.len() > 1 { FilterOp::Relation } else { op.unwrap_or(FilterOp::Equals) };
    Filter::new(column, op)
}

/// `Prefetch('comments', queryset=Comment.objects.select_related('author'))`: the lookup, and
/// what its queryset loads in turn (`comments__author`).
fn prefetch_lookups(argument: &Expr) -> Vec<String> {
    let Expr::Call(prefetch) = argument else { return Vec::new() };
    let named_prefetch = match prefetch.func.as_ref() {
        Expr::Name(name) => name.id.as_str() == "Prefetch",
        Expr::Attribute(attribute) => attribute.attr.as_str() == "Prefetch",
        _ => false,
    };
    let Some(lookup) = named_prefetch.then(|| strings(prefetch).next()).flatten() else { return Vec::new() };
    let mut lookups = vec![lookup.to_owned()];
    let queryset = crate::syntax::keyword(prefetch, "queryset").or_else(|| prefetch.arguments.args.get(1));
    if let Some(Expr::Call(queryset)) = queryset
        && let Some(found) = query(queryset)
    {
        lookups.extend(found.shape.includes.iter().map(|include| format!("{lookup}__{include}")));
    }
    lookups
}

fn is_literal_list(expr: &Expr) -> bool {
    matches!(expr, Expr::List(_) | Expr::Tuple(_) | Expr::Set(_))
}

/// The string literals among a call's positional arguments.
fn strings<'a>(call: &'a ExprCall) -> impl Iterator<Item = &'a str> + 'a {
    call.arguments.args.iter().filter_map(crate::syntax::string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_become_filters() {
        assert_eq!(lookup("email"), Filter::new("email", FilterOp::Equals));
        assert_eq!(lookup("pk"), Filter::new("id", FilterOp::Equals));
        assert_eq!(lookup("created__gte"), Filter::new("created", FilterOp::Range));
        assert_eq!(lookup("title__icontains"), Filter::new("title", FilterOp::Unanchored));
        assert_eq!(lookup("id__in"), Filter::new("id", FilterOp::In));
        assert_eq!(lookup("author__name"), Filter::new("author", FilterOp::Relation));
        assert_eq!(lookup("author__name__iexact"), Filter::new("author", FilterOp::Relation));
    }
}
