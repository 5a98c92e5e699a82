import { Router } from 'express'
import { CheckoutError, placeOrder, type CartLine } from '../services/checkout'

export const checkoutRouter = Router()

// POST /checkout - { userId, cart: [{ productId, quantity }] }
checkoutRouter.post('/', async (req, res) => {
  const { userId, cart } = req.body as { userId: number; cart: CartLine[] }

  try {
    const order = await placeOrder(userId, cart ?? [])
    res.status(201).json(order)
  } catch (err) {
    if (err instanceof CheckoutError) {
      return res.status(400).json({ error: err.message })
    }
    throw err
  }
})
