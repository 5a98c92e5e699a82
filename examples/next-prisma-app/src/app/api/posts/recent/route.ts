import { NextResponse } from 'next/server'
import { getPublishedPostsWithAuthors } from '@/lib/posts'
import { toFeedItem } from '@/lib/feed'

// GET /api/posts/recent - same listing as /posts, authors loaded with `include`
export async function GET() {
  const posts = await getPublishedPostsWithAuthors(20)
  return NextResponse.json(posts.map((post) => toFeedItem(post)))
}
