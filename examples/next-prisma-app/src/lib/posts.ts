import { prisma } from '@/lib/db'

const MAX_RETRIES = 3

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Published posts with their authors, in one query (include). */
export async function getPublishedPostsWithAuthors(take = 20) {
  return prisma.post.findMany({
    where: { status: 'published' },
    orderBy: { createdAt: 'desc' },
    take,
    include: { author: true },
  })
}

/**
 * Read a single post, retrying on transient connection errors
 * (serverless Postgres sometimes drops the first connection).
 */
export async function getPostWithRetry(id: string) {
  let lastError: unknown
  for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
    try {
      return await prisma.post.findUnique({
        where: { id },
        include: { author: true, tags: true, _count: { select: { comments: true } } },
      })
    } catch (err) {
      lastError = err
      await sleep(100 * 2 ** attempt)
    }
  }
  throw lastError
}

/** Posts whose slug starts with `prefix`: an anchored match on a unique column. */
export async function findPostsBySlugPrefix(prefix: string) {
  return prisma.post.findMany({
    where: { slug: { startsWith: prefix } },
    take: 20,
    select: { id: true, title: true, slug: true },
  })
}
