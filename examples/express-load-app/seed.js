// Creates the schema and fills it with generated rows.
//
//   node seed.js                       # 1000 users, 20000 posts
//   node seed.js --posts 200000 --users 5000
//
// Reads DATABASE_URL like server.js. Drops the tables and recreates them from schema.sql each run.
import crypto from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import pg from 'pg'

const { values } = parseArgs({
  options: {
    posts: { type: 'string', default: '20000' },
    users: { type: 'string', default: '1000' },
  },
})
const posts = Number.parseInt(values.posts, 10)
const users = Number.parseInt(values.users, 10)
if (!(posts >= 0) || !(users >= 1)) {
  console.error('usage: node seed.js [--posts N] [--users N]   (N >= 0 posts, >= 1 users)')
  process.exit(2)
}

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const TEST_EMAIL = 'test@example.com'
const TEST_PASSWORD = 'correct-horse'
const testHash = crypto.createHash('sha256').update(TEST_PASSWORD).digest('hex')

const client = new pg.Client({ connectionString: DATABASE_URL })
await client.connect()
try {
  await client.query('begin')
  await client.query('drop table if exists payment_events, posts, users cascade')
  await client.query(await readFile(new URL('./schema.sql', import.meta.url), 'utf8'))

  await client.query('insert into users (email, name, password_hash) values ($1, $2, $3)', [
    TEST_EMAIL,
    'Test User',
    testHash,
  ])
  await client.query(
    `insert into users (email, name, password_hash)
     select 'user' || g || '@example.com',
            'User ' || g,
            encode(sha256(convert_to('password-' || g, 'UTF8')), 'hex')
       from generate_series(2, $1::int) as g`,
    [users],
  )
  await client.query(
    `insert into posts (author_id, title, body)
     select 1 + (g % $2::int),
            'Post number ' || g,
            repeat('Lorem ipsum dolor sit amet. ', 1 + g % 20)
       from generate_series(1, $1::int) as g`,
    [posts, users],
  )
  await client.query('commit')
  await client.query('analyze users, posts, payment_events')
  console.log(`seeded ${users} users (incl. ${TEST_EMAIL}) and ${posts} posts`)
} catch (err) {
  await client.query('rollback').catch(() => {})
  throw err
} finally {
  await client.end()
}
