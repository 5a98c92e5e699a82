//! Resolution of symbolic values across files: "what is `prisma` here, really?"

use crate::packages::{PackageEntity, client_member, package_entity, package_orm};
use crate::project::{FileId, FnRef, Project};
use crate::{ClassId, ImportedName, ObjectId, Orm, Value};

/// Recursion bound for resolution: import chains, re-exports and member paths are short in real
/// code, and the bound makes cycles (`a` re-exports `b` re-exports `a`) end.
const MAX_DEPTH: u32 = 24;

/// Model methods that load rows, and (Objection) start a query that will.
const LOADERS: &[&str] = &["findAll", "find", "findBy", "findAndCountAll", "query", "findByIds", "where", "findMany"];

/// What a value is once every file has been read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Unknown,
    /// An export of a database package, or a member path below it.
    Package {
        module: String,
        path: Vec<String>,
    },
    /// A client of a package-level kind that is not itself a value path (`pool.connect()`).
    Entity(PackageEntity),
    /// A database client: queries are made on it.
    Client(Orm),
    /// A model or repository: its methods are queries.
    Model(Orm),
    Function(FnRef),
    Class(FileId, ClassId),
    Instance(FileId, ClassId),
    Object(FileId, ObjectId),
    /// The namespace of a project file (`import * as users from './users'`).
    Module(FileId),
    /// A callback handed to an unknown wrapper (`cache(fn)`, `remember(name, fn)`): calling it
    /// runs the callback; using it as a value uses what the callback returns.
    Wrapped(FnRef),
    /// Rows loaded through a model (`await Post.findAll()`), with the model's class when the
    /// project defines it.
    Rows(Orm, Option<(FileId, ClassId)>),
    /// One loaded row of an active-record ORM: its methods may query (`post.getComments()`).
    Record(Orm, Option<(FileId, ClassId)>),
}

impl Resolved {
    fn entity(&self) -> Option<PackageEntity> {
        match self {
            Resolved::Package { module, path } => {
                // `require('knex')` is the default export; `import * as pg` holds `default` too.
                let path: Vec<&str> = path.iter().map(String::as_str).collect();
                package_entity(module, &path).or_else(|| match path.split_first() {
                    None => package_entity(module, &["default"]),
                    Some((&"default", rest)) => package_entity(module, rest),
                    Some(_) => None,
                })
            }
            Resolved::Entity(entity) => Some(*entity),
            _ => None,
        }
    }
}

impl Project {
    pub fn resolve(&self, file: FileId, value: &Value) -> Resolved {
        self.resolve_at(file, value, 0)
    }

    /// The ORM whose client `value` is, if it is one.
    pub fn as_client(&self, file: FileId, value: &Value) -> Option<Orm> {
        match self.unwrap(self.resolve(file, value)) {
            Resolved::Client(orm) => Some(orm),
            other => match other.entity() {
                Some(PackageEntity::Client(orm)) => Some(orm),
                _ => None,
            },
        }
    }

    /// The ORM of the loaded record `value` is (`post` in `for (const post of await Post.findAll())`,
    /// or `this` in a method of a model class), and whether its class defines `method` itself.
    pub fn as_record(&self, file: FileId, value: &Value, method: &str) -> Option<(Orm, bool)> {
        let (orm, class) = match self.resolve(file, value) {
            Resolved::Record(orm, class) => (orm, class),
            Resolved::Instance(class_file, class) => match self.class_base(class_file, class, 0) {
                Some(PackageEntity::ModelBase(orm)) => (orm, Some((class_file, class))),
                _ => return None,
            },
            _ => return None,
        };
        let own = class.is_some_and(|(class_file, class)| {
            matches!(self.class_member(class_file, class, method, 0), Resolved::Function(_))
        });
        Some((orm, own))
    }

    /// The ORM whose model or repository `value` is, if it is one.
    pub fn as_model(&self, file: FileId, value: &Value) -> Option<Orm> {
        match self.unwrap(self.resolve(file, value)) {
            Resolved::Model(orm) => Some(orm),
            Resolved::Class(class_file, class) => match self.class_base(class_file, class, 0) {
                Some(PackageEntity::ModelBase(orm)) => Some(orm),
                _ => None,
            },
            other => match other.entity() {
                Some(PackageEntity::Model(orm)) => Some(orm),
                _ => None,
            },
        }
    }

    /// The ORM of the model class `class` (its base comes from the ORM's package), if it is one.
    pub fn model_orm(&self, file: FileId, class: ClassId) -> Option<Orm> {
        match self.class_base(file, class, 0) {
            Some(PackageEntity::ModelBase(orm)) => Some(orm),
            _ => None,
        }
    }

    /// Whether `value` is a relation declaration: a call of `relationship()`.
    pub(crate) fn declares_relation(&self, file: FileId, value: &Value) -> bool {
        let Value::Call(callee) = value else { return false };
        matches!(self.resolve(file, callee).entity(), Some(PackageEntity::Relation(_)))
    }

    /// What a wrapped callback returns, for a value used as a client or model.
    fn unwrap(&self, mut resolved: Resolved) -> Resolved {
        // A wrapper may return another wrapped value (`remember('a', () => remember('b', ...))`).
        for _ in 0..MAX_DEPTH {
            let Resolved::Wrapped(f) = resolved else { break };
            resolved = self.resolve_at(f.file, &self.file(f.file).functions[f.id as usize].returns, 1);
        }
        resolved
    }

    fn resolve_at(&self, file: FileId, value: &Value, depth: u32) -> Resolved {
        if depth > MAX_DEPTH {
            return Resolved::Unknown;
        }
        let depth = depth + 1;
        match value {
            Value::Unknown => Resolved::Unknown,
            Value::Import { module, name } => self.resolve_import(file, module, name, depth),
            Value::Function(id) => Resolved::Function(FnRef { file, id: *id }),
            Value::Class(id) => Resolved::Class(file, *id),
            Value::This(id) => Resolved::Instance(file, *id),
            Value::Object(id) => Resolved::Object(file, *id),
            Value::Param { name, func, index } => match self.context_client(name) {
                Resolved::Unknown => self.passed_argument(FnRef { file, id: *func }, *index, depth),
                resolved => resolved,
            },
            Value::Member(object, name) => {
                if object.is_param_rooted() {
                    // `ctx.db`, `({ prisma }) =>`: a framework context carrying a project client.
                    let context = self.context_client(name);
                    if context != Resolved::Unknown {
                        return context;
                    }
                }
                let object = self.resolve_at(file, object, depth);
                self.member(object, name, depth)
            }
            Value::Wrap(callee, callback) => match self.resolve_at(file, &Value::Call(callee.clone()), depth) {
                Resolved::Unknown => Resolved::Wrapped(FnRef { file, id: *callback }),
                resolved => resolved,
            },
            Value::Element(collection) => match self.resolve_at(file, collection, depth) {
                Resolved::Rows(orm, class) => Resolved::Record(orm, class),
                _ => Resolved::Unknown,
            },
            Value::Call(callee) if let Some(rows) = self.rows(file, callee, depth) => rows,
            Value::Call(callee) => match self.resolve_at(file, callee, depth) {
                Resolved::Function(f) | Resolved::Wrapped(f) => {
                    let returns = &self.file(f.file).functions[f.id as usize].returns;
                    self.resolve_at(f.file, returns, depth)
                }
                // A session factory (`SessionLocal = sessionmaker(...)`) called gives a session.
                Resolved::Client(Orm::SqlAlchemy) => Resolved::Client(Orm::SqlAlchemy),
                other => match other.entity() {
                    Some(PackageEntity::ClientFactory(orm)) => Resolved::Client(orm),
                    Some(PackageEntity::ModelFactory(orm)) => Resolved::Model(orm),
                    // Python constructs without `new`: `Session(engine)`.
                    Some(PackageEntity::ClientClass(orm)) => Resolved::Client(orm),
                    Some(PackageEntity::ModelBaseFactory(orm)) => Resolved::Entity(PackageEntity::ModelBase(orm)),
                    _ => Resolved::Unknown,
                },
            },
            Value::Instance(class) => match self.resolve_at(file, class, depth) {
                Resolved::Class(class_file, class) => match self.class_base(class_file, class, depth) {
                    Some(PackageEntity::ClientClass(orm)) => Resolved::Client(orm),
                    Some(PackageEntity::RepositoryClass(orm)) => Resolved::Model(orm),
                    _ => Resolved::Instance(class_file, class),
                },
                other => match other.entity() {
                    Some(PackageEntity::ClientClass(orm)) => Resolved::Client(orm),
                    Some(PackageEntity::RepositoryClass(orm)) => Resolved::Model(orm),
                    _ => Resolved::Unknown,
                },
            },
            Value::Either(first, second) => match self.resolve_at(file, first, depth) {
                Resolved::Unknown => self.resolve_at(file, second, depth),
                resolved => resolved,
            },
        }
    }

    /// `Post.findAll()`, `Build.query().where(...)`, `User.find().lean()`: a call that loads rows
    /// of a model, or keeps building a query that does.
    fn rows(&self, file: FileId, callee: &Value, depth: u32) -> Option<Resolved> {
        let Value::Member(object, method) = callee else { return None };
        if let Value::Call(inner) = &**object
            && let Some(rows) = self.rows(file, inner, depth + 1)
        {
            return Some(rows);
        }
        // Django: `Order.objects.filter(...)`, a queryset of the model behind the manager.
        let (object, loads) = match &**object {
            Value::Member(model, manager) if crate::is_django_manager(manager) => {
                (&**model, crate::DJANGO_QUERYSET_METHODS.contains(&method.as_str()) || method == "iterator")
            }
            object => (object, LOADERS.contains(&method.as_str())),
        };
        if !loads {
            return None;
        }
        let model = self.resolve_at(file, object, depth);
        let class = match model {
            Resolved::Class(class_file, class) => Some((class_file, class)),
            _ => None,
        };
        let orm = match (&model, class) {
            (Resolved::Model(orm), _) => *orm,
            (_, Some((class_file, class))) => match self.class_base(class_file, class, depth) {
                Some(PackageEntity::ModelBase(orm)) => orm,
                _ => return None,
            },
            _ => model.entity().and_then(|entity| match entity {
                PackageEntity::Model(orm) => Some(orm),
                _ => None,
            })?,
        };
        Some(Resolved::Rows(orm, class))
    }

    fn resolve_import(&self, file: FileId, module: &str, name: &ImportedName, depth: u32) -> Resolved {
        if package_orm(module).is_some() {
            let path = match name {
                ImportedName::Default => vec!["default".to_owned()],
                ImportedName::Named(name) => vec![name.clone()],
                ImportedName::Namespace => Vec::new(),
            };
            return Resolved::Package { module: module.to_owned(), path };
        }
        let Some(target) = self.resolve_module(file, module) else {
            // `from .. import BaseAPIView`: a name the package's `__init__.py` binds.
            return match self.package_binding(file, module, name) {
                Some((package, name)) => self.export(package, name, depth),
                None => Resolved::Unknown,
            };
        };
        match name {
            ImportedName::Namespace => Resolved::Module(target),
            ImportedName::Default => self.export(target, "default", depth),
            ImportedName::Named(name) => self.export(target, name, depth),
        }
    }

    /// `from .. import X` is written as the module `../X`; when no such module exists, `X` is a
    /// name of the package (`../__init__.py`): that package and the name.
    pub(crate) fn package_binding<'m>(
        &self,
        file: FileId,
        module: &'m str,
        name: &ImportedName,
    ) -> Option<(FileId, &'m str)> {
        let (package, binding) = module.rsplit_once('/')?;
        let python = self.file(file).path.ends_with(".py");
        if !python || *name != ImportedName::Namespace || !module.starts_with('.') {
            return None;
        }
        Some((self.resolve_module(file, &format!("{package}/"))?, binding))
    }

    fn export(&self, file: FileId, name: &str, depth: u32) -> Resolved {
        if depth > MAX_DEPTH {
            return Resolved::Unknown;
        }
        if let Some(found) = self.export_cache.borrow().get(&(file, name.to_owned())) {
            return found.clone();
        }
        let found = self.export_uncached(file, name, depth);
        self.export_cache.borrow_mut().insert((file, name.to_owned()), found.clone());
        found
    }

    fn export_uncached(&self, file: FileId, name: &str, depth: u32) -> Resolved {
        let facts = self.file(file);
        if let Some(export) = facts.exports.iter().find(|export| export.name == name) {
            return self.resolve_at(file, &export.value, depth + 1);
        }
        for module in &facts.export_all {
            if let Some(target) = self.resolve_module(file, module) {
                let resolved = self.export(target, name, depth + 1);
                if resolved != Resolved::Unknown {
                    return resolved;
                }
            } else if package_orm(module).is_some() {
                // `export * from '@prisma/client'`: the package's own names pass through.
                return Resolved::Package { module: module.clone(), path: vec![name.to_owned()] };
            }
        }
        Resolved::Unknown
    }

    fn member(&self, object: Resolved, name: &str, depth: u32) -> Resolved {
        match self.unwrap(object) {
            Resolved::Package { module, mut path } => {
                path.push(name.to_owned());
                Resolved::Package { module, path }
            }
            Resolved::Client(orm) => match client_member(orm, name) {
                Some(PackageEntity::Client(orm)) => Resolved::Client(orm),
                Some(entity) => Resolved::Entity(entity),
                None => Resolved::Unknown,
            },
            Resolved::Module(file) => match self.export(file, name, depth) {
                Resolved::Unknown if self.file(file).commonjs => {
                    let default = self.export(file, "default", depth);
                    self.member(default, name, depth + 1)
                }
                resolved => resolved,
            },
            Resolved::Object(file, object) => {
                let properties = &self.file(file).objects[object as usize].properties;
                match properties.iter().find(|(key, _)| key == name) {
                    Some((_, value)) => self.resolve_at(file, value, depth),
                    None => Resolved::Unknown,
                }
            }
            Resolved::Class(file, class)
            | Resolved::Instance(file, class)
            | Resolved::Record(_, Some((file, class))) => self.class_member(file, class, name, depth),
            _ => Resolved::Unknown,
        }
    }

    /// A method or field of a class of the project, looked up through its `extends` chain.
    fn class_member(&self, file: FileId, class: ClassId, name: &str, depth: u32) -> Resolved {
        if depth > MAX_DEPTH {
            return Resolved::Unknown;
        }
        let facts = &self.file(file).classes[class as usize];
        if let Some((_, id)) = facts.methods.iter().find(|(method, _)| method == name) {
            return Resolved::Function(FnRef { file, id: *id });
        }
        if let Some((_, value)) = facts.fields.iter().find(|(field, _)| field == name) {
            return self.resolve_at(file, value, depth + 1);
        }
        match self.resolve_at(file, &facts.extends, depth + 1) {
            Resolved::Class(base_file, base) => self.class_member(base_file, base, name, depth + 1),
            // A static inherited from a package class: `Build.knex()` of an Objection model.
            base @ Resolved::Package { .. } => self.member(base, name, depth + 1),
            _ => Resolved::Unknown,
        }
    }

    /// The database package class a project class extends, directly or through other classes.
    fn class_base(&self, file: FileId, class: ClassId, depth: u32) -> Option<PackageEntity> {
        if depth > MAX_DEPTH {
            return None;
        }
        let extends = &self.file(file).classes[class as usize].extends;
        match self.resolve_at(file, extends, depth + 1) {
            Resolved::Class(base_file, base) => self.class_base(base_file, base, depth + 1),
            other => other.entity(),
        }
    }

    /// What the callers of `function` pass as argument `index`: the first that resolves to a
    /// client or model, so that `getTags(prisma, id)` makes `getTags`'s `client` a Prisma client.
    fn passed_argument(&self, function: FnRef, index: u32, depth: u32) -> Resolved {
        for &(file, call) in self.callers(function) {
            let Some(argument) = self.file(file).calls[call as usize].args.get(index as usize) else { continue };
            let resolved = self.resolve_at(file, argument, depth + 1);
            if matches!(resolved, Resolved::Client(_) | Resolved::Model(_))
                || resolved.entity().is_some_and(|e| matches!(e, PackageEntity::Client(_) | PackageEntity::Model(_)))
            {
                return resolved;
            }
        }
        Resolved::Unknown
    }

    fn context_client(&self, name: &str) -> Resolved {
        match self.context_clients.get(name) {
            Some(orm) => Resolved::Client(*orm),
            None => Resolved::Unknown,
        }
    }
}
