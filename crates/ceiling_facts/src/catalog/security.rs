//! Who can reach what: the roles an API exposes tables to (Supabase's `anon` and `authenticated`),
//! row-level security policies, views, functions and extensions.

pub use crate::schema::PolicyCommand;

use super::{Catalog, Table};

/// The security side of the catalog.
#[derive(Debug, Clone, Default)]
pub struct Security {
    /// API roles that exist in this database: `anon`, `authenticated` (Supabase, PostgREST).
    pub api_roles: Vec<String>,
    /// Schemas served by the API: `pgrst.db_schemas` (the `authenticator` role's, else the
    /// database's), else `public` when API roles exist.
    pub exposed_schemas: Vec<String>,
    /// Relations that some API role can select from (`USAGE` on the schema, and a table grant or
    /// a column grant), in any schema; whether the REST API serves them depends on [`Security::exposed_schemas`].
    pub grants: Vec<Grant>,
    pub policies: Vec<Policy>,
    pub views: Vec<View>,
    pub functions: Vec<Function>,
    pub extensions: Vec<Extension>,
    /// Roles that row-level security never applies to (`rolbypassrls`, superusers): Supabase's
    /// `service_role`, `postgres`.
    pub bypass_rls_roles: Vec<String>,
    /// Supabase Storage buckets marked `public` (`storage.buckets`, when that table exists).
    pub public_buckets: Vec<Bucket>,
}

/// The API roles that can `SELECT` a relation.
#[derive(Debug, Clone, Default)]
pub struct Grant {
    pub oid: u32,
    /// `anon`, `authenticated`, in that order.
    pub roles: Vec<String>,
    /// `None` when a role can select the whole relation; else the columns (`attnum`) that
    /// column grants let the API roles select.
    pub columns: Option<Vec<i16>>,
}

/// A row-level security policy (`pg_policy`), with what the loader found in its expressions.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub table_oid: u32,
    pub name: String,
    /// `AS PERMISSIVE` (the default); a restrictive policy only narrows what permissive ones grant.
    pub permissive: bool,
    pub command: PolicyCommand,
    /// Role names; `public` when the policy names none (every role).
    pub roles: Vec<String>,
    /// `USING`, as `pg_get_expr` prints it with an empty search path (names are qualified).
    pub using: Option<String>,
    pub with_check: Option<String>,
    /// Calls evaluated once per row: `auth.uid()`, `auth.jwt()`, `auth.role()`, `auth.email()`
    /// or `current_setting(...)` not wrapped in a `(select ...)` that PostgreSQL runs once per
    /// statement (an initPlan). As printed: `auth.uid()`.
    pub per_row_calls: Vec<String>,
    /// `USING` folds to a constant true (`true`, `1 = 1`).
    pub using_always_true: bool,
    /// `WITH CHECK` folds to a constant true.
    pub check_always_true: bool,
    /// An expression reads `user_metadata` from the JWT (`auth.jwt() -> 'user_metadata'`), which
    /// the user can edit.
    pub reads_user_metadata: bool,
    /// `USING` is exactly `bucket_id = '<id>'`: on `storage.objects`, every file of that bucket.
    pub using_only_bucket: Option<String>,
}

impl Policy {
    /// Applies to `role`: names it, or names none (PUBLIC).
    pub fn applies_to(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role || r == "public")
    }

    /// Applies to some role that row-level security applies to: a policy only for roles that
    /// bypass it (`to service_role`) never runs.
    pub fn runs_for_someone(&self, bypass_rls_roles: &[String]) -> bool {
        self.roles.iter().any(|role| !bypass_rls_roles.contains(role))
    }

    /// Applies to a caller of the API: `anon`, `authenticated`, or every role.
    pub fn applies_to_api(&self) -> bool {
        self.applies_to("anon") || self.applies_to("authenticated")
    }

    /// Covers `command`: names it, or is `ALL`.
    pub fn covers(&self, command: PolicyCommand) -> bool {
        self.command == command || self.command == PolicyCommand::All
    }
}

/// A view (or materialized view), beyond what [`Table`] says of it.
#[derive(Debug, Clone, Default)]
pub struct View {
    pub oid: u32,
    /// `security_invoker` is on (PostgreSQL 15+): the view checks the caller's privileges and
    /// row-level security, not its owner's.
    pub security_invoker: bool,
    /// Reads `auth.users` directly (`pg_depend` of its rewrite rule).
    pub reads_auth_users: bool,
}

/// A function or procedure outside PostgreSQL's own schemas.
#[derive(Debug, Clone, Default)]
pub struct Function {
    pub oid: u32,
    pub schema: String,
    pub name: String,
    /// `pg_get_function_identity_arguments`: `user_id uuid, n integer`.
    pub arguments: String,
    /// `SECURITY DEFINER`: runs with its owner's privileges.
    pub security_definer: bool,
    /// `SET search_path = ...` is part of its definition (`proconfig`).
    pub pins_search_path: bool,
    /// API roles that may `EXECUTE` it (and use its schema).
    pub executable_by: Vec<String>,
    /// Returns `trigger` or `event_trigger`: PostgreSQL refuses to call it but as a trigger, so
    /// no API caller can run it.
    pub is_trigger: bool,
    /// Belongs to an extension or sits in a platform schema.
    pub managed: bool,
}

impl Function {
    /// `public.f(user_id uuid)`.
    pub fn signature(&self) -> String {
        format!("{}.{}({})", self.schema, self.name, self.arguments)
    }
}

/// An installed extension.
#[derive(Debug, Clone, Default)]
pub struct Extension {
    pub name: String,
    pub schema: String,
    pub installed_version: String,
    /// The version `CREATE EXTENSION` would install today; `None` when its files are gone.
    pub default_version: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Bucket {
    pub id: String,
    pub name: String,
}

impl Security {
    /// The API roles that can select `oid`.
    pub fn selectable_by(&self, oid: u32) -> &[String] {
        self.grants.iter().find(|grant| grant.oid == oid).map_or(&[], |grant| &grant.roles)
    }

    /// An API role can select this column of `oid`.
    pub fn column_selectable(&self, oid: u32, number: i16) -> bool {
        self.grants
            .iter()
            .find(|grant| grant.oid == oid)
            .is_some_and(|grant| grant.columns.as_ref().is_none_or(|columns| columns.contains(&number)))
    }

    pub fn view(&self, oid: u32) -> Option<&View> {
        self.views.iter().find(|view| view.oid == oid)
    }

    pub fn policies_of(&self, table_oid: u32) -> impl Iterator<Item = &Policy> {
        self.policies.iter().filter(move |policy| policy.table_oid == table_oid)
    }

    pub fn extension(&self, name: &str) -> Option<&Extension> {
        self.extensions.iter().find(|extension| extension.name == name)
    }
}

impl Catalog {
    /// Served by the REST API to a caller without a service key: the app's relation, in an exposed
    /// schema, selectable by `anon` or `authenticated` (splinter's definition).
    pub fn exposed(&self, table: &Table) -> bool {
        !table.managed && self.security.exposed_schemas.contains(&table.schema) && self.api_can_select(table)
    }

    /// Some API role can select it, wherever it is.
    pub fn api_can_select(&self, table: &Table) -> bool {
        !self.security.selectable_by(table.oid).is_empty()
    }

    /// `auth.users`, when the database has Supabase Auth.
    pub fn auth_users(&self) -> Option<&Table> {
        self.tables.iter().find(|table| table.schema == "auth" && table.name == "users")
    }
}
