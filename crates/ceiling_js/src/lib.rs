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

/// Files nested deeper than this are refused rather than risk the stack of a recursive walk.
pub const MAX_NESTING: usize = 1_000;

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
    if nesting_depth(source) > MAX_NESTING {
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

/// An upper bound on how deeply brackets nest, counted without parsing. Brackets inside strings
/// and comments count too, which only makes the bound more cautious. Table-driven and branch-free
/// in the loop, since it reads every byte of every file.
fn nesting_depth(source: &str) -> usize {
    const DELTA: [i32; 256] = {
        let mut table = [0; 256];
        table[b'(' as usize] = 1;
        table[b'[' as usize] = 1;
        table[b'{' as usize] = 1;
        table[b')' as usize] = -1;
        table[b']' as usize] = -1;
        table[b'}' as usize] = -1;
        table
    };
    let (mut depth, mut max) = (0i32, 0i32);
    for &byte in source.as_bytes() {
        depth = (depth + DELTA[byte as usize]).max(0);
        max = max.max(depth);
    }
    max as usize
}

#[cfg(test)]
mod tests;
