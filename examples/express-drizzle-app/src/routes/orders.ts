import { Router } from 'express'
import { desc, eq } from 'drizzle-orm'
import { db } from '../db'
import { orderItems, orders } from '../db/schema'
import { lineTotal, toOrderSummary } from '../lib/format'

export const ordersRouter = Router()

// GET /orders?userId=1 - a user's orders with their line items
ordersRouter.get('/', async (req, res) => {
  const userId = Number(req.query.userId)
  if (!Number.isInteger(userId)) {
    return res.status(400).json({ error: 'userId is required' })
  }

  const userOrders = await db
    .select()
    .from(orders)
    .where(eq(orders.userId, userId))
    .orderBy(desc(orders.createdAt))

  const result = []
  for (const order of userOrders) {
    const items = await db.select().from(orderItems).where(eq(orderItems.orderId, order.id)) // expect: n-plus-one, unindexed-filter
    result.push({ ...toOrderSummary(order, items), items })
  }

  res.json(result)
})

// GET /orders/:id - one order with items and products (relational query, single round trip)
ordersRouter.get('/:id', async (req, res) => {
  const order = await db.query.orders.findFirst({
    where: eq(orders.id, Number(req.params.id)),
    with: { items: { with: { product: true } } },
  })
  if (!order) return res.status(404).json({ error: 'Order not found' })

  res.json({
    ...toOrderSummary(order, order.items),
    items: order.items.map((item) => ({
      name: item.product.name,
      quantity: item.quantity,
      lineTotalCents: lineTotal(item),
    })),
  })
})

type CreateOrderBody = {
  userId: number
  items: Array<{ productId: number; quantity: number; unitPriceCents: number }>
}

// POST /orders - create an order (admin import)
ordersRouter.post('/', async (req, res) => {
  const body = req.body as CreateOrderBody
  if (!body?.userId || !Array.isArray(body.items) || body.items.length === 0) {
    return res.status(400).json({ error: 'userId and items are required' })
  }

  const totalCents = body.items.reduce((sum, item) => sum + lineTotal(item), 0)
  const [order] = await db.insert(orders).values({ userId: body.userId, totalCents }).returning()

  for (const item of body.items) {
    await db.insert(orderItems).values({ // expect: query-in-loop-write
      orderId: order.id,
      productId: item.productId,
      quantity: item.quantity,
      unitPriceCents: item.unitPriceCents,
    })
  }

  res.status(201).json(order)
})
