//! Who can reach what: the roles an API exposes tables to (Supabase's `anon` and `authenticated`),
//! row-level security policies, views, functions and extensions.

/// The security side of the catalog.
#[derive(Debug, Clone, Default)]
pub struct Security {
    /// API roles that exist in this database: `anon`, `authenticated` (Supabase, PostgREST).
    pub api_roles: Vec<String>,
    /// Schemas served by the API: `pgrst.db_schemas`, else `public` when API roles exist.
    pub exposed_schemas: Vec<String>,
    /// Tables the API roles can select from, by oid.
    pub exposed_tables: Vec<u32>,
}
