//! Tables read from small schema files of each ORM.

use ceiling_facts::{ForeignKey, IndexKey, IndexKind, SchemaSource, Table};

use crate::extract;

fn tables(path: &str, source: &str) -> Vec<Table> {
    extract(path, source).unwrap().tables
}

fn table<'t>(tables: &'t [Table], name: &str) -> &'t Table {
    tables.iter().find(|table| table.name == name).unwrap_or_else(|| panic!("no table {name} in {tables:#?}"))
}

/// Each index as `(kind, columns)`, columns by database name.
fn indexes(table: &Table) -> Vec<(IndexKind, Vec<String>)> {
    table
        .indexes
        .iter()
        .map(|index| {
            let keys = index
                .keys
                .iter()
                .map(|key| match key {
                    IndexKey::Column { name, .. } => name.clone(),
                    IndexKey::Expression(text) => format!("({text})"),
                })
                .collect();
            (index.kind, keys)
        })
        .collect()
}

fn keys(kind: IndexKind, columns: &[&str]) -> (IndexKind, Vec<String>) {
    (kind, columns.iter().map(|column| (*column).to_owned()).collect())
}

fn foreign_keys(table: &Table) -> Vec<(Vec<String>, String, Vec<String>)> {
    table
        .foreign_keys
        .iter()
        .map(|ForeignKey { columns, references_table, references_columns, .. }| {
            (columns.clone(), references_table.clone(), references_columns.clone())
        })
        .collect()
}

fn fk(columns: &[&str], table: &str, referenced: &[&str]) -> (Vec<String>, String, Vec<String>) {
    let owned = |names: &[&str]| names.iter().map(|name| (*name).to_owned()).collect();
    (owned(columns), table.to_owned(), owned(referenced))
}

fn columns(table: &Table) -> Vec<(&str, Option<&str>, &str)> {
    table.columns.iter().map(|column| (column.name.as_str(), column.field.as_deref(), column.ty.as_str())).collect()
}

const DRIZZLE: &str = r#"import { pgTable, serial, integer, text, index, uniqueIndex, primaryKey, foreignKey } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { orgs } from './orgs';

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  email: text('email').unique(),
});

export const posts = pgTable('posts', {
  id: serial().primaryKey(),
  authorId: integer('author_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  orgId: integer('org_id').references(() => orgs.id),
  title: text(),
  deletedAt: text('deleted_at'),
}, (t) => [
  index('posts_author_idx').on(t.authorId),
  uniqueIndex('posts_org_title').on(t.orgId, t.title),
  index('title_search').using('gin', t.title.op('gin_trgm_ops')),
  index().on(t.title).where(sql`${t.deletedAt} is null`),
  index('lower_title').on(sql`lower(${t.title})`),
]);

export const tags = pgTable('post_tags', {
  postId: integer('post_id').notNull(),
  tag: text('tag').notNull(),
}, (t) => ({
  pk: primaryKey({ columns: [t.postId, t.tag] }),
  postFk: foreignKey({ columns: [t.postId], foreignColumns: [posts.id] }),
  tagIdx: index('tag_idx').on(t.tag),
}));
"#;

#[test]
fn drizzle_tables_columns_and_array_config() {
    let tables = tables("src/db/schema.ts", DRIZZLE);
    assert_eq!(tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["users", "posts", "post_tags"]);
    let posts = table(&tables, "posts");
    assert_eq!(posts.bindings, ["posts"]);
    assert_eq!(posts.origin.source, SchemaSource::Drizzle);
    assert_eq!((posts.origin.file.as_str(), posts.origin.line), ("src/db/schema.ts", 10));
    assert_eq!(
        columns(posts),
        [
            ("id", None, "serial"),
            ("author_id", Some("authorId"), "integer"),
            ("org_id", Some("orgId"), "integer"),
            ("title", None, "text"),
            ("deleted_at", Some("deletedAt"), "text"),
        ]
    );
    assert_eq!(posts.columns[1].origin.line, 12);
    assert_eq!(
        indexes(posts),
        [
            keys(IndexKind::PrimaryKey, &["id"]),
            keys(IndexKind::Index, &["author_id"]),
            keys(IndexKind::Unique, &["org_id", "title"]),
            keys(IndexKind::Index, &["title"]),
            keys(IndexKind::Index, &["title"]),
            keys(IndexKind::Index, &["(lower(title))"]),
        ]
    );
    let search = &posts.indexes[3];
    assert_eq!((search.name.as_deref(), search.method.as_deref()), (Some("title_search"), Some("gin")));
    assert_eq!(search.keys, [IndexKey::Column { name: "title".into(), opclass: Some("gin_trgm_ops".into()) }]);
    assert_eq!(search.origin.line, 19);
    assert_eq!(posts.indexes[4].predicate.as_deref(), Some("deleted_at is null"));
    assert!(posts.pattern_index_on("title").is_some());
    // Drizzle makes no index for a foreign key.
    assert_eq!(
        foreign_keys(posts),
        [fk(&["author_id"], "users", &["id"]), fk(&["org_id"], "orgs", &["id"])],
        "an imported table is named by its binding"
    );
    let users = table(&tables, "users");
    assert_eq!(indexes(users), [keys(IndexKind::PrimaryKey, &["id"]), keys(IndexKind::Unique, &["email"])]);
}

#[test]
fn drizzle_partial_index_keeps_its_predicate() {
    let tables = tables(
        "schema.ts",
        "import { pgTable, text, index } from 'drizzle-orm/pg-core';\nimport { sql } from 'drizzle-orm';\nexport const posts = pgTable('posts', { title: text(), deletedAt: text('deleted_at') }, (t) => [\n  index('live_titles').on(t.title).where(sql`${t.deletedAt} is null`),\n]);\n",
    );
    let index = &table(&tables, "posts").indexes[0];
    assert_eq!(index.name.as_deref(), Some("live_titles"));
    assert_eq!(index.predicate.as_deref(), Some("deleted_at is null"));
}

#[test]
fn drizzle_object_config_and_table_constraints() {
    let tables = tables("src/db/schema.ts", DRIZZLE);
    let tags = table(&tables, "post_tags");
    assert_eq!(tags.bindings, ["tags"]);
    assert_eq!(indexes(tags), [keys(IndexKind::PrimaryKey, &["post_id", "tag"]), keys(IndexKind::Index, &["tag"])]);
    assert_eq!(foreign_keys(tags), [fk(&["post_id"], "posts", &["id"])]);
}

#[test]
fn drizzle_creators_schemas_callbacks_and_rls() {
    let tables = tables(
        "schema.ts",
        "import * as p from 'drizzle-orm/pg-core';\nimport { pgTableCreator, pgSchema, pgPolicy } from 'drizzle-orm/pg-core';\nconst createTable = pgTableCreator((name) => `app_${name}`);\nconst auth = pgSchema('auth');\nexport const accounts = createTable('accounts', { id: p.uuid().primaryKey() });\nexport const sessions = auth.table('sessions', (t) => ({ userId: t.integer('user_id').references(() => accounts.id) }));\nexport const notes = p.pgTable('notes', { id: p.serial() }, () => [pgPolicy('own', { for: 'select' })]);\nexport const secrets = p.pgTable('secrets', { id: p.serial() }).enableRLS();\n",
    );
    assert_eq!(
        tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["app_accounts", "sessions", "notes", "secrets"]
    );
    assert_eq!(columns(&tables[0]), [("id", None, "uuid")]);
    assert_eq!(columns(&tables[1]), [("user_id", Some("userId"), "integer")]);
    assert_eq!(foreign_keys(&tables[1]), [fk(&["user_id"], "app_accounts", &["id"])]);
    assert_eq!(tables.iter().map(|t| t.rls).collect::<Vec<_>>(), [None, None, Some(true), Some(true)]);
}

#[test]
fn a_local_function_named_like_pg_table_declares_nothing() {
    let source = "import { text } from 'drizzle-orm/pg-core';\nfunction pgTable(name, columns) { return { name, columns }; }\nexport const posts = pgTable('posts', { title: text() });\n";
    assert!(tables("schema.ts", source).is_empty());
    let source = "import { pgTable } from './my-orm';\nexport const posts = pgTable('posts', {});\n";
    assert!(tables("schema.ts", source).is_empty());
}

const TYPEORM: &str = r#"import { Entity, PrimaryGeneratedColumn, Column, Index, Unique, ManyToOne, OneToOne, OneToMany, JoinColumn, CreateDateColumn } from 'typeorm';
import { Organization } from './organization.entity';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid')
  uuid: string;

  @Column({ unique: true })
  email: string;

  @OneToMany(() => BlogPost, (post) => post.author)
  posts: BlogPost[];
}

@Entity()
@Index(['author', 'createdAt'])
@Index('posts_slug_org', ['slug', 'organization'], { unique: true })
@Unique(['title'])
export class BlogPost {
  @PrimaryGeneratedColumn()
  id: number;

  @Column('varchar', { name: 'post_title' })
  title: string;

  @Index()
  @Column()
  slug: string;

  @ManyToOne(() => User, (user) => user.posts)
  @JoinColumn({ name: 'author_id' })
  author: User;

  @Index({ unique: true })
  @ManyToOne(() => Organization)
  organization: Organization;

  @OneToOne(() => User)
  @JoinColumn()
  reviewer: User;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;
}

@Entity({ name: 'audit_log' })
export class AuditEntry {
  @PrimaryGeneratedColumn()
  id: number;
}
"#;

#[test]
fn typeorm_entities_with_explicit_and_default_names() {
    let tables = tables("src/post.entity.ts", TYPEORM);
    assert_eq!(tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["users", "blog_post", "audit_log"]);
    assert_eq!(tables[1].bindings, ["BlogPost"]);
    assert_eq!(tables[1].origin.source, SchemaSource::TypeOrm);
    let users = table(&tables, "users");
    assert_eq!(columns(users), [("uuid", None, "uuid"), ("email", None, "string")]);
    assert_eq!(indexes(users), [keys(IndexKind::PrimaryKey, &["uuid"]), keys(IndexKind::Unique, &["email"])]);
}

#[test]
fn typeorm_relations_make_join_columns_and_foreign_keys() {
    let tables = tables("src/post.entity.ts", TYPEORM);
    let posts = table(&tables, "blog_post");
    assert_eq!(
        columns(posts),
        [
            ("id", None, "number"),
            ("post_title", Some("title"), "varchar"),
            ("slug", None, "string"),
            ("created_at", Some("createdAt"), "Date"),
            ("author_id", None, ""),
            ("organizationId", None, ""),
            ("reviewerUuid", None, ""),
        ]
    );
    assert_eq!(
        foreign_keys(posts),
        [
            fk(&["author_id"], "users", &["uuid"]),
            fk(&["organizationId"], "Organization", &["id"]),
            fk(&["reviewerUuid"], "users", &["uuid"]),
        ]
    );
    assert_eq!(
        indexes(posts),
        [
            keys(IndexKind::PrimaryKey, &["id"]),
            keys(IndexKind::Unique, &["reviewerUuid"]),
            keys(IndexKind::Index, &["slug"]),
            keys(IndexKind::Unique, &["organizationId"]),
            keys(IndexKind::Index, &["author_id", "created_at"]),
            keys(IndexKind::Unique, &["slug", "organizationId"]),
            keys(IndexKind::Unique, &["post_title"]),
        ]
    );
    assert_eq!(posts.indexes[5].name.as_deref(), Some("posts_slug_org"));
}

#[test]
fn typeorm_needs_its_decorators_from_typeorm() {
    let source = "import { Entity, Column } from './decorators';\n@Entity()\nexport class Post {\n  @Column() title: string;\n}\n";
    assert!(tables("post.ts", source).is_empty());
}

#[test]
fn sequelize_define_with_options() {
    let tables = tables(
        "models/post.js",
        "const { DataTypes } = require('sequelize');\nconst sequelize = require('../db');\nconst User = sequelize.define('User', { email: { type: DataTypes.STRING, unique: true } });\nconst Post = sequelize.define('Post', {\n  id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },\n  authorId: { type: DataTypes.INTEGER, field: 'author_id', references: { model: 'users', key: 'id' } },\n  editorId: { type: DataTypes.INTEGER, references: { model: User, key: 'id' } },\n  slug: { type: DataTypes.STRING(80), unique: 'org_slug' },\n  orgId: { type: DataTypes.INTEGER, unique: 'org_slug' },\n  title: DataTypes.STRING,\n  preview: { type: DataTypes.VIRTUAL },\n}, {\n  tableName: 'posts',\n  indexes: [{ fields: ['authorId'] }, { unique: true, fields: ['title', 'orgId'] }, { fields: [{ name: 'title', operator: 'gin_trgm_ops' }], using: 'GIN' }],\n});\nmodule.exports = Post;\n",
    );
    assert_eq!(tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["Users", "posts"]);
    let users = &tables[0];
    assert_eq!(users.bindings, ["User"]);
    assert_eq!(indexes(users), [keys(IndexKind::PrimaryKey, &["id"]), keys(IndexKind::Unique, &["email"])]);
    let posts = &tables[1];
    assert_eq!(posts.origin.source, SchemaSource::Sequelize);
    assert_eq!(
        columns(posts),
        [
            ("id", None, "INTEGER"),
            ("author_id", Some("authorId"), "INTEGER"),
            ("editorId", None, "INTEGER"),
            ("slug", None, "STRING"),
            ("orgId", None, "INTEGER"),
            ("title", None, "STRING"),
            ("createdAt", None, "DATE"),
            ("updatedAt", None, "DATE"),
        ]
    );
    assert_eq!(
        indexes(posts),
        [
            keys(IndexKind::PrimaryKey, &["id"]),
            keys(IndexKind::Unique, &["slug", "orgId"]),
            keys(IndexKind::Index, &["author_id"]),
            keys(IndexKind::Unique, &["title", "orgId"]),
            keys(IndexKind::Index, &["title"]),
        ]
    );
    assert_eq!(posts.indexes[4].method.as_deref(), Some("gin"));
    assert!(posts.pattern_index_on("title").is_some());
    assert_eq!(foreign_keys(posts), [fk(&["author_id"], "users", &["id"]), fk(&["editorId"], "Users", &["id"])]);
}

#[test]
fn sequelize_init_in_a_model_factory() {
    let tables = tables(
        "models/comment.js",
        "'use strict';\nconst { Model } = require('sequelize');\nmodule.exports = (sequelize, DataTypes) => {\n  class Comment extends Model {\n    static associate(models) {}\n  }\n  Comment.init({\n    postId: DataTypes.INTEGER,\n    body: DataTypes.TEXT,\n  }, { sequelize, modelName: 'Comment', underscored: true, timestamps: false, indexes: [{ fields: ['postId'] }] });\n  return Comment;\n};\n",
    );
    assert_eq!(tables.len(), 1);
    let comments = &tables[0];
    assert_eq!(comments.name, "comments");
    assert_eq!(comments.bindings, ["Comment"]);
    assert_eq!(
        columns(comments),
        [("post_id", Some("postId"), "INTEGER"), ("body", None, "TEXT"), ("id", None, "INTEGER")]
    );
    assert_eq!(indexes(comments), [keys(IndexKind::PrimaryKey, &["id"]), keys(IndexKind::Index, &["post_id"])]);
    assert_eq!(comments.origin.line, 7);
}

#[test]
fn sequelize_define_in_a_factory_without_imports() {
    let tables = tables(
        "models/tag.js",
        "module.exports = function (sequelize, DataTypes) {\n  return sequelize.define('Category', { name: DataTypes.STRING }, { freezeTableName: false });\n};\n",
    );
    assert_eq!(tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["Categories"]);
}

#[test]
fn sequelize_init_needs_a_model_class() {
    let source = "import { Model } from 'sequelize';\nclass Widget {}\nWidget.init({ a: 1 }, {});\n";
    assert!(tables("widget.ts", source).is_empty());
}

#[test]
fn mongoose_schema_paths_indexes_and_model() {
    let tables = tables(
        "models/Post.ts",
        "import mongoose, { Schema, model, models } from 'mongoose';\nconst PostSchema = new Schema<IPost>({\n  title: { type: String, required: true },\n  email: { type: String, index: true, unique: true },\n  author: { type: Schema.Types.ObjectId, ref: 'User', index: true },\n  tags: [String],\n  location: { type: { type: String }, coordinates: [Number] },\n  profile: { handle: { type: String, index: true } },\n}, { timestamps: true });\nPostSchema.index({ author: 1, createdAt: -1 });\nPostSchema.index({ title: 'text' });\nPostSchema.index({ slug: 1 }, { unique: true, partialFilterExpression: { deleted: false } });\nexport default models.Post || model<IPost>('Post', PostSchema);\nexport const Category = mongoose.model('Category', new mongoose.Schema({ name: String }), 'cats');\n",
    );
    assert_eq!(tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["posts", "cats"]);
    let posts = &tables[0];
    assert_eq!(posts.bindings, ["Post"]);
    assert_eq!(posts.origin.source, SchemaSource::Mongoose);
    assert_eq!(
        columns(posts).iter().map(|(name, _, ty)| (*name, *ty)).collect::<Vec<_>>(),
        [
            ("_id", "ObjectId"),
            ("title", "String"),
            ("email", "String"),
            ("author", "ObjectId"),
            ("tags", "Array"),
            ("location.type", "String"),
            ("location.coordinates", "Array"),
            ("profile.handle", "String"),
            ("createdAt", "Date"),
            ("updatedAt", "Date"),
        ]
    );
    assert_eq!(
        indexes(posts),
        [
            keys(IndexKind::PrimaryKey, &["_id"]),
            keys(IndexKind::Unique, &["email"]),
            keys(IndexKind::Index, &["author"]),
            keys(IndexKind::Index, &["profile.handle"]),
            keys(IndexKind::Index, &["author", "createdAt"]),
            keys(IndexKind::Index, &["title"]),
            keys(IndexKind::Unique, &["slug"]),
        ]
    );
    assert_eq!(posts.indexes[5].method.as_deref(), Some("text"));
    assert_eq!(posts.indexes[6].predicate.as_deref(), Some("{ deleted: false }"));
    assert!(posts.foreign_keys.is_empty());
    let categories = &tables[1];
    assert_eq!(categories.bindings, ["Category"]);
    assert_eq!(columns(categories).iter().map(|(name, _, _)| *name).collect::<Vec<_>>(), ["_id", "name"]);
}

#[test]
fn mongoose_required_and_pluralized() {
    let tables = tables(
        "models/person.js",
        "const mongoose = require('mongoose');\nconst personSchema = new mongoose.Schema({ name: String });\nconst categorySchema = mongoose.Schema({ label: String }, { collection: 'cats' });\nmodule.exports.Person = mongoose.model('Person', personSchema);\nmodule.exports.Category = mongoose.model('Category', categorySchema);\nmongoose.model('Box', personSchema);\n",
    );
    assert_eq!(tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["people", "cats", "boxes"]);
}

#[test]
fn files_without_schemas_declare_no_tables() {
    let source = "import { db } from './db';\nexport const Table = (props) => props.rows.map((row) => row.id);\nexport function define(x) { return x.init(); }\nclass Schema {}\n";
    assert!(tables("page.tsx", source).is_empty());
}

#[test]
fn pluralize_and_snake_case_follow_the_orms() {
    use super::{pluralize, snake_case};
    let plurals: Vec<String> = ["Post", "Category", "Person", "Box", "Address", "Day", "posts"].map(pluralize).into();
    assert_eq!(plurals, ["Posts", "Categories", "People", "Boxes", "Addresses", "Days", "posts"]);
    assert_eq!(snake_case("BlogPost"), "blog_post");
    assert_eq!(snake_case("HTTPRequest"), "http_request");
    assert_eq!(snake_case("authorId2Fa"), "author_id2_fa");
}

#[test]
fn typeorm_columns_of_a_base_class_in_the_same_file() {
    let tables = tables(
        "entities.ts",
        "import * as orm from 'typeorm';\nexport abstract class Base {\n  @orm.PrimaryGeneratedColumn() id: number;\n  @orm.CreateDateColumn() createdAt: Date;\n}\n@orm.Entity()\nexport class OrderItem extends Base {\n  @orm.Column() sku: string;\n}\n",
    );
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0].name, "order_item");
    assert_eq!(columns(&tables[0]).iter().map(|(name, _, _)| *name).collect::<Vec<_>>(), ["id", "createdAt", "sku"]);
    assert_eq!(indexes(&tables[0]), [keys(IndexKind::PrimaryKey, &["id"])]);
}

#[test]
fn sequelize_models_extending_sequelize_model_and_exported_with_export_assignment() {
    let tables = tables(
        "models/user.ts",
        "import { Sequelize, DataTypes } from 'sequelize';\nclass User extends Sequelize.Model {}\nUser.init({ email: DataTypes.STRING }, { sequelize, tableName: 'app_users' });\nexport = User;\n",
    );
    assert_eq!(tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["app_users"]);
    assert_eq!(tables[0].bindings, ["User"]);
}
