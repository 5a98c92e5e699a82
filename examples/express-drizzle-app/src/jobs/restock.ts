import { eq } from 'drizzle-orm'
import { db } from '../db'
import { products } from '../db/schema'

const EVERY_MINUTE = 60_000

// Planted: if one pass takes longer than a minute (a slow database, a big catalogue), the next
// one starts anyway, and the passes pile up.
setInterval(async () => { // expect: job-overlap
  await db.update(products).set({ stock: 100 }).where(eq(products.sku, process.env.RESTOCK_SKU ?? 'default'))
}, EVERY_MINUTE)

// Clean twin: a pass that is still running makes the next one skip.
let pricing = false
setInterval(async () => {
  if (pricing) return
  pricing = true
  try {
    await db.update(products).set({ priceCents: 999 }).where(eq(products.sku, process.env.REPRICE_SKU ?? 'default'))
  } finally {
    pricing = false
  }
}, EVERY_MINUTE)
