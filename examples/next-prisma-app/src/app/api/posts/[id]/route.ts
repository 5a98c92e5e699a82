import { NextResponse } from 'next/server'
import { getPostWithRetry } from '@/lib/posts'

// GET /api/posts/:id
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params
  const post = await getPostWithRetry(id)

  if (!post) {
    return NextResponse.json({ error: 'Not found' }, { status: 404 })
  }

  return NextResponse.json({
    ...post,
    tags: post.tags.map((t) => t.name),
    commentCount: post._count.comments,
  })
}
