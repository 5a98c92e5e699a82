//! The JS/TS frontend: one file's syntax in, [`FileFacts`] out.
//!
//! Parsing and name binding are oxc's (parser + semantic). On top of them this crate recognises
//! the calls of each ORM (one module per ORM under `orm/`), the places that iterate, and the
//! symbolic values of the names those calls use. It decides nothing about bugs: rules do.

mod extractor;
mod iterations;
mod lines;
mod literal;
mod origins;
mod orm;
mod requests;
mod routes;
mod rows;
mod schema;
mod secrets;
mod timers;
mod values;

use std::path::Path;

use ceiling_facts::FileFacts;
use oxc_allocator::Allocator;
use oxc_parser::{ParseOptions, Parser};
use oxc_semantic::SemanticBuilder;
use oxc_span::SourceType;

pub use ceiling_facts::MAX_NESTING;

/// Extensions this frontend reads.
pub const EXTENSIONS: &[&str] = &["js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts"];

/// Why a file produced no facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// The parser could not make sense of it; the first error is kept.
    Parse(String),
    /// Brackets nest deeper than [`MAX_NESTING`].
    TooDeep,
}

/// Parses `source` (the text of `path`) and extracts its facts. `path` picks the dialect
/// (`.tsx`, `.mts`...) and is stored as given in the facts.
pub fn extract(path: &str, source: &str) -> Result<FileFacts, Skip> {
    if ceiling_facts::nesting_depth(source) > MAX_NESTING {
        return Err(Skip::TooDeep);
    }
    let source_type = SourceType::from_path(Path::new(path)).unwrap_or_default();
    let allocator = Allocator::default();
    let options = ParseOptions { allow_return_outside_function: true, ..ParseOptions::default() };
    let parsed = Parser::new(&allocator, source, source_type).with_options(options).parse();
    if parsed.panicked || !parsed.diagnostics.is_empty() {
        let message = parsed.diagnostics.first().map_or_else(|| "the parser gave up".to_owned(), ToString::to_string);
        return Err(Skip::Parse(message));
    }
    let semantic = SemanticBuilder::new().with_build_nodes(true).build(&parsed.program).semantic;
    let mut facts = extractor::Extractor::new(&semantic, source).run(&parsed.program, path);
    facts.tables = schema::tables(&parsed.program, &semantic, path);
    (facts.env_fallbacks, facts.env_reads) = secrets::env_facts(&parsed.program);
    facts.path = path.to_owned();
    Ok(facts)
}

#[cfg(test)]
mod tests;
