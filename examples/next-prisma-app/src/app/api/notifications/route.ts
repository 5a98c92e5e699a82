import { NextResponse } from 'next/server'
import { prisma } from '@/lib/db'

// GET /api/notifications?userId=... - the latest notifications of a user.
// Planted: Notification.userId has no index, so this reads the whole table per request.
export async function GET(request: Request) {
  const userId = new URL(request.url).searchParams.get('userId') ?? ''
  const notifications = await prisma.notification.findMany({ // expect: unindexed-filter
    where: { userId },
    orderBy: { createdAt: 'desc' },
    take: 50,
  })
  return NextResponse.json(notifications)
}

// POST /api/notifications - notify a user
export async function POST(request: Request) { // expect: no-rate-limit
  const { userId, message } = await request.json()
  const notification = await prisma.notification.create({ data: { userId, message } })
  return NextResponse.json(notification, { status: 201 })
}
