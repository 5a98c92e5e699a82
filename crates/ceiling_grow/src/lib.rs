//! `ceiling grow`: what happens to the app's queries when its tables get big.
//!
//! It builds a throwaway PostgreSQL with the app's own schema, fills it with synthetic data at
//! growing sizes, times the app's own queries at each size, and fits the growth.
//!
//! The pipeline, in the order [`run::run`] drives it:
//! - [`scratch`]: the database to fill, our own throwaway server or a schema of a scratch database;
//! - [`source`] and [`ddl`]: the app's schema, from its SQL migrations or generated from its models;
//! - [`model`]: that schema read back from the catalog, the one input of the synthesis;
//! - [`scale`] and [`synth`]: rows per table per step, and the rows themselves, deterministic;
//! - [`load`]: binary COPY, then indexes, foreign keys and statistics;
//! - [`query`] and [`measure`]: the scan's queries as SQL, timed with EXPLAIN ANALYZE;
//! - [`fit`]: the growth class and projection of each curve;
//! - [`report`] and [`chart`]: terminal, JSON and HTML views, the page drawn by [`ceiling_page`].

pub mod chart;
mod db;
pub mod ddl;
pub mod fit;
pub mod load;
pub mod measure;
pub mod model;
pub mod query;
pub mod report;
pub mod run;
pub mod scale;
pub mod scratch;
pub mod source;
pub mod synth;
