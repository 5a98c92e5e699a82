import { NextResponse } from 'next/server'
import { prisma } from '@/lib/db'

const PAGE_SIZE = 20

// GET /api/posts/archive?page=N - the archive, page by page.
// Planted: offset pagination; page 5,000 reads and discards 100,000 rows.
// Its clean twin is /api/posts/export, which pages with a cursor.
export async function GET(request: Request) {
  const page = Math.max(1, Number(new URL(request.url).searchParams.get('page') ?? 1))
  const posts = await prisma.post.findMany({ // expect: offset-pagination
    orderBy: { createdAt: 'desc' },
    skip: (page - 1) * PAGE_SIZE,
    take: PAGE_SIZE,
    select: { id: true, title: true, createdAt: true },
  })
  return NextResponse.json(posts)
}
