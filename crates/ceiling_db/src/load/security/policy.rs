//! What a row-level security policy's expressions do, read from their syntax tree rather than
//! their text: which auth calls run once per row, whether a condition is constant true, whether
//! it trusts the user-editable `user_metadata` of the JWT.
//!
//! The expressions come from `pg_get_expr` under an empty search path, so names are qualified
//! (`auth.uid()`) and the shapes are PostgreSQL's own (`( SELECT auth.uid() AS uid)`).

use std::ops::ControlFlow;

use sqlparser::ast::{BinaryOperator, Expr, Function, Query, SelectItem, SetExpr, Value, Visit, Visitor};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Token;

/// What the loader keeps of a policy's `USING` and `WITH CHECK`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Analysis {
    pub per_row_calls: Vec<String>,
    pub using_always_true: bool,
    pub check_always_true: bool,
    pub reads_user_metadata: bool,
    pub using_only_bucket: Option<String>,
}

pub fn analyse(using: Option<&str>, with_check: Option<&str>) -> Result<Analysis, String> {
    let using = using.map(parse).transpose()?;
    let with_check = with_check.map(parse).transpose()?;
    let mut analysis = Analysis {
        using_always_true: using.as_ref().is_some_and(always_true),
        check_always_true: with_check.as_ref().is_some_and(always_true),
        using_only_bucket: using.as_ref().and_then(only_bucket),
        ..Analysis::default()
    };
    for expr in using.iter().chain(&with_check) {
        let mut calls = Calls::default();
        let _ = expr.visit(&mut calls);
        for call in calls.per_row {
            if !analysis.per_row_calls.contains(&call) {
                analysis.per_row_calls.push(call);
            }
        }
        analysis.reads_user_metadata |= reads_user_metadata(expr);
    }
    Ok(analysis)
}

fn parse(text: &str) -> Result<Expr, String> {
    let mut parser = Parser::new(&PostgreSqlDialect {}).try_with_sql(text).map_err(|err| err.to_string())?;
    let expr = parser.parse_expr().map_err(|err| err.to_string())?;
    match parser.peek_token().token {
        Token::EOF => Ok(expr),
        rest => Err(format!("unexpected `{rest}` after the expression")),
    }
}

/// A function whose value is the same for every row of a statement, but which PostgreSQL calls
/// once per row unless it is wrapped in a scalar subquery: `auth.uid()`, `auth.jwt()`,
/// `auth.role()`, `auth.email()`, `current_setting(...)`.
fn is_auth_call(function: &Function) -> bool {
    let name = function.name.to_string().to_ascii_lowercase();
    matches!(
        name.as_str(),
        "auth.uid" | "auth.jwt" | "auth.role" | "auth.email" | "current_setting" | "pg_catalog.current_setting"
    )
}

/// Walks an expression keeping, for each subquery it is inside, whether that subquery is the
/// shape PostgreSQL evaluates once per statement (an initPlan).
#[derive(Default)]
struct Calls {
    /// The enclosing subqueries, innermost last: `true` for `(SELECT f(...) [AS x])`.
    once: Vec<bool>,
    per_row: Vec<String>,
}

impl Visitor for Calls {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        self.once.push(runs_once(query));
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _query: &Query) -> ControlFlow<()> {
        self.once.pop();
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if let Expr::Function(function) = expr
            && is_auth_call(function)
            && self.once.last() != Some(&true)
        {
            let call = function.to_string();
            if !self.per_row.contains(&call) {
                self.per_row.push(call);
            }
        }
        ControlFlow::Continue(())
    }
}

/// `(SELECT f(...) [AS x])`: no FROM, no WHERE, no grouping, one projection that reads no column,
/// so nothing ties it to the outer row and the planner runs it once, as an initPlan. A subquery
/// with a FROM (`EXISTS (SELECT 1 FROM members WHERE user_id = auth.uid())`) is planned per row.
fn runs_once(query: &Query) -> bool {
    let SetExpr::Select(select) = query.body.as_ref() else { return false };
    let [item] = select.projection.as_slice() else { return false };
    let expr = match item {
        SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, .. } => expr,
        _ => return false,
    };
    query.with.is_none()
        && select.from.is_empty()
        && select.selection.is_none()
        && select.having.is_none()
        && !reads_a_column(expr)
}

fn reads_a_column(expr: &Expr) -> bool {
    struct Columns;
    impl Visitor for Columns {
        type Break = ();
        fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
            match expr {
                Expr::Identifier(_) | Expr::CompoundIdentifier(_) => ControlFlow::Break(()),
                _ => ControlFlow::Continue(()),
            }
        }
    }
    expr.visit(&mut Columns).is_break()
}

/// Folds to true whatever the row: `true`, `(true)`, `1 = 1`, `'a' = 'a'`, `true OR ...`.
fn always_true(expr: &Expr) -> bool {
    match expr {
        Expr::Nested(inner) => always_true(inner),
        Expr::Value(value) => value.value == Value::Boolean(true),
        Expr::BinaryOp { left, op: BinaryOperator::Or, right } => always_true(left) || always_true(right),
        Expr::BinaryOp { left, op: BinaryOperator::And, right } => always_true(left) && always_true(right),
        Expr::BinaryOp { left, op: BinaryOperator::Eq, right } => match (literal(left), literal(right)) {
            (Some(left), Some(right)) => left == right,
            _ => false,
        },
        _ => false,
    }
}

/// `bucket_id = 'avatars'`, and nothing else: the bucket a Storage policy opens whole.
fn only_bucket(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Nested(inner) => only_bucket(inner),
        Expr::BinaryOp { left, op: BinaryOperator::Eq, right } => {
            let column = match left.as_ref() {
                Expr::Nested(inner) | Expr::Cast { expr: inner, .. } => inner.as_ref(),
                other => other,
            };
            let is_bucket = match column {
                Expr::Identifier(ident) => ident.value == "bucket_id",
                Expr::CompoundIdentifier(idents) => idents.last().is_some_and(|ident| ident.value == "bucket_id"),
                _ => false,
            };
            match literal(right) {
                Some(Value::SingleQuotedString(id)) if is_bucket => Some(id.clone()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A constant, under parentheses and casts (`'a'::text`).
fn literal(expr: &Expr) -> Option<&Value> {
    match expr {
        Expr::Nested(inner) | Expr::Cast { expr: inner, .. } => literal(inner),
        Expr::Value(value) if value.value != Value::Null => Some(&value.value),
        _ => None,
    }
}

/// `auth.jwt() -> 'user_metadata'`, `auth.jwt() #>> '{user_metadata,role}'`, or the same on
/// `current_setting('request.jwt.claims')`: the JWT's `user_metadata`, which the user can change
/// with `supabase.auth.updateUser()`.
fn reads_user_metadata(expr: &Expr) -> bool {
    struct Metadata;
    impl Visitor for Metadata {
        type Break = ();
        fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
            if let Expr::BinaryOp { left, op, right } = expr
                && let Some(Value::SingleQuotedString(key)) = literal(right)
                && match op {
                    BinaryOperator::Arrow | BinaryOperator::LongArrow => key == "user_metadata",
                    BinaryOperator::HashArrow | BinaryOperator::HashLongArrow => key
                        .trim_start_matches('{')
                        .split(',')
                        .next()
                        .is_some_and(|first| first.trim() == "user_metadata"),
                    _ => false,
                }
                && reads_jwt(left)
            {
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        }
    }
    expr.visit(&mut Metadata).is_break()
}

fn reads_jwt(expr: &Expr) -> bool {
    struct Jwt;
    impl Visitor for Jwt {
        type Break = ();
        fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
            match expr {
                Expr::Function(function) => {
                    let name = function.name.to_string().to_ascii_lowercase();
                    let jwt = name == "auth.jwt"
                        || (name.ends_with("current_setting") && function.to_string().contains("request.jwt.claim"));
                    if jwt { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
                }
                _ => ControlFlow::Continue(()),
            }
        }
    }
    expr.visit(&mut Jwt).is_break()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(using: &str) -> Vec<String> {
        analyse(Some(using), None).unwrap().per_row_calls
    }

    #[test]
    fn bare_calls_run_per_row_and_wrapped_ones_once() {
        assert_eq!(calls("(auth.uid() = user_id)"), ["auth.uid()"]);
        assert!(calls("(( SELECT auth.uid() AS uid) = user_id)").is_empty());
        assert_eq!(calls("((( SELECT auth.uid() AS uid) = owner) OR (id = auth.uid()))"), ["auth.uid()"]);
        assert_eq!(
            calls(
                "(EXISTS ( SELECT 1 FROM public.members m WHERE ((m.team_id = posts.team_id) AND (m.user_id = auth.uid()))))"
            ),
            ["auth.uid()"]
        );
        assert!(
            calls(
                "(team_id IN ( SELECT m.team_id FROM public.members m WHERE (m.user_id = ( SELECT auth.uid() AS uid))))"
            )
            .is_empty()
        );
        assert_eq!(
            calls("((current_setting('request.jwt.claims'::text, true))::json ->> 'sub'::text) = (user_id)::text"),
            ["current_setting('request.jwt.claims'::TEXT, true)"]
        );
        assert!(calls("(( SELECT (auth.jwt() ->> 'role'::text)) = 'admin'::text)").is_empty());
    }

    /// Policies as PostgreSQL 15 prints them (`LIKE` as `~~`, `ANY (ARRAY(...))`, `CASE` on lines
    /// of their own): all of them parse.
    #[test]
    fn deparsed_policies_parse() {
        let cases: [(&str, &[&str]); 9] = [
            ("((public.storage_fold(name))[1] = (( SELECT auth.uid() AS uid))::text)", &[]),
            ("((auth.jwt() ->> 'email'::text) ~~ '%@example.com'::text)", &["auth.jwt()"]),
            (
                "(team_id = ANY (ARRAY( SELECT t0.id\n   FROM public.t0\n  WHERE (t0.user_id = ( SELECT auth.uid() AS uid)))))",
                &[],
            ),
            (
                "((email ~~* 'a%'::text) AND (name !~~ 'b%'::text) AND (tags @> ARRAY['x'::text]) AND (data ? 'k'::text))",
                &[],
            ),
            (
                "((at > (now() - '1 day'::interval)) AND ((id >= 1) AND (id <= 10)) AND (name IS DISTINCT FROM 'x'::text))",
                &[],
            ),
            ("\nCASE\n    WHEN (auth.role() = 'authenticated'::text) THEN true\n    ELSE false\nEND", &["auth.role()"]),
            ("(COALESCE(((data ->> 'public'::text))::boolean, false) AND (name ~ similar_to_escape('a%'::text)))", &[]),
            (
                "(((data #>> '{a,b}'::text[]) = 'x'::text) AND (EXTRACT(year FROM at) = (2024)::numeric) AND (name ~* 'x'::text))",
                &[],
            ),
            ("(( SELECT ((auth.jwt() -> 'app_metadata'::text) -> 'roles'::text)) ? 'admin'::text)", &[]),
        ];
        for (text, expected) in cases {
            assert_eq!(calls(text), expected, "{text}");
        }
    }

    #[test]
    fn constant_conditions_and_user_metadata() {
        assert!(analyse(Some("true"), None).unwrap().using_always_true);
        assert!(analyse(None, Some("(1 = 1)")).unwrap().check_always_true);
        assert!(!analyse(Some("(auth.uid() = user_id)"), None).unwrap().using_always_true);
        assert!(
            analyse(Some("(((auth.jwt() -> 'user_metadata'::text) ->> 'role'::text) = 'admin'::text)"), None)
                .unwrap()
                .reads_user_metadata
        );
        assert!(!analyse(Some("((auth.jwt() ->> 'role'::text) = 'admin'::text)"), None).unwrap().reads_user_metadata);
        assert_eq!(
            analyse(Some("(bucket_id = 'avatars'::text)"), None).unwrap().using_only_bucket.as_deref(),
            Some("avatars")
        );
        assert!(analyse(Some("(a = "), None).is_err());
    }
}
