import { NextResponse } from 'next/server'
import { prisma } from '@/lib/db'

// GET /api/stats - post counts per status for the dashboard
export async function GET() {
  const counts: Record<string, number> = {}

  for (const status of ['draft', 'published'] as const) {
    counts[status] = await prisma.post.count({ where: { status } })
  }

  const [users, comments] = await Promise.all([prisma.user.count(), prisma.comment.count()])

  return NextResponse.json({ posts: counts, users, comments })
}
