import { Router } from 'express'
import { desc, eq } from 'drizzle-orm'
import { db } from '../db'
import { orders, users } from '../db/schema'
import { getItemsForOrders, getOrderHistory, getOrderItems } from '../services/orders'
import { toOrderSummary } from '../lib/format'

export const usersRouter = Router()

// GET /users/:id/orders - recent orders with items
usersRouter.get('/:id/orders', async (req, res) => {
  const userId = Number(req.params.id)
  const recent = await db
    .select()
    .from(orders)
    .where(eq(orders.userId, userId))
    .orderBy(desc(orders.createdAt))
    .limit(Number(req.query.limit ?? 25))

  const withItems = await Promise.all(
    recent.map(async (order) => ({
      ...toOrderSummary(order),
      items: await getOrderItems(order.id), // expect: n-plus-one
    })),
  )

  res.json(withItems)
})

// GET /users/:id/orders/batched - same response, items loaded with one inArray query
usersRouter.get('/:id/orders/batched', async (req, res) => {
  const userId = Number(req.params.id)
  const recent = await db
    .select()
    .from(orders)
    .where(eq(orders.userId, userId))
    .orderBy(desc(orders.createdAt))
    .limit(25)

  const itemsByOrder = await getItemsForOrders(recent.map((o) => o.id))

  res.json(
    recent.map((order) => ({
      ...toOrderSummary(order, itemsByOrder.get(order.id)),
      items: itemsByOrder.get(order.id) ?? [],
    })),
  )
})

// GET /users/:id/history - full order history via `with: { items: ... }`
usersRouter.get('/:id/history', async (req, res) => {
  const userId = Number(req.params.id)
  const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1)
  if (!user) return res.status(404).json({ error: 'User not found' })

  const history = await getOrderHistory(userId)
  res.json({
    user: { id: user.id, name: user.name },
    orders: history.map((order) => toOrderSummary(order, order.items)),
  })
})
