//! Symbolic values: what a frontend knows about an expression without looking at other files.
//!
//! `prisma` in `prisma.user.findMany()` may be bound by `import { prisma } from '@/lib/db'`; the
//! frontend records `Value::Import { module: "@/lib/db", name: Named("prisma") }` and the project
//! model later follows it to `new PrismaClient()` in another file. Values stay small and
//! language-neutral so that the cross-file work never touches an AST.

use serde::Serialize;

use crate::{ClassId, FnId, ObjectId};

/// What an import binds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum ImportedName {
    Default,
    Named(String),
    /// `import * as ns from 'm'`, `require('m')`.
    Namespace,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Default)]
pub enum Value {
    /// Nothing is known, or what is known is not useful (literals, arithmetic...).
    #[default]
    Unknown,
    /// A binding imported from another module or package.
    Import { module: String, name: ImportedName },
    /// A function defined in this file.
    Function(FnId),
    /// A class defined in this file (the class itself: its statics).
    Class(ClassId),
    /// `this` inside a method of a class of this file.
    This(ClassId),
    /// An object literal of this file (`export const userRepo = { getUser() {} }`).
    Object(ObjectId),
    /// A parameter with no type annotation: what the callers of `func` pass at `index`, or, by
    /// its name, a framework context carrying one of the project's own clients (`ctx.db`).
    Param { name: String, func: FnId, index: u32 },
    /// `object.property`.
    Member(Box<Value>, String),
    /// The (awaited) result of calling a value.
    Call(Box<Value>),
    /// The result of `new`, or a value declared with a type (`p: PrismaClient`).
    Instance(Box<Value>),
    /// `a ?? b`, `a || b`: the first of the two that resolves.
    Either(Box<Value>, Box<Value>),
    /// One element of a collection: `post` in `for (const post of posts)` or `posts.map((post) => ...)`.
    Element(Box<Value>),
    /// A call that hands a callback to something: `cache(async (id) => ...)`,
    /// `remember('db', () => new PrismaClient())`. When the callee is not known, the result
    /// behaves as the callback (a memoising wrapper) or as what it returns (a lazy singleton).
    Wrap(Box<Value>, FnId),
}

impl Value {
    pub fn member(self, name: impl Into<String>) -> Value {
        match self {
            Value::Unknown => Value::Unknown,
            value => Value::Member(Box::new(value), name.into()),
        }
    }

    pub fn call(self) -> Value {
        match self {
            Value::Unknown => Value::Unknown,
            value => Value::Call(Box::new(value)),
        }
    }

    pub fn instance(self) -> Value {
        match self {
            Value::Unknown => Value::Unknown,
            value => Value::Instance(Box::new(value)),
        }
    }

    pub fn element(self) -> Value {
        match self {
            Value::Unknown => Value::Unknown,
            value => Value::Element(Box::new(value)),
        }
    }

    pub fn either(self, other: Value) -> Value {
        match (self, other) {
            (Value::Unknown, value) | (value, Value::Unknown) => value,
            (a, b) => Value::Either(Box::new(a), Box::new(b)),
        }
    }

    /// `param`, `param.a`, `param.a.b`: a path into an untyped parameter.
    pub fn is_param_rooted(&self) -> bool {
        match self {
            Value::Param { .. } => true,
            Value::Member(object, _) => object.is_param_rooted(),
            _ => false,
        }
    }

    /// The module specifier a value starts from (`express-rate-limit` for
    /// `Call(Import { module: 'express-rate-limit', .. })`), without following project files.
    pub fn root_module(&self) -> Option<&str> {
        match self {
            Value::Import { module, .. } => Some(module),
            Value::Member(inner, _)
            | Value::Call(inner)
            | Value::Instance(inner)
            | Value::Element(inner)
            | Value::Wrap(inner, _) => inner.root_module(),
            _ => None,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }
}
