import { NextResponse } from 'next/server'
import { prisma } from '@/lib/db'
import { slugify } from '@/lib/format'

// GET /api/posts - latest published posts with their author
export async function GET(request: Request) {
  const limit = Number(new URL(request.url).searchParams.get('limit') ?? 50)
  const posts = await prisma.post.findMany({
    where: { status: 'published' },
    orderBy: { createdAt: 'desc' },
    take: limit,
  })

  const result = []
  for (const post of posts) {
    const author = await prisma.user.findUnique({ // expect: n-plus-one
      where: { id: post.authorId },
      select: { id: true, name: true, image: true },
    })
    result.push({ ...post, author })
  }

  return NextResponse.json(result)
}

// POST /api/posts - create a draft
export async function POST(request: Request) {
  const body = (await request.json()) as { title?: string; content?: string; authorId?: string }

  if (!body.title || !body.authorId) {
    return NextResponse.json({ error: 'title and authorId are required' }, { status: 400 })
  }

  const post = await prisma.post.create({
    data: {
      title: body.title,
      slug: slugify(body.title),
      content: body.content ?? '',
      authorId: body.authorId,
    },
  })

  return NextResponse.json(post, { status: 201 })
}
