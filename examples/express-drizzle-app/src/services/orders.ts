import { desc, eq, inArray } from 'drizzle-orm'
import { db } from '../db'
import { orderItems, orders, type OrderItem } from '../db/schema'

/** Items of a single order. */
export async function getOrderItems(orderId: number): Promise<OrderItem[]> {
  return db.select().from(orderItems).where(eq(orderItems.orderId, orderId)) // expect: unindexed-filter
}

/** Items of many orders in one query, grouped by order id. */
export async function getItemsForOrders(orderIds: number[]): Promise<Map<number, OrderItem[]>> {
  const grouped = new Map<number, OrderItem[]>()
  if (orderIds.length === 0) return grouped

  const rows = await db.select().from(orderItems).where(inArray(orderItems.orderId, orderIds)) // expect: unindexed-filter
  for (const row of rows) {
    const list = grouped.get(row.orderId) ?? []
    list.push(row)
    grouped.set(row.orderId, list)
  }
  return grouped
}

/** A user's order history with items and products, via the relational query API. */
export async function getOrderHistory(userId: number) {
  return db.query.orders.findMany({
    where: eq(orders.userId, userId),
    orderBy: [desc(orders.createdAt)],
    with: {
      items: {
        with: { product: true },
      },
    },
  })
}
