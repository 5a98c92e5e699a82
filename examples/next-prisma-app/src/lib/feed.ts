import type { Post } from '@prisma/client'
import { displayName, getUserProfile } from '@/lib/users'
import { excerpt, formatDate } from '@/lib/format'

export type FeedItem = {
  id: string
  title: string
  slug: string
  summary: string
  publishedAt: string
  author: { id: string; name: string; image: string | null; bio: string | null } | null
}

/** Turn a post into a feed card, resolving the author's profile. */
export async function buildFeedItem(post: Post): Promise<FeedItem> {
  const author = await getUserProfile(post.authorId)

  return {
    id: post.id,
    title: post.title,
    slug: post.slug,
    summary: excerpt(post.content),
    publishedAt: formatDate(post.createdAt),
    author: author
      ? { id: author.id, name: displayName(author), image: author.image, bio: author.bio }
      : null,
  }
}

/** Same card, but from a post that already has its author loaded. No query. */
export function toFeedItem(
  post: Post & { author: { id: string; name: string | null; image: string | null; bio: string | null } },
): FeedItem {
  return {
    id: post.id,
    title: post.title,
    slug: post.slug,
    summary: excerpt(post.content),
    publishedAt: formatDate(post.createdAt),
    author: {
      id: post.author.id,
      name: displayName(post.author),
      image: post.author.image,
      bio: post.author.bio,
    },
  }
}
