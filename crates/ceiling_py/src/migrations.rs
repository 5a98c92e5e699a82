//! Django migrations: the SQL their `RunSQL` operations run, which the schema reads like a SQL
//! migration. Indexes that models cannot declare (trigram, partial, expression indexes written
//! by hand) are created this way.

use ceiling_facts::{EmbeddedSql, LineIndex};
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprCall, ModModule};
use ruff_text_size::Ranged;

/// The forward SQL of every `migrations.RunSQL(...)` in a migration module.
pub fn run_sql(module: &ModModule, path: &str, source: &str) -> Vec<EmbeddedSql> {
    if path.split('/').rev().nth(1) != Some("migrations") {
        return Vec::new();
    }
    let lines = LineIndex::new(source);
    let mut finder = RunSql { source, lines: &lines, found: Vec::new() };
    finder.visit_body(&module.body);
    finder.found
}

struct RunSql<'l, 's> {
    source: &'s str,
    lines: &'l LineIndex<'s>,
    found: Vec<EmbeddedSql>,
}

impl<'a> Visitor<'a> for RunSql<'_, '_> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr
            && is_run_sql(call)
        {
            // `RunSQL(sql, reverse_sql)`: `sql` is a string, or a list of strings (or of
            // `(sql, params)` pairs).
            let forward = crate::syntax::keyword(call, "sql").or_else(|| call.arguments.args.first());
            let statements = match forward {
                Some(Expr::List(_) | Expr::Tuple(_)) => crate::syntax::list(forward.expect("matched")),
                Some(single) => vec![single],
                None => Vec::new(),
            };
            for statement in statements {
                let statement = match statement {
                    Expr::Tuple(pair) => pair.elts.first(),
                    other => Some(other),
                };
                if let Some(literal @ Expr::StringLiteral(string)) = statement {
                    let start = literal.range().start().to_u32() + quote_width(&self.source[literal.range()]);
                    self.found.push(EmbeddedSql {
                        at: self.lines.range(start, literal.range().end().to_u32()),
                        text: string.value.to_str().to_owned(),
                    });
                }
            }
        }
        visitor::walk_expr(self, expr);
    }
}

/// `migrations.RunSQL(...)` or an imported `RunSQL(...)`.
fn is_run_sql(call: &ExprCall) -> bool {
    match call.func.as_ref() {
        Expr::Attribute(attribute) => attribute.attr.as_str() == "RunSQL",
        Expr::Name(name) => name.id.as_str() == "RunSQL",
        _ => false,
    }
}

/// The width of a string literal's prefix and opening quotes (`r"""` is 4).
fn quote_width(raw: &str) -> u32 {
    let prefix = raw.len() - raw.trim_start_matches(|c: char| c.is_ascii_alphabetic()).len();
    let rest = &raw[prefix..];
    let quotes = if rest.starts_with("\"\"\"") || rest.starts_with("'''") { 3 } else { 1 };
    (prefix + quotes) as u32
}
