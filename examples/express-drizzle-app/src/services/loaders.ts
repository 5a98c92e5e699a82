import DataLoader from 'dataloader'
import { inArray } from 'drizzle-orm'
import { db } from '../db'
import { products, type Product } from '../db/schema'

/** Per-request loader: every `.load(id)` in the same tick becomes one query. */
export function createProductLoader() {
  return new DataLoader<number, Product | null>(async (ids) => {
    const rows = await db
      .select()
      .from(products)
      .where(inArray(products.id, [...ids]))
    const byId = new Map(rows.map((p) => [p.id, p]))
    return ids.map((id) => byId.get(id) ?? null)
  })
}
