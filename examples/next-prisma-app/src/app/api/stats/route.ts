import { NextResponse } from 'next/server'
import { prisma } from '@/lib/db'

// GET /api/stats - post counts per status for the dashboard
export async function GET() {
  const counts: Record<string, number> = {}

  for (const status of ['draft', 'published'] as const) {
    counts[status] = await prisma.post.count({ where: { status } })
  }

  const [users, comments] = await Promise.all([prisma.user.count(), prisma.comment.count()])

  // Planted: every user is loaded to count the admins in JS.
  const everyone = await prisma.user.findMany() // expect: app-side-filter
  const admins = everyone.filter((user) => user.role === 'admin').length

  // Clean twin: a bounded page, sifted in JS.
  const firstUsers = await prisma.user.findMany({ orderBy: { email: 'asc' }, take: 5 })
  const firstMembers = firstUsers.filter((user) => user.role === 'member')

  return NextResponse.json({ posts: counts, users, comments, admins, firstMembers })
}
