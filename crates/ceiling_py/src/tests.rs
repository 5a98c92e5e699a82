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

/// `(client, host, timeout, retries_itself)` of each request of `source`.
fn requests_of(source: &str) -> Vec<(String, ceiling_facts::Target, bool, bool)> {
    extract("app/client.py", source)
        .unwrap()
        .requests
        .into_iter()
        .map(|request| (request.client, request.target, request.timeout, request.retries_itself))
        .collect()
}

fn host(host: &str) -> ceiling_facts::Target {
    ceiling_facts::Target::Host(host.to_owned())
}

#[test]
fn requests_calls_and_their_timeouts() {
    let source = r#"
import requests
from requests import post
import urllib.request

API = "https://api.stripe.com/v1"

def charge(amount, **kwargs):
    requests.get("https://api.openai.com/v1/models")
    requests.get(f"https://hooks.slack.com/{amount}", timeout=10)
    post(f"{API}/charges", data={}, timeout=None)
    requests.request("POST", API + "/refunds", **kwargs)
    url = f"https://api.github.com/repos/{amount}"
    requests.get(url)
    urllib.request.urlopen("https://example.org/x", timeout=5)
    urllib.request.urlopen(urllib.request.Request("https://api.twilio.com/x"))
    requests.get(settings.URL)
"#;
    assert_eq!(
        requests_of(source),
        [
            ("requests".to_owned(), host("api.openai.com"), false, false),
            ("requests".to_owned(), host("hooks.slack.com"), true, false),
            ("requests".to_owned(), host("api.stripe.com"), false, false),
            ("requests".to_owned(), host("api.stripe.com"), true, false),
            ("requests".to_owned(), host("api.github.com"), false, false),
            ("urllib".to_owned(), host("example.org"), true, false),
            ("urllib".to_owned(), host("api.twilio.com"), false, false),
            ("requests".to_owned(), ceiling_facts::Target::Unknown, false, false),
        ]
    );
}

#[test]
fn sessions_and_clients() {
    let source = r#"
import requests, httpx, aiohttp
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

class Api:
    BASE = "https://api.openai.com/v1"

    def __init__(self):
        self.session = requests.Session()
        self.session.timeout = 10
        self.session.mount("https://", HTTPAdapter(max_retries=Retry(total=3)))

    def models(self):
        return self.session.get(f"{self.BASE}/models")

def other():
    s = requests.Session()
    s.mount("https://", TimeoutAdapter(timeout=5))
    s.get("https://api.stripe.com/x")

def with_httpx():
    httpx.get("https://api.stripe.com/x")
    httpx.get("https://api.stripe.com/x", timeout=None)
    with httpx.Client(timeout=None) as client:
        client.post("https://api.stripe.com/y")
    client = httpx.Client()
    client.post("https://api.stripe.com/z")

async def with_aiohttp():
    async with aiohttp.ClientSession() as session:
        async with session.get("https://api.openai.com/x") as response:
            pass
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        await session.post("https://api.openai.com/y")
"#;
    let hosts: Vec<(String, bool, bool)> =
        requests_of(source).into_iter().map(|(client, _, timeout, retries)| (client, timeout, retries)).collect();
    assert_eq!(
        hosts,
        [
            ("requests".to_owned(), false, true),
            ("requests".to_owned(), true, false),
            ("httpx".to_owned(), true, false),
            ("httpx".to_owned(), false, false),
            ("httpx".to_owned(), false, false),
            ("httpx".to_owned(), true, false),
            ("aiohttp".to_owned(), false, false),
            ("aiohttp".to_owned(), true, false),
        ]
    );
    assert_eq!(requests_of(source)[0].1, host("api.openai.com"), "a class constant read through `self`");
}

#[test]
fn retry_loops_and_how_they_wait() {
    let source = r#"
import time, asyncio, random, requests

MAX_RETRIES = 5

def at_once():
    for attempt in range(3):
        try:
            return requests.get("https://api.openai.com/x", timeout=5)
        except requests.RequestException:
            pass

def fixed():
    attempts = 0
    while True:
        try:
            response = requests.get("https://api.openai.com/x", timeout=5)
        except requests.RequestException:
            attempts += 1
            time.sleep(2)
        else:
            break

async def computed():
    for attempt in range(MAX_RETRIES):
        try:
            return await fetch()
        except Exception:
            await asyncio.sleep(2 ** attempt + random.random())

def not_a_retry(items):
    for item in items:
        time.sleep(1)
"#;
    let facts = extract("app/jobs.py", source).unwrap();
    let waits: Vec<(bool, Option<ceiling_facts::RetryWait>)> =
        facts.iterations.iter().map(|iteration| (iteration.retries, iteration.wait)).collect();
    use ceiling_facts::RetryWait::*;
    assert_eq!(waits, [(true, Some(Immediate)), (true, Some(Constant)), (true, Some(Computed)), (false, None)]);
    assert_eq!(facts.iterations[2].over, Over::Range(5), "`range(MAX_RETRIES)` counts to the constant");
}

#[test]
fn rate_limit_handling_and_backoff_decorators() {
    let source = r#"
import backoff, requests, openai
from tenacity import retry, wait_exponential, wait_fixed, stop_after_attempt

def status(response):
    if response.status_code == 429:
        time.sleep(int(response.headers["Retry-After"]))

def sdk():
    try:
        client.chat()
    except openai.RateLimitError:
        pass

@retry(wait=wait_exponential(min=1, max=30), stop=stop_after_attempt(5))
def tenacity_exponential():
    requests.post("https://api.openai.com/x")

@retry(wait=wait_fixed(2))
def tenacity_fixed():
    requests.post("https://api.openai.com/x")

@backoff.on_exception(backoff.expo, requests.exceptions.RequestException, max_tries=5)
def with_backoff():
    requests.post("https://api.openai.com/x")

def plain(rate_limit):
    return rate_limit
"#;
    let facts = extract("app/ai.py", source).unwrap();
    let handles: Vec<(&str, bool)> =
        facts.functions.iter().map(|function| (function.name.as_str(), function.handles_rate_limit)).collect();
    assert_eq!(
        handles,
        [
            ("status", true),
            ("sdk", true),
            ("tenacity_exponential", true),
            ("tenacity_fixed", false),
            ("with_backoff", true),
            ("plain", false),
        ]
    );
}

/// `(name, literal)` of each fallback of `source`.
fn fallbacks_of(source: &str) -> Vec<(String, bool)> {
    extract("app/settings.py", source)
        .unwrap()
        .env_fallbacks
        .into_iter()
        .map(|fallback| (fallback.name, fallback.literal))
        .collect()
}

#[test]
fn environment_fallbacks() {
    let source = r#"
import os
import environ
from os import getenv
from decouple import config
from pydantic_settings import BaseSettings, SettingsConfigDict

env = environ.Env(DEBUG=(bool, False))

SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-dev")
JWT_SECRET = getenv("JWT_SECRET", "")
API_KEY = os.environ.get("API_KEY") or "changeme"
TOKEN = os.environ.get("A_TOKEN") or os.environ.get("B_TOKEN") or "x"
PORT = int(os.environ.get("PORT", 8000))
SAVE_SESSION = os.environ.get("SESSION_SAVE_EVERY_REQUEST", "0") == "1"
DB_PASSWORD = config("DB_PASSWORD", default="postgres")
STRIPE_KEY = env("STRIPE_KEY", default="sk_test")
SIGNING = env.str("SIGNING_KEY", "dev")
REQUIRED = os.environ["REQUIRED_SECRET"]

class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")
    secret_key: str = "changeme"
    debug: bool = False
"#;
    assert_eq!(
        fallbacks_of(source),
        [
            ("SECRET_KEY".to_owned(), true),
            ("JWT_SECRET".to_owned(), false),
            ("API_KEY".to_owned(), true),
            ("A_TOKEN".to_owned(), true),
            ("B_TOKEN".to_owned(), true),
            ("PORT".to_owned(), false),
            ("SESSION_SAVE_EVERY_REQUEST".to_owned(), false),
            ("DB_PASSWORD".to_owned(), true),
            ("STRIPE_KEY".to_owned(), true),
            ("SIGNING_KEY".to_owned(), true),
            ("APP_SECRET_KEY".to_owned(), true),
            ("APP_DEBUG".to_owned(), false),
        ]
    );
    let reads = extract("app/settings.py", source).unwrap().env_reads;
    assert!(reads.iter().any(|read| read.name == "REQUIRED_SECRET"));
}

#[test]
fn fallbacks_only_in_development_or_checked_are_left_out() {
    let source = r#"
import os
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEBUG = os.environ.get("DEBUG") == "1"
if DEBUG:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev")
else:
    SECRET_KEY = os.environ["SECRET_KEY"]

KEY = os.getenv("OTHER_SECRET", "x") if settings.DEBUG else os.environ["OTHER_SECRET"]

JWT_SECRET = os.environ.get("JWT_SECRET", "dev-secret")
if not DEBUG and JWT_SECRET == "dev-secret":
    raise ImproperlyConfigured("JWT_SECRET is not set")

if os.environ.get("ENV") != "production":
    TOKEN = os.getenv("TOKEN", "t")
"#;
    assert_eq!(fallbacks_of(source), []);
}

/// `(kind, period, callback, guarded)` of each timer of `source`.
fn timers_of(source: &str) -> Vec<(ceiling_facts::TimerKind, Option<u64>, Value, bool)> {
    extract("proj/celery.py", source)
        .unwrap()
        .timers
        .into_iter()
        .map(|timer| (timer.kind, timer.period_ms, timer.callback, timer.guarded))
        .collect()
}

fn task(module: &str, name: &str) -> Value {
    Value::Import { module: module.to_owned(), name: ImportedName::Named(name.to_owned()) }
}

#[test]
fn celery_beat_schedules() {
    use ceiling_facts::TimerKind::{Cron, Interval};
    let source = r#"
from datetime import timedelta
from celery import Celery
from celery.schedules import crontab
from shop.tasks import cleanup

app = Celery("proj")
app.conf.beat_schedule = {
    "sync": {"task": "shop.tasks.sync_orders", "schedule": 30.0},
    "digest": {"task": "shop.tasks.digest", "schedule": timedelta(minutes=5)},
    "every-minute": {"task": "shop.tasks.poll", "schedule": crontab(minute="*/1")},
    "nightly": {"task": "shop.tasks.report", "schedule": crontab(minute=0, hour=3)},
}

@app.on_after_configure.connect
def setup_periodic_tasks(sender, **kwargs):
    sender.add_periodic_task(10.0, cleanup.s(), name="cleanup")
"#;
    assert_eq!(
        timers_of(source),
        [
            (Interval, Some(30_000), task("shop.tasks", "sync_orders"), false),
            (Interval, Some(300_000), task("shop.tasks", "digest"), false),
            (Cron, Some(60_000), task("shop.tasks", "poll"), false),
            (Cron, Some(86_400_000), task("shop.tasks", "report"), false),
            (Interval, Some(10_000), task("shop.tasks", "cleanup"), false),
        ]
    );
    let django = "CELERY_BEAT_SCHEDULE = {\n    'x': {'task': 'a.tasks.x', 'schedule': crontab()},\n}\n";
    assert_eq!(timers_of(django), [(Cron, Some(60_000), task("a.tasks", "x"), false)]);
    let updated = "app.conf.beat_schedule.update({'y': {'task': 'a.tasks.y', 'schedule': 5}})\napp.conf.update(beat_schedule={'z': {'task': 'a.tasks.z', 'schedule': 5}})\n";
    assert_eq!(
        timers_of(updated),
        [(Interval, Some(5_000), task("a.tasks", "y"), false), (Interval, Some(5_000), task("a.tasks", "z"), false)]
    );
}

#[test]
fn apscheduler_and_schedule_jobs() {
    use ceiling_facts::TimerKind::{Cron, Interval};
    let source = r#"
import schedule
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

scheduler = BackgroundScheduler()

def sync():
    pass

scheduler.add_job(sync, "interval", seconds=5)
scheduler.add_job(sync, "interval", minutes=1, max_instances=3)
scheduler.add_job(sync, CronTrigger(minute="*/10"))
scheduler.add_job(sync, "date", run_date="2030-01-01")

@scheduler.scheduled_job("cron", hour=4, max_instances=2)
def nightly():
    pass

schedule.every(10).minutes.do(sync)
"#;
    let timers = timers_of(source);
    let shapes: Vec<(ceiling_facts::TimerKind, Option<u64>, bool)> =
        timers.iter().map(|(kind, period, _, guarded)| (*kind, *period, *guarded)).collect();
    assert_eq!(
        shapes,
        [
            (Interval, Some(5_000), true),
            (Interval, Some(60_000), false),
            (Cron, Some(600_000), true),
            (Cron, Some(86_400_000), false),
            (Interval, Some(600_000), true),
        ]
    );
    assert!(matches!(timers[0].2, Value::Function(_)));
}

#[test]
fn process_wide_socket_timeout() {
    let facts =
        extract("app/feeds.py", "import socket\nsocket.setdefaulttimeout(10)\nsocket.setdefaulttimeout(None)\n")
            .unwrap();
    assert_eq!(facts.timeout_defaults, ["urllib"]);
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

#[test]
fn cache_fills_and_except_handlers_run_now_and_then() {
    let facts = extract(
        "shop/cache.py",
        "from .models import Customer\n\nclass Cache:\n    def get(self, key):\n        if key is not None and key not in self.loaded:\n            self.loaded[key] = Customer.objects.get(pk=key)\n        if self._first is None:\n            self._first = Customer.objects.first()\n        try:\n            return self.loaded[key]\n        except KeyError:\n            return Customer.objects.get(pk=key)\n\n    def every_time(self, key):\n        if key not in loaded:\n            return Customer.objects.get(pk=key)\n",
    )
    .unwrap();
    let rarely: Vec<bool> = facts.queries.iter().map(|query| query.fallback).collect();
    assert_eq!(rarely, [true, true, true, false]);
}

fn endpoints(routes: &[ceiling_facts::Route]) -> Vec<(String, String)> {
    routes.iter().map(|route| (route.method.clone(), route.path.clone())).collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected.iter().map(|(method, path)| ((*method).to_owned(), (*path).to_owned())).collect()
}

#[test]
fn django_urlconfs_mount_views_and_other_urlconfs() {
    let facts = extract(
        "mysite/urls.py",
        "from django.urls import include, path, re_path\nfrom accounts import views\nfrom notes.views import NoteView\n\nurlpatterns = [\n    path('login/', views.login_view),\n    re_path(r'^api/', include('api.urls')),\n    path('notes/', NoteView.as_view()),\n    path('v2/', include([path('ping/', views.ping)])),\n]\n",
    )
    .unwrap();
    let urlconf = Value::Import { module: "./urls".to_owned(), name: ImportedName::Namespace };
    assert!(facts.mounts.iter().all(|mount| mount.on == urlconf));
    let prefixes: Vec<&str> = facts.mounts.iter().map(|mount| mount.prefix.as_str()).collect();
    assert_eq!(prefixes, ["/login/", "/api/", "/notes/", "/v2/ping/"]);
    assert_eq!(
        facts.mounts[1].handlers,
        [Value::Import { module: "api.urls".to_owned(), name: ImportedName::Namespace }]
    );
    assert_eq!(
        facts.mounts[2].handlers,
        [Value::Import { module: "notes.views".to_owned(), name: ImportedName::Named("NoteView".to_owned()) }]
    );
}

#[test]
fn django_views_declare_their_routes_and_throttles() {
    let facts = extract(
        "accounts/views.py",
        "from django.views.decorators.http import require_POST\nfrom django_ratelimit.decorators import ratelimit\nfrom rest_framework import viewsets\nfrom rest_framework.decorators import action\nfrom rest_framework.generics import ListCreateAPIView\nfrom rest_framework.throttling import AnonRateThrottle\nfrom rest_framework.views import APIView\n\n@require_POST\n@ratelimit(key='ip', rate='5/m')\ndef login_view(request):\n    pass\n\nclass SignUp(APIView):\n    throttle_classes = [AnonRateThrottle]\n\n    def post(self, request):\n        pass\n\n    def helper(self):\n        pass\n\nclass Notes(ListCreateAPIView):\n    pass\n\nclass Auth(viewsets.ViewSet):\n    def create(self, request):\n        pass\n\n    @action(detail=True, methods=['post'], url_path='reset')\n    def reset_password(self, request, pk=None):\n        pass\n",
    )
    .unwrap();
    assert_eq!(
        endpoints(&facts.routes),
        pairs(&[("POST", ""), ("POST", ""), ("GET", ""), ("POST", ""), ("POST", ""), ("POST", "/{pk}/reset")])
    );
    let login = &facts.routes[0];
    assert_eq!(login.on, login.handler, "a function view is mounted as itself");
    assert!(
        matches!(&login.middleware[0], Value::Call(callee) if matches!(&**callee, Value::Import { module, .. } if module == "django_ratelimit.decorators"))
    );
    let throttles = facts.mounts.iter().find(|mount| mount.on == facts.routes[1].on).unwrap();
    assert_eq!(
        throttles.handlers,
        [Value::Import {
            module: "rest_framework.throttling".to_owned(),
            name: ImportedName::Named("AnonRateThrottle".to_owned())
        }]
    );
    assert!(facts.routes[2].handler.is_unknown(), "a generic view's GET is DRF's own method");
}

#[test]
fn fastapi_and_flask_routes_with_their_routers_and_dependencies() {
    let fastapi = extract(
        "app/routers/auth.py",
        "from fastapi import APIRouter, Depends\nfrom fastapi_limiter.depends import RateLimiter\n\nrouter = APIRouter(prefix='/auth')\n\n@router.post('/login', dependencies=[Depends(RateLimiter(times=5, seconds=60))])\nasync def login(db=Depends(get_db)):\n    pass\n\n@router.api_route('/otp', methods=['GET', 'POST'])\nasync def otp():\n    pass\n",
    )
    .unwrap();
    assert_eq!(
        endpoints(&fastapi.routes),
        pairs(&[("POST", "/auth/login"), ("GET", "/auth/otp"), ("POST", "/auth/otp")])
    );
    let router = Value::Import { module: "./auth".to_owned(), name: ImportedName::Named("router".to_owned()) };
    assert_eq!(fastapi.routes[0].on, router);
    assert_eq!(fastapi.routes[0].middleware.len(), 1, "the decorator's dependency; `get_db` is not bound here");

    let flask = extract(
        "app.py",
        "from flask import Flask\nfrom auth import bp\n\napp = Flask(__name__)\napp.register_blueprint(bp, url_prefix='/auth')\n\n@app.route('/login', methods=['POST'])\ndef login():\n    pass\n\napp.add_url_rule('/logout', view_func=login, methods=['POST'])\n",
    )
    .unwrap();
    assert_eq!(endpoints(&flask.routes), pairs(&[("POST", "/login"), ("POST", "/logout")]));
    assert_eq!(flask.mounts[0].prefix, "/auth");
    assert_eq!(
        flask.mounts[0].handlers,
        [Value::Import { module: "auth".to_owned(), name: ImportedName::Named("bp".to_owned()) }]
    );
}

#[test]
fn settings_mount_default_throttles_and_axes_globally() {
    let facts = extract(
        "mysite/settings.py",
        "INSTALLED_APPS = ['django.contrib.auth'] + ['axes']\nREST_FRAMEWORK = {'DEFAULT_THROTTLE_CLASSES': ('rest_framework.throttling.AnonRateThrottle',)}\n",
    )
    .unwrap();
    assert!(facts.mounts.iter().all(|mount| mount.on.is_unknown()));
    assert_eq!(facts.mounts[0].handlers, [Value::Import { module: "axes".to_owned(), name: ImportedName::Namespace }]);
    assert_eq!(
        facts.mounts[1].handlers,
        [Value::Import {
            module: "rest_framework.throttling".to_owned(),
            name: ImportedName::Named("AnonRateThrottle".to_owned())
        }]
    );
}

#[test]
fn rest_framework_default_pagination_in_settings() {
    let paged = |source: &str| extract("config/settings.py", source).unwrap().drf_default_pagination;
    assert!(paged("REST_FRAMEWORK = {'DEFAULT_PAGINATION_CLASS': 'app.pagination.Page', 'PAGE_SIZE': 50}\n"));
    assert!(paged("REST_FRAMEWORK = {}\nREST_FRAMEWORK['DEFAULT_PAGINATION_CLASS'] = 'app.pagination.Page'\n"));
    assert!(!paged("REST_FRAMEWORK = {'DEFAULT_PAGINATION_CLASS': None}\n"));
    assert!(!paged("REST_FRAMEWORK = {'PAGE_SIZE': 50}\nOTHER = {'DEFAULT_PAGINATION_CLASS': 'x'}\n"));
}

#[test]
fn a_view_says_whether_it_pages() {
    let facts = extract(
        "shop/views.py",
        "from rest_framework import viewsets\n\nclass A(viewsets.ModelViewSet):\n    pagination_class = Page\n\nclass B(A):\n    pagination_class = None\n\nclass C(PaginationMixin, viewsets.ModelViewSet):\n    pass\n\nclass D(viewsets.ModelViewSet):\n    pass\n",
    )
    .unwrap();
    let pagination: Vec<Option<bool>> = facts.classes.iter().map(|class| class.pagination).collect();
    assert_eq!(pagination, [Some(true), Some(false), Some(true), None]);
}
