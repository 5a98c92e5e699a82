//! `ceiling grow`: what happens to the app's queries when its tables get big.
//!
//! It builds a throwaway PostgreSQL with the app's own schema, fills it with synthetic data at
//! growing sizes, times the app's own queries at each size, and fits the growth.

pub mod ddl;
