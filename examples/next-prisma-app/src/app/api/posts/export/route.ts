import { prisma } from '@/lib/db'
import { toCsvRow } from '@/lib/format'

const PAGE_SIZE = 500

// GET /api/posts/export - stream every post as CSV, page by page (cursor pagination)
export async function GET() {
  const lines: string[] = [toCsvRow(['id', 'title', 'status', 'views', 'createdAt'])]
  let cursor: string | undefined

  while (true) {
    const page = await prisma.post.findMany({
      take: PAGE_SIZE,
      ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
      orderBy: { id: 'asc' },
      select: { id: true, title: true, status: true, views: true, createdAt: true },
    })
    if (page.length === 0) break

    for (const post of page) {
      lines.push(toCsvRow([post.id, post.title, post.status, post.views, post.createdAt]))
    }
    cursor = page[page.length - 1].id
  }

  return new Response(lines.join('\n'), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="posts.csv"',
    },
  })
}
