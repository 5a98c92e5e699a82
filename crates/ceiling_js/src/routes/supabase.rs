//! Supabase edge functions: `supabase/functions/<name>/index.ts` serving with `Deno.serve`.

use ceiling_facts::{Framework, Value};
use oxc_ast::ast::*;

use super::{Cx, Entry, property, script_stem, split_path};

/// The name of the edge function `path` is the entry of; `_shared` and other `_` folders hold
/// helpers, not functions.
pub(super) fn function_path(path: &str) -> Option<String> {
    let (directories, file) = split_path(path)?;
    if script_stem(file)? != "index" {
        return None;
    }
    let [.., supabase, functions, name] = directories.as_slice() else { return None };
    (*supabase == "supabase" && *functions == "functions" && !name.starts_with('_')).then(|| (*name).to_owned())
}

/// `Deno.serve(handler)`, `Deno.serve({ port }, handler)`, `serve(handler)` (std's `http/server`)
/// at the top level.
pub(super) fn read<'a>(cx: &mut Cx<'_, '_, 'a>, program: &Program<'a>, name: &str) {
    for statement in &program.body {
        let Statement::ExpressionStatement(statement) = statement else { continue };
        let mut expr = statement.expression.get_inner_expression();
        if let Expression::AwaitExpression(awaited) = expr {
            expr = awaited.argument.get_inner_expression();
        }
        let Expression::CallExpression(call) = expr else { continue };
        let callee = call.callee.get_inner_expression();
        if !(callee.is_specific_member_access("Deno", "serve") || callee.is_specific_id("serve")) {
            continue;
        }
        let Some(mut handler) = call.arguments.last().and_then(Argument::as_expression) else { continue };
        // `Deno.serve({ port, handler })`.
        if let Some(options) = cx.object(handler)
            && let Some(inner) = property(options, "handler")
        {
            handler = inner;
        }
        let handler = cx.handler(handler, None);
        cx.route(Entry {
            span: call.span,
            framework: Framework::SupabaseFunction,
            method: "ALL".to_owned(),
            path: format!("/functions/v1/{name}"),
            on: Value::Unknown,
            middleware: Vec::new(),
            handler,
        });
    }
}
