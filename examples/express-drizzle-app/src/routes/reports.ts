import { Router } from 'express'
import { count, desc, eq, inArray, sum } from 'drizzle-orm'
import { db } from '../db'
import { orderItems, orders, products } from '../db/schema'
import { createProductLoader } from '../services/loaders'
import { formatCents } from '../lib/format'

export const reportsRouter = Router()

// GET /reports/recent-orders - admin dashboard: latest orders with a product thumbnail
reportsRouter.get('/recent-orders', async (req, res) => {
  const recent = await db.query.orders.findMany({
    orderBy: [desc(orders.createdAt)],
    limit: Number(req.query.limit ?? 20),
    with: { items: true },
  })

  const rows = await Promise.all(
    recent.map(async (order) => {
      const firstItem = order.items[0]
      if (!firstItem) return { id: order.id, total: formatCents(order.totalCents), thumbnail: null }

      const product = await db.query.products.findFirst({ // expect: n-plus-one
        where: eq(products.id, firstItem.productId),
      })
      return { id: order.id, total: formatCents(order.totalCents), thumbnail: product?.imageUrl ?? null }
    }),
  )

  res.json(rows)
})

// GET /reports/recent-orders/fast - same thing, products resolved through a DataLoader
reportsRouter.get('/recent-orders/fast', async (_req, res) => {
  const productLoader = createProductLoader()
  const recent = await db.query.orders.findMany({
    orderBy: [desc(orders.createdAt)],
    limit: 20,
    with: { items: true },
  })

  const rows = await Promise.all(
    recent.map(async (order) => {
      const firstItem = order.items[0]
      const product = firstItem ? await productLoader.load(firstItem.productId) : null
      return { id: order.id, total: formatCents(order.totalCents), thumbnail: product?.imageUrl ?? null }
    }),
  )

  res.json(rows)
})

// GET /reports/status-counts - number of orders per status
reportsRouter.get('/status-counts', async (_req, res) => {
  const counts: Record<string, number> = {}

  for (const status of ['pending', 'paid', 'shipped'] as const) {
    const [row] = await db.select({ n: count() }).from(orders).where(eq(orders.status, status))
    counts[status] = row?.n ?? 0
  }

  res.json(counts)
})

// GET /reports/revenue?productIds=1,2,3 - revenue per product, one grouped query
reportsRouter.get('/revenue', async (req, res) => {
  const productIds = String(req.query.productIds ?? '')
    .split(',')
    .map(Number)
    .filter(Number.isInteger)

  if (productIds.length === 0) return res.json([])

  const rows = await db // expect: unindexed-filter
    .select({
      productId: orderItems.productId,
      units: sum(orderItems.quantity).mapWith(Number),
    })
    .from(orderItems)
    .where(inArray(orderItems.productId, productIds))
    .groupBy(orderItems.productId)

  res.json(rows)
})
