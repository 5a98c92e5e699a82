//! What the exports of database packages are. This table is how a client is recognised: by the
//! package it was made with, never by the name of the variable that holds it.

use crate::Orm;

/// What an export of a database package (or a path of members below it) gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageEntity {
    /// Calling it returns a client (`drizzle()`, `createClient()`, `postgres()`, `knex()`).
    ClientFactory(Orm),
    /// Its instances are clients (`PrismaClient`, `pg.Pool`, `DataSource`); subclasses too.
    ClientClass(Orm),
    /// Its instances are repositories with query methods (TypeORM `Repository`, Mongoose `Model<T>`).
    RepositoryClass(Orm),
    /// Classes extending it are models whose statics query (Sequelize `Model`, TypeORM `BaseEntity`).
    ModelBase(Orm),
    /// Calling it returns a model (`mongoose.model()`).
    ModelFactory(Orm),
    /// A client ready to use, exported by the package itself (`sql` of `@vercel/postgres`).
    Client(Orm),
    /// A model registered with the package (`mongoose.models.User`).
    Model(Orm),
    /// Calling it returns a base for model classes (SQLAlchemy's `declarative_base()`).
    ModelBaseFactory(Orm),
    /// Declares a relation of a model whose rows load it on access (SQLAlchemy's `relationship()`).
    Relation(Orm),
}

/// The package (and subpath) a specifier names, without registry prefix, CDN host or version:
/// `npm:@supabase/supabase-js@2.39.3`, `https://esm.sh/@supabase/supabase-js@2?target=deno` and
/// `jsr:@supabase/supabase-js@2` all name `@supabase/supabase-js`;
/// `npm:drizzle-orm@0.30.0/node-postgres` names `drizzle-orm/node-postgres`.
pub(crate) fn package_name(module: &str) -> std::borrow::Cow<'_, str> {
    let mut name = module;
    for prefix in ["npm:", "jsr:", "https://esm.sh/", "http://esm.sh/", "https://cdn.skypack.dev/", "https://esm.run/"]
    {
        if let Some(rest) = name.strip_prefix(prefix) {
            name = rest;
            break;
        }
    }
    let name = name.split(['?', '#']).next().unwrap_or(name);
    // The version follows the package name: after the second `@` of a scoped name, the first otherwise.
    let version_at = match name.strip_prefix('@') {
        Some(scoped) => scoped.find('@').map(|at| at + 1),
        None => name.find('@'),
    };
    match version_at {
        None => std::borrow::Cow::Borrowed(name),
        Some(at) => {
            let (package, versioned) = name.split_at(at);
            match versioned.find('/') {
                Some(slash) => std::borrow::Cow::Owned(format!("{package}{}", &versioned[slash..])),
                None => std::borrow::Cow::Borrowed(package),
            }
        }
    }
}

/// Django queryset methods that return a queryset of the same rows (`filter`, `select_related`...):
/// its rows are model instances, not `values()` dicts.
pub const DJANGO_QUERYSET_METHODS: &[&str] = &[
    "all",
    "filter",
    "exclude",
    "order_by",
    "select_related",
    "prefetch_related",
    "only",
    "defer",
    "annotate",
    "distinct",
    "using",
    "reverse",
];

/// A Django model's manager: `objects`, or a custom one named like it (`issue_objects`,
/// `all_objects`).
pub fn is_django_manager(name: &str) -> bool {
    name == "objects" || name.ends_with("_objects")
}

/// Whether `module` is `package` or one of its subpaths: `@clerk/nextjs/webhooks` is in
/// `@clerk/nextjs`, `openai-edge` is not in `openai`.
pub fn in_package(module: &str, package: &str) -> bool {
    module.strip_prefix(package).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The ORM a module specifier belongs to, when it is a database package.
pub fn package_orm(module: &str) -> Option<Orm> {
    let module = package_name(module);
    let module = module.as_ref();
    if module == "@prisma/client"
        || module.starts_with("@prisma/client/")
        || module.ends_with(".prisma/client")
        || module.ends_with("generated/prisma")
        || module.ends_with("generated/prisma/client")
    {
        return Some(Orm::Prisma);
    }
    if module == "kysely" || module.starts_with("kysely/") {
        return Some(Orm::Kysely);
    }
    if module == "objection" {
        return Some(Orm::Objection);
    }
    if module == "drizzle-orm" || module.starts_with("drizzle-orm/") {
        return Some(Orm::Drizzle);
    }
    if matches!(module, "@supabase/supabase-js" | "@supabase/ssr" | "@supabase/auth-helpers-nextjs") {
        return Some(Orm::Supabase);
    }
    let top = module.split('.').next().unwrap_or(module);
    if matches!(top, "sqlalchemy" | "sqlmodel" | "flask_sqlalchemy") {
        return Some(Orm::SqlAlchemy);
    }
    match module {
        "django.db" | "django.db.models" => Some(Orm::Django),
        "typeorm" => Some(Orm::TypeOrm),
        "sequelize" | "sequelize-typescript" => Some(Orm::Sequelize),
        "mongoose" => Some(Orm::Mongoose),
        "knex" => Some(Orm::Knex),
        "pg" | "postgres" | "@vercel/postgres" | "@neondatabase/serverless" | "mysql2" | "mysql2/promise" => {
            Some(Orm::Sql)
        }
        _ => None,
    }
}

/// What `path` (export name, then members) of a database package is. `None` for the many
/// exports that are neither clients nor models (`eq`, `sql` of drizzle-orm, `Op`...).
pub fn package_entity(module: &str, path: &[&str]) -> Option<PackageEntity> {
    use PackageEntity::*;
    let orm = package_orm(module)?;
    let module = package_name(module);
    let module = module.as_ref();
    let entity = match (orm, path) {
        (Orm::Prisma, ["PrismaClient"] | ["Prisma", "TransactionClient"]) => ClientClass(orm),
        (Orm::Drizzle, ["drizzle"]) => ClientFactory(orm),
        // `NodePgDatabase`, `PostgresJsDatabase`, `PgDatabase`...: the database handle types.
        (Orm::Drizzle, [name]) if name.ends_with("Database") => ClientClass(orm),
        (Orm::Supabase, [name])
            if (name.starts_with("create") && name.ends_with("Client")) || *name == "createClient" =>
        {
            ClientFactory(orm)
        }
        (Orm::Supabase, ["SupabaseClient"]) => ClientClass(orm),
        (Orm::TypeOrm, ["DataSource" | "EntityManager" | "Connection"]) => ClientClass(orm),
        (Orm::TypeOrm, ["Repository" | "TreeRepository" | "MongoRepository"]) => RepositoryClass(orm),
        (Orm::TypeOrm, ["BaseEntity"]) => ModelBase(orm),
        (Orm::TypeOrm, ["getManager" | "getConnection"]) => ClientFactory(orm),
        (Orm::Sequelize, ["Sequelize"] | ["default"]) => ClientClass(orm),
        (Orm::Sequelize, ["Model"]) => ModelBase(orm),
        (Orm::Mongoose, ["model"] | ["default", "model"]) => ModelFactory(orm),
        (Orm::Mongoose, ["Model"] | ["default", "Model"]) => RepositoryClass(orm),
        (Orm::Mongoose, ["models", _]) => Model(orm),
        (Orm::Mongoose, ["createConnection"] | ["default", "createConnection"]) => ClientFactory(orm),
        (Orm::Knex, ["default"] | ["knex"]) => ClientFactory(orm),
        (Orm::Kysely, ["Kysely" | "Transaction"]) => ClientClass(orm),
        (Orm::Objection, ["Model"]) => ModelBase(orm),
        // `from django.db import models` then `models.Model`, or `from django.db.models import Model`.
        (Orm::Django, ["models", "Model"] | ["Model"]) => ModelBase(orm),
        (Orm::SqlAlchemy, [name]) => match *name {
            // `Session(engine)`, `db: AsyncSession`, Flask-SQLAlchemy's `SQLAlchemy(app)`.
            "Session" | "AsyncSession" | "SQLAlchemy" => ClientClass(orm),
            // Session factories: what calling them gives is a session (see `resolve`).
            "sessionmaker" | "async_sessionmaker" | "scoped_session" | "async_scoped_session" => ClientFactory(orm),
            "DeclarativeBase" | "DeclarativeBaseNoMeta" | "SQLModel" => ModelBase(orm),
            "declarative_base" => ModelBaseFactory(orm),
            "relationship" | "Relationship" => Relation(orm),
            _ => return None,
        },
        // `import sqlalchemy as sa` then `sa.orm.relationship`.
        (Orm::SqlAlchemy, ["orm", name]) => return package_entity("sqlalchemy.orm", &[*name]),
        // `Build.knex()`: the Knex instance behind every Objection model.
        (Orm::Objection, ["Model", "knex"]) => ClientFactory(Orm::Knex),
        (Orm::Knex, ["Knex"]) => ClientClass(orm),
        (Orm::Sql, _) => match (module, path) {
            ("pg", ["Pool" | "Client" | "PoolClient"] | ["default", "Pool" | "Client"]) => ClientClass(orm),
            ("postgres", ["default"]) => ClientFactory(orm),
            ("postgres", ["Sql"]) => ClientClass(orm),
            ("@vercel/postgres", ["sql" | "db"]) => Client(orm),
            ("@vercel/postgres", ["createPool" | "createClient"]) => ClientFactory(orm),
            ("@neondatabase/serverless", ["neon"]) => ClientFactory(orm),
            ("@neondatabase/serverless", ["Pool" | "Client"]) => ClientClass(orm),
            ("mysql2" | "mysql2/promise", ["createPool" | "createConnection"])
            | ("mysql2" | "mysql2/promise", ["default", "createPool" | "createConnection"]) => ClientFactory(orm),
            _ => return None,
        },
        _ => return None,
    };
    Some(entity)
}

/// What a member of a client gives, for the members that hand out another client or a model.
pub fn client_member(orm: Orm, member: &str) -> Option<PackageEntity> {
    use PackageEntity::*;
    let entity = match (orm, member) {
        (Orm::Prisma, "$extends") => ClientFactory(orm),
        // prisma-extension-kysely: `prisma.$kysely` is a Kysely instance on the same connection.
        (Orm::Prisma, "$kysely") => Client(Orm::Kysely),
        (Orm::Sql, "connect") => ClientFactory(orm),
        (Orm::TypeOrm, "manager") => Client(orm),
        (Orm::TypeOrm, "initialize" | "transaction") => ClientFactory(orm),
        (Orm::TypeOrm, "getRepository" | "getTreeRepository" | "getMongoRepository") => ModelFactory(orm),
        (Orm::Sequelize, "define") => ModelFactory(orm),
        (Orm::Mongoose, "model") => ModelFactory(orm),
        // Flask-SQLAlchemy: `db.session`, `class User(db.Model)`, `db.relationship(...)`.
        (Orm::SqlAlchemy, "session") => Client(orm),
        (Orm::SqlAlchemy, "Model") => ModelBase(orm),
        (Orm::SqlAlchemy, "relationship") => Relation(orm),
        _ => return None,
    };
    Some(entity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drizzle_sql_tag_is_not_a_client() {
        assert_eq!(package_entity("drizzle-orm", &["sql"]), None);
        assert_eq!(
            package_entity("drizzle-orm/node-postgres", &["drizzle"]),
            Some(PackageEntity::ClientFactory(Orm::Drizzle))
        );
    }

    #[test]
    fn registry_prefixes_and_versions_name_the_same_package() {
        for specifier in [
            "npm:@supabase/supabase-js@2.39.3",
            "https://esm.sh/@supabase/supabase-js@2?target=deno",
            "jsr:@supabase/supabase-js@2",
            "https://esm.sh/@supabase/supabase-js@2.45.0",
            "@supabase/supabase-js",
        ] {
            assert_eq!(package_orm(specifier), Some(Orm::Supabase), "{specifier}");
        }
        assert_eq!(package_orm("npm:postgres@3.4.4"), Some(Orm::Sql));
        assert_eq!(package_name("npm:drizzle-orm@0.30.0/node-postgres"), "drizzle-orm/node-postgres");
        assert_eq!(
            package_entity("npm:drizzle-orm@0.30.0/node-postgres", &["drizzle"]),
            Some(PackageEntity::ClientFactory(Orm::Drizzle))
        );
    }

    #[test]
    fn unrelated_packages_are_not_databases() {
        assert_eq!(package_orm("next/server"), None);
        assert_eq!(package_entity("dataloader", &["default"]), None);
    }
}
