import { relations } from 'drizzle-orm'
import { index, integer, pgEnum, pgTable, serial, text, timestamp, varchar } from 'drizzle-orm/pg-core'

export const orderStatus = pgEnum('order_status', ['pending', 'paid', 'shipped', 'cancelled'])

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  email: varchar('email', { length: 255 }).notNull().unique(),
  name: text('name').notNull(),
  createdAt: timestamp('created_at').defaultNow().notNull(),
})

export const products = pgTable('products', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  sku: varchar('sku', { length: 64 }).notNull().unique(),
  priceCents: integer('price_cents').notNull(),
  imageUrl: text('image_url'),
  stock: integer('stock').notNull().default(0),
})

// Clean twin: the foreign key `user_id` has its index.
export const orders = pgTable(
  'orders',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    status: orderStatus('status').notNull().default('pending'),
    totalCents: integer('total_cents').notNull().default(0),
    createdAt: timestamp('created_at').defaultNow().notNull(),
  },
  (t) => [index('orders_user_id_idx').on(t.userId)],
)

// Planted: neither foreign key of order_items has an index.
export const orderItems = pgTable('order_items', {
  id: serial('id').primaryKey(),
  orderId: integer('order_id') // expect: unindexed-foreign-key
    .notNull()
    .references(() => orders.id, { onDelete: 'cascade' }),
  productId: integer('product_id') // expect: unindexed-foreign-key
    .notNull()
    .references(() => products.id),
  quantity: integer('quantity').notNull(),
  unitPriceCents: integer('unit_price_cents').notNull(),
})

export const usersRelations = relations(users, ({ many }) => ({
  orders: many(orders),
}))

export const ordersRelations = relations(orders, ({ one, many }) => ({
  user: one(users, { fields: [orders.userId], references: [users.id] }),
  items: many(orderItems),
}))

export const orderItemsRelations = relations(orderItems, ({ one }) => ({
  order: one(orders, { fields: [orderItems.orderId], references: [orders.id] }),
  product: one(products, { fields: [orderItems.productId], references: [products.id] }),
}))

export const productsRelations = relations(products, ({ many }) => ({
  orderItems: many(orderItems),
}))

export type Order = typeof orders.$inferSelect
export type OrderItem = typeof orderItems.$inferSelect
export type Product = typeof products.$inferSelect
