import { afterAll, describe, expect, it } from 'vitest'
import { prisma } from '@/lib/db'
import { buildFeedItem } from '@/lib/feed'

// Integration test: needs DATABASE_URL pointing at a seeded database.
describe('buildFeedItem', () => {
  afterAll(async () => {
    await prisma.$disconnect()
  })

  it('resolves the author of every published post', async () => {
    const posts = await prisma.post.findMany({ where: { status: 'published' }, take: 10 })

    for (const post of posts) {
      const expected = await prisma.user.findUnique({ where: { id: post.authorId } })
      const item = await buildFeedItem(post)
      expect(item.author?.id).toBe(expected?.id)
    }
  })
})
