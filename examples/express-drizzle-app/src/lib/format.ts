// Pure helpers: no database access.
import type { Order, OrderItem } from '../db/schema'

export function formatCents(cents: number, currency = 'USD'): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(cents / 100)
}

export function lineTotal(item: Pick<OrderItem, 'quantity' | 'unitPriceCents'>): number {
  return item.quantity * item.unitPriceCents
}

export function toOrderSummary(order: Order, items: OrderItem[] = []) {
  return {
    id: order.id,
    status: order.status,
    placedAt: order.createdAt.toISOString(),
    itemCount: items.reduce((n, item) => n + item.quantity, 0),
    total: formatCents(order.totalCents),
  }
}
