import { asc, eq } from 'drizzle-orm'
import { db } from '../db'
import { orderItems, orders } from '../db/schema'

/**
 * Worker tick: take the oldest pending order and mark it paid.
 * Only ONE order is handled per tick (the loop body always returns),
 * the scheduler calls this again for the next one.
 */
export async function processNextPendingOrder() {
  const pending = await db
    .select()
    .from(orders)
    .where(eq(orders.status, 'pending'))
    .orderBy(asc(orders.createdAt))
    .limit(10)

  for (const order of pending) {
    const items = await db.select().from(orderItems).where(eq(orderItems.orderId, order.id)) // expect: unindexed-filter
    await db.update(orders).set({ status: 'paid' }).where(eq(orders.id, order.id))
    return { orderId: order.id, itemCount: items.length }
  }

  return null
}

if (import.meta.url === `file://${process.argv[1]}`) {
  processNextPendingOrder()
    .then((result) => {
      console.log(result ? `processed order ${result.orderId}` : 'nothing to do')
      process.exit(0)
    })
    .catch((err) => {
      console.error(err)
      process.exit(1)
    })
}
