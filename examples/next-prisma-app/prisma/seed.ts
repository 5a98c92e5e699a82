import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { PrismaClient } from '@prisma/client'

const prisma = new PrismaClient()

type SeedUser = {
  email: string
  name: string
  bio?: string
}

const TAGS = ['nextjs', 'prisma', 'react', 'typescript', 'postgres']

async function loadUsers(): Promise<SeedUser[]> {
  const raw = await readFile(path.join(__dirname, 'data', 'users.json'), 'utf8')
  return JSON.parse(raw) as SeedUser[]
}

async function main() {
  console.log('🌱 Seeding database...')

  const users = await loadUsers()

  // Create the demo users one at a time so we can log progress.
  for (const user of users) {
    await prisma.user.create({ data: user }) // expect: query-in-loop-write:info
    console.log(`  created ${user.email}`)
  }

  await prisma.tag.createMany({
    data: TAGS.map((name) => ({ name })),
    skipDuplicates: true,
  })

  console.log('✅ Done')
}

main()
  .catch((e) => {
    console.error(e)
    process.exit(1)
  })
  .finally(async () => {
    await prisma.$disconnect()
  })
