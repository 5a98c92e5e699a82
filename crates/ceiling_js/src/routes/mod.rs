//! HTTP entry points: routes, mounted routers and middleware, per framework.

use ceiling_facts::{Mount, Route};
use oxc_ast::ast::Program;

use crate::values::Values;

/// The routes and mounts `program` (the text of `path`) declares.
pub(crate) fn routes<'a>(program: &Program<'a>, values: &mut Values<'_, 'a>, path: &str) -> (Vec<Route>, Vec<Mount>) {
    let _ = (program, values, path);
    (Vec::new(), Vec::new())
}
