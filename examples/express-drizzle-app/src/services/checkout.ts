import { inArray } from 'drizzle-orm'
import { db } from '../db'
import { orderItems, orders, products } from '../db/schema'

export type CartLine = { productId: number; quantity: number }

export class CheckoutError extends Error {}

/** Place an order: one price lookup, one order insert, one bulk item insert. */
export async function placeOrder(userId: number, cart: CartLine[]) {
  if (cart.length === 0) throw new CheckoutError('Cart is empty')

  return db.transaction(async (tx) => {
    const productIds = cart.map((line) => line.productId)
    const found = await tx.select().from(products).where(inArray(products.id, productIds))
    const priceById = new Map(found.map((p) => [p.id, p.priceCents]))

    const missing = productIds.filter((id) => !priceById.has(id))
    if (missing.length > 0) throw new CheckoutError(`Unknown products: ${missing.join(', ')}`)

    const rows = cart.map((line) => ({
      productId: line.productId,
      quantity: line.quantity,
      unitPriceCents: priceById.get(line.productId)!,
    }))
    const totalCents = rows.reduce((sum, r) => sum + r.quantity * r.unitPriceCents, 0)

    const [order] = await tx.insert(orders).values({ userId, totalCents }).returning()

    await tx.insert(orderItems).values(rows.map((r) => ({ ...r, orderId: order.id })))

    return order
  })
}
