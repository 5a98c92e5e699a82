import { NextResponse } from 'next/server'
import { prisma } from '@/lib/db'
import { getAuthor } from '@/lib/users'

// GET /api/posts/popular - most viewed posts with author info
export async function GET(request: Request) {
  const limit = Number(new URL(request.url).searchParams.get('limit') ?? 10)
  const posts = await prisma.post.findMany({
    where: { status: 'published' },
    orderBy: { views: 'desc' },
    take: limit,
  })

  const postsWithAuthors = await Promise.all(
    posts.map(async (post) => ({
      ...post,
      author: await getAuthor(post.authorId), // expect: n-plus-one
    })),
  )

  return NextResponse.json(postsWithAuthors)
}
