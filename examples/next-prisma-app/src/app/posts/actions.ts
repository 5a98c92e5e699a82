'use server'

import { revalidatePath } from 'next/cache'
import { prisma } from '@/lib/db'
import { slugify } from '@/lib/format'

/** Create one draft post per line of the outline textarea. */
export async function createDraftsFromOutline(formData: FormData) {
  const authorId = String(formData.get('authorId') ?? '')
  const outline = String(formData.get('outline') ?? '')
  const titles = outline
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)

  if (!authorId || titles.length === 0) return

  for (const title of titles) {
    await prisma.post.create({ // expect: query-in-loop-write
      data: { title, slug: slugify(title), authorId, status: 'draft' },
    })
  }

  revalidatePath('/posts')
}

/** Add tags from a comma separated list, in one statement. */
export async function addTags(formData: FormData) {
  const names = String(formData.get('tags') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean)

  await prisma.tag.createMany({
    data: names.map((name) => ({ name })),
    skipDuplicates: true,
  })

  revalidatePath('/posts')
}

/** Publish a single post. */
export async function publishPost(postId: string) {
  await prisma.post.update({
    where: { id: postId },
    data: { status: 'published' },
  })
  revalidatePath('/posts')
}
