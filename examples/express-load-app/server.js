// A small blog API with a few scale problems planted on purpose, for `ceiling load` and
// `ceiling probe`. See README.md for what is wrong where.
import crypto from 'node:crypto'
import express from 'express'
import rateLimit from 'express-rate-limit'
import pg from 'pg'

const PORT = Number.parseInt(process.env.PORT ?? '3000', 10)
const HOST = '127.0.0.1'
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const WEBHOOK_SECRET = process.env.WEBHOOK_SECRET ?? 'whsec_test' // expect: secret-fallback

const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 })

const app = express()
app.disable('x-powered-by')

function parseLimit(value, fallback) {
  const n = Number.parseInt(value ?? '', 10)
  return Number.isFinite(n) && n > 0 ? n : fallback
}

function sha256Hex(text) {
  return crypto.createHash('sha256').update(text).digest('hex')
}

// GET /health - liveness only, never touches the database.
app.get('/health', (req, res) => {
  res.type('text/plain').send('ok')
})

// GET /posts - N+1: one query for the posts, then one more per post for its author.
// The limit is not capped either, so ?limit=100000 returns the whole table.
app.get('/posts', async (req, res, next) => {
  try {
    const limit = parseLimit(req.query.limit, 20)
    const { rows: posts } = await pool.query(
      'select id, title, author_id from posts order by id desc limit $1',
      [limit],
    )
    const result = []
    for (const post of posts) {
      const { rows } = await pool.query('select name from users where id = $1', [post.author_id]) // expect: n-plus-one
      result.push({ id: post.id, title: post.title, authorId: post.author_id, author: rows[0]?.name ?? null })
    }
    res.json(result)
  } catch (err) {
    next(err)
  }
})

// GET /posts/batched - the same list in one query, with the page size capped at 100.
app.get('/posts/batched', async (req, res, next) => {
  try {
    const limit = Math.min(parseLimit(req.query.limit, 20), 100)
    const { rows } = await pool.query(
      `select p.id, p.title, p.author_id, u.name as author
         from posts p
         join users u on u.id = p.author_id
        order by p.id desc
        limit $1`,
      [limit],
    )
    res.json(rows.map((r) => ({ id: r.id, title: r.title, authorId: r.author_id, author: r.author })))
  } catch (err) {
    next(err)
  }
})

// A hash to compare against when the email is unknown, so both paths do the same work.
const DUMMY_HASH = sha256Hex(crypto.randomBytes(16).toString('hex'))

async function login(req, res, next) {
  try {
    const { email, password } = req.body ?? {}
    if (typeof email !== 'string' || typeof password !== 'string') {
      res.status(400).json({ error: 'email and password are required' })
      return
    }
    const { rows } = await pool.query(
      'select id, email, name, password_hash from users where email = $1',
      [email],
    )
    const user = rows[0]
    const expected = Buffer.from(user?.password_hash ?? DUMMY_HASH, 'hex')
    const given = Buffer.from(sha256Hex(password), 'hex')
    const ok = expected.length === given.length && crypto.timingSafeEqual(expected, given)
    if (!user || !ok) {
      res.status(401).json({ error: 'Invalid email or password' })
      return
    }
    res.json({ id: user.id, email: user.email, name: user.name })
  } catch (err) {
    next(err)
  }
}

// Five sign-in attempts per quarter hour per client.
const loginLimiter = rateLimit({
  windowMs: 15 * 60 * 1000,
  limit: 5,
  standardHeaders: 'draft-7',
  legacyHeaders: false,
})

// POST /login - no rate limiter: a script can guess passwords as fast as the server answers.
app.post('/login', express.json(), login) // expect: auth-no-rate-limit

// POST /login-limited - the same handler behind the limiter: the 6th attempt gets a 429.
app.post('/login-limited', loginLimiter, express.json(), login)

function verifySignature(header, rawBody) {
  if (typeof header !== 'string') return false
  const parts = Object.fromEntries(
    header.split(',').map((part) => {
      const i = part.indexOf('=')
      return [part.slice(0, i).trim(), part.slice(i + 1).trim()]
    }),
  )
  if (!parts.t || !parts.v1) return false
  // Note: t is only used as part of the signed payload; its age is never checked.
  const expected = crypto
    .createHmac('sha256', WEBHOOK_SECRET)
    .update(`${parts.t}.${rawBody.toString('utf8')}`)
    .digest()
  const given = Buffer.from(parts.v1, 'hex')
  return given.length === expected.length && crypto.timingSafeEqual(given, expected)
}

// POST /webhooks/payments - the signature is checked, but not the timestamp's age and not
// whether this event id was seen before: every delivery (or replay) inserts another row.
app.post('/webhooks/payments', express.raw({ type: '*/*' }), async (req, res, next) => {
  try {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
    if (!verifySignature(req.get('stripe-signature'), rawBody)) {
      res.status(400).json({ error: 'Invalid signature' })
      return
    }
    let event
    try {
      event = JSON.parse(rawBody.toString('utf8'))
    } catch {
      res.status(400).json({ error: 'Invalid JSON' })
      return
    }
    await pool.query('insert into payment_events (event_id, payload) values ($1, $2)', [
      String(event.id ?? ''),
      event,
    ])
    res.json({ received: true })
  } catch (err) {
    next(err)
  }
})

app.use((err, req, res, next) => {
  console.error(err)
  if (res.headersSent) {
    next(err)
    return
  }
  res.status(500).json({ error: 'Internal server error' })
})

const server = app.listen(PORT, HOST, () => {
  console.log(`express-load-app listening on http://${HOST}:${PORT}`)
})

function shutdown() {
  server.close(() => {
    pool.end().finally(() => process.exit(0))
  })
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
