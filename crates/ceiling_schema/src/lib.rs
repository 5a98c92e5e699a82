//! Reads the schema files an app keeps beside its code, `schema.prisma` and SQL migrations, into
//! [`ceiling_facts::Table`]s, and merges them with the tables the language frontends found in
//! code (Drizzle, TypeORM, Sequelize, Mongoose) into one [`Schema`].

mod prisma;
mod sql;

use ceiling_facts::{Schema, Suppression, Table};

/// A schema file found by the walk: its path relative to the scan root and its text; or SQL
/// embedded in a file of code (a Django migration's `RunSQL`), with where it starts there.
pub struct SchemaFile {
    pub path: String,
    pub text: String,
    /// Where `text` starts in the file at `path`: line 1, offset 0 for a whole file.
    pub first_line: u32,
    pub first_offset: u32,
}

impl SchemaFile {
    /// A whole file.
    pub fn new(path: String, text: String) -> SchemaFile {
        SchemaFile { path, text, first_line: 1, first_offset: 0 }
    }
}

/// The app's schema from its Prisma schema files, the tables declared in code, and its SQL
/// migrations (applied in path order, so a later migration that drops an index wins). The
/// schema the app edits is merged first, so that findings point at it rather than at the
/// migrations generated from it.
pub fn build(files: &[SchemaFile], code_tables: impl IntoIterator<Item = Table>) -> Schema {
    let mut schema = Schema::default();
    let (prisma_files, mut sql_files): (Vec<&SchemaFile>, Vec<&SchemaFile>) =
        files.iter().partition(|file| file.path.ends_with(".prisma"));
    let prisma = prisma::read(&prisma_files);
    schema.problems.extend(prisma.problems);
    schema.merge(prisma.tables);
    schema.merge(code_tables);
    sql_files.sort_by(|a, b| a.path.cmp(&b.path));
    let migrations = sql::apply(&sql_files);
    schema.problems.extend(migrations.problems);
    schema.merge(migrations.tables);
    // Code files' comments are their frontend's to read; a schema file's are read here.
    for file in files.iter().filter(|file| file.first_offset == 0 && file.first_line == 1) {
        let found = suppressions(file);
        if !found.is_empty() {
            schema.suppressions.insert(file.path.clone(), found);
        }
    }
    schema
}

/// The `ceiling-ignore` comments of a whole schema file: `--` and `/* */` in SQL, `//` in Prisma.
fn suppressions(file: &SchemaFile) -> Vec<Suppression> {
    if !file.text.contains("ceiling-ignore") {
        return Vec::new();
    }
    let comments = if file.path.ends_with(".prisma") { prisma::comments(&file.text) } else { sql::comments(file) };
    ceiling_facts::suppressions(&file.text, comments)
}

/// What one kind of schema source yields.
#[derive(Default)]
struct Read {
    tables: Vec<Table>,
    problems: Vec<ceiling_facts::SchemaProblem>,
}
