//! The Python frontend: parses a module with ruff's parser and extracts the same facts as the
//! JS/TS frontend, so that every rule reads Python code unchanged.
//!
//! What it knows so far: imports (absolute, and relative ones written as `./` paths so that the
//! project resolves them like any other), module-level functions, classes and their methods, the
//! loops and comprehensions around each call, Django ORM queries (`Order.objects.filter(...)`,
//! with their filters, sorts, limits and relations loaded), SQLAlchemy and SQLModel queries and
//! models, Alembic migrations, HTTP requests, retry loops and fan-outs (`outbound`), scheduled
//! jobs (`jobs`), environment fallbacks (`env`), and the routes of Django, FastAPI and Flask
//! apps with the limiters in front of them (`routes`).

mod django;
mod drf;
mod env;
mod extractor;
mod jobs;
mod migrations;
mod outbound;
mod routes;
mod schema;
mod sqlalchemy;
mod sqlalchemy_schema;
mod syntax;

use ceiling_facts::FileFacts;

/// Extensions this frontend reads.
pub const EXTENSIONS: &[&str] = &["py"];

/// Why a file produced no facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// The parser could not make sense of it; the first error is kept.
    Parse(String),
    /// Brackets nest deeper than [`ceiling_facts::MAX_NESTING`].
    TooDeep,
}

/// Parses `source` (the text of `path`) and extracts its facts.
pub fn extract(path: &str, source: &str) -> Result<FileFacts, Skip> {
    if ceiling_facts::nesting_depth(source) > ceiling_facts::MAX_NESTING {
        return Err(Skip::TooDeep);
    }
    let parsed = ruff_python_parser::parse_module(source).map_err(|error| Skip::Parse(error.to_string()))?;
    let mut facts = extractor::Extractor::new(source).run(parsed.syntax(), path);
    let lines = ceiling_facts::LineIndex::new(source);
    // A SQLAlchemy model's base is named like Django's (`db.Model`, `SQLModel`): one reader each.
    facts.tables = if sqlalchemy_schema::imports_sqlalchemy(parsed.syntax()) {
        sqlalchemy_schema::tables(parsed.syntax(), path, &lines)
    } else {
        schema::tables(parsed.syntax(), path, &lines)
    };
    facts.migration = sqlalchemy_schema::migration(parsed.syntax(), path, &lines);
    facts.sql = migrations::run_sql(parsed.syntax(), path, source);
    (facts.env_fallbacks, facts.env_reads) = env::env_facts(parsed.syntax(), source, &lines);
    let comments = parsed.tokens().iter().filter(|token| token.kind() == ruff_python_ast::token::TokenKind::Comment);
    facts.suppressions = ceiling_facts::suppressions(
        source,
        comments.map(|comment| {
            let range = ruff_text_size::Ranged::range(comment);
            (range.start().to_u32(), range.end().to_u32())
        }),
    );
    facts.path = path.to_owned();
    Ok(facts)
}

#[cfg(test)]
mod tests;
