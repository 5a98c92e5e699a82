import 'dotenv/config'
import cors from 'cors'
import express, { type NextFunction, type Request, type Response } from 'express'
import { authRouter } from './routes/auth'
import { checkoutRouter } from './routes/checkout'
import { ordersRouter } from './routes/orders'
import { reportsRouter } from './routes/reports'
import { usersRouter } from './routes/users'
import { webhooksRouter } from './routes/webhooks'

const app = express()
app.use(cors())
// Webhooks read their raw body for the signature check: mounted before the JSON parser.
app.use('/webhooks', webhooksRouter)
app.use(express.json())

app.get('/health', (_req, res) => {
  res.json({ ok: true })
})

app.use('/orders', ordersRouter)
app.use('/users', usersRouter)
app.use('/reports', reportsRouter)
app.use('/checkout', checkoutRouter)
app.use('/auth', authRouter)

app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
  console.error(err)
  res.status(500).json({ error: 'Internal server error' })
})

const port = Number(process.env.PORT ?? 3000)
app.listen(port, () => {
  console.log(`API listening on http://localhost:${port}`)
})
