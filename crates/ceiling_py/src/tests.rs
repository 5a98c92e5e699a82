//! Facts extracted from small Python sources.

use ceiling_facts::{FilterOp, ImportedName, Operation, Over, Value};

use crate::extract;

#[test]
fn a_django_query_in_a_loop() {
    let mut facts = extract(
        "shop/views.py",
        "from .models import Order, Customer\n\ndef report(request):\n    for order in Order.objects.filter(paid=True).order_by('-created'):\n        customer = Customer.objects.get(pk=order.customer_id)\n    return [c.name for c in Customer.objects.all()[:10]]\n",
    )
    .unwrap();
    // Reads of a row's attributes (`order.customer_id`) are relation candidates the project judges.
    facts.queries.retain(|q| q.shape.api != ceiling_facts::QueryApi::RecordMethod);
    let shapes: Vec<(String, Operation, bool)> = facts
        .queries
        .iter()
        .map(|q| (q.shape.model.clone().unwrap(), q.shape.operation, q.iteration.is_some()))
        .collect();
    assert_eq!(
        shapes,
        [
            ("Order".to_owned(), Operation::ReadMany, false),
            ("Customer".to_owned(), Operation::ReadOne, true),
            ("Customer".to_owned(), Operation::ReadMany, false),
        ]
    );
    assert_eq!(facts.queries[0].shape.sorts, ["created"]);
    assert_eq!(facts.queries[1].shape.filters[0].column, "id");
    assert_eq!(facts.queries[1].shape.filters[0].op, FilterOp::Equals);
    assert!(facts.queries[2].shape.bounded, "a slice limits the rows");
    assert_eq!(
        facts.queries[0].receiver,
        Value::Import { module: "./models".to_owned(), name: ImportedName::Named("Order".to_owned()) }
    );
    let loop_ = &facts.iterations[facts.queries[1].iteration.unwrap() as usize];
    assert_eq!(loop_.over, Over::Collection);
}

#[test]
fn models_and_their_base() {
    let facts = extract(
        "shop/models.py",
        "from django.db import models\n\nclass Order(models.Model):\n    paid = models.BooleanField()\n\n    def total(self):\n        return self.items.count()\n",
    )
    .unwrap();
    assert_eq!(facts.classes[0].name, "Order");
    assert_eq!(
        facts.classes[0].extends,
        Value::Member(
            Box::new(Value::Import { module: "django.db".to_owned(), name: ImportedName::Named("models".to_owned()) }),
            "Model".to_owned()
        )
    );
    assert_eq!(facts.classes[0].methods[0].0, "total");
    assert!(facts.exports.iter().any(|export| export.name == "Order"));
}

#[test]
fn syntax_errors_skip_the_file() {
    assert!(extract("broken.py", "def f(:\n").is_err());
}

#[test]
fn django_models_become_tables_with_their_indexes() {
    use ceiling_facts::IndexKind;
    let facts = extract(
        "shop/models.py",
        "from django.db import models\n\nclass Customer(models.Model):\n    email = models.EmailField(unique=True)\n    city = models.CharField(max_length=50)\n\n    class Meta:\n        db_table = 'customers'\n        unique_together = ('city', 'email')\n\nclass Order(models.Model):\n    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)\n    note = models.TextField()\n    legacy = models.ForeignKey('Customer', on_delete=models.CASCADE, db_index=False, related_name='+')\n\n    class Meta:\n        indexes = [models.Index(fields=['-note'])]\n\nclass Base(models.Model):\n    class Meta:\n        abstract = True\n",
    )
    .unwrap();
    let names: Vec<&str> = facts.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["customers", "shop_order"]);
    let order = &facts.tables[1];
    let column = order.column("customer").unwrap();
    assert_eq!(column.name, "customer_id");
    assert_eq!(order.indexes.len(), 3, "the foreign key, Meta.indexes and the primary key");
    assert!(order.index_leading_with("customer_id").is_some());
    assert!(order.index_leading_with("note").is_some(), "`-note` sorts descending on `note`");
    assert!(order.index_leading_with("legacy_id").is_none(), "db_index=False");
    assert_eq!(order.foreign_keys[0].references_table, "customers");
    assert!(facts.tables[0].indexes.iter().any(|index| index.kind == IndexKind::Unique && index.keys.len() == 2));
}

#[test]
fn prefetch_objects_load_their_lookup_and_what_their_queryset_loads() {
    let facts = extract(
        "notes/views.py",
        "from django.db.models import Prefetch\nfrom .models import Note, Reaction\n\ndef f():\n    return Note.objects.prefetch_related(Prefetch('reactions', queryset=Reaction.objects.select_related('actor')))\n",
    )
    .unwrap();
    let note = facts.queries.iter().find(|q| q.shape.model.as_deref() == Some("Note")).unwrap();
    assert_eq!(note.shape.includes, ["reactions", "reactions__actor"]);
}

#[test]
fn sqlalchemy_queries_with_their_filters_sorts_and_loads() {
    use ceiling_facts::QueryApi;
    let facts = extract(
        "app/service.py",
        "from sqlalchemy import select, or_\nfrom sqlalchemy.orm import Session, selectinload\nfrom .models import User\n\ndef f(db: Session, ids, q):\n    a = db.query(User).filter(User.email == q).filter_by(org_id=1).order_by(User.created_at.desc()).limit(20).all()\n    stmt = select(User).where(User.id.in_(ids))\n    stmt = stmt.where(or_(User.name.ilike(f'%{q}%'), User.handle.startswith(q))).options(selectinload(User.posts).joinedload(Post.tags))\n    b = db.scalars(stmt).all()\n    c = db.get(User, 1)\n    d = select(User).where(User.age > 3)\n    return a, b, c\n",
    )
    .unwrap();
    let queries: Vec<_> = facts.queries.iter().filter(|q| q.shape.api != QueryApi::RecordMethod).collect();
    assert_eq!(queries.len(), 3, "a statement no session runs is no query: {queries:#?}");
    let first = &queries[0].shape;
    assert_eq!(first.model.as_deref(), Some("User"));
    assert_eq!(first.operation, Operation::ReadMany);
    assert!(first.bounded);
    let filters: Vec<(&str, FilterOp)> = first.filters.iter().map(|f| (f.column.as_str(), f.op)).collect();
    assert_eq!(filters, [("email", FilterOp::Equals), ("org_id", FilterOp::Equals)]);
    assert_eq!(first.sorts, ["created_at"]);
    let second = &queries[1].shape;
    assert!(second.batched, "`in_` of a run-time set");
    let ops: Vec<(&str, FilterOp, bool)> =
        second.filters.iter().map(|f| (f.column.as_str(), f.op, f.alternative)).collect();
    assert_eq!(
        ops,
        [("id", FilterOp::In, false), ("name", FilterOp::Unanchored, true), ("handle", FilterOp::Prefix, true)]
    );
    assert_eq!(second.includes, ["posts", "posts__tags"]);
    assert!(!second.bounded);
    let third = &queries[2].shape;
    assert_eq!(third.operation, Operation::ReadOne);
    assert!(third.bounded);
    // The session is a parameter typed `Session`: an instance of the imported class.
    assert!(matches!(&queries[0].receiver, Value::Either(first, _) if matches!(**first, Value::Instance(_))));
}

#[test]
fn sqlalchemy_rows_read_lazy_relationships() {
    use ceiling_facts::QueryApi;
    let facts = extract(
        "app/models.py",
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, Session\nfrom sqlalchemy import select\n\nclass Base(DeclarativeBase):\n    pass\n\nclass User(Base):\n    __tablename__ = 'users'\n    id: Mapped[int] = mapped_column(primary_key=True)\n    posts = relationship('Post')\n    team = relationship('Team', lazy='selectin')\n    org = relationship('Org', lazy='raise')\n\ndef f(db: Session):\n    for user in db.scalars(select(User)):\n        print(user.posts, user.id)\n",
    )
    .unwrap();
    let user = facts.classes.iter().find(|c| c.name == "User").unwrap();
    let lazy: Vec<&str> = user.fields.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(lazy, ["posts"], "eager and raising relationships load nothing per row");
    let reads: Vec<&str> = facts
        .queries
        .iter()
        .filter(|q| q.shape.api == QueryApi::RecordMethod)
        .map(|q| q.shape.method.as_str())
        .collect();
    assert_eq!(reads, ["posts", "id"], "candidates; the project keeps the relationships");
    assert!(facts.queries.iter().filter(|q| q.shape.api == QueryApi::RecordMethod).all(|q| q.iteration.is_some()));
}

#[test]
fn sqlalchemy_and_sqlmodel_models_become_tables() {
    use ceiling_facts::IndexKind;
    let facts = extract(
        "app/models.py",
        "from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, UniqueConstraint\nfrom sqlalchemy.orm import declarative_base\nfrom sqlmodel import Field, SQLModel\n\nBase = declarative_base()\n\nclass Member(Base):\n    __tablename__ = 'members'\n    __table_args__ = (Index('ix_members_a_b', 'a', 'b'), UniqueConstraint('handle'), {'schema': 'x'})\n    id = Column(Integer, primary_key=True)\n    org_id = Column(Integer, ForeignKey('orgs.id'))\n    email = Column('email_address', String, unique=True)\n    name = Column(String, index=True)\n\nclass Hero(SQLModel, table=True):\n    id: int | None = Field(default=None, primary_key=True)\n    team_id: int | None = Field(default=None, foreign_key='team.id')\n    name: str\n\ntags = Table('member_tags', Base.metadata, Column('member_id', ForeignKey('members.id'), index=True))\n",
    )
    .unwrap();
    let names: Vec<&str> = facts.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["members", "hero", "member_tags"]);
    let members = &facts.tables[0];
    assert!(members.index_leading_with("org_id").is_none(), "a foreign key is not indexed by itself");
    assert_eq!(members.foreign_keys[0].references_table, "orgs");
    assert_eq!(members.column("email").unwrap().name, "email_address");
    assert_eq!(members.index_leading_with("email_address").unwrap().kind, IndexKind::Unique);
    assert!(members.index_leading_with("name").is_some());
    assert!(members.index_leading_with("a").is_some());
    assert!(members.index_leading_with("handle").is_some());
    assert_eq!(members.index_leading_with("id").unwrap().kind, IndexKind::PrimaryKey);
    let hero = &facts.tables[1];
    assert_eq!(hero.foreign_keys[0].references_table, "team");
    assert!(hero.column("name").is_some());
    assert!(facts.tables[2].index_leading_with("member_id").is_some());
}

#[test]
fn alembic_revisions_apply_in_chain_order() {
    let create = extract(
        "alembic/versions/f00d_init.py",
        "import sqlalchemy as sa\nfrom alembic import op\n\nrevision = 'f00d'\ndown_revision = None\n\ndef upgrade():\n    op.create_table('users', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('email', sa.String()))\n    op.create_index(op.f('ix_users_email'), 'users', ['email'])\n    op.create_index('ix_users_id', 'users', ['id'])\n\ndef downgrade():\n    op.drop_table('users')\n",
    )
    .unwrap();
    let drop = extract(
        "alembic/versions/a1b2_drop.py",
        "from alembic import op\n\nrevision = 'a1b2'\ndown_revision = 'f00d'\n\ndef upgrade():\n    op.drop_index('ix_users_email', table_name='users')\n",
    )
    .unwrap();
    let migrations = [&drop, &create].map(|facts| (facts.path.as_str(), facts.migration.as_ref().unwrap()));
    let tables = ceiling_facts::apply_migrations(migrations);
    let users = tables.iter().find(|t| t.name == "users").unwrap();
    assert!(users.index_leading_with("email").is_none(), "dropped by the later revision");
    assert!(users.index_leading_with("id").is_some());
}
