//! `schema.prisma`: models, their fields and attributes, read by a small tokenizer and a
//! recursive-descent parser for the Prisma schema language.
//!
//! Several files (a `prismaSchemaFolder`) are one schema: a relation may name a model declared in
//! another file, and the datasource, wherever it is, sets the relation mode of every model. A
//! block that cannot be read becomes a [`SchemaProblem`] and the blocks after it are still read.

use std::collections::{HashMap, HashSet};
use std::iter::Peekable;
use std::str::CharIndices;

use ceiling_facts::{Column, ForeignKey, Index, IndexKey, IndexKind, Origin, SchemaProblem, SchemaSource, Table};

use crate::{Read, SchemaFile};

/// The tables of the models in `files`, read together as one schema.
pub(crate) fn read(files: &[&SchemaFile]) -> Read {
    let mut read = Read::default();
    let mut settings = Settings::default();
    let mut blocks = Vec::new();
    let mut enums = HashSet::new();
    for file in files {
        let parsed = Parser::new(&file.text).file();
        read.problems.extend(parsed.problems.into_iter().map(|problem| SchemaProblem {
            file: file.path.clone(),
            line: problem.line,
            message: problem.message,
        }));
        for entries in &parsed.datasources {
            settings.read(entries);
        }
        blocks.extend(parsed.blocks.into_iter().map(|block| (file.path.as_str(), block)));
        enums.extend(parsed.enums);
    }
    let mut targets = HashMap::new();
    for (_, block) in &blocks {
        targets.entry(block.name).or_insert_with(|| Target::of(block));
    }
    for (path, block) in &blocks {
        if block.keyword == "model" && block.attribute("ignore").is_none() {
            let model = Model { path, settings: &settings, targets: &targets, enums: &enums, own: Target::of(block) };
            read.tables.push(model.table(block));
        }
    }
    read
}

/// What the datasource says about the whole schema.
#[derive(Default)]
struct Settings {
    provider: Option<String>,
    /// `relationMode = "prisma"`: relations live in the client only, with no constraint.
    relation_mode_prisma: bool,
}

impl Settings {
    fn read(&mut self, entries: &[(&str, Expr<'_>)]) {
        for (key, value) in entries {
            let Some(value) = value.string() else { continue };
            match *key {
                "provider" => self.provider = Some(value.to_string()),
                // `referentialIntegrity` is the name before Prisma 4.7.
                "relationMode" | "referentialIntegrity" => self.relation_mode_prisma = value == "prisma",
                _ => {}
            }
        }
    }

    fn mongodb(&self) -> bool {
        self.provider.as_deref() == Some("mongodb")
    }

    /// The name Prisma gives a constraint the schema does not name: `{table}_pkey`,
    /// `{table}_{columns}_key`, `{table}_{columns}_idx`, cut to the database's identifier length.
    fn default_name(&self, table: &str, kind: IndexKind, keys: &[IndexKey]) -> String {
        let columns = || {
            let names: Vec<&str> = keys
                .iter()
                .map(|key| match key {
                    IndexKey::Column { name, .. } => name.as_str(),
                    IndexKey::Expression(text) => text.as_str(),
                })
                .collect();
            format!("{table}_{}", names.join("_"))
        };
        let (mut name, suffix) = match kind {
            IndexKind::PrimaryKey => (table.to_string(), "_pkey"),
            IndexKind::Unique => (columns(), "_key"),
            IndexKind::Index => (columns(), "_idx"),
        };
        let limit = match self.provider.as_deref() {
            Some("mysql") => 64,
            Some("sqlserver") => 128,
            Some("sqlite" | "mongodb") => usize::MAX,
            _ => 63,
        };
        let room = limit.saturating_sub(suffix.len());
        if name.len() >= room {
            name.truncate(name.floor_char_boundary(room));
        }
        name.push_str(suffix);
        name
    }
}

/// A model or view as the relations and indexes that name it see it: its table, and the column
/// of each field.
struct Target<'a> {
    table: String,
    columns: HashMap<&'a str, String>,
}

impl<'a> Target<'a> {
    fn of(block: &Block<'a>) -> Target<'a> {
        let table = block.attribute("map").and_then(Attribute::name_arg).unwrap_or(block.name);
        let columns = block
            .fields
            .iter()
            .map(|field| {
                (field.name, field.attribute("map").and_then(Attribute::name_arg).unwrap_or(field.name).into())
            })
            .collect();
        Target { table: table.to_string(), columns }
    }

    /// The column of `field`; a name that is no field (a composite type's `address.city`) as written.
    fn column(&self, field: &str) -> String {
        self.columns.get(field).cloned().unwrap_or_else(|| field.to_string())
    }
}

/// One model being turned into its table.
struct Model<'s, 'a> {
    path: &'s str,
    settings: &'s Settings,
    targets: &'s HashMap<&'a str, Target<'a>>,
    /// Enum types: their columns hold a handful of values.
    enums: &'s HashSet<&'a str>,
    own: Target<'a>,
}

impl Model<'_, '_> {
    fn table(&self, block: &Block<'_>) -> Table {
        let mut table = Table::new(self.own.table.clone(), self.origin(block.at));
        table.bindings.push(block.name.to_string());
        for field in block.fields.iter().filter(|field| field.attribute("ignore").is_none()) {
            let relation = field.attribute("relation");
            if relation.is_some() || self.targets.contains_key(field.ty.base) {
                if let Some(key) = relation.and_then(|relation| self.foreign_key(field, relation)) {
                    // MySQL's InnoDB indexes the columns of every foreign key constraint itself.
                    if key.enforced && self.settings.provider.as_deref() == Some("mysql") {
                        table.add_index(Index {
                            name: None,
                            kind: IndexKind::Index,
                            keys: key.columns.iter().map(IndexKey::column).collect(),
                            method: None,
                            predicate: None,
                            origin: key.origin.clone(),
                        });
                    }
                    table.add_foreign_key(key);
                }
                continue;
            }
            let name = self.own.column(field.name);
            table.add_column(Column {
                name: name.clone(),
                field: (name != field.name).then(|| field.name.to_string()),
                ty: field.ty.written.to_string(),
                enumerated: field.ty.base == "Boolean" || self.enums.contains(field.ty.base),
                origin: self.origin(field.at),
            });
            for (attribute, kind) in [("id", IndexKind::PrimaryKey), ("unique", IndexKind::Unique)] {
                if let Some(attribute) = field.attribute(attribute) {
                    table.add_index(self.index(&table.name, kind, vec![IndexKey::column(&name)], attribute, None));
                }
            }
        }
        for attribute in &block.attributes {
            let kind = match attribute.name.as_str() {
                "id" => IndexKind::PrimaryKey,
                "unique" => IndexKind::Unique,
                "index" | "fulltext" => IndexKind::Index,
                _ => continue,
            };
            let fields = attribute.arg("fields", Some(0)).map_or(&[][..], Expr::items);
            let keys: Vec<IndexKey> = fields.iter().filter_map(|item| self.key(item)).collect();
            if keys.is_empty() {
                continue;
            }
            let method = if attribute.name == "fulltext" {
                Some("fulltext".to_string())
            } else {
                let method = attribute.arg("type", None).and_then(Expr::path);
                method.filter(|method| !method.eq_ignore_ascii_case("btree")).map(str::to_lowercase)
            };
            table.add_index(self.index(&table.name, kind, keys, attribute, method));
        }
        table
    }

    /// `@relation(fields: [authorId], references: [id])`, on the side that holds the key.
    fn foreign_key(&self, field: &Field<'_>, relation: &Attribute<'_>) -> Option<ForeignKey> {
        if self.settings.mongodb() {
            return None;
        }
        let target = self.targets.get(field.ty.base);
        let names = |arg: &str| relation.arg(arg, None).map_or(&[][..], Expr::items).iter().filter_map(Expr::path);
        let columns: Vec<String> = names("fields").map(|name| self.own.column(name)).collect();
        let references_columns: Vec<String> = names("references")
            .map(|name| target.map_or_else(|| name.to_string(), |target| target.column(name)))
            .collect();
        if columns.is_empty() || columns.len() != references_columns.len() {
            return None;
        }
        Some(ForeignKey {
            columns,
            // A model of a file not read: its table is its name, unless it maps one.
            references_table: target.map_or_else(|| field.ty.base.to_string(), |target| target.table.clone()),
            references_columns,
            enforced: !self.settings.relation_mode_prisma,
            origin: self.origin(field.at),
        })
    }

    /// An index key: a field (`title`), or a field with arguments (`title(ops: raw("gin_trgm_ops"))`).
    fn key(&self, item: &Expr<'_>) -> Option<IndexKey> {
        let (field, args) = match item {
            Expr::Path(field) => (field, &[][..]),
            Expr::Call(field, args) => (field, &args[..]),
            Expr::Str(_) | Expr::Array(_) => return None,
        };
        let opclass = args.iter().find(|arg| arg.name == Some("ops")).and_then(|arg| opclass(&arg.value));
        Some(IndexKey::Column { name: self.own.column(field), opclass })
    }

    fn index(
        &self,
        table: &str,
        kind: IndexKind,
        keys: Vec<IndexKey>,
        attribute: &Attribute<'_>,
        method: Option<String>,
    ) -> Index {
        // `name:` named the index itself before Prisma 3 moved that to `map:`; on `@@id` and
        // `@@unique` it names the client's compound key and says nothing of the database.
        let legacy = if kind == IndexKind::Index { attribute.arg("name", None) } else { None };
        let name = attribute.arg("map", None).or(legacy).and_then(Expr::string);
        Index {
            name: Some(name.map_or_else(|| self.settings.default_name(table, kind, &keys), str::to_string)),
            kind,
            keys,
            method,
            predicate: None,
            origin: self.origin(attribute.at),
        }
    }

    fn origin(&self, at: Pos) -> Origin {
        Origin { file: self.path.to_string(), line: at.line, offset: at.offset, source: SchemaSource::Prisma }
    }
}

/// The operator class of `ops:`, as PostgreSQL names it: `raw("gin_trgm_ops")`, or one Prisma
/// names in camel case (`JsonbPathOps` is `jsonb_path_ops`, `TimestampTzMinMaxOps` is
/// `timestamptz_minmax_ops`).
fn opclass(value: &Expr<'_>) -> Option<String> {
    match value {
        Expr::Call(function, args) if function == "raw" => args.first()?.value.string().map(str::to_string),
        Expr::Path(prisma) => {
            let joined = prisma.replace("MinMax", "Minmax").replace("VarBit", "Varbit").replace("Tz", "tz");
            let mut name = String::with_capacity(joined.len() + 4);
            for (at, c) in joined.char_indices() {
                if at > 0 && c.is_ascii_uppercase() {
                    name.push('_');
                }
                name.push(c.to_ascii_lowercase());
            }
            Some(name)
        }
        _ => None,
    }
}

#[derive(Clone, Copy)]
struct Pos {
    line: u32,
    offset: u32,
}

/// A `model` or `view` block.
struct Block<'a> {
    keyword: &'a str,
    name: &'a str,
    at: Pos,
    fields: Vec<Field<'a>>,
    /// The `@@` attributes.
    attributes: Vec<Attribute<'a>>,
}

impl Block<'_> {
    fn attribute(&self, name: &str) -> Option<&Attribute<'_>> {
        self.attributes.iter().find(|attribute| attribute.name == name)
    }
}

struct Field<'a> {
    name: &'a str,
    ty: FieldType<'a>,
    attributes: Vec<Attribute<'a>>,
    at: Pos,
}

impl Field<'_> {
    fn attribute(&self, name: &str) -> Option<&Attribute<'_>> {
        self.attributes.iter().find(|attribute| attribute.name == name)
    }
}

struct FieldType<'a> {
    /// `String` in `String?`, `Post` in `Post[]`.
    base: &'a str,
    /// The type as written: `String?`, `Post[]`, `Unsupported("tsvector")`.
    written: &'a str,
}

/// `@unique(map: "x")` or `@@index([a, b])`; the name without its `@`s (`db.VarChar`).
struct Attribute<'a> {
    name: String,
    args: Vec<Arg<'a>>,
    at: Pos,
}

impl<'a> Attribute<'a> {
    /// The argument called `name`, or else the unnamed argument at `position`.
    fn arg(&self, name: &str, position: Option<usize>) -> Option<&Expr<'a>> {
        let named = self.args.iter().find(|arg| arg.name == Some(name));
        let positional = || self.args.iter().filter(|arg| arg.name.is_none()).nth(position?);
        named.or_else(positional).map(|arg| &arg.value)
    }

    /// The name that `@map("x")` and `@@map(name: "x")` give.
    fn name_arg(&self) -> Option<&str> {
        self.arg("name", Some(0)).and_then(Expr::string)
    }
}

struct Arg<'a> {
    name: Option<&'a str>,
    value: Expr<'a>,
}

enum Expr<'a> {
    Str(String),
    /// A name, a dotted path, a number or a constant: `Desc`, `db.Text`, `1.5`, `true`.
    Path(String),
    /// `now()`, `dbgenerated("...")`, `title(ops: raw("gin_trgm_ops"))`.
    Call(String, Vec<Arg<'a>>),
    Array(Vec<Expr<'a>>),
}

impl Expr<'_> {
    fn string(&self) -> Option<&str> {
        match self {
            Expr::Str(value) => Some(value),
            _ => None,
        }
    }

    fn path(&self) -> Option<&str> {
        match self {
            Expr::Path(path) => Some(path),
            _ => None,
        }
    }

    /// The items of an array; a lone value is an array of one (`@@id(id)`).
    fn items(&self) -> &[Expr<'_>] {
        match self {
            Expr::Array(items) => items,
            other => std::slice::from_ref(other),
        }
    }
}

#[derive(PartialEq)]
enum Tok<'a> {
    /// A name, keyword or number: `model`, `String`, `1`, `-1`.
    Word(&'a str),
    /// A string literal, its escapes resolved.
    Str(String),
    /// A string literal that reaches the end of its line.
    Unterminated,
    At,
    AtAt,
    Punct(char),
    /// Fields and settings end at the end of their line.
    Newline,
    End,
}

struct Token<'a> {
    tok: Tok<'a>,
    start: u32,
    end: u32,
    line: u32,
}

fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut line = 1;
    while let Some((start, c)) = chars.next() {
        let next = chars.peek().map(|&(_, next)| next);
        let tok = match c {
            '\n' => Tok::Newline,
            '/' if next == Some('/') => {
                // `//` and `///` comments run to the end of the line.
                while chars.next_if(|&(_, c)| c != '\n').is_some() {}
                continue;
            }
            c if c.is_whitespace() => continue,
            '"' => string(&mut chars),
            '@' if next == Some('@') => {
                chars.next();
                Tok::AtAt
            }
            '@' => Tok::At,
            c if c.is_alphanumeric() || c == '_' || (c == '-' && next.is_some_and(|next| next.is_ascii_digit())) => {
                while chars.next_if(|&(_, c)| c.is_alphanumeric() || c == '_' || c == '-').is_some() {}
                Tok::Word(&text[start..chars.peek().map_or(text.len(), |&(end, _)| end)])
            }
            c => Tok::Punct(c),
        };
        let end = chars.peek().map_or(text.len(), |&(end, _)| end);
        let newline = tok == Tok::Newline;
        tokens.push(Token { tok, start: start as u32, end: end as u32, line });
        if newline {
            line += 1;
        }
    }
    tokens.push(Token { tok: Tok::End, start: text.len() as u32, end: text.len() as u32, line });
    tokens
}

/// The byte ranges of a schema's `//` comments, read past strings as [`tokenize`] does.
pub(crate) fn comments(text: &str) -> Vec<(u32, u32)> {
    let mut comments = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        match c {
            '"' => {
                string(&mut chars);
            }
            '/' if chars.peek().is_some_and(|&(_, next)| next == '/') => {
                while chars.next_if(|&(_, c)| c != '\n').is_some() {}
                let end = chars.peek().map_or(text.len(), |&(end, _)| end);
                comments.push((start as u32, end as u32));
            }
            _ => {}
        }
    }
    comments
}

/// The rest of a string literal after its opening quote.
fn string(chars: &mut Peekable<CharIndices<'_>>) -> Tok<'static> {
    let mut value = String::new();
    while let Some((_, c)) = chars.next_if(|&(_, c)| c != '\n') {
        match c {
            '"' => return Tok::Str(value),
            '\\' => match chars.next_if(|&(_, c)| c != '\n') {
                Some((_, 'n')) => value.push('\n'),
                Some((_, 't')) => value.push('\t'),
                Some((_, 'r')) => value.push('\r'),
                Some((_, 'u')) => {
                    let mut code = 0;
                    for _ in 0..4 {
                        match chars.next_if(|&(_, c)| c.is_ascii_hexdigit()).and_then(|(_, c)| c.to_digit(16)) {
                            Some(digit) => code = code * 16 + digit,
                            None => break,
                        }
                    }
                    value.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                }
                Some((_, other)) => value.push(other),
                None => return Tok::Unterminated,
            },
            c => value.push(c),
        }
    }
    Tok::Unterminated
}

/// How deep arrays and calls may nest: deeper is not a schema, and recursion must stay bounded.
const MAX_DEPTH: u32 = 32;

/// What could not be read, and where.
struct Syntax {
    line: u32,
    message: String,
}

#[derive(Default)]
struct ParsedFile<'a> {
    blocks: Vec<Block<'a>>,
    /// Enum names: their columns hold a handful of values.
    enums: Vec<&'a str>,
    /// The `key = value` settings of each `datasource` block.
    datasources: Vec<Vec<(&'a str, Expr<'a>)>>,
    problems: Vec<Syntax>,
}

type Parsed<T> = Result<T, Syntax>;

struct Parser<'a> {
    text: &'a str,
    /// Never empty: the last token is [`Tok::End`].
    tokens: Vec<Token<'a>>,
    at: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Parser<'a> {
        Parser { text, tokens: tokenize(text), at: 0 }
    }

    fn file(mut self) -> ParsedFile<'a> {
        let mut parsed = ParsedFile::default();
        loop {
            self.skip_newlines();
            let (&Tok::Word(keyword), &Tok::Word(name), Tok::Punct('{')) =
                (self.peek(), self.peek_at(1), self.peek_at(2))
            else {
                if *self.peek() == Tok::End {
                    return parsed;
                }
                parsed.problems.push(self.unexpected("a block such as `model Name {`"));
                self.skip_to_block();
                continue;
            };
            let at = self.pos();
            self.at += 3;
            let body = self.at;
            let result = match keyword {
                "model" | "view" => self.block(keyword, name, at).map(|block| parsed.blocks.push(block)),
                "datasource" => self.entries(at).map(|entries| parsed.datasources.push(entries)),
                "generator" => self.entries(at).map(drop),
                "enum" => {
                    parsed.enums.push(name);
                    self.skip_block(body);
                    Ok(())
                }
                // Composite types and blocks of later Prisma versions hold no table and no
                // relation: a field of their type is a column.
                _ => {
                    self.skip_block(body);
                    Ok(())
                }
            };
            if let Err(error) = result {
                let message = format!("cannot read {keyword} `{name}`: {}", error.message);
                parsed.problems.push(Syntax { line: error.line, message });
                self.skip_block(body);
            }
        }
    }

    /// The fields and `@@` attributes of a model or view, up to its closing brace.
    fn block(&mut self, keyword: &'a str, name: &'a str, at: Pos) -> Parsed<Block<'a>> {
        let mut block = Block { keyword, name, at, fields: Vec::new(), attributes: Vec::new() };
        loop {
            self.skip_newlines();
            self.unclosed(at)?;
            match self.peek() {
                Tok::Punct('}') => {
                    self.bump();
                    return Ok(block);
                }
                Tok::AtAt => {
                    let at = self.pos();
                    self.bump();
                    block.attributes.push(self.attribute(at)?);
                }
                Tok::Word(_) => block.fields.push(self.field()?),
                _ => return Err(self.unexpected("a field or a `@@` attribute")),
            }
            self.line_end()?;
        }
    }

    /// `name Type[]? @attr(args) @attr2`
    fn field(&mut self) -> Parsed<Field<'a>> {
        let at = self.pos();
        let name = self.word("a field name")?;
        let start = self.tokens[self.at].start as usize;
        let base = self.word("a field type")?;
        if base == "Unsupported" && self.eat('(') {
            self.args(0)?;
        }
        if self.eat('[') {
            self.expect(']', "`]`")?;
        }
        self.eat('?');
        let end = self.tokens[self.at.saturating_sub(1)].end as usize;
        let ty = FieldType { base, written: self.text.get(start..end).unwrap_or(base) };
        let mut attributes = Vec::new();
        while *self.peek() == Tok::At {
            let at = self.pos();
            self.bump();
            attributes.push(self.attribute(at)?);
        }
        Ok(Field { name, ty, attributes, at })
    }

    /// An attribute after its `@` or `@@`: a dotted name, then its arguments if any.
    fn attribute(&mut self, at: Pos) -> Parsed<Attribute<'a>> {
        let name = self.path("an attribute name")?;
        let args = if self.eat('(') { self.args(0)? } else { Vec::new() };
        Ok(Attribute { name, args, at })
    }

    /// The arguments of an attribute or a call after its `(`, up to and with the `)`.
    fn args(&mut self, depth: u32) -> Parsed<Vec<Arg<'a>>> {
        let mut args = Vec::new();
        loop {
            self.skip_newlines();
            if self.eat(')') {
                return Ok(args);
            }
            let name = match (self.peek(), self.peek_at(1)) {
                (&Tok::Word(name), Tok::Punct(':')) => {
                    self.at += 2;
                    self.skip_newlines();
                    Some(name)
                }
                _ => None,
            };
            // `name:` with no value is what an editor leaves mid-typing; Prisma accepts it.
            if name.is_none() || !matches!(self.peek(), Tok::Punct(',' | ')')) {
                args.push(Arg { name, value: self.expr(depth)? });
            }
            self.skip_newlines();
            if !self.eat(',') {
                self.expect(')', "`,` or `)`")?;
                return Ok(args);
            }
        }
    }

    fn expr(&mut self, depth: u32) -> Parsed<Expr<'a>> {
        if depth > MAX_DEPTH {
            return Err(self.error("values nested too deeply".into()));
        }
        match self.peek() {
            Tok::Str(value) => {
                let value = value.clone();
                self.bump();
                Ok(Expr::Str(value))
            }
            Tok::Punct('[') => {
                self.bump();
                let mut items = Vec::new();
                loop {
                    self.skip_newlines();
                    if self.eat(']') {
                        return Ok(Expr::Array(items));
                    }
                    items.push(self.expr(depth + 1)?);
                    self.skip_newlines();
                    if !self.eat(',') {
                        self.expect(']', "`,` or `]`")?;
                        return Ok(Expr::Array(items));
                    }
                }
            }
            Tok::Word(_) => {
                let path = self.path("a value")?;
                if self.eat('(') { Ok(Expr::Call(path, self.args(depth + 1)?)) } else { Ok(Expr::Path(path)) }
            }
            _ => Err(self.unexpected("a value")),
        }
    }

    /// The `key = value` lines of a `datasource` or `generator`, up to its closing brace.
    fn entries(&mut self, open: Pos) -> Parsed<Vec<(&'a str, Expr<'a>)>> {
        let mut entries = Vec::new();
        loop {
            self.skip_newlines();
            self.unclosed(open)?;
            if self.eat('}') {
                return Ok(entries);
            }
            let key = self.word("a setting")?;
            self.expect('=', "`=`")?;
            entries.push((key, self.expr(0)?));
            self.line_end()?;
        }
    }

    fn path(&mut self, what: &str) -> Parsed<String> {
        let mut path = self.word(what)?.to_string();
        while self.eat('.') {
            path.push('.');
            path.push_str(self.word(what)?);
        }
        Ok(path)
    }

    fn word(&mut self, what: &str) -> Parsed<&'a str> {
        match *self.peek() {
            Tok::Word(word) => {
                self.bump();
                Ok(word)
            }
            _ => Err(self.unexpected(what)),
        }
    }

    /// A block opened at `open` runs out at the end of the file, or where the next block starts.
    fn unclosed(&self, open: Pos) -> Parsed<()> {
        let message = if *self.peek() == Tok::End {
            "no closing `}` before the end of the file".to_string()
        } else if self.block_start() {
            format!("no closing `}}` before line {}", self.tokens[self.at].line)
        } else {
            return Ok(());
        };
        Err(Syntax { line: open.line, message })
    }

    /// What ends a field, an attribute or a setting: the end of its line, or of its block.
    fn line_end(&mut self) -> Parsed<()> {
        match self.peek() {
            Tok::Newline => {
                self.bump();
                Ok(())
            }
            Tok::Punct('}') | Tok::End => Ok(()),
            _ => Err(self.unexpected("the end of the line")),
        }
    }

    /// `model Name {` (or another block keyword) at the start of a line: where reading resumes
    /// after a block that could not be read.
    fn block_start(&self) -> bool {
        let line_start = self.at == 0 || self.tokens[self.at - 1].tok == Tok::Newline;
        line_start
            && matches!(
                (self.peek(), self.peek_at(1), self.peek_at(2)),
                (
                    Tok::Word("model" | "view" | "type" | "enum" | "datasource" | "generator"),
                    Tok::Word(_),
                    Tok::Punct('{')
                )
            )
    }

    /// Skips the rest of a block from `body`, just after its `{`: to its closing brace, or to the
    /// next block if the brace is missing.
    fn skip_block(&mut self, body: usize) {
        self.at = body;
        let mut depth = 1u32;
        while *self.peek() != Tok::End && !self.block_start() {
            match self.peek() {
                Tok::Punct('{') => depth += 1,
                Tok::Punct('}') => depth -= 1,
                _ => {}
            }
            self.bump();
            if depth == 0 {
                return;
            }
        }
    }

    fn skip_to_block(&mut self) {
        self.bump();
        while *self.peek() != Tok::End && !self.block_start() {
            self.bump();
        }
    }

    fn skip_newlines(&mut self) {
        while *self.peek() == Tok::Newline {
            self.bump();
        }
    }

    fn eat(&mut self, punct: char) -> bool {
        let found = *self.peek() == Tok::Punct(punct);
        if found {
            self.bump();
        }
        found
    }

    fn expect(&mut self, punct: char, what: &str) -> Parsed<()> {
        if self.eat(punct) { Ok(()) } else { Err(self.unexpected(what)) }
    }

    fn peek(&self) -> &Tok<'a> {
        self.peek_at(0)
    }

    fn peek_at(&self, ahead: usize) -> &Tok<'a> {
        &self.tokens[(self.at + ahead).min(self.tokens.len() - 1)].tok
    }

    fn bump(&mut self) {
        self.at = (self.at + 1).min(self.tokens.len() - 1);
    }

    fn pos(&self) -> Pos {
        let token = &self.tokens[self.at];
        Pos { line: token.line, offset: token.start }
    }

    fn error(&self, message: String) -> Syntax {
        Syntax { line: self.tokens[self.at].line, message }
    }

    fn unexpected(&self, expected: &str) -> Syntax {
        let found = match self.peek() {
            Tok::Word(word) => format!("`{word}`"),
            Tok::Str(_) => "a string".to_string(),
            Tok::Unterminated => "a string with no closing quote".to_string(),
            Tok::At => "`@`".to_string(),
            Tok::AtAt => "`@@`".to_string(),
            Tok::Punct(c) => format!("`{c}`"),
            Tok::Newline => "the end of the line".to_string(),
            Tok::End => "the end of the file".to_string(),
        };
        self.error(format!("expected {expected}, found {found}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_files(files: &[(&str, &str)]) -> Read {
        let files: Vec<SchemaFile> =
            files.iter().map(|(path, text)| SchemaFile::new(path.to_string(), text.to_string())).collect();
        read(&files.iter().collect::<Vec<_>>())
    }

    fn read_one(text: &str) -> Read {
        let read = read_files(&[("prisma/schema.prisma", text)]);
        assert!(read.problems.is_empty(), "{:?}", read.problems);
        read
    }

    fn table<'r>(read: &'r Read, name: &str) -> &'r Table {
        read.tables.iter().find(|table| table.name == name).unwrap_or_else(|| panic!("no table {name}"))
    }

    fn keys(index: &Index) -> Vec<&str> {
        index
            .keys
            .iter()
            .map(|key| match key {
                IndexKey::Column { name, .. } => name.as_str(),
                IndexKey::Expression(text) => text.as_str(),
            })
            .collect()
    }

    fn index<'t>(table: &'t Table, kind: IndexKind, columns: &[&str]) -> &'t Index {
        table
            .indexes
            .iter()
            .find(|index| index.kind == kind && keys(index) == columns)
            .unwrap_or_else(|| panic!("no {kind:?} on {columns:?} in {:#?}", table.indexes))
    }

    #[test]
    fn map_names_the_table_and_columns_and_index_keys_follow_them() {
        let read = read_one(
            r#"
model Post {
  id        Int      @id @default(autoincrement())
  authorId  Int      @map("author_id")
  createdAt DateTime @default(now()) @map(name: "created_at")
  title     String?

  @@index([authorId, createdAt])
  @@map("posts")
}
"#,
        );
        let posts = table(&read, "posts");
        assert_eq!(posts.bindings, ["Post"]);
        assert_eq!((posts.origin.line, posts.origin.offset), (2, 1));
        assert_eq!(posts.origin.source, SchemaSource::Prisma);
        let columns: Vec<_> =
            posts.columns.iter().map(|c| (c.name.as_str(), c.field.as_deref(), c.ty.as_str())).collect();
        assert_eq!(
            columns,
            [
                ("id", None, "Int"),
                ("author_id", Some("authorId"), "Int"),
                ("created_at", Some("createdAt"), "DateTime"),
                ("title", None, "String?")
            ]
        );
        assert_eq!(posts.column("authorId").unwrap().origin.line, 4);
        assert_eq!(index(posts, IndexKind::PrimaryKey, &["id"]).name.as_deref(), Some("posts_pkey"));
        let composite = index(posts, IndexKind::Index, &["author_id", "created_at"]);
        assert_eq!(composite.name.as_deref(), Some("posts_author_id_created_at_idx"));
        assert_eq!(composite.method, None);
        assert_eq!(composite.origin.line, 8);
        assert!(posts.index_leading_with("author_id").is_some());
        assert!(posts.index_leading_with("created_at").is_none());
    }

    #[test]
    fn compound_ids_and_uniques_are_indexes() {
        let read = read_one(
            r#"
model Membership {
  orgId  String
  userId String
  role   String

  @@id([orgId, userId])
  @@unique(fields: [userId, role], name: "userRole", map: "membership_user_role")
  @@unique([role])
}
"#,
        );
        let memberships = table(&read, "Membership");
        let primary = index(memberships, IndexKind::PrimaryKey, &["orgId", "userId"]);
        assert_eq!(primary.name.as_deref(), Some("Membership_pkey"));
        let unique = index(memberships, IndexKind::Unique, &["userId", "role"]);
        assert_eq!(unique.name.as_deref(), Some("membership_user_role"));
        assert_eq!(index(memberships, IndexKind::Unique, &["role"]).name.as_deref(), Some("Membership_role_key"));
        assert!(memberships.index_starting_with(&["userId".into()]).is_some());
        assert!(memberships.index_leading_with("role").is_some());
    }

    #[test]
    fn a_one_to_one_relation_has_a_unique_key_and_a_foreign_key() {
        let read = read_one(
            r#"
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id      String   @id @default(cuid())
  profile Profile?
}

model Profile {
  id     String @id @default(cuid())
  userId String @unique @map("user_id")
  user   User   @relation(fields: [userId], references: [id], onDelete: Cascade)
}
"#,
        );
        let users = table(&read, "User");
        assert_eq!(users.columns.len(), 1, "a back-relation is no column");
        let profiles = table(&read, "Profile");
        assert_eq!(profiles.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["id", "user_id"]);
        assert_eq!(index(profiles, IndexKind::Unique, &["user_id"]).name.as_deref(), Some("Profile_user_id_key"));
        let key = &profiles.foreign_keys[0];
        assert_eq!(key.columns, ["user_id"]);
        assert_eq!(key.references_table, "User");
        assert_eq!(key.references_columns, ["id"]);
        assert!(key.enforced);
        assert_eq!(key.origin.line, 15);
        assert!(profiles.index_starting_with(&key.columns).is_some());
    }

    #[test]
    fn relation_mode_prisma_leaves_foreign_keys_unenforced() {
        for setting in [r#"relationMode = "prisma""#, r#"referentialIntegrity = "prisma""#] {
            let read = read_one(&format!(
                r#"
datasource db {{
  provider = "mysql"
  {setting}
}}
model User {{
  id    Int    @id
  posts Post[]
}}
model Post {{
  id       Int  @id
  authorId Int
  author   User @relation(fields: [authorId], references: [id])
}}
"#
            ));
            let key = &table(&read, "Post").foreign_keys[0];
            assert_eq!(key.columns, ["authorId"]);
            assert!(!key.enforced, "{setting}");
        }
    }

    #[test]
    fn named_relations_map_both_sides() {
        let read = read_one(
            r#"
model User {
  id          String    @id @map("user_id")
  written     Message[] @relation("author")
  received    Message[] @relation(name: "recipient")
  @@map("users")
}

model Message {
  id          String @id
  authorId    String @map("author_id")
  recipientId String @map("recipient_id")
  author      User   @relation("author", fields: [authorId], references: [id], onDelete: Cascade)
  recipient   User   @relation(name: "recipient", fields: [recipientId], references: [id])
}
"#,
        );
        assert!(table(&read, "users").foreign_keys.is_empty());
        let messages = table(&read, "Message");
        let keys: Vec<_> = messages
            .foreign_keys
            .iter()
            .map(|key| (key.columns.clone(), key.references_table.as_str(), key.references_columns.clone()))
            .collect();
        assert_eq!(
            keys,
            [
                (vec!["author_id".to_string()], "users", vec!["user_id".to_string()]),
                (vec!["recipient_id".to_string()], "users", vec!["user_id".to_string()])
            ]
        );
    }

    #[test]
    fn index_types_and_operator_classes() {
        let read = read_one(
            r#"
model Article {
  id    Int    @id
  title String
  body  String @map("body_text")
  data  Json
  slug  String

  @@index([title(ops: raw("gin_trgm_ops"))], type: Gin)
  @@index([data(ops: JsonbPathOps)], type: Gin, map: "article_data")
  @@index([body(sort: Desc)], type: BTree)
  @@index(fields: [slug], type: Hash)
  @@index([id(ops: Int4MinMaxMultiOps)], type: Brin)
}
"#,
        );
        let articles = table(&read, "Article");
        let trigram = index(articles, IndexKind::Index, &["title"]);
        assert_eq!(trigram.method.as_deref(), Some("gin"));
        assert_eq!(trigram.keys[0], IndexKey::Column { name: "title".into(), opclass: Some("gin_trgm_ops".into()) });
        assert!(articles.pattern_index_on("title").is_some());
        let json = index(articles, IndexKind::Index, &["data"]);
        assert_eq!(json.name.as_deref(), Some("article_data"));
        assert_eq!(json.keys[0], IndexKey::Column { name: "data".into(), opclass: Some("jsonb_path_ops".into()) });
        assert_eq!(index(articles, IndexKind::Index, &["body_text"]).method, None);
        assert_eq!(index(articles, IndexKind::Index, &["slug"]).method.as_deref(), Some("hash"));
        let brin = index(articles, IndexKind::Index, &["id"]);
        assert_eq!(brin.method.as_deref(), Some("brin"));
        assert_eq!(brin.keys[0], IndexKey::Column { name: "id".into(), opclass: Some("int4_minmax_multi_ops".into()) });
    }

    #[test]
    fn a_schema_folder_is_read_as_one_schema() {
        let read = read_files(&[
            (
                "prisma/schema/schema.prisma",
                "generator client {\n  provider        = \"prisma-client-js\"\n  previewFeatures = [\"prismaSchemaFolder\"]\n}\n\ndatasource db {\n  provider     = \"postgresql\"\n  url          = env(\"DATABASE_URL\")\n  relationMode = \"prisma\"\n}\n",
            ),
            (
                "prisma/schema/post.prisma",
                "model Post {\n  id       Int  @id\n  authorId Int  @map(\"author_id\")\n  author   User @relation(fields: [authorId], references: [id])\n}\n",
            ),
            (
                "prisma/schema/user.prisma",
                "model User {\n  id    Int    @id @map(\"user_id\")\n  posts Post[]\n  @@map(\"users\")\n}\n",
            ),
        ]);
        assert!(read.problems.is_empty(), "{:?}", read.problems);
        let posts = table(&read, "Post");
        assert_eq!(posts.origin.file, "prisma/schema/post.prisma");
        let key = &posts.foreign_keys[0];
        assert_eq!((key.columns.as_slice(), key.references_table.as_str()), (&["author_id".to_string()][..], "users"));
        assert_eq!(key.references_columns, ["user_id"]);
        assert!(!key.enforced);
        assert_eq!(table(&read, "users").columns.len(), 1);
    }

    #[test]
    fn comments_are_read_past_everywhere() {
        let read = read_one(
            r#"// The app's schema.
/// Users sign in with email.
model User { // trailing
  /// The key.
  id    String @id // cuid
  email String @unique @default("a//b \"quoted\"") // not a comment inside the string
  // name String
  posts Post[] /// back-relation
  @@index([
    email, // the login lookup
    id
  ])
  @@map("people") // table
} // end

// model Ghost {
//   id Int @id
// }
model Post {
  id       Int    @id
  authorId String
  author   User   @relation(fields: [authorId], /* no */ references: [id])
}
"#
            .replace("/* no */ ", "")
            .as_str(),
        );
        let people = table(&read, "people");
        assert_eq!(people.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["id", "email"]);
        index(people, IndexKind::Index, &["email", "id"]);
        assert_eq!(read.tables.len(), 2);
        assert_eq!(table(&read, "Post").foreign_keys[0].references_table, "people");
    }

    #[test]
    fn a_broken_model_is_a_problem_and_the_next_is_still_read() {
        let read = read_files(&[(
            "schema.prisma",
            r#"
model Broken {
  id    Int @id
  title String @default("no end
  body  String
}

model Unclosed {
  id Int @id

model Post {
  id    Int    @id
  title String
  @@index([title])
}

garbage here

enum Role {
  USER
  ADMIN
}

model Last {
  id   Int  @id
  role Role @default(USER)
}
"#,
        )]);
        let problems: Vec<_> = read.problems.iter().map(|p| (p.line, p.message.as_str())).collect();
        assert_eq!(
            problems,
            [
                (4, "cannot read model `Broken`: expected a value, found a string with no closing quote"),
                (8, "cannot read model `Unclosed`: no closing `}` before line 11"),
                (17, "expected a block such as `model Name {`, found `garbage`"),
            ]
        );
        assert_eq!(read.problems[0].file, "schema.prisma");
        assert_eq!(read.tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["Post", "Last"]);
        index(table(&read, "Post"), IndexKind::Index, &["title"]);
        assert_eq!(table(&read, "Last").column("role").unwrap().ty, "Role");
    }

    #[test]
    fn no_input_makes_it_panic() {
        let text = NEXT_AUTH;
        for end in (0..text.len()).filter(|&end| text.is_char_boundary(end)) {
            read_files(&[("schema.prisma", &text[..end])]);
        }
        let nested = format!("model A {{\n  id Int @default({}1{})\n}}\n", "[".repeat(500), "]".repeat(500));
        assert_eq!(read_files(&[("schema.prisma", &nested)]).problems.len(), 1);
        for junk in ["}", "{", "model", "model A", "model A {", "@@", "\"", "\\", "model A {\n  a A @x(\n", "é ü ✓"]
        {
            read_files(&[("schema.prisma", junk)]);
        }
    }

    #[test]
    fn ignored_models_and_fields_views_and_composite_types() {
        let read = read_one(
            r#"
datasource db {
  provider = "postgresql"
}
model Legacy {
  id Int @id
  @@ignore
}
model Post {
  id      Int                      @id
  search  Unsupported("tsvector")? @ignore
  vector  Unsupported("vector(3)")?
  tags    String[]
  summary PostSummary?
  @@schema("public")
}
view PostSummary {
  id    Int @unique
  posts Int
  post  Post @relation(fields: [id], references: [id])
}
"#,
        );
        assert_eq!(read.tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["Post"]);
        let posts = table(&read, "Post");
        let columns: Vec<_> = posts.columns.iter().map(|c| (c.name.as_str(), c.ty.as_str())).collect();
        assert_eq!(columns, [("id", "Int"), ("vector", "Unsupported(\"vector(3)\")?"), ("tags", "String[]")]);
    }

    #[test]
    fn mongodb_collections_have_no_foreign_keys() {
        let read = read_one(
            r#"
datasource db {
  provider = "mongodb"
  url      = env("DATABASE_URL")
}
type Address {
  street String
  city   String
}
model User {
  id      String   @id @default(auto()) @map("_id") @db.ObjectId
  address Address?
  posts   Post[]
}
model Post {
  id       String @id @default(auto()) @map("_id") @db.ObjectId
  authorId String @db.ObjectId
  author   User   @relation(fields: [authorId], references: [id])
  @@index([authorId])
  @@map("posts")
}
"#,
        );
        let users = table(&read, "User");
        let columns: Vec<_> = users.columns.iter().map(|c| (c.name.as_str(), c.field.as_deref())).collect();
        assert_eq!(columns, [("_id", Some("id")), ("address", None)]);
        index(users, IndexKind::PrimaryKey, &["_id"]);
        let posts = table(&read, "posts");
        assert!(posts.foreign_keys.is_empty());
        index(posts, IndexKind::Index, &["authorId"]);
    }

    #[test]
    fn default_names_are_cut_to_the_identifier_limit() {
        let long = "a".repeat(70);
        let read = read_one(&format!("model {long} {{\n  id Int @id\n  email String @unique\n}}\n"));
        let table = &read.tables[0];
        let primary = index(table, IndexKind::PrimaryKey, &["id"]).name.clone().unwrap();
        assert_eq!(primary, format!("{}_pkey", "a".repeat(58)));
        let unique = index(table, IndexKind::Unique, &["email"]).name.clone().unwrap();
        assert_eq!(unique, format!("{}_key", "a".repeat(59)));
    }

    #[test]
    fn string_escapes() {
        let read = read_one("model A {\n  id Int @id @map(\"i\\\"d\\u00e9\")\n  @@map(\"t\\\\1\")\n}\n");
        assert_eq!(read.tables[0].name, "t\\1");
        assert_eq!(read.tables[0].columns[0].name, "i\"dé");
    }

    /// A NextAuth.js (Auth.js) Prisma adapter schema, with the app's own posts.
    const NEXT_AUTH: &str = r#"
generator client {
  provider = "prisma-client-js"
}

datasource db {
  provider  = "postgresql"
  url       = env("DATABASE_URL")
  directUrl = env("DIRECT_URL")
  extensions = [pg_trgm, postgis(version: "3.3")]
}

enum Role {
  USER
  ADMIN @map("admin")
}

model Account {
  id                String  @id @default(cuid())
  userId            String  @map("user_id")
  type              String
  provider          String
  providerAccountId String  @map("provider_account_id")
  refresh_token     String? @db.Text
  access_token      String? @db.Text
  expires_at        Int?
  token_type        String?
  scope             String?
  id_token          String? @db.Text
  session_state     String?

  user User @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@unique([provider, providerAccountId])
  @@map("accounts")
}

model Session {
  id           String   @id @default(cuid())
  sessionToken String   @unique @map("session_token")
  userId       String   @map("user_id")
  expires      DateTime
  user         User     @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@map("sessions")
}

model User {
  id            String    @id @default(cuid())
  name          String?
  email         String?   @unique
  emailVerified DateTime? @map("email_verified")
  image         String?
  role          Role      @default(USER)
  accounts      Account[]
  sessions      Session[]
  posts         Post[]

  @@map("users")
}

model VerificationToken {
  identifier String
  token      String
  expires    DateTime

  @@unique([identifier, token])
  @@map("verification_tokens")
}

model Post {
  id        String   @id @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  title     String   @db.VarChar(255)
  published Boolean  @default(false)
  score     Float    @default(-1.5)
  createdAt DateTime @default(now()) @map("created_at")
  authorId  String   @map("author_id")
  author    User     @relation(fields: [authorId], references: [id])

  @@index([published, createdAt(sort: Desc)])
  @@index([title(ops: raw("gin_trgm_ops"))], type: Gin)
  @@map("posts")
}
"#;

    #[test]
    fn a_next_auth_schema() {
        let read = read_one(NEXT_AUTH);
        let names: Vec<_> = read.tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["accounts", "sessions", "users", "verification_tokens", "posts"]);
        let accounts = table(&read, "accounts");
        let key = &accounts.foreign_keys[0];
        assert_eq!((key.columns.as_slice(), key.references_table.as_str()), (&["user_id".to_string()][..], "users"));
        assert!(key.enforced);
        assert!(accounts.index_starting_with(&key.columns).is_none(), "accounts.user_id has no index");
        let unique = index(accounts, IndexKind::Unique, &["provider", "provider_account_id"]);
        assert_eq!(unique.name.as_deref(), Some("accounts_provider_provider_account_id_key"));
        let sessions = table(&read, "sessions");
        index(sessions, IndexKind::Unique, &["session_token"]);
        assert!(sessions.index_starting_with(&["user_id".into()]).is_none());
        let users = table(&read, "users");
        assert_eq!(users.columns.len(), 6);
        assert_eq!(users.column("emailVerified").unwrap().name, "email_verified");
        assert!(users.index_leading_with("email").is_some());
        let tokens = table(&read, "verification_tokens");
        assert!(tokens.indexes.iter().all(|index| index.kind != IndexKind::PrimaryKey));
        index(tokens, IndexKind::Unique, &["identifier", "token"]);
        let posts = table(&read, "posts");
        assert_eq!(posts.column("title").unwrap().ty, "String");
        assert_eq!(
            index(posts, IndexKind::Index, &["published", "created_at"]).name.as_deref(),
            Some("posts_published_created_at_idx")
        );
        assert!(posts.pattern_index_on("title").is_some());
        assert!(posts.index_starting_with(&["author_id".into()]).is_none());
    }
}
