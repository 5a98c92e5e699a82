-- A small shop's database as an app built in a hurry leaves it, for `ceiling db` to audit:
--   psql "$DATABASE_URL" -f examples/shop-database/setup.sql
--   ceiling db --url "$DATABASE_URL"
-- Lines ending in `-- finding: <rule>` are what it should report; the rest is fine.

create table customers (
  id bigint generated always as identity primary key,
  email text not null unique,
  name text not null
);
-- The ORM's migration indexed a column its unique constraint already indexes.
create index customers_email_idx on customers (email); -- finding: duplicate-index

create table products (
  id bigint generated always as identity primary key,
  sku text not null unique,
  title text not null,
  price_cents int not null
);

create table orders (
  id bigint generated always as identity primary key,
  customer_id bigint not null references customers, -- finding: unindexed-foreign-key
  status text not null default 'cart',
  created_at timestamptz not null default now()
);

create table order_items (
  order_id bigint not null references orders,
  product_id bigint not null references products,
  quantity int not null,
  -- The composite key serves order_id: that key is fine.
  primary key (order_id, product_id)
);
create index order_items_product_id_idx on order_items (product_id);

-- A log table with no key at all.
create table page_views (path text, viewed_at timestamptz default now()); -- finding: no-primary-key

insert into customers (email, name) select 'customer' || g || '@example.com', 'Customer ' || g from generate_series(1, 2000) g;
insert into products (sku, title, price_cents) select 'SKU-' || g, 'Product ' || g, 100 + g from generate_series(1, 500) g;
insert into orders (customer_id, status) select 1 + g % 2000, case when g % 10 = 0 then 'paid' else 'cart' end from generate_series(1, 20000) g;
insert into order_items select o, 1 + o % 500, 1 from generate_series(1, 20000) o;
analyze;
