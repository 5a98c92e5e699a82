import Link from 'next/link'
import { prisma } from '@/lib/db'
import { buildFeedItem } from '@/lib/feed'
import { createDraftsFromOutline } from './actions'

export const dynamic = 'force-dynamic'

export default async function PostsPage({ searchParams }: { searchParams: { limit?: string } }) {
  const posts = await prisma.post.findMany({
    where: { status: 'published' },
    orderBy: { createdAt: 'desc' },
    take: Number(searchParams.limit ?? 20),
  })

  const items = await Promise.all(
    posts.map((post) => buildFeedItem(post)), // expect: n-plus-one
  )

  return (
    <div className="space-y-8">
      <h1 className="text-3xl font-bold">Latest posts</h1>

      <ul className="space-y-6">
        {items.map((item) => (
          <li key={item.id} className="rounded-lg border p-4">
            <Link href={`/posts/${item.slug}`} className="text-xl font-semibold hover:underline">
              {item.title}
            </Link>
            <p className="text-sm text-gray-500">
              {item.author?.name ?? 'Anonymous'} · {item.publishedAt}
            </p>
            <p className="mt-2 text-gray-700">{item.summary}</p>
          </li>
        ))}
      </ul>

      <form action={createDraftsFromOutline} className="space-y-2">
        <input type="hidden" name="authorId" value={items[0]?.author?.id ?? ''} />
        <textarea name="outline" rows={4} className="w-full rounded border p-2" placeholder="One title per line" />
        <button type="submit" className="rounded bg-black px-4 py-2 text-white">
          Create drafts
        </button>
      </form>
    </div>
  )
}
