//! Methods of one loaded record that query: Sequelize association accessors
//! (`post.getComments()`, `user.countPosts()`), Mongoose `doc.populate('author')`, Objection
//! `build.$fetchGraph('project')` / `$relatedQuery('tags')`. Whether the receiver is a record, and
//! which ORM's, is decided by the project model.

use ceiling_facts::{Operation, QueryApi};

use super::{Chain, Hints, Shape, string_arg};

pub fn recognise<'a>(chain: &Chain<'_, 'a>, at: usize, _hints: &Hints<'_, 'a>) -> Option<Shape> {
    // The record method ends the chain: `repo.getRepository(User).findOneBy(...)` starts with a
    // `get...` that is not one.
    if at + 1 != chain.links.len() {
        return None;
    }
    let (method, args) = chain.links.get(at)?.method()?;
    let accessor = |prefix: &str| {
        method.strip_prefix(prefix).is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
    };
    let operation = if accessor("count") {
        Operation::Count
    } else if accessor("get") || accessor("has") || matches!(method, "reload" | "populate") {
        Operation::ReadOne
    } else if matches!(method, "$fetchGraph" | "$relatedQuery" | "$query") {
        Operation::ReadMany
    } else if matches!(method, "save") {
        Operation::Upsert
    } else if matches!(method, "destroy" | "deleteOne") {
        Operation::Delete
    } else {
        return None;
    };
    let mut shape = Shape::new(QueryApi::RecordMethod, at, method, operation);
    shape
        .includes
        .extend(string_arg(args.first()).filter(|_| matches!(method, "populate" | "$fetchGraph" | "$relatedQuery")));
    Some(shape)
}
