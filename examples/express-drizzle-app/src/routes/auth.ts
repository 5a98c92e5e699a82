import { eq } from 'drizzle-orm'
import { Router } from 'express'
import { db } from '../db'
import { users } from '../db/schema'
import { loginLimiter } from '../middleware/limits'
import { sendLoginAlert, sendResetEmail, verifyPassword } from '../services/auth'

export const authRouter = Router()

// POST /auth/login - behind the login limiter.
authRouter.post('/login', loginLimiter, async (req, res) => {
  const { email, password } = req.body as { email: string; password: string }
  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1)
  if (!user || !(await verifyPassword(user.id, password))) {
    res.status(401).json({ error: 'Invalid email or password' })
    return
  }
  await sendLoginAlert(user.email)
  res.json({ id: user.id })
})

// POST /auth/reset-password - no limiter: anyone can send reset emails in a loop
// (planted for the abuse rules; `ceiling routes` shows it without a rate limit).
authRouter.post('/reset-password', async (req, res) => { // expect: auth-no-rate-limit
  const { email } = req.body as { email: string }
  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1)
  if (user) {
    await sendResetEmail(user.email)
  }
  res.status(202).json({ ok: true })
})
