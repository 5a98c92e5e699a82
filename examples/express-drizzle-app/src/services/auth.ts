import { scrypt, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'

const hash = promisify(scrypt)

/** Compares a password with the stored hash (kept out of the users table in this example). */
export async function verifyPassword(userId: number, password: string): Promise<boolean> {
  const stored = Buffer.from(process.env[`HASH_${userId}`] ?? '', 'hex')
  const derived = (await hash(password, 'salt', 64)) as Buffer
  return stored.length === derived.length && timingSafeEqual(stored, derived)
}

// Planted: no timeout: a slow Resend holds every reset request.
export async function sendResetEmail(email: string): Promise<void> {
  await fetch('https://api.resend.com/emails', { // expect: outbound-no-timeout
    method: 'POST',
    headers: { Authorization: `Bearer ${process.env.RESEND_API_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ from: 'shop@example.com', to: email, subject: 'Reset your password' }),
  })
}

// The clean twin: a deadline on the request, and a 429 answered by waiting for `Retry-After`.
export async function sendLoginAlert(email: string, attempt = 0): Promise<void> {
  const res = await fetch('https://api.resend.com/emails', {
    method: 'POST',
    headers: { Authorization: `Bearer ${process.env.RESEND_API_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ from: 'shop@example.com', to: email, subject: 'New sign-in' }),
    signal: AbortSignal.timeout(5_000),
  })
  if (res.status === 429 && attempt < 3) {
    await new Promise((resolve) => setTimeout(resolve, Number(res.headers.get('retry-after') ?? 1) * 1000))
    return sendLoginAlert(email, attempt + 1)
  }
}
