import type { User } from '@prisma/client'
import { prisma } from '@/lib/db'

export type PublicUser = Pick<User, 'id' | 'name' | 'image'>

/** Fetch the author of a post. */
export async function getAuthor(authorId: string): Promise<PublicUser | null> {
  return prisma.user.findUnique({
    where: { id: authorId },
    select: { id: true, name: true, image: true },
  })
}

/** Fetch a user's public profile, including their bio. */
export async function getUserProfile(userId: string) {
  return prisma.user.findUnique({
    where: { id: userId },
    select: { id: true, name: true, image: true, bio: true },
  })
}

/** Batched: one query for any number of authors. */
export async function getAuthorsByIds(ids: string[]): Promise<PublicUser[]> {
  if (ids.length === 0) return []
  return prisma.user.findMany({
    where: { id: { in: ids } },
    select: { id: true, name: true, image: true },
  })
}

/** Pure formatting helper. */
export function displayName(user: Pick<User, 'name'> | null | undefined): string {
  return user?.name?.trim() || 'Anonymous'
}
