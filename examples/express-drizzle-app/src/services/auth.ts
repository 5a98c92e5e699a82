import { scrypt, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'

const hash = promisify(scrypt)

/** Compares a password with the stored hash (kept out of the users table in this example). */
export async function verifyPassword(userId: number, password: string): Promise<boolean> {
  const stored = Buffer.from(process.env[`HASH_${userId}`] ?? '', 'hex')
  const derived = (await hash(password, 'salt', 64)) as Buffer
  return stored.length === derived.length && timingSafeEqual(stored, derived)
}

export async function sendResetEmail(email: string): Promise<void> {
  await fetch('https://api.resend.com/emails', {
    method: 'POST',
    headers: { Authorization: `Bearer ${process.env.RESEND_API_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ from: 'shop@example.com', to: email, subject: 'Reset your password' }),
  })
}
