import { NextResponse } from 'next/server'
import { prisma } from '@/lib/db'

// GET /api/posts/latest - the ten most recently edited posts.
// Planted: no index on Post.updatedAt, so every call sorts the whole table to keep ten rows.
// Its clean twin is getPublishedPostsWithAuthors (src/lib/posts.ts), sorted by the indexed createdAt.
export async function GET() {
  const posts = await prisma.post.findMany({ // expect: unindexed-sort
    orderBy: { updatedAt: 'desc' },
    take: 10,
    select: { id: true, title: true, updatedAt: true },
  })
  return NextResponse.json(posts)
}
