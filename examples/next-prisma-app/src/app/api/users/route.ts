import { NextResponse } from 'next/server'
import { prisma } from '@/lib/db'

// GET /api/users - the member directory.
// Planted: no limit; the response grows with every sign-up.
export async function GET() {
  const users = await prisma.user.findMany({ // expect: unbounded-read
    select: { id: true, name: true, image: true },
  })
  return NextResponse.json(users)
}

// POST /api/users - sign up
export async function POST(request: Request) {
  const { email, name } = await request.json()
  const user = await prisma.user.create({ data: { email, name } })
  return NextResponse.json(user, { status: 201 })
}
