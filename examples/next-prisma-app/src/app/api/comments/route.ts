import { NextResponse } from 'next/server'
import { prisma } from '@/lib/db'
import { displayName, getAuthorsByIds } from '@/lib/users'

// GET /api/comments?postId=... - comments of a post with their authors
export async function GET(request: Request) {
  const postId = new URL(request.url).searchParams.get('postId')
  if (!postId) {
    return NextResponse.json({ error: 'postId is required' }, { status: 400 })
  }

  const comments = await prisma.comment.findMany({
    where: { postId },
    orderBy: { createdAt: 'asc' },
  })

  // Collect the author ids and load them all in one query.
  const authorIds = [...new Set(comments.map((c) => c.authorId))]
  const authors = await getAuthorsByIds(authorIds)
  const authorsById = new Map(authors.map((a) => [a.id, a]))

  return NextResponse.json(
    comments.map((comment) => {
      const author = authorsById.get(comment.authorId) ?? null
      return { ...comment, author, authorName: displayName(author) }
    }),
  )
}
