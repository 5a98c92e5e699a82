//! The language-neutral model that every ceiling engine shares.
//!
//! A frontend (JS/TS today, Python next) turns one file's syntax into [`FileFacts`]: queries,
//! iterations, functions, calls and the symbolic [`Value`]s of the names they use. It decides
//! nothing about bugs. [`Project`] links the facts of all files (imports, re-exports, path aliases,
//! classes), resolves what each value is (an ORM client, a model, a function...) and summarises
//! which functions reach a query. Rules read the project; they never see syntax.
//!
//! This crate knows no parser, no file system walking and no rule.

pub mod catalog;
mod facts;
mod lines;
mod names;
pub mod outbound;
mod packages;
mod project;
mod resolve;
mod routes;
pub mod schedule;
mod schema;
mod suppression;
mod value;

pub use facts::*;
pub use lines::{LineIndex, MAX_NESTING, nesting_depth};
pub use names::words;
pub use packages::{DJANGO_QUERYSET_METHODS, PackageEntity, in_package, is_django_manager, package_orm};
pub use project::{ChainStep, FileId, FnRef, FunctionItems, ModuleResolver, Project, Reach, ReachKind, join_path};
pub use resolve::Resolved;
pub use routes::{LIMITER_PACKAGES, RouteRow, is_limiter_name};
pub use schema::{
    Column, ForeignKey, Index, IndexKey, IndexKind, Migration, MigrationStep, Origin, Policy, PolicyCommand, Schema,
    SchemaProblem, SchemaSource, Table, apply_migrations,
};
pub use suppression::{Suppression, parse_suppression, suppressions};
pub use value::{ImportedName, Value};
