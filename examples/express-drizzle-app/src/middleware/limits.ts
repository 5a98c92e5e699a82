import rateLimit from 'express-rate-limit'

/** Five sign-in attempts per quarter hour per client: enough for people, too few for a script. */
export const loginLimiter = rateLimit({
  windowMs: 15 * 60 * 1000,
  limit: 5,
  standardHeaders: 'draft-7',
  legacyHeaders: false,
})
