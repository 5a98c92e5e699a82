import { eq } from 'drizzle-orm'
import express, { Router } from 'express'
import Stripe from 'stripe'
import { db } from '../db'
import { orders } from '../db/schema'

const stripe = new Stripe(process.env.STRIPE_SECRET_KEY ?? '')

export const webhooksRouter = Router()

// POST /webhooks/stripe - verified, but every delivery inserts an order: Stripe retries on any
// timeout, so one checkout can become several orders (planted: webhook-no-idempotency).
webhooksRouter.post('/stripe', express.raw({ type: 'application/json' }), async (req, res) => { // expect: webhook-no-idempotency
  const event = stripe.webhooks.constructEvent(
    req.body,
    req.headers['stripe-signature'] as string,
    process.env.STRIPE_WEBHOOK_SECRET as string,
  )
  if (event.type === 'checkout.session.completed') {
    const session = event.data.object
    await db.insert(orders).values({ userId: Number(session.client_reference_id), totalCents: session.amount_total ?? 0 })
  }
  res.json({ received: true })
})

// POST /webhooks/stripe-refunds - clean twin: verified, and it only updates, which a retry
// repeats harmlessly.
webhooksRouter.post('/stripe-refunds', express.raw({ type: 'application/json' }), async (req, res) => {
  const event = stripe.webhooks.constructEvent(
    req.body,
    req.headers['stripe-signature'] as string,
    process.env.STRIPE_WEBHOOK_SECRET as string,
  )
  if (event.type === 'charge.refunded') {
    const charge = event.data.object
    await db.update(orders).set({ status: 'cancelled' }).where(eq(orders.id, Number(charge.metadata.orderId)))
  }
  res.json({ received: true })
})
