import { NextResponse } from 'next/server'
import { prisma } from '@/lib/db'
import { findPostsBySlugPrefix } from '@/lib/posts'

// GET /api/search?q=...[&prefix=1] - search posts by title, or by slug prefix.
export async function GET(request: Request) {
  const params = new URL(request.url).searchParams
  const q = params.get('q') ?? ''
  if (params.get('prefix')) {
    // Clean twin: a prefix match on the unique slug can use its B-tree index.
    return NextResponse.json(await findPostsBySlugPrefix(q))
  }
  // Planted: `contains` is ILIKE '%q%', which no B-tree index can serve.
  const posts = await prisma.post.findMany({ // expect: leading-wildcard
    where: { title: { contains: q, mode: 'insensitive' } },
    take: 20,
    select: { id: true, title: true, slug: true },
  })
  return NextResponse.json(posts)
}
