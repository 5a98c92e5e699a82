// Test file for ceiling-equivalents.yml: `semgrep --test bench/peers/` checks that each
// `ruleid:` line is matched by that rule and each `ok:` line is not. Not compiled, never run.
declare const prisma: any, db: any, supabase: any, User: any, knex: any, pool: any, Build: any;
declare const users: any, eq: any, m: Map<string, number>, x: boolean;

export async function reads(posts: { id: string; authorId: string }[]) {
  for (const p of posts) {
    // ruleid: ceiling-n-plus-one
    p.authorId = (await prisma.user.findUnique({ where: { id: p.authorId } })).id;
  }
  for (let i = 0; i < posts.length; i++) {
    // ruleid: ceiling-n-plus-one
    await db.select().from(users).where(eq(users.id, posts[i].id));
  }
  while (x) {
    // ruleid: ceiling-n-plus-one
    await db.query.users.findFirst({ where: eq(users.id, 1) });
  }
  await Promise.all(
    // ruleid: ceiling-n-plus-one
    posts.map((p) => supabase.from("profiles").select("*").eq("id", p.authorId)),
  );
  posts.forEach(async function (p) {
    // ruleid: ceiling-n-plus-one
    await User.findOne({ where: { id: p.authorId } });
  });
  await Promise.all(posts.map(async (p) => {
    // ruleid: ceiling-n-plus-one
    await knex("users").where({ id: p.authorId }).first();
  }));
  for (const p of posts) {
    // ruleid: ceiling-n-plus-one
    await pool.query("SELECT * FROM users WHERE id = $1", [p.authorId]);
  }
  for (const p of posts) {
    // ruleid: ceiling-n-plus-one
    await prisma.$queryRaw`SELECT * FROM users WHERE id = ${p.authorId}`;
  }
  await Promise.all(posts.map(async (p) => {
    // ruleid: ceiling-n-plus-one
    return Build.knex().raw("SELECT 1 WHERE ? = ?", [p.id, p.authorId]);
  }));
  for (const p of posts) {
    // ruleid: ceiling-n-plus-one
    await Build.query().findById(p.id);
  }
  // The query producing the list, in the loop header or before .map, runs once.
  // ok: ceiling-n-plus-one
  for (const p of await prisma.post.findMany({ where: { published: true }, take: 100 })) {
    console.log(p);
  }
  // ok: ceiling-n-plus-one
  (await prisma.post.findMany({ where: { published: true }, take: 100 })).map((p: any) => p.id);
  for (const p of posts) {
    // ok: ceiling-n-plus-one
    const same = posts.find((q) => q.id === p.authorId);
    console.log(same);
  }
}

export async function writes(rows: { id: string; name: string }[]) {
  for (const r of rows) {
    // ruleid: ceiling-query-in-loop-write
    await prisma.contact.create({ data: r });
  }
  for (const r of rows) {
    // ruleid: ceiling-query-in-loop-write
    await db.insert(users).values({ id: r.id, name: r.name });
  }
  for (const r of rows) {
    // ruleid: ceiling-query-in-loop-write
    await pool.query("INSERT INTO contacts (id, name) VALUES ($1, $2)", [r.id, r.name]);
  }
  await Promise.all(rows.map((r) =>
    // ruleid: ceiling-query-in-loop-write
    supabase.from("contacts").upsert({ id: r.id, name: r.name })));
  for (const r of rows) {
    // ruleid: ceiling-query-in-loop-write
    await knex("contacts").where({ id: r.id }).update({ name: r.name });
  }
  for (const r of rows) {
    // ok: ceiling-query-in-loop-write
    m.delete(r.id);
  }
  // ok: ceiling-query-in-loop-write
  await prisma.contact.createMany({ data: rows });
}

export async function unbounded(teamId: string) {
  // ruleid: ceiling-unbounded-read
  await prisma.user.findMany();
  // ruleid: ceiling-unbounded-read
  await prisma.document.findMany({ where: { teamId }, orderBy: { createdAt: "desc" } });
  // ok: ceiling-unbounded-read
  await prisma.document.findMany({ where: { teamId }, take: 50 });
  // ok: ceiling-unbounded-read
  await db.query.documents.findMany({ where: eq(users.id, teamId), limit: 20 });
}
