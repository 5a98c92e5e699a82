-- Schema for express-load-app. seed.js drops the tables, runs this file, then fills them.

create table users (
  id serial primary key,
  email text unique not null,
  name text not null,
  password_hash text not null
);

-- No index on posts.author_id, on purpose.
create table posts (
  id serial primary key,
  author_id int not null references users(id), -- expect: unindexed-foreign-key:info
  title text not null,
  body text not null
);

-- No unique constraint on event_id, on purpose: a replayed webhook is stored twice.
create table payment_events (
  id serial primary key,
  event_id text not null,
  payload jsonb not null,
  received_at timestamptz not null default now()
);
