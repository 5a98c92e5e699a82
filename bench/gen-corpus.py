#!/usr/bin/env python3
"""Generate a synthetic Next.js + Prisma monorepo for benchmarking `ceiling scan`.

The output is deterministic for a given (--seed, --lines): same bytes on every run and every
machine (only the standard library is used, nothing iterates over a hash-ordered set). It looks
like a real product monorepo rather than one file repeated:

    package.json, turbo.json, tsconfig.base.json
    apps/web/                      the main Next.js app (App Router), `@/*` -> `./src/*`
      prisma/schema.prisma         every model, with its relations
      prisma/seed.ts
      src/lib/db.ts                the Prisma client singleton
      src/lib/<domain>/            types, mappers, validation, queries, mutations, service
      src/app/api/**/route.ts      route handlers (collection, item, nested, export, bulk)
      src/app/(dashboard)/<domain>/ server-component pages and server actions
      src/components/<domain>/     client components (.tsx)
      src/hooks/, src/utils/
    apps/admin/                    a second, smaller Next.js app with its own `@/` alias and client
    packages/ui, packages/utils    workspace packages (`@acme/ui`, `@acme/utils`), barrel re-exports

Database access comes in the shapes real code has: queries in loops (N+1 reads, writes per
element, `Promise.all(items.map(async ...))`, calls through helpers in other files) next to their
batched forms (`where: { id: { in: ids } }`, `include`, `createMany`, transactions), plus loops that
only look suspicious (literal lists, cursor pagination, retries). Files are 50-400 lines.

Usage: gen-corpus.py [--lines N] [--seed S] --out DIR
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import shutil
import sys
import textwrap
from dataclasses import dataclass, field

# --------------------------------------------------------------------------------------------
# Templates: `{=name}` placeholders (never valid TS, so no clash with `${...}` or JSX braces).
# A placeholder alone on its line takes a multi-line value and indents every line of it.

_PLACEHOLDER = re.compile(r"\{=(\w+)\}")
_ALONE = re.compile(r"^(\s*)\{=(\w+)\}\s*$")


def T(text: str, **kw) -> str:
    out = []
    for line in textwrap.dedent(text).strip("\n").split("\n"):
        alone = _ALONE.match(line)
        if alone:
            value = str(kw[alone.group(2)])
            if value == "":
                continue
            out.extend((alone.group(1) + v) if v else "" for v in value.rstrip("\n").split("\n"))
        else:
            out.append(_PLACEHOLDER.sub(lambda m: str(kw[m.group(1)]), line))
    return "\n".join(out) + "\n"


def pascal(words: list[str]) -> str:
    return "".join(w[:1].upper() + w[1:] for w in words)


def camel(words: list[str]) -> str:
    p = pascal(words)
    return p[:1].lower() + p[1:]


def plural(word: str) -> str:
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def kebab(words: list[str]) -> str:
    return "-".join(words)


def lower_first(s: str) -> str:
    return s[:1].lower() + s[1:]


# --------------------------------------------------------------------------------------------
# Vocabulary

NOUNS = [
    "account", "invoice", "order", "product", "customer", "project", "task", "comment", "team",
    "workspace", "subscription", "payment", "shipment", "warehouse", "supplier", "category", "tag",
    "review", "ticket", "message", "notification", "report", "campaign", "lead", "contact", "deal",
    "contract", "asset", "booking", "venue", "course", "lesson", "enrollment", "article", "author",
    "playlist", "device", "sensor", "alert", "incident", "policy", "claim", "vehicle", "driver",
    "recipe", "ingredient", "coupon", "cart", "refund", "ledger", "budget", "expense", "timesheet",
    "candidate", "interview", "opening", "milestone", "release", "document", "folder", "survey",
    "question", "answer", "webhook", "integration", "quote", "vendor", "room", "reservation",
]
AREAS = [
    "billing", "support", "sales", "inventory", "catalog", "analytics", "marketing", "shipping",
    "people", "finance", "ops", "content", "identity", "partner", "compliance", "growth", "fleet",
    "learning", "retail", "studio", "field", "service", "quality", "legal",
]
STATUS_SETS = [
    ["draft", "published", "archived"],
    ["pending", "active", "suspended", "closed"],
    ["open", "in_progress", "resolved", "closed"],
    ["pending", "paid", "failed", "refunded"],
    ["queued", "running", "succeeded", "failed"],
    ["new", "contacted", "qualified", "lost", "won"],
    ["requested", "approved", "rejected"],
]
LABEL_FIELDS = ["name", "title", "label", "subject", "code"]
# name, TS type, Prisma type, kind
EXTRA_FIELDS = [
    ("amount", "number", "Int", "num"), ("quantity", "number", "Int", "num"),
    ("priority", "number", "Int", "num"), ("position", "number", "Int", "num"),
    ("score", "number", "Float", "num"), ("weight", "number", "Float", "num"),
    ("description", "string | null", "String?", "optstr"), ("notes", "string | null", "String?", "optstr"),
    ("externalRef", "string | null", "String?", "optstr"), ("email", "string", "String", "str"),
    ("currency", "string", "String", "str"), ("sku", "string", "String", "str"),
    ("locale", "string", "String", "str"), ("region", "string", "String", "str"),
    ("archived", "boolean", "Boolean", "bool"), ("featured", "boolean", "Boolean", "bool"),
    ("dueAt", "Date | null", "DateTime?", "optdate"), ("startsAt", "Date", "DateTime", "date"),
    ("closedAt", "Date | null", "DateTime?", "optdate"),
]
QUALIFIERS = ["ForList", "ForExport", "Safe", "Strict", "Compact", "Detailed", "Cached", "Legacy",
              "ForAdmin", "Summary", "Quick", "Full"]


@dataclass
class Model:
    words: list[str]
    label: str
    statuses: list[str]
    extras: list[tuple[str, str, str, str]]
    parents: list["Model"] = field(default_factory=list)
    children: list["Model"] = field(default_factory=list)

    @property
    def name(self) -> str:  # Invoice / BillingInvoice
        return pascal(self.words)

    @property
    def var(self) -> str:  # invoice / billingInvoice: the Prisma delegate and a row variable
        return camel(self.words)

    @property
    def plural(self) -> str:  # Invoices
        return pascal(self.words[:-1] + [plural(self.words[-1])])

    @property
    def vars(self) -> str:  # invoices
        return lower_first(self.plural)

    @property
    def slug(self) -> str:  # billing-invoices
        return kebab(self.words[:-1] + [plural(self.words[-1])])

    @property
    def human(self) -> str:  # billing invoice
        return " ".join(self.words)

    @property
    def humans(self) -> str:
        return " ".join(self.words[:-1] + [plural(self.words[-1])])

    def fk(self, parent: "Model") -> str:
        return parent.var + "Id"

    def of_kind(self, *kinds: str) -> list[str]:
        return [f[0] for f in self.extras if f[3] in kinds]

    def ts_type(self, name: str) -> str:
        for f in self.extras:
            if f[0] == name:
                return f[1]
        return "string"


# --------------------------------------------------------------------------------------------
# Blocks and files


@dataclass
class Block:
    text: str
    # (spec, name, kind) with kind in value | type | default | side
    needs: list[tuple[str, str, str]] = field(default_factory=list)
    provides: dict[str, str] = field(default_factory=dict)

    @property
    def lines(self) -> int:
        return self.text.count("\n") + 1


class Names:
    """Every top-level name in the corpus is unique, so imports never clash with local names."""

    def __init__(self) -> None:
        self.used: dict[str, int] = {}

    def take(self, base: str) -> str:
        if base not in self.used:
            self.used[base] = 1
            return base
        for q in QUALIFIERS:
            if base + q not in self.used:
                self.used[base + q] = 1
                return base + q
        n = self.used[base] + 1
        while f"{base}{n}" in self.used:
            n += 1
        self.used[base] = n
        self.used[f"{base}{n}"] = 1
        return f"{base}{n}"

    def reserve(self, *names: str) -> None:
        for name in names:
            self.used[name] = 1


class File:
    def __init__(self, path: str, directive: str | None = None, top: str = "") -> None:
        self.path = path  # relative to the corpus root
        self.directive = directive
        self.top = top
        self.blocks: list[Block] = []
        self.provides: dict[str, str] = {}
        self.used: dict[str, list[str]] = {}  # filler family -> kinds already in this file

    def lines(self) -> int:
        specs = {spec for b in self.blocks for spec, _, _ in b.needs}
        return sum(b.lines for b in self.blocks) + len(specs) + 2 + self.top.count("\n")

    def add(self, block: Block | None) -> None:
        if block is not None:
            self.blocks.append(block)
            self.provides.update(block.provides)

    def render(self) -> str:
        groups: dict[str, dict[str, list[str]]] = {}
        for b in self.blocks:
            for spec, name, kind in b.needs:
                g = groups.setdefault(spec, {"value": [], "type": [], "default": [], "side": []})
                if name not in g[kind]:
                    g[kind].append(name)
        # Packages first, then aliases, then relative paths; each group sorted by specifier.
        def order(spec: str) -> tuple[int, str]:
            return (2 if spec.startswith(".") else 1 if spec.startswith("@/") else 0, spec)

        lines = []
        if self.directive:
            lines += [f"'{self.directive}'", ""]
        for spec in sorted(groups, key=order):
            g = groups[spec]
            values = g["value"]
            types = [t for t in g["type"] if t not in values]
            if g["side"]:
                lines.append(f"import '{spec}'")
            if g["default"] and values:
                lines.append(f"import {g['default'][0]}, {{ {', '.join(sorted(values))} }} from '{spec}'")
            elif g["default"]:
                lines.append(f"import {g['default'][0]} from '{spec}'")
            elif values:
                lines.append(f"import {{ {', '.join(sorted(values))} }} from '{spec}'")
            if types:
                lines.append(f"import type {{ {', '.join(sorted(types))} }} from '{spec}'")
        if groups:
            lines.append("")
        text = "\n".join(lines) + ("\n" if lines else "")
        if self.top:
            text += self.top + "\n"
        text += "\n".join(b.text for b in self.blocks)
        return text


@dataclass
class Domain:
    model: Model
    app: str  # web | admin
    fns: dict[str, tuple[str, str]] = field(default_factory=dict)  # role -> (module, name)

    def module(self, kind: str) -> str:  # app-src-relative module path, no extension
        return f"lib/{self.model.slug}/{kind}"


# --------------------------------------------------------------------------------------------
# The generator


class Generator:
    def __init__(self, seed: int, target_lines: int) -> None:
        self.rng = random.Random(seed)
        self.target = target_lines
        self.names = Names()
        self.files: dict[str, str] = {}
        self.source_lines = 0
        self.models: list[Model] = []
        self.domains: list[Domain] = []
        self.model_words_used: dict[str, int] = {}
        self.spec_cache: dict[tuple[str, str, str], str] = {}

    # ---- bookkeeping ------------------------------------------------------------------------

    def emit(self, path: str, text: str, source: bool = True) -> None:
        assert path not in self.files, path
        self.files[path] = text
        if source:
            self.source_lines += text.count("\n")

    def emit_file(self, f: File) -> None:
        self.emit(f.path, f.render())

    def size(self, median: int, lo: int = 50, hi: int = 400, sigma: float = 0.45) -> int:
        return max(lo, min(hi, int(self.rng.lognormvariate(math.log(median), sigma))))

    def pick_kind(self, f: File | None, family: str, kinds: list[str]) -> str | None:
        """A filler kind this file does not have yet (a file repeating one helper looks generated)."""
        if f is None:
            return self.rng.choice(kinds)
        used = f.used.setdefault(family, [])
        left = [k for k in kinds if k not in used]
        if not left:
            return None
        kind = self.rng.choice(left)
        used.append(kind)
        return kind

    def fill(self, f: File, target: int, core: list, optional: list, filler) -> None:
        """Core blocks always; then optional ones in random order; then filler until `target`.
        Never past 400 lines, never under 50 when filler can help."""
        for make in core:
            f.add(make())
        opts = list(optional)
        self.rng.shuffle(opts)
        for make in opts:
            if f.lines() >= target:
                break
            if self.rng.random() < 0.35:
                continue
            block = make()
            if block is not None and f.lines() + block.lines <= 400:
                f.add(block)
        guard = 0
        while f.lines() < target and guard < 60:
            guard += 1
            block = filler()
            if block is None:
                break
            if f.lines() + block.lines > 400:
                break
            f.add(block)

    def spec(self, app: str, from_path: str, module: str) -> str:
        """Import specifier from file `from_path` (app-src-relative) to `module`."""
        key = (app, from_path, module)
        if key not in self.spec_cache:  # one specifier per module per file, or imports would clash
            from_dir = from_path.rsplit("/", 1)[0]
            mod_dir, mod_name = module.rsplit("/", 1)
            relative = from_dir == mod_dir and self.rng.random() < 0.5
            self.spec_cache[key] = "./" + mod_name if relative else "@/" + module
        return self.spec_cache[key]

    # ---- models -----------------------------------------------------------------------------

    def new_model(self) -> Model:
        rng = self.rng
        index = len(self.models)
        if index == 0:
            words = ["user"]
        elif index == 1:
            words = ["organization"]
        elif index - 2 < len(NOUNS):
            words = [NOUNS[index - 2]]
        else:
            while True:
                words = [rng.choice(AREAS), rng.choice(NOUNS)]
                key = "-".join(words)
                if key not in self.model_words_used:
                    break
        self.model_words_used["-".join(words)] = 1
        extras = rng.sample(EXTRA_FIELDS, rng.randint(3, 6))
        extras.sort(key=lambda f: EXTRA_FIELDS.index(f))
        if words == ["user"]:
            extras = [f for f in extras if f[0] != "email"] + [("email", "string", "String", "str")]
        model = Model(words=words, label=rng.choice(LABEL_FIELDS), statuses=rng.choice(STATUS_SETS), extras=extras)
        if index >= 1:
            candidates = self.models[:]
            k = 1 if index < 4 or rng.random() < 0.6 else 2
            parents = []
            for _ in range(k):
                # Prefer the hubs (user, organization) and recent models, like a growing schema.
                if rng.random() < 0.35:
                    p = candidates[rng.randrange(min(2, len(candidates)))]
                else:
                    p = candidates[max(0, len(candidates) - 1 - int(rng.expovariate(0.15)))]
                if p not in parents:
                    parents.append(p)
            model.parents = parents
            for p in parents:
                p.children.append(model)
        names = [model.name, model.name + "Dto", model.name + "Status", model.name + "Input",
                 model.name + "Filters", model.name + "Row"]
        self.names.reserve(*names)
        self.models.append(model)
        return model

    # ---- shared fragments ---------------------------------------------------------------------

    def select(self, m: Model, extra: int = 2) -> str:
        fields = ["id", m.label, "status"] + self.rng.sample([f[0] for f in m.extras], min(extra, len(m.extras)))
        fields += [m.fk(p) for p in m.parents[:1]]
        return "{ " + ", ".join(f"{f}: true" for f in fields) + " }"

    def statuses_union(self, m: Model) -> str:
        return " | ".join(f"'{s}'" for s in m.statuses)

    # ---- fixed files: root, packages, app scaffolding ------------------------------------------------

    def scaffold(self) -> None:
        self.names.reserve(
            "prisma", "globalForPrisma", "getSession", "requireSession", "requireRole", "Session",
            "HttpError", "json", "badRequest", "notFound", "unauthorized", "parsePagination",
            "withErrorHandling", "Pagination", "formatDate", "formatDateTime", "formatCurrency",
            "formatNumber", "formatPercent", "pluralize", "truncate", "initials", "relativeTime",
            "startOfDay", "addDays", "isSameDay", "daysBetween", "toIsoDate", "parseIsoDate",
            "chunk", "groupBy", "uniq", "uniqBy", "keyBy", "sortBy", "partition", "sum", "sumBy",
            "slugify", "capitalize", "camelToTitle", "escapeHtml", "sleep", "retry", "pMap",
            "debounce", "pick", "omit", "isPlainObject", "deepEqual", "Result", "ok", "err",
            "invariant", "assertNever", "Button", "Badge", "Card", "EmptyState", "PaginationBar",
            "Spinner", "Modal", "cn", "ButtonProps", "BadgeProps", "CardProps", "ModalProps",
            "RootLayout", "DashboardLayout", "HomePage", "middleware", "config", "metadata",
            "dynamic", "revalidate", "GET", "POST", "PATCH", "PUT", "DELETE", "main", "NAV_ITEMS",
            "AdminLayout", "AdminHomePage", "requireAdmin",
        )
        self.emit("package.json", T("""
            {
              "name": "acme",
              "private": true,
              "workspaces": ["apps/*", "packages/*"],
              "scripts": {
                "build": "turbo run build",
                "dev": "turbo run dev",
                "lint": "turbo run lint",
                "typecheck": "turbo run typecheck"
              },
              "devDependencies": {
                "turbo": "^2.3.0",
                "typescript": "^5.6.3"
              },
              "packageManager": "pnpm@9.12.3"
            }
        """), source=False)
        self.emit("turbo.json", T("""
            {
              "$schema": "https://turbo.build/schema.json",
              "tasks": {
                "build": { "dependsOn": ["^build"], "outputs": [".next/**", "!.next/cache/**"] },
                "dev": { "cache": false, "persistent": true },
                "lint": {},
                "typecheck": { "dependsOn": ["^build"] }
              }
            }
        """), source=False)
        self.emit("tsconfig.base.json", T("""
            {
              "compilerOptions": {
                "target": "ES2022",
                "lib": ["dom", "dom.iterable", "esnext"],
                "strict": true,
                "noEmit": true,
                "esModuleInterop": true,
                "module": "esnext",
                "moduleResolution": "bundler",
                "resolveJsonModule": true,
                "isolatedModules": true,
                "skipLibCheck": true,
                "jsx": "preserve"
              }
            }
        """), source=False)
        self.emit(".gitignore", "node_modules\n.next\n.turbo\ncoverage\n*.log\n", source=False)
        self.emit("README.md", T("""
            # acme

            Synthetic Next.js + Prisma monorepo generated by ceiling's `bench/gen-corpus.py`
            for benchmarking. Not a real application; do not edit by hand.
        """), source=False)
        for app, port in (("web", 3000), ("admin", 3001)):
            self.emit(f"apps/{app}/package.json", T("""
                {
                  "name": "@acme/{=app}",
                  "version": "0.1.0",
                  "private": true,
                  "scripts": {
                    "dev": "next dev -p {=port}",
                    "build": "prisma generate && next build",
                    "start": "next start -p {=port}",
                    "lint": "next lint",
                    "typecheck": "tsc --noEmit"
                  },
                  "dependencies": {
                    "@acme/ui": "workspace:*",
                    "@acme/utils": "workspace:*",
                    "@prisma/client": "^5.22.0",
                    "next": "15.0.3",
                    "react": "19.0.0",
                    "react-dom": "19.0.0",
                    "zod": "^3.23.8"
                  },
                  "devDependencies": {
                    "@types/node": "^20",
                    "@types/react": "^19",
                    "prisma": "^5.22.0",
                    "tsx": "^4.19.2"
                  }
                }
            """, app=app, port=port), source=False)
            self.emit(f"apps/{app}/tsconfig.json", T("""
                {
                  "extends": "../../tsconfig.base.json",
                  "compilerOptions": {
                    "incremental": true,
                    "plugins": [{ "name": "next" }],
                    "baseUrl": ".",
                    "paths": {
                      "@/*": ["./src/*"]
                    }
                  },
                  "include": ["next-env.d.ts", "**/*.ts", "**/*.tsx", ".next/types/**/*.ts"],
                  "exclude": ["node_modules"]
                }
            """), source=False)
            self.emit(f"apps/{app}/next-env.d.ts", T("""
                /// <reference types="next" />
                /// <reference types="next/image-types/global" />

                // NOTE: This file should not be edited
                // see https://nextjs.org/docs/app/building-your-application/configuring/typescript for more information.
            """), source=False)
            self.emit(f"apps/{app}/next.config.mjs", T("""
                /** @type {import('next').NextConfig} */
                const nextConfig = {
                  reactStrictMode: true,
                  transpilePackages: ['@acme/ui', '@acme/utils'],
                  experimental: {
                    serverActions: { bodySizeLimit: '2mb' },
                  },
                  async headers() {
                    return [
                      {
                        source: '/api/:path*',
                        headers: [{ key: 'Cache-Control', value: 'no-store' }],
                      },
                    ]
                  },
                }

                export default nextConfig
            """))
            self.emit(f"apps/{app}/src/lib/db.ts", T("""
                import { PrismaClient } from '@prisma/client'

                const globalForPrisma = globalThis as unknown as { prisma: PrismaClient | undefined }

                export const prisma =
                  globalForPrisma.prisma ??
                  new PrismaClient({
                    log: process.env.NODE_ENV === 'development' ? ['query', 'error', 'warn'] : ['error'],
                  })

                if (process.env.NODE_ENV !== 'production') globalForPrisma.prisma = prisma
            """))
            self.emit(f"apps/{app}/src/lib/auth.ts", T(AUTH_TS))
            self.emit(f"apps/{app}/src/lib/http.ts", T(HTTP_TS))
        self.emit("apps/web/src/utils/format.ts", T(FORMAT_TS))
        self.emit("apps/web/src/utils/dates.ts", T(DATES_TS))
        self.emit("apps/web/src/middleware.ts", T(MIDDLEWARE_TS))
        self.emit("apps/web/src/app/layout.tsx", T(ROOT_LAYOUT_TSX, title="Acme"))
        self.emit("apps/admin/src/app/layout.tsx", T(ROOT_LAYOUT_TSX, title="Acme Admin"))
        for pkg in ("ui", "utils"):
            self.emit(f"packages/{pkg}/package.json", T("""
                {
                  "name": "@acme/{=pkg}",
                  "version": "0.0.0",
                  "private": true,
                  "main": "./src/index.ts",
                  "types": "./src/index.ts",
                  "peerDependencies": { "react": "^19.0.0" }
                }
            """, pkg=pkg), source=False)
            self.emit(f"packages/{pkg}/tsconfig.json", T("""
                {
                  "extends": "../../tsconfig.base.json",
                  "include": ["src"]
                }
            """), source=False)
        for name, text in UTILS_PKG.items():
            self.emit(f"packages/utils/src/{name}.ts", T(text))
        self.emit("packages/utils/src/index.ts", T("""
            export * from './arrays'
            export * from './async'
            export * from './objects'
            export * from './result'
            export * from './strings'
        """))
        for name, text in UI_PKG.items():
            self.emit(f"packages/ui/src/{name}.tsx", T(text))
        self.emit("packages/ui/src/index.ts", T("""
            export { Badge } from './Badge'
            export type { BadgeProps } from './Badge'
            export { Button } from './Button'
            export type { ButtonProps } from './Button'
            export { Card } from './Card'
            export type { CardProps } from './Card'
            export { EmptyState } from './EmptyState'
            export { Modal } from './Modal'
            export type { ModalProps } from './Modal'
            export { PaginationBar } from './PaginationBar'
            export { Spinner } from './Spinner'
            export { cn } from './cn'
        """))
        self.emit("packages/ui/src/cn.ts", T("""
            /** Join class names, dropping falsy ones: cn('a', cond && 'b'). */
            export function cn(...classes: Array<string | false | null | undefined>): string {
              return classes.filter(Boolean).join(' ')
            }
        """))

    def finish(self) -> None:
        """Files that list every domain: the Prisma schema, the dashboard nav, the seed script."""
        web = [d for d in self.domains if d.app == "web"]
        admin = [d for d in self.domains if d.app == "admin"]
        self.emit("apps/web/prisma/schema.prisma", self.schema(), source=False)
        for app, domains in (("web", web), ("admin", admin)):
            items = "\n".join(
                f"{{ href: '/{d.model.slug}', label: '{d.model.humans.title()}' }}," for d in domains[:60]
            )
            self.emit(f"apps/{app}/src/app/(dashboard)/layout.tsx", T(DASHBOARD_LAYOUT_TSX, items=items or "{ href: '/', label: 'Home' },"))
        # The seed script: a loop of creates is normal in a script (ceiling rates it `info`).
        seeded = [d.model for d in web if not d.model.parents or d.model.parents[0].var == "user"][:8]
        bodies = []
        for m in seeded:
            data = ", ".join(self.seed_fields(m))
            bodies.append(T("""
                for (let i = 0; i < count; i++) {
                  await prisma.{=var}.create({
                    data: { {=data} },
                  })
                }
            """, var=m.var, data=data))
        self.emit("apps/web/prisma/seed.ts", T("""
            import { PrismaClient } from '@prisma/client'

            const prisma = new PrismaClient()

            async function main() {
              const count = Number(process.env.SEED_COUNT ?? 25)
              const owner = await prisma.user.upsert({
                where: { email: 'owner@example.com' },
                update: {},
                create: { email: 'owner@example.com', {=label}: 'Owner', status: '{=status}' },
              })
              const userId = owner.id
              {=bodies}
            }

            main()
              .then(() => prisma.$disconnect())
              .catch(async (error) => {
                console.error(error)
                await prisma.$disconnect()
                process.exit(1)
              })
        """, label=self.models[0].label, status=self.models[0].statuses[0], bodies="\n".join(bodies)))

    def seed_fields(self, m: Model) -> list[str]:
        out = [f"{m.label}: `{m.human} ${{i + 1}}`", f"status: '{m.statuses[0]}'"]
        for name, _, prisma_type, kind in m.extras:
            if prisma_type.endswith("?"):
                continue
            out.append({"num": f"{name}: i", "str": f"{name}: '{name}-' + i", "bool": f"{name}: i % 2 === 0",
                        "date": f"{name}: new Date()"}[kind])
        for p in m.parents:
            out.append(f"{m.fk(p)}: userId" if p.var == "user" else f"{m.fk(p)}: ''")
        return out

    def schema(self) -> str:
        out = [T("""
            generator client {
              provider = "prisma-client-js"
            }

            datasource db {
              provider = "postgresql"
              url      = env("DATABASE_URL")
            }
        """)]
        for m in self.models:
            lines = [f"model {m.name} {{", "  id        String   @id @default(cuid())",
                     "  createdAt DateTime @default(now())", "  updatedAt DateTime @updatedAt",
                     f"  {m.label} String", f"  status    String   @default(\"{m.statuses[0]}\")"]
            for name, _, prisma_type, _ in m.extras:
                if m.words == ["user"] and name == "email":
                    lines.append("  email     String   @unique")
                else:
                    lines.append(f"  {name} {prisma_type}")
            for p in m.parents:
                lines.append(f"  {m.fk(p)} String")
                lines.append(f"  {p.var} {p.name} @relation(fields: [{m.fk(p)}], references: [id])")
            for c in m.children:
                lines.append(f"  {c.vars} {c.name}[]")
            for p in m.parents:
                lines.append(f"\n  @@index([{m.fk(p)}])")
            lines.append("}")
            out.append("\n".join(lines) + "\n")
        return "\n".join(out)

    # ---- one domain = one model and everything about it -----------------------------------------

    def run(self) -> None:
        self.scaffold()
        while self.source_lines < self.target:
            model = self.new_model()
            app = "admin" if len(self.domains) >= 6 and self.rng.random() < 0.12 else "web"
            domain = Domain(model=model, app=app)
            self.domains.append(domain)
            self.gen_domain(domain)
        self.finish()

    def parent_domain(self, d: Domain) -> Domain | None:
        for p in d.model.parents:
            for other in self.domains:
                if other.model is p and other.app == d.app and "byId" in other.fns:
                    return other
        return None

    def gen_domain(self, d: Domain) -> None:
        rng = self.rng
        plan = [
            ("types", 0.6), ("mappers", 1.0), ("validation", 0.85), ("queries", 1.0),
            ("mutations", 0.9), ("service", 0.75), ("hook", 0.35), ("table", 0.9), ("form", 0.8),
            ("card", 0.55), ("filters", 0.4), ("list-page", 0.9), ("detail-page", 0.65),
            ("actions", 0.8), ("collection-route", 1.0), ("item-route", 0.9), ("nested-route", 0.6),
            ("export-route", 0.3), ("bulk-route", 0.3), ("script", 0.08),
        ]
        for kind, p in plan:
            if kind in ("mappers", "queries", "collection-route") or rng.random() < p:
                if self.source_lines >= self.target and kind not in ("mappers", "queries"):
                    continue
                getattr(self, "gen_" + kind.replace("-", "_"))(d)

    def path(self, d: Domain, rel: str) -> str:
        return f"apps/{d.app}/src/{rel}"

    # ---- lib/<domain>/types.ts ---------------------------------------------------------------

    def gen_types(self, d: Domain) -> None:
        m = d.model
        f = File(self.path(d, d.module("types") + ".ts"))
        rel_fields = "\n".join(f"{m.fk(p)}?: string" for p in m.parents)
        f.add(Block(T("""
            export type {=Name}Status = {=union}

            export const {=CONST}_STATUSES: readonly {=Name}Status[] = [{=list}]

            export const {=CONST}_STATUS_LABELS: Record<{=Name}Status, string> = {
              {=labels}
            }
        """, Name=m.name, union=self.statuses_union(m), CONST=const(m), list=", ".join(f"'{s}'" for s in m.statuses),
             labels="\n".join(f"{s}: '{s.replace('_', ' ').capitalize()}'," for s in m.statuses)),
            provides={"statuses": f"{const(m)}_STATUSES", "statusType": f"{m.name}Status"}))
        f.add(Block(T("""
            export type {=Name}Filters = {
              status?: {=Name}Status
              search?: string
              {=rel}
              cursor?: string
              take?: number
            }
        """, Name=m.name, rel=rel_fields)))
        sort_field = self.names.take(f"{m.name}SortField")
        f.add(Block(T("""
            export enum {=E} {
              CreatedAt = 'createdAt',
              UpdatedAt = 'updatedAt',
              {=Label} = '{=label}',
            }
        """, E=sort_field, Label=m.label.capitalize(), label=m.label)))
        iface = self.names.take(f"{m.name}Summary")
        nums = m.of_kind("num")
        f.add(Block(T("""
            export interface {=I} {
              total: number
              byStatus: Partial<Record<{=Name}Status, number>>
              {=nums}
              lastUpdatedAt: string | null
            }
        """, I=iface, Name=m.name, nums="\n".join(f"{n}Total: number" for n in nums))))
        d.fns["summaryType"] = (d.module("types"), iface)
        target = self.size(70, hi=160)
        self.fill(f, target, [], [], lambda: self.blk_const_table(m, f))
        self.emit_file(f)
        d.fns["types"] = (d.module("types"), m.name + "Status")

    def blk_const_table(self, m: Model, f: File | None = None) -> Block | None:
        rng = self.rng
        kind = self.pick_kind(f, "const", ["limits", "colors", "columns", "defaults"])
        if kind is None:
            return None
        if kind == "limits":
            name = self.names.take(f"{const(m)}_LIMITS")
            return Block(T("""
                export const {=N} = {
                  maxPageSize: {=a},
                  defaultPageSize: {=b},
                  maxBulkItems: {=c},
                  maxSearchLength: {=e},
                } as const
            """, N=name, a=rng.choice([100, 200, 500]), b=rng.choice([20, 25, 50]), c=rng.choice([500, 1000, 5000]), e=rng.choice([64, 100, 200])))
        if kind == "colors":
            name = self.names.take(f"{const(m)}_STATUS_COLORS")
            colors = ["gray", "blue", "green", "amber", "red", "violet", "teal"]
            return Block(T("""
                export const {=N}: Record<string, string> = {
                  {=rows}
                }
            """, N=name, rows="\n".join(f"{s}: 'bg-{colors[i % len(colors)]}-100 text-{colors[i % len(colors)]}-800'," for i, s in enumerate(m.statuses))))
        if kind == "columns":
            name = self.names.take(f"{const(m)}_COLUMNS")
            cols = ["id", m.label, "status"] + [e[0] for e in m.extras] + ["createdAt"]
            return Block(T("""
                export const {=N}: Array<{ key: string; header: string; width?: number }> = [
                  {=rows}
                ]
            """, N=name, rows="\n".join(f"{{ key: '{c}', header: '{camel_to_title(c)}', width: {rng.choice([80, 120, 160, 200])} }}," for c in cols)))
        name = self.names.take(f"DEFAULT_{const(m)}")
        rows = [f"{m.label}: ''", f"status: '{m.statuses[0]}'"]
        for n, ts, _, k in m.extras:
            rows.append(f"{n}: " + {"num": "0", "bool": "false", "optstr": "null", "str": "''", "optdate": "null", "date": "new Date(0)"}[k])
        return Block(T("""
            export const {=N} = {
              {=rows}
            }
        """, N=name, rows="\n".join(r + "," for r in rows)))

    # ---- lib/<domain>/mappers.ts (pure) --------------------------------------------------------

    def gen_mappers(self, d: Domain) -> None:
        m = d.model
        f = File(self.path(d, d.module("mappers") + ".ts"))
        dto_fields = [f"id: string", f"{m.label}: string", "status: string", "createdAt: string", "updatedAt: string"]
        assigns = [f"id: row.id", f"{m.label}: row.{m.label}", "status: row.status",
                   "createdAt: row.createdAt.toISOString()", "updatedAt: row.updatedAt.toISOString()"]
        for n, ts, _, k in m.extras:
            if k in ("date", "optdate"):
                dto_fields.append(f"{n}: string | null")
                assigns.append(f"{n}: row.{n} ? row.{n}.toISOString() : null")
            else:
                dto_fields.append(f"{n}: {ts}")
                assigns.append(f"{n}: row.{n}")
        for p in m.parents:
            dto_fields.append(f"{m.fk(p)}: string")
            assigns.append(f"{m.fk(p)}: row.{m.fk(p)}")
        to_dto = f"to{m.name}Dto"
        self.names.reserve(to_dto)
        f.add(Block(T("""
            export type {=Name}Dto = {
              {=fields}
            }

            /** Serialise a row for the client: dates as ISO strings. */
            export function {=fn}(row: {=Name}): {=Name}Dto {
              return {
                {=assigns}
              }
            }
        """, Name=m.name, fields="\n".join(dto_fields), fn=to_dto, assigns="\n".join(a + "," for a in assigns)),
            needs=[("@prisma/client", m.name, "type")], provides={"dtoType": m.name + "Dto", "toDto": to_dto}))
        d.fns["toDto"] = (d.module("mappers"), to_dto)
        d.fns["dtoType"] = (d.module("mappers"), m.name + "Dto")
        core = [lambda: self.blk_group_by_status(m), lambda: self.blk_compare(m)]
        optional = [lambda: self.blk_totals(m), lambda: self.blk_status_label(m), lambda: self.blk_is_active(m),
                    lambda: self.blk_csv_row(m), lambda: self.blk_diff(m), lambda: self.blk_search_index(m)]
        self.fill(f, self.size(140), core, optional, lambda: self.blk_pure_filler(m, f))
        for role in ("groupByStatus", "compare", "totals", "statusLabel", "isActive", "csvRow"):
            if role in f.provides:
                d.fns[role] = (d.module("mappers"), f.provides[role])
        self.emit_file(f)

    def blk_group_by_status(self, m: Model) -> Block:
        fn = self.names.take(f"group{m.plural}ByStatus")
        return Block(T("""
            /** Bucket rows by status, keeping their order. */
            export function {=fn}<T extends Pick<{=Name}, 'status'>>(rows: T[]): Record<string, T[]> {
              const groups: Record<string, T[]> = {}
              for (const row of rows) {
                const bucket = groups[row.status] ?? (groups[row.status] = [])
                bucket.push(row)
              }
              return groups
            }
        """, fn=fn, Name=m.name), needs=[("@prisma/client", m.name, "type")], provides={"groupByStatus": fn})

    def blk_compare(self, m: Model) -> Block:
        field_ = self.rng.choice([m.label] + m.of_kind("num", "str") + ["createdAt"])
        fn = self.names.take(f"compare{m.plural}By{field_[0].upper() + field_[1:]}")
        ts = m.ts_type(field_) if field_ in m.of_kind("num", "str") else ("Date" if field_ == "createdAt" else "string")
        if ts == "number":
            body = f"return direction * (a.{field_} - b.{field_})"
        elif ts == "Date":
            body = f"return direction * (a.{field_}.getTime() - b.{field_}.getTime())"
        else:
            body = f"return direction * a.{field_}.localeCompare(b.{field_})"
        return Block(T("""
            export function {=fn}(a: {=Name}, b: {=Name}, direction: 1 | -1 = 1): number {
              {=body}
            }
        """, fn=fn, Name=m.name, body=body), needs=[("@prisma/client", m.name, "type")], provides={"compare": fn})

    def blk_totals(self, m: Model) -> Block | None:
        nums = m.of_kind("num")
        if not nums:
            return None
        fn = self.names.take(f"summarize{m.plural}")
        inits = "\n".join(f"{n}: 0," for n in nums)
        adds = "\n".join(f"totals.{n} += row.{n}" for n in nums)
        return Block(T("""
            /** Sum the numeric columns of a page of rows. */
            export function {=fn}(rows: Array<Pick<{=Name}, {=keys}>>) {
              const totals = {
                {=inits}
                count: 0,
              }
              for (const row of rows) {
                {=adds}
                totals.count += 1
              }
              return totals
            }
        """, fn=fn, Name=m.name, keys=" | ".join(f"'{n}'" for n in nums), inits=inits, adds=adds),
            needs=[("@prisma/client", m.name, "type")], provides={"totals": fn})

    def blk_status_label(self, m: Model) -> Block:
        fn = self.names.take(f"{m.var}StatusLabel")
        cases = "\n".join(f"case '{s}':\n  return '{s.replace('_', ' ').capitalize()}'" for s in m.statuses)
        return Block(T("""
            export function {=fn}(status: string): string {
              switch (status) {
                {=cases}
                default:
                  return status
              }
            }
        """, fn=fn, cases=cases), provides={"statusLabel": fn})

    def blk_is_active(self, m: Model) -> Block:
        fn = self.names.take(f"is{m.name}{m.statuses[1].replace('_', ' ').title().replace(' ', '')}")
        return Block(T("""
            export function {=fn}(row: { status: string }): boolean {
              return row.status === '{=s}'
            }
        """, fn=fn, s=m.statuses[1]), provides={"isActive": fn})

    def blk_csv_row(self, m: Model) -> Block:
        fn = self.names.take(f"{m.var}ToCsvRow")
        cols = ["id", m.label, "status"] + [e[0] for e in m.extras[:3]]
        return Block(T("""
            const {=H} = [{=cols}]

            function {=esc}(value: unknown): string {
              const text = value instanceof Date ? value.toISOString() : String(value ?? '')
              return /[",\\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
            }

            export function {=fn}(row: {=Name}, header = false): string {
              if (header) return {=H}.join(',')
              return [{=vals}].map({=esc}).join(',')
            }
        """, H=self.names.take(f"{const(m)}_CSV_HEADER"), esc=self.names.take(f"escape{m.name}Cell"), fn=fn, Name=m.name,
             cols=", ".join(f"'{c}'" for c in cols), vals=", ".join(f"row.{c}" for c in cols)),
            needs=[("@prisma/client", m.name, "type")], provides={"csvRow": fn})

    def blk_diff(self, m: Model) -> Block:
        fn = self.names.take(f"diff{m.name}")
        keys = [m.label, "status"] + [e[0] for e in m.extras]
        return Block(T("""
            /** The fields that changed between two versions of a row, for the audit log. */
            export function {=fn}(before: {=Name}, after: {=Name}): string[] {
              const keys = [{=keys}] as const
              const changed: string[] = []
              for (const key of keys) {
                const a: unknown = before[key]
                const b: unknown = after[key]
                const same = a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b
                if (!same) changed.push(key)
              }
              return changed
            }
        """, fn=fn, Name=m.name, keys=", ".join(f"'{k}'" for k in keys)), needs=[("@prisma/client", m.name, "type")])

    def blk_search_index(self, m: Model) -> Block:
        fn = self.names.take(f"build{m.name}SearchIndex")
        strs = [m.label] + [n for n in m.of_kind("str", "optstr")][:2]
        return Block(T("""
            /** A lowercase token index for client-side filtering. */
            export function {=fn}(rows: {=Name}[]): Map<string, string[]> {
              const index = new Map<string, string[]>()
              for (const row of rows) {
                const text = [{=fields}].filter(Boolean).join(' ').toLowerCase()
                for (const token of text.split(/\\s+/)) {
                  if (token.length < 2) continue
                  const ids = index.get(token)
                  if (ids) ids.push(row.id)
                  else index.set(token, [row.id])
                }
              }
              return index
            }
        """, fn=fn, Name=m.name, fields=", ".join(f"row.{s}" for s in strs)), needs=[("@prisma/client", m.name, "type")])

    def blk_pure_filler(self, m: Model, f: File) -> Block | None:
        rng = self.rng
        kinds = ["format", "clamp", "validate", "pick", "reduce", "class", "const", "transitions", "where",
                 "error", "percentile", "csvparse", "merge", "querystring"]
        kind = self.pick_kind(f, "pure", kinds)
        if kind is None:
            return None
        if kind == "transitions":
            table = self.names.take(f"{const(m)}_TRANSITIONS")
            fn = self.names.take(f"can{m.name}Transition")
            fn2 = self.names.take(f"next{m.name}Statuses")
            rows = "\n".join(f"{s}: [{', '.join(repr(t) for t in m.statuses[i + 1:])}]," for i, s in enumerate(m.statuses))
            return Block(T("""
                const {=TABLE}: Record<string, readonly string[]> = {
                  {=rows}
                }

                export function {=fn}(from: string, to: string): boolean {
                  return ({=TABLE}[from] ?? []).includes(to)
                }

                export function {=fn2}(from: string): string[] {
                  return [...({=TABLE}[from] ?? [])]
                }
            """, TABLE=table, rows=rows, fn=fn, fn2=fn2))
        if kind == "where":
            fn = self.names.take(f"build{m.name}Where")
            return Block(T("""
                /** The Prisma `where` for the list filters. */
                export function {=fn}(filters: { status?: string; search?: string; from?: Date; to?: Date }) {
                  const where: Record<string, unknown> = {}
                  if (filters.status) where.status = filters.status
                  if (filters.search) where.{=label} = { contains: filters.search, mode: 'insensitive' }
                  if (filters.from || filters.to) {
                    where.createdAt = {
                      ...(filters.from ? { gte: filters.from } : {}),
                      ...(filters.to ? { lte: filters.to } : {}),
                    }
                  }
                  return where
                }
            """, fn=fn, label=m.label))
        if kind == "error":
            cls = self.names.take(f"{m.name}NotFoundError")
            return Block(T("""
                export class {=C} extends Error {
                  readonly code = '{=CODE}_NOT_FOUND'

                  constructor(readonly id: string) {
                    super(`{=Human} ${id} was not found`)
                    this.name = '{=C}'
                  }
                }
            """, C=cls, CODE=const(m), Human=m.human.capitalize()))
        if kind == "percentile":
            nums = m.of_kind("num")
            if not nums:
                return self.blk_pure_filler(m, f)
            num = rng.choice(nums)
            fn = self.names.take(f"{m.var}{num[0].upper() + num[1:]}Percentile")
            return Block(T("""
                export function {=fn}(rows: Array<{ {=num}: number }>, p = 0.5): number {
                  if (rows.length === 0) return 0
                  const sorted = rows.map((row) => row.{=num}).sort((a, b) => a - b)
                  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))
                  return sorted[index]
                }
            """, fn=fn, num=num))
        if kind == "csvparse":
            fn = self.names.take(f"parse{m.name}Csv")
            return Block(T("""
                /** Parse an uploaded CSV (header row first) into plain records. */
                export function {=fn}(text: string): Array<Record<string, string>> {
                  const [headerLine, ...lines] = text.split(/\\r?\\n/).filter((line) => line.trim() !== '')
                  if (!headerLine) return []
                  const headers = headerLine.split(',').map((header) => header.trim())
                  const records: Array<Record<string, string>> = []
                  for (const line of lines) {
                    const cells = line.split(',')
                    const record: Record<string, string> = {}
                    headers.forEach((header, index) => {
                      record[header] = (cells[index] ?? '').trim()
                    })
                    records.push(record)
                  }
                  return records
                }
            """, fn=fn))
        if kind == "merge":
            fn = self.names.take(f"merge{m.plural}")
            return Block(T("""
                /** Merge fresh rows into a cached list; the newest version of a row wins. */
                export function {=fn}<T extends { id: string; updatedAt: Date }>(current: T[], incoming: T[]): T[] {
                  const byId = new Map(current.map((row) => [row.id, row]))
                  for (const row of incoming) {
                    const existing = byId.get(row.id)
                    if (!existing || existing.updatedAt < row.updatedAt) byId.set(row.id, row)
                  }
                  return [...byId.values()]
                }
            """, fn=fn))
        if kind == "querystring":
            fn = self.names.take(f"{m.vars}Href")
            return Block(T("""
                export function {=fn}(filters: { status?: string; q?: string; cursor?: string; take?: number } = {}): string {
                  const params = new URLSearchParams()
                  for (const [key, value] of Object.entries(filters)) {
                    if (value !== undefined && value !== '') params.set(key, String(value))
                  }
                  const query = params.toString()
                  return query ? `/{=slug}?${query}` : '/{=slug}'
                }
            """, fn=fn, slug=m.slug))
        if kind == "format":
            fld = rng.choice([m.label] + m.of_kind("str"))
            fn = self.names.take(f"format{m.name}{fld[0].upper() + fld[1:]}")
            return Block(T("""
                export function {=fn}(value: string | null | undefined, maxLength = {=n}): string {
                  const text = (value ?? '').trim().replace(/\\s+/g, ' ')
                  if (!text) return '—'
                  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text
                }
            """, fn=fn, n=rng.choice([24, 40, 64, 80])))
        if kind == "clamp":
            fld = rng.choice(m.of_kind("num") or ["position"])
            fn = self.names.take(f"normalize{m.name}{fld[0].upper() + fld[1:]}")
            return Block(T("""
                export function {=fn}(value: unknown, fallback = 0): number {
                  const n = typeof value === 'number' ? value : Number.parseFloat(String(value))
                  if (!Number.isFinite(n)) return fallback
                  return Math.min(Math.max(n, {=lo}), {=hi})
                }
            """, fn=fn, lo=0, hi=rng.choice([100, 1000, 10_000, 1_000_000])))
        if kind == "validate":
            fn = self.names.take(f"assertValid{m.name}Id")
            return Block(T("""
                const {=RE} = /^c[a-z0-9]{24}$/

                export function {=fn}(value: string): asserts value is string {
                  if (!{=RE}.test(value)) {
                    throw new Error(`Invalid {=human} id: ${value}`)
                  }
                }
            """, RE=self.names.take(f"{const(m)}_ID_PATTERN"), fn=fn, human=m.human))
        if kind == "pick":
            fn = self.names.take(f"pick{m.name}Changes")
            keys = [m.label, "status"] + [e[0] for e in m.extras if e[3] in ("num", "str", "optstr", "bool")]
            return Block(T("""
                export function {=fn}(input: Record<string, unknown>) {
                  const allowed = new Set([{=keys}])
                  const changes: Record<string, unknown> = {}
                  for (const [key, value] of Object.entries(input)) {
                    if (allowed.has(key) && value !== undefined) changes[key] = value
                  }
                  return changes
                }
            """, fn=fn, keys=", ".join(f"'{k}'" for k in keys)))
        if kind == "reduce":
            fn = self.names.take(f"count{m.plural}ByDay")
            return Block(T("""
                export function {=fn}(rows: Array<{ createdAt: Date }>): Array<{ day: string; count: number }> {
                  const counts = rows.reduce<Record<string, number>>((acc, row) => {
                    const day = row.createdAt.toISOString().slice(0, 10)
                    acc[day] = (acc[day] ?? 0) + 1
                    return acc
                  }, {})
                  return Object.entries(counts)
                    .sort(([a], [b]) => a.localeCompare(b))
                    .map(([day, count]) => ({ day, count }))
                }
            """, fn=fn))
        if kind == "class":
            cls = self.names.take(f"{m.name}Cache")
            return Block(T("""
                /** A small TTL cache for {=humans} looked up repeatedly within one request. */
                export class {=C}<V> {
                  private readonly entries = new Map<string, { value: V; expiresAt: number }>()

                  constructor(private readonly ttlMs = {=ttl}) {}

                  get(key: string): V | undefined {
                    const entry = this.entries.get(key)
                    if (!entry) return undefined
                    if (entry.expiresAt < Date.now()) {
                      this.entries.delete(key)
                      return undefined
                    }
                    return entry.value
                  }

                  set(key: string, value: V): void {
                    this.entries.set(key, { value, expiresAt: Date.now() + this.ttlMs })
                  }

                  clear(): void {
                    this.entries.clear()
                  }
                }
            """, C=cls, humans=m.humans, ttl=rng.choice([5_000, 30_000, 60_000])))
        return self.blk_const_table(m, f) or self.blk_pure_filler(m, f)

    # ---- lib/<domain>/validation.ts (pure) -----------------------------------------------------

    def gen_validation(self, d: Domain) -> None:
        m = d.model
        f = File(self.path(d, d.module("validation") + ".ts"))
        schema = self.names.take(f"{m.var}InputSchema")
        zfields = [f"{m.label}: z.string().trim().min(1).max(200),",
                   f"status: z.enum([{', '.join(repr(s) for s in m.statuses)}]).default('{m.statuses[0]}'),"]
        for n, ts, _, k in m.extras:
            zfields.append(f"{n}: " + {
                "num": "z.coerce.number().int().min(0)," if n != "score" and n != "weight" else "z.coerce.number().min(0),",
                "str": "z.string().email()," if n == "email" else "z.string().min(1).max(64),",
                "optstr": "z.string().max(2000).nullable().default(null),",
                "bool": "z.coerce.boolean().default(false),",
                "date": "z.coerce.date(),",
                "optdate": "z.coerce.date().nullable().default(null),",
            }[k])
        for p in m.parents:
            zfields.append(f"{m.fk(p)}: z.string().min(1),")
        f.add(Block(T("""
            export const {=S} = z.object({
              {=fields}
            })

            export type {=Name}Input = z.infer<typeof {=S}>
        """, S=schema, fields="\n".join(zfields), Name=m.name), needs=[("zod", "z", "value")]))
        parse = self.names.take(f"parse{m.name}Input")
        f.add(Block(T("""
            export type {=R} =
              | { ok: true; value: {=Name}Input }
              | { ok: false; errors: Record<string, string> }

            /** Validate a request body; errors are keyed by field for the form. */
            export function {=fn}(body: unknown): {=R} {
              const parsed = {=S}.safeParse(body)
              if (parsed.success) return { ok: true, value: parsed.data }
              const errors: Record<string, string> = {}
              for (const issue of parsed.error.issues) {
                const key = issue.path.join('.') || 'form'
                if (!(key in errors)) errors[key] = issue.message
              }
              return { ok: false, errors }
            }
        """, R=self.names.take(f"{m.name}ParseResult"), Name=m.name, fn=parse, S=schema)))
        d.fns["parseInput"] = (d.module("validation"), parse)
        d.fns["inputType"] = (d.module("validation"), m.name + "Input")
        filters = self.names.take(f"parse{m.name}Filters")
        rel = "\n".join(f"{m.fk(p)}: params.get('{m.fk(p)}') ?? undefined," for p in m.parents)
        f.add(Block(T("""
            const {=STATUSES} = new Set<string>([{=statuses}])

            export function {=fn}(params: URLSearchParams) {
              const status = params.get('status')
              const take = Number(params.get('take') ?? {=take})
              return {
                status: status && {=STATUSES}.has(status) ? status : undefined,
                search: params.get('q')?.trim() || undefined,
                {=rel}
                cursor: params.get('cursor') ?? undefined,
                take: Number.isFinite(take) ? Math.min(Math.max(take, 1), 100) : {=take},
              }
            }
        """, STATUSES=self.names.take(f"KNOWN_{const(m)}_STATUSES"), statuses=", ".join(f"'{s}'" for s in m.statuses),
             fn=filters, rel=rel, take=self.rng.choice([20, 25, 50]))))
        d.fns["parseFilters"] = (d.module("validation"), filters)
        self.fill(f, self.size(110), [], [lambda: self.blk_update_schema(m)], lambda: self.blk_pure_filler(m, f))
        if "updateSchema" in f.provides:
            d.fns["updateSchema"] = (d.module("validation"), f.provides["updateSchema"])
        self.emit_file(f)

    def blk_update_schema(self, m: Model) -> Block:
        name = self.names.take(f"{m.var}UpdateSchema")
        return Block(T("""
            export const {=N} = z
              .object({
                {=label}: z.string().trim().min(1).max(200).optional(),
                status: z.enum([{=statuses}]).optional(),
              })
              .refine((value) => Object.keys(value).length > 0, { message: 'Nothing to update' })
        """, N=name, label=m.label, statuses=", ".join(f"'{s}'" for s in m.statuses)),
            needs=[("zod", "z", "value")], provides={"updateSchema": name})

    # ---- lib/<domain>/queries.ts (reads) -------------------------------------------------------

    def gen_queries(self, d: Domain) -> None:
        m = d.model
        f = File(self.path(d, d.module("queries") + ".ts"))
        db = ("@/lib/db", "prisma", "value")
        by_id = f"get{m.name}ById"
        by_ids = f"get{m.plural}ByIds"
        recent = f"listRecent{m.plural}"
        self.names.reserve(by_id, by_ids, recent)
        f.add(Block(T("""
            /** One {=human} by id, or null. */
            export async function {=fn}(id: string) {
              return prisma.{=var}.findUnique({
                where: { id },
                select: {=select},
              })
            }
        """, human=m.human, fn=by_id, var=m.var, select=self.select(m)), needs=[db]))
        f.add(Block(T("""
            /** Batched: any number of {=humans} in one query. */
            export async function {=fn}(ids: string[]) {
              if (ids.length === 0) return []
              return prisma.{=var}.findMany({
                where: { id: { in: ids } },
              })
            }
        """, humans=m.humans, fn=by_ids, var=m.var), needs=[db]))
        f.add(Block(T("""
            export async function {=fn}(take = {=take}) {
              return prisma.{=var}.findMany({
                orderBy: { createdAt: 'desc' },
                take,
              })
            }
        """, fn=recent, var=m.var, take=self.rng.choice([20, 50, 100])), needs=[db]))
        d.fns.update({"byId": (d.module("queries"), by_id), "byIds": (d.module("queries"), by_ids),
                      "recent": (d.module("queries"), recent)})
        optional = [lambda: self.blk_list_by_parent(m, d), lambda: self.blk_count_by_status(m),
                    lambda: self.blk_group_count(m), lambda: self.blk_search(m), lambda: self.blk_retry(m),
                    lambda: self.blk_paginate_all(m), lambda: self.blk_with_parent(m)]
        self.fill(f, self.size(150), [lambda: self.blk_list_by_parent(m, d)] if m.parents else [], optional,
                  lambda: self.blk_pure_filler(m, f))
        for role in ("byParent", "countByStatus", "search", "withRetry", "paginateAll", "withParent", "groupCount"):
            if role in f.provides:
                d.fns[role] = (d.module("queries"), f.provides[role])
        self.emit_file(f)

    def blk_list_by_parent(self, m: Model, d: Domain) -> Block | None:
        if not m.parents:
            return None
        p = m.parents[0]
        fn = self.names.take(f"list{m.plural}By{p.name}")
        return Block(T("""
            export async function {=fn}({=fk}: string, options: { take?: number; status?: string } = {}) {
              return prisma.{=var}.findMany({
                where: { {=fk}, ...(options.status ? { status: options.status } : {}) },
                orderBy: { createdAt: 'desc' },
                take: options.take ?? 50,
              })
            }
        """, fn=fn, fk=m.fk(p), var=m.var), needs=[("@/lib/db", "prisma", "value")], provides={"byParent": fn})

    def blk_count_by_status(self, m: Model) -> Block:
        fn = self.names.take(f"count{m.plural}ByStatus")
        # A loop over a literal list: bounded, ceiling must not call it N+1.
        return Block(T("""
            /** Counts for the dashboard tiles; the status list is fixed and short. */
            export async function {=fn}() {
              const counts: Record<string, number> = {}
              for (const status of [{=statuses}] as const) {
                counts[status] = await prisma.{=var}.count({ where: { status } })
              }
              return counts
            }
        """, fn=fn, statuses=", ".join(f"'{s}'" for s in m.statuses), var=m.var),
            needs=[("@/lib/db", "prisma", "value")], provides={"countByStatus": fn})

    def blk_group_count(self, m: Model) -> Block:
        fn = self.names.take(f"count{m.plural}GroupedByStatus")
        return Block(T("""
            /** Same numbers as a loop of counts, in one query. */
            export async function {=fn}() {
              const groups = await prisma.{=var}.groupBy({
                by: ['status'],
                _count: { _all: true },
              })
              return Object.fromEntries(groups.map((group) => [group.status, group._count._all]))
            }
        """, fn=fn, var=m.var), needs=[("@/lib/db", "prisma", "value")], provides={"groupCount": fn})

    def blk_search(self, m: Model) -> Block:
        fn = self.names.take(f"search{m.plural}")
        return Block(T("""
            export async function {=fn}(query: string, take = 20) {
              const term = query.trim()
              if (term.length < 2) return []
              return prisma.{=var}.findMany({
                where: {
                  OR: [
                    { {=label}: { contains: term, mode: 'insensitive' } },
                    { id: term },
                  ],
                },
                orderBy: { updatedAt: 'desc' },
                take,
              })
            }
        """, fn=fn, var=m.var, label=m.label), needs=[("@/lib/db", "prisma", "value")], provides={"search": fn})

    def blk_retry(self, m: Model) -> Block:
        fn = self.names.take(f"get{m.name}WithRetry")
        return Block(T("""
            /** Serverless Postgres sometimes drops the first connection: retry a few times. */
            export async function {=fn}(id: string, attempts = 3) {
              let lastError: unknown
              for (let attempt = 0; attempt < attempts; attempt++) {
                try {
                  return await prisma.{=var}.findUnique({ where: { id } })
                } catch (error) {
                  lastError = error
                  await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt))
                }
              }
              throw lastError
            }
        """, fn=fn, var=m.var), needs=[("@/lib/db", "prisma", "value")], provides={"withRetry": fn})

    def blk_paginate_all(self, m: Model) -> Block:
        fn = self.names.take(f"forEach{m.name}Page")
        return Block(T("""
            /** Walk the whole table page by page (cursor pagination), for exports and jobs. */
            export async function {=fn}(pageSize: number, visit: (rows: {=Name}[]) => Promise<void> | void) {
              let cursor: string | undefined
              while (true) {
                const page = await prisma.{=var}.findMany({
                  take: pageSize,
                  ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
                  orderBy: { id: 'asc' },
                })
                if (page.length === 0) break
                await visit(page)
                cursor = page[page.length - 1].id
              }
            }
        """, fn=fn, var=m.var, Name=m.name), needs=[("@/lib/db", "prisma", "value"), ("@prisma/client", m.name, "type")],
            provides={"paginateAll": fn})

    def blk_with_parent(self, m: Model) -> Block | None:
        if not m.parents:
            return None
        p = m.parents[0]
        fn = self.names.take(f"list{m.plural}With{p.name}")
        return Block(T("""
            /** Rows with their {=phuman} loaded by the same query (`include`), not one by one. */
            export async function {=fn}(take = 50) {
              return prisma.{=var}.findMany({
                include: { {=pvar}: true },
                orderBy: { createdAt: 'desc' },
                take,
              })
            }
        """, fn=fn, var=m.var, pvar=p.var, phuman=p.human), needs=[("@/lib/db", "prisma", "value")], provides={"withParent": fn})

    # ---- lib/<domain>/mutations.ts -------------------------------------------------------------

    def gen_mutations(self, d: Domain) -> None:
        m = d.model
        f = File(self.path(d, d.module("mutations") + ".ts"))
        db = ("@/lib/db", "prisma", "value")
        create = self.names.take(f"create{m.name}")
        update = self.names.take(f"update{m.name}Status")
        delete = self.names.take(f"delete{m.name}")
        input_need = [(self.mod_spec(d, f, "inputType"), d.fns["inputType"][1], "type")] if "inputType" in d.fns else []
        input_t = f"{m.name}Input" if input_need else "Prisma." + m.name + "UncheckedCreateInput"
        prisma_ns = [] if input_need else [("@prisma/client", "Prisma", "type")]
        f.add(Block(T("""
            export async function {=fn}(input: {=I}) {
              return prisma.{=var}.create({ data: input })
            }

            export async function {=upd}(id: string, status: string) {
              return prisma.{=var}.update({
                where: { id },
                data: { status },
              })
            }

            export async function {=del}(id: string) {
              await prisma.{=var}.delete({ where: { id } })
            }
        """, fn=create, I=input_t, var=m.var, upd=update, del_=delete, **{"del": delete}),
            needs=[db] + input_need + prisma_ns))
        d.fns.update({"create": (d.module("mutations"), create), "updateStatus": (d.module("mutations"), update),
                      "delete": (d.module("mutations"), delete)})
        optional = [lambda: self.blk_write_loop(m, d, f), lambda: self.blk_create_many(m, d, f),
                    lambda: self.blk_archive_many(m), lambda: self.blk_transaction(m),
                    lambda: self.blk_reorder(m), lambda: self.blk_upsert_loop(m)]
        self.fill(f, self.size(140), [], optional, lambda: self.blk_pure_filler(m, f))
        for role in ("importLoop", "importBatched", "archiveMany", "reorder"):
            if role in f.provides:
                d.fns[role] = (d.module("mutations"), f.provides[role])
        self.emit_file(f)

    def mod_spec(self, d: Domain, f: File, role: str) -> str:
        module = d.fns[role][0]
        from_rel = f.path.split("/src/", 1)[1]
        return self.spec(d.app, from_rel, module)

    def blk_write_loop(self, m: Model, d: Domain, f: File) -> Block:
        fn = self.names.take(f"import{m.plural}")
        need = [(self.mod_spec(d, f, "inputType"), d.fns["inputType"][1], "type")] if "inputType" in d.fns else []
        row_t = f"{m.name}Input" if need else "Record<string, unknown>"
        data = "row" if need else "row as never"
        return Block(T("""
            /** Import rows from a CSV upload, one insert per row. */
            export async function {=fn}(rows: {=R}[]) {
              const created: string[] = []
              for (const row of rows) {
                const record = await prisma.{=var}.create({ data: {=data} })
                created.push(record.id)
              }
              return created
            }
        """, fn=fn, R=row_t, var=m.var, data=data), needs=[("@/lib/db", "prisma", "value")] + need, provides={"importLoop": fn})

    def blk_create_many(self, m: Model, d: Domain, f: File) -> Block:
        fn = self.names.take(f"import{m.plural}Batched")
        need = [(self.mod_spec(d, f, "inputType"), d.fns["inputType"][1], "type")] if "inputType" in d.fns else []
        row_t = f"{m.name}Input" if need else "Record<string, unknown>"
        data = "rows" if need else "rows as never"
        return Block(T("""
            /** Import rows in one statement per chunk of 1,000. */
            export async function {=fn}(rows: {=R}[]) {
              let count = 0
              for (let i = 0; i < rows.length; i += 1000) {
                const chunk = rows.slice(i, i + 1000)
                const result = await prisma.{=var}.createMany({ data: {=data}, skipDuplicates: true })
                count += result.count
              }
              return count
            }
        """, fn=fn, R=row_t, var=m.var, data=data.replace("rows", "chunk")), needs=[("@/lib/db", "prisma", "value")] + need,
            provides={"importBatched": fn})

    def blk_archive_many(self, m: Model) -> Block:
        fn = self.names.take(f"set{m.plural}Status")
        return Block(T("""
            export async function {=fn}(ids: string[], status: string) {
              if (ids.length === 0) return 0
              const result = await prisma.{=var}.updateMany({
                where: { id: { in: ids } },
                data: { status },
              })
              return result.count
            }
        """, fn=fn, var=m.var), needs=[("@/lib/db", "prisma", "value")], provides={"archiveMany": fn})

    def blk_transaction(self, m: Model) -> Block:
        fn = self.names.take(f"replace{m.name}")
        return Block(T("""
            /** Swap a row for a fresh copy atomically. */
            export async function {=fn}(id: string, {=label}: string) {
              return prisma.$transaction(async (tx) => {
                const current = await tx.{=var}.findUniqueOrThrow({ where: { id } })
                await tx.{=var}.update({ where: { id }, data: { status: '{=last}' } })
                return tx.{=var}.create({
                  data: { ...current, id: undefined, {=label}, status: '{=first}', createdAt: undefined, updatedAt: undefined },
                })
              })
            }
        """, fn=fn, var=m.var, label=m.label, first=m.statuses[0], last=m.statuses[-1]),
            needs=[("@/lib/db", "prisma", "value")])

    def blk_reorder(self, m: Model) -> Block:
        fn = self.names.take(f"reorder{m.plural}")
        return Block(T("""
            /** Persist a drag-and-drop order: one update per row. */
            export async function {=fn}(orderedIds: string[]) {
              for (const [index, id] of orderedIds.entries()) {
                await prisma.{=var}.update({
                  where: { id },
                  data: { updatedAt: new Date(Date.now() + index) },
                })
              }
            }
        """, fn=fn, var=m.var), needs=[("@/lib/db", "prisma", "value")], provides={"reorder": fn})

    def blk_upsert_loop(self, m: Model) -> Block:
        fn = self.names.take(f"sync{m.plural}")
        return Block(T("""
            /** Mirror rows from an external system, in a transaction of upserts. */
            export async function {=fn}(rows: Array<{ id: string; {=label}: string; status: string }>) {
              return prisma.$transaction(
                rows.map((row) =>
                  prisma.{=var}.upsert({
                    where: { id: row.id },
                    update: { {=label}: row.{=label}, status: row.status },
                    create: { id: row.id, {=label}: row.{=label}, status: row.status } as never,
                  }),
                ),
              )
            }
        """, fn=fn, var=m.var, label=m.label), needs=[("@/lib/db", "prisma", "value")])

    # ---- lib/<domain>/service.ts (composition, cross-file) ------------------------------------

    def gen_service(self, d: Domain) -> None:
        m = d.model
        f = File(self.path(d, d.module("service") + ".ts"))
        pd = self.parent_domain(d)
        core = []
        optional = [lambda: self.blk_batched_parents(m, d, pd, f), lambda: self.blk_stats(m, d, f),
                    lambda: self.blk_chunked(m), lambda: self.blk_enrich_direct(m)]
        if pd is not None:
            # The classic: a helper from another file called once per element.
            core.append(lambda: self.blk_n_plus_one_helper(m, d, pd, f))
            optional.append(lambda: self.blk_n_plus_one_promise_all(m, d, pd, f))
        else:
            core.append(lambda: self.blk_enrich_direct(m))
        self.fill(f, self.size(160), core, optional, lambda: self.blk_pure_filler(m, f))
        for role in ("withParents", "withParentsBatched", "stats"):
            if role in f.provides:
                d.fns[role] = (d.module("service"), f.provides[role])
        self.emit_file(f)

    def import_fn(self, d: Domain, f: File, src: Domain, role: str) -> tuple[str, str, str]:
        module, name = src.fns[role]
        return (self.spec(d.app, f.path.split("/src/", 1)[1], module), name, "value")

    def blk_n_plus_one_helper(self, m: Model, d: Domain, pd: Domain, f: File) -> Block:
        p = pd.model
        fn = self.names.take(f"list{m.plural}With{p.plural}")
        return Block(T("""
            /** Recent {=humans} with their {=phuman}. */
            export async function {=fn}(take = 20) {
              const rows = await {=recent}(take)
              const result = []
              for (const row of rows) {
                const {=pvar} = await {=getParent}(row.{=fk})
                result.push({ ...row, {=pvar} })
              }
              return result
            }
        """, humans=m.humans, phuman=p.human, fn=fn, recent=d.fns["recent"][1], pvar=p.var,
             getParent=pd.fns["byId"][1], fk=m.fk(p)),
            needs=[self.import_fn(d, f, d, "recent"), self.import_fn(d, f, pd, "byId")], provides={"withParents": fn})

    def blk_n_plus_one_promise_all(self, m: Model, d: Domain, pd: Domain, f: File) -> Block:
        p = pd.model
        fn = self.names.take(f"load{m.name}Cards")
        return Block(T("""
            export async function {=fn}(ids: string[]) {
              const rows = await {=byIds}(ids)
              return Promise.all(
                rows.map(async (row) => ({
                  ...row,
                  {=pvar}: await {=getParent}(row.{=fk}),
                })),
              )
            }
        """, fn=fn, byIds=d.fns["byIds"][1], pvar=p.var, getParent=pd.fns["byId"][1], fk=m.fk(p)),
            needs=[self.import_fn(d, f, d, "byIds"), self.import_fn(d, f, pd, "byId")])

    def blk_batched_parents(self, m: Model, d: Domain, pd: Domain | None, f: File) -> Block | None:
        if pd is None:
            return None
        p = pd.model
        fn = self.names.take(f"list{m.plural}With{p.plural}Batched")
        return Block(T("""
            /** Same result as one lookup per row, in two queries. */
            export async function {=fn}(take = 20) {
              const rows = await {=recent}(take)
              const parentIds = [...new Set(rows.map((row) => row.{=fk}))]
              const parents = await {=byIds}(parentIds)
              const byId = new Map(parents.map((parent) => [parent.id, parent]))
              return rows.map((row) => ({ ...row, {=pvar}: byId.get(row.{=fk}) ?? null }))
            }
        """, fn=fn, recent=d.fns["recent"][1], fk=m.fk(p), byIds=pd.fns["byIds"][1], pvar=p.var),
            needs=[self.import_fn(d, f, d, "recent"), self.import_fn(d, f, pd, "byIds")], provides={"withParentsBatched": fn})

    def blk_stats(self, m: Model, d: Domain, f: File) -> Block:
        fn = self.names.take(f"get{m.name}Stats")
        nums = m.of_kind("num")
        agg = f"_sum: {{ {nums[0]}: true }}," if nums else ""
        ret = f"{nums[0]}Total: sum._sum.{nums[0]} ?? 0," if nums else ""
        return Block(T("""
            export async function {=fn}(since: Date) {
              const [total, recent, sum] = await Promise.all([
                prisma.{=var}.count(),
                prisma.{=var}.count({ where: { createdAt: { gte: since } } }),
                prisma.{=var}.aggregate({
                  {=agg}
                  _max: { updatedAt: true },
                }),
              ])
              return {
                total,
                recent,
                {=ret}
                lastUpdatedAt: sum._max.updatedAt?.toISOString() ?? null,
              }
            }
        """, fn=fn, var=m.var, agg=agg, ret=ret), needs=[("@/lib/db", "prisma", "value")], provides={"stats": fn})

    def blk_chunked(self, m: Model) -> Block:
        fn = self.names.take(f"load{m.plural}InChunks")
        return Block(T("""
            /** Postgres caps bind parameters: look ids up 500 at a time. */
            export async function {=fn}(ids: string[]) {
              const rows = []
              for (let i = 0; i < ids.length; i += 500) {
                const page = await prisma.{=var}.findMany({ where: { id: { in: ids.slice(i, i + 500) } } })
                rows.push(...page)
              }
              return rows
            }
        """, fn=fn, var=m.var), needs=[("@/lib/db", "prisma", "value")])

    def blk_enrich_direct(self, m: Model) -> Block | None:
        if not m.children:
            fn = self.names.take(f"touch{m.plural}")
            return Block(T("""
                /** Mark rows as seen: one update per id (callers pass a handful). */
                export async function {=fn}(ids: string[]) {
                  const now = new Date()
                  await Promise.all(ids.map((id) => prisma.{=var}.update({ where: { id }, data: { updatedAt: now } })))
                }
            """, fn=fn, var=m.var), needs=[("@/lib/db", "prisma", "value")])
        c = m.children[0]
        fn = self.names.take(f"count{c.plural}Per{m.name}")
        return Block(T("""
            /** How many {=chumans} each {=human} has: one count per row. */
            export async function {=fn}(take = 20) {
              const rows = await prisma.{=var}.findMany({ take, orderBy: { createdAt: 'desc' } })
              const counts: Record<string, number> = {}
              for (const row of rows) {
                counts[row.id] = await prisma.{=cvar}.count({ where: { {=fk}: row.id } })
              }
              return counts
            }
        """, chumans=c.humans, human=m.human, fn=fn, var=m.var, cvar=c.var, fk=c.fk(m)),
            needs=[("@/lib/db", "prisma", "value")])

    # ---- hooks/use<Plural>.ts ----------------------------------------------------------------

    def gen_hook(self, d: Domain) -> None:
        m = d.model
        if "dtoType" not in d.fns:
            return
        f = File(self.path(d, f"hooks/use{m.plural}.ts"), directive="use client")
        fn = self.names.take(f"use{m.plural}")
        dto = d.fns["dtoType"][1]
        f.add(Block(T("""
            export type {=Opts} = {
              status?: string
              search?: string
              take?: number
            }

            export function {=fn}(options: {=Opts} = {}) {
              const [data, setData] = useState<{=Dto}[]>([])
              const [error, setError] = useState<Error | null>(null)
              const [loading, setLoading] = useState(true)
              const [version, setVersion] = useState(0)

              useEffect(() => {
                const controller = new AbortController()
                const params = new URLSearchParams()
                if (options.status) params.set('status', options.status)
                if (options.search) params.set('q', options.search)
                if (options.take) params.set('take', String(options.take))
                setLoading(true)
                fetch(`/api/{=slug}?${params.toString()}`, { signal: controller.signal })
                  .then((response) => {
                    if (!response.ok) throw new Error(`Request failed with ${response.status}`)
                    return response.json() as Promise<{=Dto}[]>
                  })
                  .then((rows) => {
                    setData(rows)
                    setError(null)
                  })
                  .catch((reason: unknown) => {
                    if (!controller.signal.aborted) setError(reason instanceof Error ? reason : new Error(String(reason)))
                  })
                  .finally(() => {
                    if (!controller.signal.aborted) setLoading(false)
                  })
                return () => controller.abort()
              }, [options.status, options.search, options.take, version])

              const refresh = useCallback(() => setVersion((v) => v + 1), [])
              const byId = useMemo(() => new Map(data.map((row) => [row.id, row])), [data])

              return { data, byId, error, loading, refresh }
            }
        """, Opts=self.names.take(f"Use{m.plural}Options"), fn=fn, Dto=dto, slug=m.slug),
            needs=[("react", "useCallback", "value"), ("react", "useEffect", "value"), ("react", "useMemo", "value"),
                   ("react", "useState", "value"), (self.mod_spec(d, f, "dtoType"), dto, "type")]))
        d.fns["hook"] = (f"hooks/use{m.plural}", fn)
        self.fill(f, self.size(70, hi=140), [], [], lambda: self.blk_client_filler(m, f))
        self.emit_file(f)

    def blk_client_filler(self, m: Model, f: File) -> Block | None:
        rng = self.rng
        kind = self.pick_kind(f, "client", ["debounce", "storage", "keys", "online"])
        if kind is None:
            return None
        if kind == "online":
            fn = self.names.take(f"use{m.name}Online")
            return Block(T("""
                /** Whether the browser is online, to pause {=human} polling while it is not. */
                export function {=fn}() {
                  const [online, setOnline] = useState(true)
                  useEffect(() => {
                    const update = () => setOnline(navigator.onLine)
                    update()
                    window.addEventListener('online', update)
                    window.addEventListener('offline', update)
                    return () => {
                      window.removeEventListener('online', update)
                      window.removeEventListener('offline', update)
                    }
                  }, [])
                  return online
                }
            """, fn=fn, human=m.human), needs=[("react", "useEffect", "value"), ("react", "useState", "value")])
        if kind == "debounce":
            fn = self.names.take(f"useDebounced{m.name}Search")
            return Block(T("""
                export function {=fn}(value: string, delayMs = {=ms}) {
                  const [debounced, setDebounced] = useState(value)
                  useEffect(() => {
                    const timer = setTimeout(() => setDebounced(value), delayMs)
                    return () => clearTimeout(timer)
                  }, [value, delayMs])
                  return debounced
                }
            """, fn=fn, ms=rng.choice([150, 250, 300])), needs=[("react", "useEffect", "value"), ("react", "useState", "value")])
        if kind == "storage":
            fn = self.names.take(f"use{m.name}ColumnPrefs")
            return Block(T("""
                const {=KEY} = '{=slug}:columns'

                export function {=fn}(defaults: string[]) {
                  const [columns, setColumns] = useState<string[]>(defaults)
                  useEffect(() => {
                    const stored = window.localStorage.getItem({=KEY})
                    if (stored) {
                      try {
                        setColumns(JSON.parse(stored) as string[])
                      } catch {
                        window.localStorage.removeItem({=KEY})
                      }
                    }
                  }, [])
                  const update = (next: string[]) => {
                    setColumns(next)
                    window.localStorage.setItem({=KEY}, JSON.stringify(next))
                  }
                  return [columns, update] as const
                }
            """, KEY=self.names.take(f"{const(m)}_COLUMNS_KEY"), slug=m.slug, fn=fn),
                needs=[("react", "useEffect", "value"), ("react", "useState", "value")])
        fn = self.names.take(f"use{m.name}Shortcuts")
        return Block(T("""
            export function {=fn}(handlers: { onNew?: () => void; onSearch?: () => void }) {
              useEffect(() => {
                const listener = (event: KeyboardEvent) => {
                  if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return
                  if (event.key === 'n' && handlers.onNew) {
                    event.preventDefault()
                    handlers.onNew()
                  } else if (event.key === '/' && handlers.onSearch) {
                    event.preventDefault()
                    handlers.onSearch()
                  }
                }
                window.addEventListener('keydown', listener)
                return () => window.removeEventListener('keydown', listener)
              }, [handlers])
            }
        """, fn=fn), needs=[("react", "useEffect", "value")])

    # ---- components/<domain>/*.tsx -------------------------------------------------------------

    def comp_path(self, d: Domain, name: str) -> str:
        return self.path(d, f"components/{d.model.slug}/{name}.tsx")

    def gen_table(self, d: Domain) -> None:
        m = d.model
        comp = self.names.take(f"{m.name}Table")
        f = File(self.comp_path(d, comp), directive="use client")
        dto = d.fns["dtoType"][1]
        cols = [e for e in m.extras if e[3] in ("num", "str", "bool")][:3]
        ths = "\n".join(f"<th className=\"px-3 py-2\">{camel_to_title(c[0])}</th>" for c in cols)
        tds = "\n".join(
            f"<td className=\"px-3 py-2\">{{item.{c[0]} ? 'Yes' : 'No'}}</td>" if c[3] == "bool"
            else f"<td className=\"px-3 py-2 tabular-nums\">{{formatNumber(item.{c[0]})}}</td>" if c[3] == "num"
            else f"<td className=\"px-3 py-2\">{{item.{c[0]}}}</td>" for c in cols)
        needs = [("react", "useMemo", "value"), ("react", "useState", "value"), ("@acme/ui", "Badge", "value"),
                 ("@acme/ui", "Button", "value"), ("@acme/ui", "EmptyState", "value"),
                 (self.mod_spec(d, f, "dtoType"), dto, "type"), ("@/utils/format", "formatDate", "value")]
        if any(c[3] == "num" for c in cols):
            needs.append(("@/utils/format", "formatNumber", "value"))
        if d.app == "admin":
            needs = [n for n in needs if n[0] != "@/utils/format"] + [("@acme/utils", "truncate", "value")]
            tds = tds.replace("formatNumber(", "String(")
        date_cell = "{formatDate(item.createdAt)}" if d.app == "web" else "{truncate(item.createdAt, 10)}"
        f.add(Block(T("""
            export type {=Props} = {
              items: {=Dto}[]
              selectedId?: string | null
              onSelect?: (id: string) => void
            }

            type SortKey = '{=label}' | 'createdAt' | 'status'

            export function {=C}({ items, selectedId, onSelect }: {=Props}) {
              const [query, setQuery] = useState('')
              const [sortKey, setSortKey] = useState<SortKey>('createdAt')
              const [descending, setDescending] = useState(true)

              const visible = useMemo(() => {
                const needle = query.trim().toLowerCase()
                const filtered = needle
                  ? items.filter((item) => item.{=label}.toLowerCase().includes(needle) || item.id === needle)
                  : items
                const sorted = [...filtered].sort((a, b) => String(a[sortKey]).localeCompare(String(b[sortKey])))
                return descending ? sorted.reverse() : sorted
              }, [items, query, sortKey, descending])

              const toggleSort = (key: SortKey) => {
                if (key === sortKey) setDescending(!descending)
                else {
                  setSortKey(key)
                  setDescending(false)
                }
              }

              if (items.length === 0) {
                return <EmptyState title="No {=humans} yet" description="Create the first one to get started." />
              }

              return (
                <div className="space-y-3">
                  <div className="flex items-center justify-between gap-2">
                    <input
                      type="search"
                      value={query}
                      onChange={(event) => setQuery(event.target.value)}
                      placeholder="Search {=humans}…"
                      className="w-72 rounded-md border px-3 py-1.5 text-sm"
                    />
                    <span className="text-sm text-gray-500">
                      {visible.length} of {items.length}
                    </span>
                  </div>
                  <table className="w-full border-collapse text-left text-sm">
                    <thead className="bg-gray-50 text-xs uppercase text-gray-500">
                      <tr>
                        <th className="px-3 py-2">
                          <Button variant="ghost" size="sm" onClick={() => toggleSort('{=label}')}>
                            {=Label}
                          </Button>
                        </th>
                        <th className="px-3 py-2">
                          <Button variant="ghost" size="sm" onClick={() => toggleSort('status')}>
                            Status
                          </Button>
                        </th>
                        {=ths}
                        <th className="px-3 py-2">
                          <Button variant="ghost" size="sm" onClick={() => toggleSort('createdAt')}>
                            Created
                          </Button>
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {visible.map((item) => (
                        <tr
                          key={item.id}
                          onClick={() => onSelect?.(item.id)}
                          className={item.id === selectedId ? 'bg-blue-50' : 'border-t hover:bg-gray-50'}
                        >
                          <td className="px-3 py-2 font-medium">{item.{=label}}</td>
                          <td className="px-3 py-2">
                            <Badge tone="neutral">{item.status}</Badge>
                          </td>
                          {=tds}
                          <td className="px-3 py-2 text-gray-500">{=date_cell}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )
            }
        """, Props=self.names.take(f"{comp}Props"), Dto=dto, label=m.label, Label=camel_to_title(m.label), C=comp,
             humans=m.humans, ths=ths, tds=tds, date_cell=date_cell), needs=needs))
        d.fns["table"] = (f"components/{m.slug}/{comp}", comp)
        self.fill(f, self.size(150), [], [lambda: self.blk_row_actions(m, d)], lambda: self.blk_small_component(m, d, f))
        self.emit_file(f)

    def blk_row_actions(self, m: Model, d: Domain) -> Block:
        comp = self.names.take(f"{m.name}RowActions")
        return Block(T("""
            function {=C}({ id, onDeleted }: { id: string; onDeleted?: () => void }) {
              const [pending, setPending] = useState(false)
              const remove = async () => {
                if (!window.confirm('Delete this {=human}?')) return
                setPending(true)
                try {
                  const response = await fetch(`/api/{=slug}/${id}`, { method: 'DELETE' })
                  if (response.ok) onDeleted?.()
                } finally {
                  setPending(false)
                }
              }
              return (
                <div className="flex justify-end gap-1">
                  <Button variant="ghost" size="sm" disabled={pending} onClick={remove}>
                    {pending ? 'Deleting…' : 'Delete'}
                  </Button>
                </div>
              )
            }

            export { {=C} }
        """, C=comp, human=m.human, slug=m.slug), needs=[("react", "useState", "value"), ("@acme/ui", "Button", "value")])

    def blk_small_component(self, m: Model, d: Domain, f: File) -> Block | None:
        rng = self.rng
        kind = self.pick_kind(f, "component", ["stat", "badge", "skeleton", "list", "error", "meta"])
        if kind is None:
            return None
        if kind == "error":
            comp = self.names.take(f"{m.name}LoadError")
            return Block(T("""
                export function {=C}({ error, onRetry }: { error: Error; onRetry?: () => void }) {
                  return (
                    <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-4 text-sm text-red-800">
                      <p className="font-medium">Could not load {=humans}</p>
                      <p className="mt-1">{error.message}</p>
                      {onRetry ? (
                        <button type="button" onClick={onRetry} className="mt-2 underline">
                          Try again
                        </button>
                      ) : null}
                    </div>
                  )
                }
            """, C=comp, humans=m.humans))
        if kind == "meta":
            comp = self.names.take(f"{m.name}Timestamps")
            return Block(T("""
                export function {=C}({ createdAt, updatedAt }: { createdAt: string; updatedAt: string }) {
                  const created = new Date(createdAt)
                  const updated = new Date(updatedAt)
                  return (
                    <p className="text-xs text-gray-400">
                      Created {created.toLocaleDateString()}
                      {updated.getTime() - created.getTime() > 60_000 ? ` · updated ${updated.toLocaleDateString()}` : ''}
                    </p>
                  )
                }
            """, C=comp))
        if kind == "stat":
            comp = self.names.take(f"{m.name}StatTile")
            return Block(T("""
                export function {=C}({ label, value, hint }: { label: string; value: number | string; hint?: string }) {
                  return (
                    <div className="rounded-lg border bg-white p-4 shadow-sm">
                      <p className="text-xs font-medium uppercase tracking-wide text-gray-500">{label}</p>
                      <p className="mt-1 text-2xl font-semibold tabular-nums">{value}</p>
                      {hint ? <p className="mt-1 text-xs text-gray-400">{hint}</p> : null}
                    </div>
                  )
                }
            """, C=comp))
        if kind == "badge":
            comp = self.names.take(f"{m.name}StatusBadge")
            tones = ["neutral", "info", "success", "warning", "danger"]
            cases = "\n".join(f"case '{s}':\n  return '{tones[i % len(tones)]}'" for i, s in enumerate(m.statuses))
            return Block(T("""
                function {=tone}(status: string) {
                  switch (status) {
                    {=cases}
                    default:
                      return 'neutral'
                  }
                }

                export function {=C}({ status }: { status: string }) {
                  return <Badge tone={{=tone}(status)}>{status.replace('_', ' ')}</Badge>
                }
            """, tone=self.names.take(f"{m.var}StatusTone"), cases=cases, C=comp), needs=[("@acme/ui", "Badge", "value")])
        if kind == "skeleton":
            comp = self.names.take(f"{m.name}Skeleton")
            return Block(T("""
                export function {=C}({ rows = {=n} }: { rows?: number }) {
                  return (
                    <div className="animate-pulse space-y-2" aria-busy="true" aria-label="Loading {=humans}">
                      {Array.from({ length: rows }, (_, index) => (
                        <div key={index} className="h-8 rounded bg-gray-100" />
                      ))}
                    </div>
                  )
                }
            """, C=comp, n=rng.choice([3, 5, 8]), humans=m.humans))
        comp = self.names.take(f"{m.name}CompactList")
        return Block(T("""
            export function {=C}({ items, empty = 'Nothing here' }: { items: Array<{ id: string; {=label}: string }>; empty?: string }) {
              if (items.length === 0) return <p className="text-sm text-gray-500">{empty}</p>
              return (
                <ul className="divide-y rounded-md border">
                  {items.map((item) => (
                    <li key={item.id} className="flex items-center justify-between px-3 py-2 text-sm">
                      <span className="truncate">{item.{=label}}</span>
                      <a href={`/{=slug}/${item.id}`} className="text-blue-600 hover:underline">
                        Open
                      </a>
                    </li>
                  ))}
                </ul>
              )
            }
        """, C=comp, label=m.label, slug=m.slug))

    def gen_form(self, d: Domain) -> None:
        m = d.model
        comp = self.names.take(f"{m.name}Form")
        f = File(self.comp_path(d, comp), directive="use client")
        inputs = []
        for n, ts, _, k in m.extras:
            if k == "bool":
                inputs.append(T("""
                    <label className="flex items-center gap-2 text-sm">
                      <input type="checkbox" name="{=n}" defaultChecked={Boolean(initial?.{=n})} />
                      {=N}
                    </label>
                """, n=n, N=camel_to_title(n)))
            elif k in ("num",):
                inputs.append(T("""
                    <label className="block text-sm">
                      <span className="font-medium">{=N}</span>
                      <input type="number" name="{=n}" min={0} defaultValue={initial?.{=n} ?? 0} className="mt-1 w-full rounded border px-3 py-1.5" />
                      {errors.{=n} ? <span className="text-xs text-red-600">{errors.{=n}}</span> : null}
                    </label>
                """, n=n, N=camel_to_title(n)))
            elif k in ("str", "optstr"):
                tag = "textarea" if n in ("description", "notes") else "input"
                inputs.append(T("""
                    <label className="block text-sm">
                      <span className="font-medium">{=N}</span>
                      <{=tag} name="{=n}" defaultValue={initial?.{=n} ?? ''} className="mt-1 w-full rounded border px-3 py-1.5" />
                      {errors.{=n} ? <span className="text-xs text-red-600">{errors.{=n}}</span> : null}
                    </label>
                """, n=n, N=camel_to_title(n), tag=tag))
        dto = d.fns["dtoType"][1]
        f.add(Block(T("""
            type {=Props} = {
              initial?: Partial<{=Dto}>
              action?: string
              onSaved?: (id: string) => void
            }

            export function {=C}({ initial, action = '/api/{=slug}', onSaved }: {=Props}) {
              const router = useRouter()
              const [errors, setErrors] = useState<Record<string, string>>({})
              const [isPending, startTransition] = useTransition()

              const submit = (event: FormEvent<HTMLFormElement>) => {
                event.preventDefault()
                const body = Object.fromEntries(new FormData(event.currentTarget))
                startTransition(async () => {
                  const response = await fetch(initial?.id ? `${action}/${initial.id}` : action, {
                    method: initial?.id ? 'PATCH' : 'POST',
                    headers: { 'Content-Type': 'application/json' },
                    body: JSON.stringify(body),
                  })
                  const payload = (await response.json()) as { id?: string; errors?: Record<string, string> }
                  if (!response.ok) {
                    setErrors(payload.errors ?? { form: 'Something went wrong' })
                    return
                  }
                  setErrors({})
                  if (payload.id) onSaved?.(payload.id)
                  router.refresh()
                })
              }

              return (
                <form onSubmit={submit} className="space-y-4">
                  <label className="block text-sm">
                    <span className="font-medium">{=Label}</span>
                    <input name="{=label}" required defaultValue={initial?.{=label} ?? ''} className="mt-1 w-full rounded border px-3 py-1.5" />
                    {errors.{=label} ? <span className="text-xs text-red-600">{errors.{=label}}</span> : null}
                  </label>
                  <label className="block text-sm">
                    <span className="font-medium">Status</span>
                    <select name="status" defaultValue={initial?.status ?? '{=first}'} className="mt-1 w-full rounded border px-3 py-1.5">
                      {[{=statuses}].map((status) => (
                        <option key={status} value={status}>
                          {status}
                        </option>
                      ))}
                    </select>
                  </label>
                  {=inputs}
                  {errors.form ? <p className="text-sm text-red-600">{errors.form}</p> : null}
                  <div className="flex justify-end gap-2">
                    <Button type="button" variant="ghost" onClick={() => router.back()}>
                      Cancel
                    </Button>
                    <Button type="submit" disabled={isPending}>
                      {isPending ? 'Saving…' : initial?.id ? 'Save changes' : 'Create {=human}'}
                    </Button>
                  </div>
                </form>
              )
            }
        """, Props=self.names.take(f"{comp}Props"), Dto=dto, C=comp, slug=m.slug, Label=camel_to_title(m.label),
             label=m.label, first=m.statuses[0], statuses=", ".join(f"'{s}'" for s in m.statuses),
             inputs="\n".join(i.rstrip("\n") for i in inputs), human=m.human),
            needs=[("next/navigation", "useRouter", "value"), ("react", "useState", "value"),
                   ("react", "useTransition", "value"), ("react", "FormEvent", "type"), ("@acme/ui", "Button", "value"),
                   (self.mod_spec(d, f, "dtoType"), dto, "type")]))
        self.fill(f, self.size(130), [], [], lambda: self.blk_small_component(m, d, f))
        self.emit_file(f)

    def gen_card(self, d: Domain) -> None:
        m = d.model
        comp = self.names.take(f"{m.name}Card")
        f = File(self.comp_path(d, comp))
        dto = d.fns["dtoType"][1]
        rows = "\n".join(
            f"<div className=\"flex justify-between\"><dt className=\"text-gray-500\">{camel_to_title(n)}</dt><dd>{{String(item.{n} ?? '—')}}</dd></div>"
            for n, _, _, k in m.extras)
        f.add(Block(T("""
            export function {=C}({ item, footer }: { item: {=Dto}; footer?: ReactNode }) {
              return (
                <Card title={item.{=label}} subtitle={`Created ${new Date(item.createdAt).toLocaleDateString()}`}>
                  <dl className="space-y-1 text-sm">
                    <div className="flex justify-between">
                      <dt className="text-gray-500">Status</dt>
                      <dd>
                        <Badge>{item.status}</Badge>
                      </dd>
                    </div>
                    {=rows}
                  </dl>
                  {footer ? <div className="mt-4 border-t pt-3">{footer}</div> : null}
                </Card>
              )
            }
        """, C=comp, Dto=dto, label=m.label, rows=rows),
            needs=[("react", "ReactNode", "type"), ("@acme/ui", "Badge", "value"), ("@acme/ui", "Card", "value"),
                   (self.mod_spec(d, f, "dtoType"), dto, "type")]))
        d.fns["card"] = (f"components/{m.slug}/{comp}", comp)
        self.fill(f, self.size(90), [], [], lambda: self.blk_small_component(m, d, f))
        self.emit_file(f)

    def gen_filters(self, d: Domain) -> None:
        m = d.model
        comp = self.names.take(f"{m.name}Filters")
        f = File(self.comp_path(d, comp), directive="use client")
        f.add(Block(T("""
            const {=OPTIONS} = [
              { value: '', label: 'All' },
              {=opts}
            ]

            export function {=C}() {
              const router = useRouter()
              const pathname = usePathname()
              const searchParams = useSearchParams()
              const [search, setSearch] = useState(searchParams.get('q') ?? '')

              const apply = useCallback(
                (patch: Record<string, string>) => {
                  const next = new URLSearchParams(searchParams.toString())
                  for (const [key, value] of Object.entries(patch)) {
                    if (value) next.set(key, value)
                    else next.delete(key)
                  }
                  next.delete('cursor')
                  router.push(`${pathname}?${next.toString()}`)
                },
                [pathname, router, searchParams],
              )

              return (
                <div className="flex flex-wrap items-end gap-3">
                  <label className="text-sm">
                    <span className="block font-medium">Status</span>
                    <select
                      value={searchParams.get('status') ?? ''}
                      onChange={(event) => apply({ status: event.target.value })}
                      className="mt-1 rounded border px-2 py-1.5"
                    >
                      {{=OPTIONS}.map((option) => (
                        <option key={option.value} value={option.value}>
                          {option.label}
                        </option>
                      ))}
                    </select>
                  </label>
                  <form
                    onSubmit={(event) => {
                      event.preventDefault()
                      apply({ q: search })
                    }}
                    className="flex items-end gap-2"
                  >
                    <label className="text-sm">
                      <span className="block font-medium">Search</span>
                      <input value={search} onChange={(event) => setSearch(event.target.value)} className="mt-1 rounded border px-2 py-1.5" />
                    </label>
                    <Button type="submit" variant="secondary">
                      Apply
                    </Button>
                  </form>
                </div>
              )
            }
        """, OPTIONS=self.names.take(f"{const(m)}_STATUS_OPTIONS"),
             opts="\n".join(f"{{ value: '{s}', label: '{s.replace('_', ' ').capitalize()}' }}," for s in m.statuses), C=comp),
            needs=[("next/navigation", "usePathname", "value"), ("next/navigation", "useRouter", "value"),
                   ("next/navigation", "useSearchParams", "value"), ("react", "useCallback", "value"),
                   ("react", "useState", "value"), ("@acme/ui", "Button", "value")]))
        d.fns["filters"] = (f"components/{m.slug}/{comp}", comp)
        self.fill(f, self.size(90), [], [], lambda: self.blk_small_component(m, d, f))
        self.emit_file(f)

    # ---- app/(dashboard)/<slug>/page.tsx, [id]/page.tsx, actions.ts ----------------------------------

    def page_dir(self, d: Domain) -> str:
        return f"app/(dashboard)/{d.model.slug}"

    def gen_list_page(self, d: Domain) -> None:
        m = d.model
        f = File(self.path(d, self.page_dir(d) + "/page.tsx"))
        comp = self.names.take(f"{m.plural}Page")
        pd = self.parent_domain(d)
        needs = [self.import_fn(d, f, d, "recent"), self.import_fn(d, f, d, "toDto")]
        body_extra = ""
        if pd is not None and self.rng.random() < 0.5:
            # N+1 in a server component: one parent lookup per row.
            needs.append(self.import_fn(d, f, pd, "byId"))
            body_extra = T("""
                const owners = await Promise.all(rows.map((row) => {=getParent}(row.{=fk})))
            """, getParent=pd.fns["byId"][1], fk=m.fk(pd.model))
            owner_line = f"<p className=\"text-sm text-gray-500\">{{owners.filter(Boolean).length}} linked {pd.model.humans}</p>"
        else:
            owner_line = ""
        table = ""
        if "table" in d.fns:
            needs.append(self.import_fn(d, f, d, "table"))
            table = f"<{d.fns['table'][1]} items={{rows.map({d.fns['toDto'][1]})}} />"
        else:
            table = f"<ul>{{rows.map((row) => <li key={{row.id}}>{{row.{m.label}}}</li>)}}</ul>"
        filters = ""
        if "filters" in d.fns:
            needs.append(self.import_fn(d, f, d, "filters"))
            filters = f"<{d.fns['filters'][1]} />"
        counts = ""
        if "countByStatus" in d.fns or "groupCount" in d.fns:
            role = "groupCount" if "groupCount" in d.fns else "countByStatus"
            needs.append(self.import_fn(d, f, d, role))
            counts = f"const counts = await {d.fns[role][1]}()"
            count_line = "<p className=\"text-sm text-gray-500\">{Object.entries(counts).map(([status, n]) => `${status}: ${n}`).join(' · ')}</p>"
        else:
            count_line = ""
        f.add(Block(T("""
            export const metadata: Metadata = {
              title: '{=Title}',
            }

            export const dynamic = 'force-dynamic'

            export default async function {=C}({ searchParams }: { searchParams: Promise<{ take?: string }> }) {
              const { take } = await searchParams
              const rows = await {=recent}(Math.min(Number(take ?? 50) || 50, 200))
              {=body_extra}
              {=counts}

              return (
                <section className="space-y-6">
                  <header className="flex items-center justify-between">
                    <h1 className="text-2xl font-semibold">{=Title}</h1>
                    <Link href="/{=slug}/new" className="rounded-md bg-black px-3 py-1.5 text-sm text-white">
                      New {=human}
                    </Link>
                  </header>
                  {=count_line}
                  {=owner_line}
                  {=filters}
                  {=table}
                </section>
              )
            }
        """, Title=m.humans.title(), C=comp, recent=d.fns["recent"][1], body_extra=body_extra.rstrip("\n"),
             counts=counts, slug=m.slug, human=m.human, count_line=count_line, owner_line=owner_line,
             filters=filters, table=table),
            needs=needs + [("next", "Metadata", "type"), ("next/link", "Link", "default")]))
        self.fill(f, self.size(80, hi=200), [], [], lambda: self.blk_server_section(m, d, f))
        self.emit_file(f)

    def blk_server_section(self, m: Model, d: Domain, f: File) -> Block | None:
        kind = self.pick_kind(f, "section", ["recent", "counts"])
        if kind is None:
            return None
        if kind == "counts":
            comp = self.names.take(f"{m.name}Totals")
            return Block(T("""
                async function {=C}() {
                  const [total, latest] = await Promise.all([
                    prisma.{=var}.count(),
                    prisma.{=var}.findFirst({ orderBy: { createdAt: 'desc' }, select: { createdAt: true } }),
                  ])
                  return (
                    <dl className="grid grid-cols-2 gap-4 text-sm">
                      <div>
                        <dt className="text-gray-500">Total</dt>
                        <dd className="text-xl font-semibold">{total}</dd>
                      </div>
                      <div>
                        <dt className="text-gray-500">Latest</dt>
                        <dd>{latest ? latest.createdAt.toLocaleDateString() : '—'}</dd>
                      </div>
                    </dl>
                  )
                }
            """, C=comp, var=m.var), needs=[("@/lib/db", "prisma", "value")])
        comp = self.names.take(f"{m.name}RecentActivity")
        return Block(T("""
            async function {=C}({ take = 5 }: { take?: number }) {
              const rows = await prisma.{=var}.findMany({
                orderBy: { updatedAt: 'desc' },
                take,
                select: { id: true, {=label}: true, status: true, updatedAt: true },
              })
              return (
                <aside className="rounded-lg border p-4">
                  <h2 className="mb-2 text-sm font-semibold text-gray-700">Recently updated</h2>
                  <ol className="space-y-1 text-sm">
                    {rows.map((row) => (
                      <li key={row.id} className="flex justify-between">
                        <span>{row.{=label}}</span>
                        <time dateTime={row.updatedAt.toISOString()} className="text-gray-400">
                          {row.updatedAt.toLocaleDateString()}
                        </time>
                      </li>
                    ))}
                  </ol>
                </aside>
              )
            }
        """, C=comp, var=m.var, label=m.label), needs=[("@/lib/db", "prisma", "value")])

    def gen_detail_page(self, d: Domain) -> None:
        m = d.model
        f = File(self.path(d, self.page_dir(d) + "/[id]/page.tsx"))
        comp = self.names.take(f"{m.name}DetailPage")
        needs = [self.import_fn(d, f, d, "byId"), ("next/navigation", "notFound", "value")]
        children = ""
        child_lines = ""
        if m.children:
            c = m.children[0]
            children = T("""
                const {=cvars} = await prisma.{=cvar}.findMany({
                  where: { {=fk}: id },
                  orderBy: { createdAt: 'desc' },
                  take: 20,
                })
            """, cvars=c.vars, cvar=c.var, fk=c.fk(m)).rstrip("\n")
            child_lines = T("""
                <h2 className="text-lg font-semibold">{=Chumans}</h2>
                <ul className="divide-y rounded border">
                  {{=cvars}.map((child) => (
                    <li key={child.id} className="px-3 py-2 text-sm">
                      {child.{=clabel}} <span className="text-gray-400">({child.status})</span>
                    </li>
                  ))}
                </ul>
            """, Chumans=c.humans.title(), cvars=c.vars, clabel=c.label).rstrip("\n")
            needs.append(("@/lib/db", "prisma", "value"))
        card = ""
        if "card" in d.fns and "toDto" in d.fns:
            needs += [self.import_fn(d, f, d, "card")]
            card = f"<{d.fns['card'][1]} item={{{{ ...row, createdAt: new Date().toISOString() }} as never}} />"
        f.add(Block(T("""
            export default async function {=C}({ params }: { params: Promise<{ id: string }> }) {
              const { id } = await params
              const row = await {=byId}(id)
              if (!row) notFound()
              {=children}

              return (
                <article className="space-y-6">
                  <h1 className="text-2xl font-semibold">{row.{=label}}</h1>
                  <p className="text-sm text-gray-500">Status: {row.status}</p>
                  {=card}
                  {=child_lines}
                </article>
              )
            }
        """, C=comp, byId=d.fns["byId"][1], children=children, label=m.label, card=card, child_lines=child_lines),
            needs=needs))
        self.fill(f, self.size(70, hi=160), [], [], lambda: self.blk_server_section(m, d, f))
        self.emit_file(f)

    def gen_actions(self, d: Domain) -> None:
        m = d.model
        f = File(self.path(d, self.page_dir(d) + "/actions.ts"), directive="use server")
        path = f"/{m.slug}"
        core = [lambda: self.blk_action_create(m, d, f, path)]
        optional = [lambda: self.blk_action_bulk_loop(m, path), lambda: self.blk_action_bulk_batched(m, path),
                    lambda: self.blk_action_status(m, d, f, path), lambda: self.blk_action_delete(m, d, f, path),
                    lambda: self.blk_action_duplicate_children(m, path)]
        self.fill(f, self.size(100, hi=250), core, optional, lambda: self.blk_action_status(m, d, f, path, filler=True))
        self.emit_file(f)

    def blk_action_create(self, m: Model, d: Domain, f: File, path: str) -> Block:
        fn = self.names.take(f"create{m.name}Action")
        needs = [("next/cache", "revalidatePath", "value"), ("next/navigation", "redirect", "value")]
        if "parseInput" in d.fns and "create" in d.fns:
            needs += [self.import_fn(d, f, d, "parseInput"), self.import_fn(d, f, d, "create")]
            return Block(T("""
                export async function {=fn}(_previous: unknown, formData: FormData) {
                  const parsed = {=parse}(Object.fromEntries(formData))
                  if (!parsed.ok) return { errors: parsed.errors }
                  const created = await {=create}(parsed.value)
                  revalidatePath('{=path}')
                  redirect(`{=path}/${created.id}`)
                }
            """, fn=fn, parse=d.fns["parseInput"][1], create=d.fns["create"][1], path=path), needs=needs)
        needs.append(("@/lib/db", "prisma", "value"))
        return Block(T("""
            export async function {=fn}(formData: FormData) {
              const {=label} = String(formData.get('{=label}') ?? '').trim()
              if (!{=label}) return { errors: { {=label}: 'Required' } }
              const created = await prisma.{=var}.create({ data: { {=label} } as never })
              revalidatePath('{=path}')
              redirect(`{=path}/${created.id}`)
            }
        """, fn=fn, label=m.label, var=m.var, path=path), needs=needs)

    def blk_action_bulk_loop(self, m: Model, path: str) -> Block:
        fn = self.names.take(f"create{m.plural}FromLines")
        return Block(T("""
            /** One {=human} per line of the textarea. */
            export async function {=fn}(formData: FormData) {
              const lines = String(formData.get('lines') ?? '')
                .split('\\n')
                .map((line) => line.trim())
                .filter(Boolean)
              for (const line of lines) {
                await prisma.{=var}.create({
                  data: { {=label}: line, status: '{=first}' } as never,
                })
              }
              revalidatePath('{=path}')
            }
        """, human=m.human, fn=fn, var=m.var, label=m.label, first=m.statuses[0], path=path),
            needs=[("@/lib/db", "prisma", "value"), ("next/cache", "revalidatePath", "value")])

    def blk_action_bulk_batched(self, m: Model, path: str) -> Block:
        fn = self.names.take(f"tag{m.plural}Batched")
        return Block(T("""
            /** Change the status of the selected rows in one statement. */
            export async function {=fn}(formData: FormData) {
              const ids = formData.getAll('id').map(String)
              const status = String(formData.get('status') ?? '{=last}')
              await prisma.{=var}.updateMany({
                where: { id: { in: ids } },
                data: { status },
              })
              revalidatePath('{=path}')
            }
        """, fn=fn, last=m.statuses[-1], var=m.var, path=path),
            needs=[("@/lib/db", "prisma", "value"), ("next/cache", "revalidatePath", "value")])

    def blk_action_status(self, m: Model, d: Domain, f: File, path: str, filler: bool = False) -> Block | None:
        status = self.pick_kind(f, "status", m.statuses)
        if status is None:
            return None
        fn = self.names.take(f"mark{m.name}{status.replace('_', ' ').title().replace(' ', '')}")
        if "updateStatus" in d.fns:
            return Block(T("""
                export async function {=fn}(id: string) {
                  await {=update}(id, '{=status}')
                  revalidatePath('{=path}')
                  revalidatePath(`{=path}/${id}`)
                }
            """, fn=fn, update=d.fns["updateStatus"][1], status=status, path=path),
                needs=[self.import_fn(d, f, d, "updateStatus"), ("next/cache", "revalidatePath", "value")])
        return Block(T("""
            export async function {=fn}(id: string) {
              await prisma.{=var}.update({ where: { id }, data: { status: '{=status}' } })
              revalidatePath('{=path}')
            }
        """, fn=fn, var=m.var, status=status, path=path),
            needs=[("@/lib/db", "prisma", "value"), ("next/cache", "revalidatePath", "value")])

    def blk_action_delete(self, m: Model, d: Domain, f: File, path: str) -> Block | None:
        if "delete" not in d.fns:
            return None
        fn = self.names.take(f"delete{m.plural}Action")
        return Block(T("""
            /** Delete the selected rows, one at a time so each delete runs its own cascade checks. */
            export async function {=fn}(formData: FormData) {
              const ids = formData.getAll('id').map(String)
              for (const id of ids) {
                await {=del}(id)
              }
              revalidatePath('{=path}')
            }
        """, fn=fn, del_=None, **{"del": d.fns["delete"][1]}, path=path),
            needs=[self.import_fn(d, f, d, "delete"), ("next/cache", "revalidatePath", "value")])

    def blk_action_duplicate_children(self, m: Model, path: str) -> Block | None:
        if not m.children:
            return None
        c = m.children[0]
        fn = self.names.take(f"duplicate{m.name}")
        return Block(T("""
            /** Copy a {=human} with its {=chumans}, in one transaction. */
            export async function {=fn}(id: string) {
              const source = await prisma.{=var}.findUniqueOrThrow({ where: { id }, include: { {=cvars}: true } })
              const { id: _id, createdAt: _createdAt, updatedAt: _updatedAt, {=cvars}, ...rest } = source
              await prisma.$transaction(async (tx) => {
                const copy = await tx.{=var}.create({ data: { ...rest, {=label}: `${rest.{=label}} (copy)` } })
                await tx.{=cvar}.createMany({
                  data: {=cvars}.map(({ id: _childId, createdAt: _c, updatedAt: _u, ...child }) => ({ ...child, {=fk}: copy.id })),
                })
              })
              revalidatePath('{=path}')
            }
        """, human=m.human, chumans=c.humans, fn=fn, var=m.var, cvars=c.vars, cvar=c.var, label=m.label, fk=c.fk(m),
             path=path), needs=[("@/lib/db", "prisma", "value"), ("next/cache", "revalidatePath", "value")])

    # ---- app/api/**/route.ts --------------------------------------------------------------------

    def api_dir(self, d: Domain) -> str:
        return f"app/api/{d.model.slug}"

    def gen_collection_route(self, d: Domain) -> None:
        m = d.model
        f = File(self.path(d, self.api_dir(d) + "/route.ts"))
        needs = [("next/server", "NextResponse", "value"), ("next/server", "NextRequest", "type"),
                 ("@/lib/auth", "requireSession", "value")]
        if "parseFilters" in d.fns:
            needs.append(self.import_fn(d, f, d, "parseFilters"))
            filters = f"const filters = {d.fns['parseFilters'][1]}(request.nextUrl.searchParams)"
        else:
            filters = "const filters = { status: request.nextUrl.searchParams.get('status') ?? undefined, take: 50, cursor: undefined as string | undefined }"
        to_dto = ""
        if "toDto" in d.fns:
            needs.append(self.import_fn(d, f, d, "toDto"))
            to_dto = f".map({d.fns['toDto'][1]})"
        needs.append(("@/lib/db", "prisma", "value"))
        f.add(Block(T("""
            export const dynamic = 'force-dynamic'

            // GET /api/{=slug}
            export async function GET(request: NextRequest) {
              await requireSession()
              {=filters}
              const rows = await prisma.{=var}.findMany({
                where: filters.status ? { status: filters.status } : undefined,
                orderBy: { createdAt: 'desc' },
                take: filters.take ?? 50,
                ...(filters.cursor ? { skip: 1, cursor: { id: filters.cursor } } : {}),
              })
              return NextResponse.json(rows{=to_dto})
            }
        """, slug=m.slug, filters=filters, var=m.var, to_dto=to_dto), needs=needs))
        f.add(self.blk_post_create(m, d, f))
        pd = self.parent_domain(d)
        optional = [lambda: self.blk_route_helper(m, f), lambda: self.blk_route_head(m)]
        if pd is not None:
            optional.append(lambda: self.blk_route_with_parent(m, d, pd, f))
        self.fill(f, self.size(90, hi=220), [], optional, lambda: self.blk_route_helper(m, f))
        self.emit_file(f)

    def blk_post_create(self, m: Model, d: Domain, f: File) -> Block:
        needs = [("next/server", "NextResponse", "value"), ("@/lib/auth", "requireSession", "value")]
        if "parseInput" in d.fns and "create" in d.fns:
            needs += [self.import_fn(d, f, d, "parseInput"), self.import_fn(d, f, d, "create")]
            return Block(T("""
                // POST /api/{=slug}
                export async function POST(request: Request) {
                  await requireSession()
                  const parsed = {=parse}(await request.json().catch(() => null))
                  if (!parsed.ok) {
                    return NextResponse.json({ errors: parsed.errors }, { status: 422 })
                  }
                  const created = await {=create}(parsed.value)
                  return NextResponse.json({ id: created.id }, { status: 201 })
                }
            """, slug=m.slug, parse=d.fns["parseInput"][1], create=d.fns["create"][1]), needs=needs)
        needs.append(("@/lib/db", "prisma", "value"))
        return Block(T("""
            // POST /api/{=slug}
            export async function POST(request: Request) {
              await requireSession()
              const body = (await request.json().catch(() => ({}))) as Record<string, unknown>
              if (typeof body.{=label} !== 'string' || !body.{=label}.trim()) {
                return NextResponse.json({ errors: { {=label}: 'Required' } }, { status: 422 })
              }
              const created = await prisma.{=var}.create({ data: body as never })
              return NextResponse.json({ id: created.id }, { status: 201 })
            }
        """, slug=m.slug, label=m.label, var=m.var), needs=needs)

    def blk_route_helper(self, m: Model, f: File) -> Block | None:
        rng = self.rng
        kind = self.pick_kind(f, "route", ["etag", "cors", "parse", "ratelimit", "sort", "cache"])
        if kind is None:
            return None
        if kind == "ratelimit":
            buckets = self.names.take(f"{const(m)}_BUCKETS")
            fn = self.names.take(f"allow{m.name}Request")
            return Block(T("""
                const {=B} = new Map<string, { tokens: number; updatedAt: number }>()

                /** A per-key token bucket, in memory: good enough for one instance. */
                function {=fn}(key: string, limit = {=n}, windowMs = 60_000): boolean {
                  const now = Date.now()
                  const bucket = {=B}.get(key) ?? { tokens: limit, updatedAt: now }
                  bucket.tokens = Math.min(limit, bucket.tokens + ((now - bucket.updatedAt) / windowMs) * limit)
                  bucket.updatedAt = now
                  {=B}.set(key, bucket)
                  if (bucket.tokens < 1) return false
                  bucket.tokens -= 1
                  return true
                }
            """, B=buckets, fn=fn, n=rng.choice([30, 60, 120])))
        if kind == "sort":
            fields = self.names.take(f"{const(m)}_SORT_FIELDS")
            fn = self.names.take(f"parse{m.name}Sort")
            return Block(T("""
                const {=S} = ['createdAt', 'updatedAt', '{=label}'] as const

                function {=fn}(value: string | null): { field: (typeof {=S})[number]; direction: 'asc' | 'desc' } {
                  const [field, direction] = (value ?? '').split(':')
                  const known = ({=S} as readonly string[]).includes(field ?? '')
                  return {
                    field: known ? (field as (typeof {=S})[number]) : 'createdAt',
                    direction: direction === 'asc' ? 'asc' : 'desc',
                  }
                }
            """, S=fields, fn=fn, label=m.label))
        if kind == "cache":
            fn = self.names.take(f"{m.var}CacheHeaders")
            return Block(T("""
                function {=fn}(maxAgeSeconds: number, isPrivate = true): HeadersInit {
                  const scope = isPrivate ? 'private' : 'public'
                  return {
                    'Cache-Control': `${scope}, max-age=${maxAgeSeconds}, stale-while-revalidate=${maxAgeSeconds * 2}`,
                  }
                }
            """, fn=fn))
        if kind == "etag":
            fn = self.names.take(f"{m.var}Etag")
            return Block(T("""
                function {=fn}(rows: Array<{ id: string; updatedAt: Date }>): string {
                  let hash = 0
                  for (const row of rows) {
                    const key = `${row.id}:${row.updatedAt.getTime()}`
                    for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) | 0
                  }
                  return `W/"${(hash >>> 0).toString(16)}"`
                }
            """, fn=fn))
        if kind == "cors":
            fn = self.names.take(f"{m.var}CorsHeaders")
            return Block(T("""
                const {=ORIGINS} = (process.env.ALLOWED_ORIGINS ?? '').split(',').filter(Boolean)

                function {=fn}(origin: string | null): HeadersInit {
                  if (!origin || !{=ORIGINS}.includes(origin)) return {}
                  return {
                    'Access-Control-Allow-Origin': origin,
                    'Access-Control-Allow-Methods': 'GET,POST,PATCH,DELETE',
                    'Access-Control-Allow-Headers': 'Content-Type, Authorization',
                    Vary: 'Origin',
                  }
                }
            """, ORIGINS=self.names.take(f"{const(m)}_ALLOWED_ORIGINS"), fn=fn))
        fn = self.names.take(f"read{m.name}Ids")
        return Block(T("""
            /** `?ids=a,b,c` or repeated `?id=`, deduplicated, at most {=n}. */
            function {=fn}(params: URLSearchParams): string[] {
              const ids = [...params.getAll('id'), ...(params.get('ids') ?? '').split(',')]
                .map((id) => id.trim())
                .filter(Boolean)
              return [...new Set(ids)].slice(0, {=n})
            }
        """, fn=fn, n=rng.choice([50, 100, 200])))

    def blk_route_head(self, m: Model) -> Block:
        return Block(T("""
            // HEAD /api/{=slug}: the total, for clients that page
            export async function HEAD() {
              const total = await prisma.{=var}.count()
              return new Response(null, { headers: { 'X-Total-Count': String(total) } })
            }
        """, slug=m.slug, var=m.var), needs=[("@/lib/db", "prisma", "value")])

    def blk_route_with_parent(self, m: Model, d: Domain, pd: Domain, f: File) -> Block:
        p = pd.model
        fn = self.names.take(f"with{p.name}Names")
        return Block(T("""
            async function {=fn}(rows: Array<{ id: string; {=fk}: string }>) {
              const out: Array<{ id: string; {=pvar}Name: string | null }> = []
              for (const row of rows) {
                const {=pvar} = await {=getParent}(row.{=fk})
                out.push({ id: row.id, {=pvar}Name: {=pvar}?.{=plabel} ?? null })
              }
              return out
            }
        """, fn=fn, fk=m.fk(p), pvar=p.var, getParent=pd.fns["byId"][1], plabel=p.label),
            needs=[self.import_fn(d, f, pd, "byId")])

    def gen_item_route(self, d: Domain) -> None:
        m = d.model
        f = File(self.path(d, self.api_dir(d) + "/[id]/route.ts"))
        needs = [("next/server", "NextResponse", "value"), self.import_fn(d, f, d, "byId")]
        f.add(Block(T("""
            type {=Ctx} = { params: Promise<{ id: string }> }

            // GET /api/{=slug}/:id
            export async function GET(_request: Request, { params }: {=Ctx}) {
              const { id } = await params
              const row = await {=byId}(id)
              if (!row) {
                return NextResponse.json({ error: 'Not found' }, { status: 404 })
              }
              return NextResponse.json(row)
            }
        """, Ctx=self.names.take(f"{m.name}RouteContext"), slug=m.slug, byId=d.fns["byId"][1]), needs=needs))
        ctx = f.blocks[0].text.split("type ", 1)[1].split(" ", 1)[0]
        upd_needs = [("next/server", "NextResponse", "value"), ("@/lib/db", "prisma", "value")]
        if "updateSchema" in d.fns:
            upd_needs.append(self.import_fn(d, f, d, "updateSchema"))
            parse = T("""
                const parsed = {=schema}.safeParse(await request.json().catch(() => null))
                if (!parsed.success) {
                  return NextResponse.json({ errors: parsed.error.flatten().fieldErrors }, { status: 422 })
                }
                const data = parsed.data
            """, schema=d.fns["updateSchema"][1]).rstrip("\n")
        else:
            parse = T("""
                const body = (await request.json().catch(() => ({}))) as { {=label}?: string; status?: string }
                const data = {
                  ...(body.{=label} ? { {=label}: body.{=label} } : {}),
                  ...(body.status ? { status: body.status } : {}),
                }
            """, label=m.label).rstrip("\n")
        f.add(Block(T("""
            // PATCH /api/{=slug}/:id
            export async function PATCH(request: Request, { params }: {=Ctx}) {
              const { id } = await params
              {=parse}
              const updated = await prisma.{=var}.update({ where: { id }, data })
              return NextResponse.json({ id: updated.id })
            }
        """, slug=m.slug, Ctx=ctx, parse=parse, var=m.var), needs=upd_needs))
        if "delete" in d.fns:
            f.add(Block(T("""
                // DELETE /api/{=slug}/:id
                export async function DELETE(_request: Request, { params }: {=Ctx}) {
                  const { id } = await params
                  await {=del}(id)
                  return new Response(null, { status: 204 })
                }
            """, slug=m.slug, Ctx=ctx, **{"del": d.fns["delete"][1]}), needs=[self.import_fn(d, f, d, "delete")]))
        self.fill(f, self.size(70, hi=160), [], [], lambda: self.blk_route_helper(m, f))
        self.emit_file(f)

    def gen_nested_route(self, d: Domain) -> None:
        m = d.model
        if not m.parents:
            return
        p = m.parents[0]
        f = File(self.path(d, f"app/api/{p.slug}/[id]/{m.slug}/route.ts"))
        if f.path in self.files:
            return
        batched = self.rng.random() < 0.5
        pd = self.parent_domain(d)
        needs = [("next/server", "NextResponse", "value"), ("@/lib/db", "prisma", "value")]
        if m.parents[1:] and not batched:
            q = m.parents[1]
            enrich = T("""
                const result = []
                for (const row of rows) {
                  const {=qvar} = await prisma.{=qvar}.findUnique({ where: { id: row.{=qfk} } })
                  result.push({ ...row, {=qvar} })
                }
                return NextResponse.json(result)
            """, qvar=q.var, qfk=m.fk(q)).rstrip("\n")
        elif m.parents[1:]:
            q = m.parents[1]
            enrich = T("""
                const related = await prisma.{=qvar}.findMany({
                  where: { id: { in: rows.map((row) => row.{=qfk}) } },
                })
                const byId = new Map(related.map((item) => [item.id, item]))
                return NextResponse.json(rows.map((row) => ({ ...row, {=qvar}: byId.get(row.{=qfk}) ?? null })))
            """, qvar=q.var, qfk=m.fk(q)).rstrip("\n")
        else:
            enrich = "return NextResponse.json(rows)"
        f.add(Block(T("""
            // GET /api/{=pslug}/:id/{=slug}
            export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
              const { id } = await params
              const rows = await prisma.{=var}.findMany({
                where: { {=fk}: id },
                orderBy: { createdAt: 'desc' },
                take: 100,
              })
              {=enrich}
            }
        """, pslug=p.slug, slug=m.slug, var=m.var, fk=m.fk(p), enrich=enrich), needs=needs))
        self.fill(f, self.size(60, hi=140), [], [], lambda: self.blk_route_helper(m, f))
        self.emit_file(f)

    def gen_export_route(self, d: Domain) -> None:
        m = d.model
        f = File(self.path(d, self.api_dir(d) + "/export/route.ts"))
        if "paginateAll" in d.fns and "csvRow" in d.fns:
            f.add(Block(T("""
                // GET /api/{=slug}/export: every row as CSV, page by page
                export async function GET() {
                  const lines: string[] = [{=csv}({} as never, true)]
                  await {=each}(500, (rows) => {
                    for (const row of rows) lines.push({=csv}(row))
                  })
                  return new Response(lines.join('\\n'), {
                    headers: {
                      'Content-Type': 'text/csv; charset=utf-8',
                      'Content-Disposition': 'attachment; filename="{=slug}.csv"',
                    },
                  })
                }
            """, slug=m.slug, csv=d.fns["csvRow"][1], each=d.fns["paginateAll"][1]),
                needs=[self.import_fn(d, f, d, "paginateAll"), self.import_fn(d, f, d, "csvRow")]))
        else:
            f.add(Block(T("""
                const PAGE_SIZE = {=n}

                // GET /api/{=slug}/export: every row as CSV (cursor pagination)
                export async function GET() {
                  const lines = ['id,{=label},status,createdAt']
                  let cursor: string | undefined
                  while (true) {
                    const page = await prisma.{=var}.findMany({
                      take: PAGE_SIZE,
                      ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
                      orderBy: { id: 'asc' },
                      select: { id: true, {=label}: true, status: true, createdAt: true },
                    })
                    if (page.length === 0) break
                    for (const row of page) {
                      lines.push([row.id, JSON.stringify(row.{=label}), row.status, row.createdAt.toISOString()].join(','))
                    }
                    cursor = page[page.length - 1].id
                  }
                  return new Response(lines.join('\\n'), {
                    headers: { 'Content-Type': 'text/csv; charset=utf-8' },
                  })
                }
            """, n=self.rng.choice([250, 500, 1000]), slug=m.slug, label=m.label, var=m.var),
                needs=[("@/lib/db", "prisma", "value")]))
        self.fill(f, self.size(60, hi=120), [], [], lambda: self.blk_route_helper(m, f))
        self.emit_file(f)

    def gen_bulk_route(self, d: Domain) -> None:
        m = d.model
        f = File(self.path(d, self.api_dir(d) + "/bulk/route.ts"))
        needs = [("next/server", "NextResponse", "value"), ("@/lib/auth", "requireRole", "value")]
        if "importLoop" in d.fns and self.rng.random() < 0.5:
            call = f"const ids = await {d.fns['importLoop'][1]}(body.rows as never)"
            needs.append(self.import_fn(d, f, d, "importLoop"))
            result = "{ created: ids.length }"
        elif "importBatched" in d.fns:
            call = f"const count = await {d.fns['importBatched'][1]}(body.rows as never)"
            needs.append(self.import_fn(d, f, d, "importBatched"))
            result = "{ created: count }"
        else:
            needs.append(("@/lib/db", "prisma", "value"))
            call = T("""
                const ids: string[] = []
                for (const row of body.rows) {
                  const created = await prisma.{=var}.create({ data: row as never })
                  ids.push(created.id)
                }
            """, var=m.var).rstrip("\n")
            result = "{ created: ids.length }"
        f.add(Block(T("""
            const {=MAX} = {=n}

            // POST /api/{=slug}/bulk: import up to {=n} rows
            export async function POST(request: Request) {
              await requireRole('admin')
              const body = (await request.json().catch(() => null)) as { rows?: unknown[] } | null
              if (!body?.rows || !Array.isArray(body.rows)) {
                return NextResponse.json({ error: 'rows must be an array' }, { status: 400 })
              }
              if (body.rows.length > {=MAX}) {
                return NextResponse.json({ error: `At most ${{=MAX}} rows per request` }, { status: 413 })
              }
              {=call}
              return NextResponse.json({=result}, { status: 201 })
            }
        """, MAX=self.names.take(f"MAX_{const(m)}_BULK"), n=self.rng.choice([500, 1000, 5000]), slug=m.slug,
             call=call, result=result), needs=needs))
        self.fill(f, self.size(60, hi=120), [], [], lambda: self.blk_route_helper(m, f))
        self.emit_file(f)

    def gen_script(self, d: Domain) -> None:
        m = d.model
        f = File(f"apps/{d.app}/scripts/backfill-{m.slug}.ts")
        f.add(Block(T("""
            /**
             * One-off: normalise the {=label} of every {=human}. Run with `tsx scripts/backfill-{=slug}.ts`.
             */
            const prisma = new PrismaClient()

            async function {=fn}() {
              let cursor: string | undefined
              let touched = 0
              for (;;) {
                const rows = await prisma.{=var}.findMany({
                  take: 200,
                  ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
                  orderBy: { id: 'asc' },
                })
                if (rows.length === 0) break
                for (const row of rows) {
                  const normalised = row.{=label}.trim().replace(/\\s+/g, ' ')
                  if (normalised !== row.{=label}) {
                    await prisma.{=var}.update({ where: { id: row.id }, data: { {=label}: normalised } })
                    touched++
                  }
                }
                cursor = rows[rows.length - 1].id
              }
              console.log(`updated ${touched} {=humans}`)
            }

            {=fn}()
              .catch((error) => {
                console.error(error)
                process.exitCode = 1
              })
              .finally(() => prisma.$disconnect())
        """, label=m.label, human=m.human, humans=m.humans, slug=m.slug, fn=self.names.take(f"backfill{m.plural}"),
             var=m.var), needs=[("@prisma/client", "PrismaClient", "value")]))
        self.fill(f, 50, [], [], lambda: self.blk_pure_filler(m, f))
        self.emit_file(f)


def const(m: Model) -> str:
    return "_".join(w.upper() for w in m.words)


def camel_to_title(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r" \1", name).capitalize()


# --------------------------------------------------------------------------------------------
# Fixed files

AUTH_TS = """
import { cookies } from 'next/headers'
import { prisma } from '@/lib/db'
import { HttpError } from '@/lib/http'

export type Session = {
  userId: string
  role: 'member' | 'admin'
  expiresAt: number
}

const SESSION_COOKIE = 'acme_session'

function decode(token: string): Session | null {
  try {
    const [payload] = token.split('.')
    const json = Buffer.from(payload, 'base64url').toString('utf8')
    const session = JSON.parse(json) as Session
    return session.expiresAt > Date.now() ? session : null
  } catch {
    return null
  }
}

/** The current session from the signed cookie, or null. */
export async function getSession(): Promise<Session | null> {
  const store = await cookies()
  const token = store.get(SESSION_COOKIE)?.value
  return token ? decode(token) : null
}

/** The session, or a 401 for route handlers to turn into a response. */
export async function requireSession(): Promise<Session> {
  const session = await getSession()
  if (!session) throw new HttpError(401, 'Sign in first')
  return session
}

export async function requireRole(role: Session['role']) {
  const session = await requireSession()
  if (session.role !== role) throw new HttpError(403, 'Not allowed')
  const user = await prisma.user.findUnique({ where: { id: session.userId }, select: { id: true, status: true } })
  if (!user) throw new HttpError(401, 'Unknown user')
  return { session, user }
}

export async function requireAdmin() {
  return requireRole('admin')
}
"""

HTTP_TS = """
import { NextResponse } from 'next/server'

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'HttpError'
  }
}

export function json<T>(data: T, init?: ResponseInit) {
  return NextResponse.json(data, init)
}

export function badRequest(message: string, details?: Record<string, unknown>) {
  return NextResponse.json({ error: message, details }, { status: 400 })
}

export function notFound(what = 'Resource') {
  return NextResponse.json({ error: `${what} not found` }, { status: 404 })
}

export function unauthorized() {
  return NextResponse.json({ error: 'Unauthorized' }, { status: 401 })
}

export type Pagination = { take: number; skip: number; cursor?: string }

export function parsePagination(params: URLSearchParams, defaults = { take: 25, max: 100 }): Pagination {
  const take = Number.parseInt(params.get('take') ?? '', 10)
  const page = Number.parseInt(params.get('page') ?? '', 10)
  const size = Number.isFinite(take) && take > 0 ? Math.min(take, defaults.max) : defaults.take
  return {
    take: size,
    skip: Number.isFinite(page) && page > 1 ? (page - 1) * size : 0,
    cursor: params.get('cursor') ?? undefined,
  }
}

type Handler<C> = (request: Request, context: C) => Promise<Response>

/** Turn thrown HttpErrors into JSON responses; log the rest. */
export function withErrorHandling<C>(handler: Handler<C>): Handler<C> {
  return async (request, context) => {
    try {
      return await handler(request, context)
    } catch (error) {
      if (error instanceof HttpError) {
        return NextResponse.json({ error: error.message, details: error.details }, { status: error.status })
      }
      console.error('Unhandled error in route handler', error)
      return NextResponse.json({ error: 'Internal Server Error' }, { status: 500 })
    }
  }
}
"""

FORMAT_TS = """
// Pure formatting helpers: no database access.

const dateFormat = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric' })
const dateTimeFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' })
const numberFormat = new Intl.NumberFormat('en-US')

export function formatDate(value: Date | string | null | undefined): string {
  if (!value) return '—'
  const date = typeof value === 'string' ? new Date(value) : value
  return Number.isNaN(date.getTime()) ? '—' : dateFormat.format(date)
}

export function formatDateTime(value: Date | string): string {
  return dateTimeFormat.format(typeof value === 'string' ? new Date(value) : value)
}

export function formatCurrency(cents: number, currency = 'USD'): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(cents / 100)
}

export function formatNumber(value: number): string {
  return numberFormat.format(value)
}

export function formatPercent(ratio: number, digits = 1): string {
  return `${(ratio * 100).toFixed(digits)}%`
}

export function pluralize(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatNumber(count)} ${count === 1 ? singular : plural}`
}

export function truncate(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`
}

export function initials(name: string | null | undefined): string {
  return (name ?? '')
    .split(/\\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase())
    .join('')
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
]

export function relativeTime(value: Date | string, now = Date.now()): string {
  const seconds = Math.round(((typeof value === 'string' ? Date.parse(value) : value.getTime()) - now) / 1000)
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') {
      return format.format(Math.round(seconds / size), unit)
    }
  }
  return ''
}
"""

DATES_TS = """
const DAY_MS = 24 * 60 * 60 * 1000

export function startOfDay(date: Date): Date {
  const copy = new Date(date)
  copy.setHours(0, 0, 0, 0)
  return copy
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS)
}

export function isSameDay(a: Date, b: Date): boolean {
  return startOfDay(a).getTime() === startOfDay(b).getTime()
}

export function daysBetween(from: Date, to: Date): number {
  return Math.round((startOfDay(to).getTime() - startOfDay(from).getTime()) / DAY_MS)
}

export function toIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10)
}

export function parseIsoDate(value: string | null | undefined): Date | null {
  if (!value || !/^\\d{4}-\\d{2}-\\d{2}$/.test(value)) return null
  const date = new Date(`${value}T00:00:00Z`)
  return Number.isNaN(date.getTime()) ? null : date
}

/** Every day from `from` to `to`, inclusive, as ISO dates. */
export function eachDay(from: Date, to: Date): string[] {
  const days: string[] = []
  for (let day = startOfDay(from); day <= to; day = addDays(day, 1)) {
    days.push(toIsoDate(day))
  }
  return days
}

export function quarterOf(date: Date): 1 | 2 | 3 | 4 {
  return (Math.floor(date.getMonth() / 3) + 1) as 1 | 2 | 3 | 4
}
"""

MIDDLEWARE_TS = """
import { NextResponse } from 'next/server'
import type { NextRequest } from 'next/server'

const PUBLIC_PATHS = ['/login', '/signup', '/api/health', '/api/webhooks']

export function middleware(request: NextRequest) {
  const { pathname } = request.nextUrl
  if (PUBLIC_PATHS.some((path) => pathname.startsWith(path))) {
    return NextResponse.next()
  }
  const session = request.cookies.get('acme_session')
  if (!session) {
    if (pathname.startsWith('/api/')) {
      return NextResponse.json({ error: 'Unauthorized' }, { status: 401 })
    }
    const url = request.nextUrl.clone()
    url.pathname = '/login'
    url.searchParams.set('next', pathname)
    return NextResponse.redirect(url)
  }
  const response = NextResponse.next()
  response.headers.set('X-Frame-Options', 'DENY')
  response.headers.set('Referrer-Policy', 'strict-origin-when-cross-origin')
  return response
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
}
"""

ROOT_LAYOUT_TSX = """
import type { Metadata } from 'next'
import type { ReactNode } from 'react'

export const metadata: Metadata = {
  title: { default: '{=title}', template: '%s · {=title}' },
  description: 'Internal tools for the {=title} team',
}

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-gray-50 text-gray-900 antialiased">
        <div className="mx-auto max-w-7xl px-6 py-8">{children}</div>
      </body>
    </html>
  )
}
"""

DASHBOARD_LAYOUT_TSX = """
import Link from 'next/link'
import type { ReactNode } from 'react'

const NAV_ITEMS = [
  {=items}
]

export default function DashboardLayout({ children }: { children: ReactNode }) {
  return (
    <div className="grid grid-cols-[220px_1fr] gap-8">
      <nav aria-label="Main" className="space-y-1 text-sm">
        {NAV_ITEMS.map((item) => (
          <Link key={item.href} href={item.href} className="block rounded px-2 py-1 hover:bg-gray-100">
            {item.label}
          </Link>
        ))}
      </nav>
      <main>{children}</main>
    </div>
  )
}
"""

UTILS_PKG = {
    "arrays": """
        export function chunk<T>(items: readonly T[], size: number): T[][] {
          if (size <= 0) throw new RangeError('chunk size must be positive')
          const out: T[][] = []
          for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
          return out
        }

        export function groupBy<T, K extends PropertyKey>(items: readonly T[], key: (item: T) => K): Record<K, T[]> {
          const out = {} as Record<K, T[]>
          for (const item of items) {
            const k = key(item)
            ;(out[k] ??= []).push(item)
          }
          return out
        }

        export function uniq<T>(items: readonly T[]): T[] {
          return [...new Set(items)]
        }

        export function uniqBy<T>(items: readonly T[], key: (item: T) => unknown): T[] {
          const seen = new Set<unknown>()
          return items.filter((item) => {
            const k = key(item)
            if (seen.has(k)) return false
            seen.add(k)
            return true
          })
        }

        export function keyBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T> {
          return new Map(items.map((item) => [key(item), item]))
        }

        export function sortBy<T>(items: readonly T[], key: (item: T) => number | string, direction: 1 | -1 = 1): T[] {
          return [...items].sort((a, b) => {
            const ka = key(a)
            const kb = key(b)
            return ka < kb ? -direction : ka > kb ? direction : 0
          })
        }

        export function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
          const yes: T[] = []
          const no: T[] = []
          for (const item of items) (test(item) ? yes : no).push(item)
          return [yes, no]
        }

        export function sum(values: readonly number[]): number {
          return values.reduce((total, value) => total + value, 0)
        }

        export function sumBy<T>(items: readonly T[], value: (item: T) => number): number {
          return items.reduce((total, item) => total + value(item), 0)
        }
    """,
    "strings": """
        export function slugify(text: string): string {
          return text
            .normalize('NFKD')
            .replace(/[\\u0300-\\u036f]/g, '')
            .toLowerCase()
            .trim()
            .replace(/[^a-z0-9]+/g, '-')
            .replace(/^-+|-+$/g, '')
        }

        export function capitalize(text: string): string {
          return text ? text[0]!.toUpperCase() + text.slice(1) : text
        }

        export function camelToTitle(text: string): string {
          return capitalize(text.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase())
        }

        export function truncate(text: string, max = 80): string {
          return text.length <= max ? text : `${text.slice(0, max - 1)}…`
        }

        const HTML_ESCAPES: Record<string, string> = {
          '&': '&amp;',
          '<': '&lt;',
          '>': '&gt;',
          '"': '&quot;',
          "'": '&#39;',
        }

        export function escapeHtml(text: string): string {
          return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!)
        }
    """,
    "async": """
        export function sleep(ms: number): Promise<void> {
          return new Promise((resolve) => setTimeout(resolve, ms))
        }

        /** Retry with exponential backoff. */
        export async function retry<T>(fn: () => Promise<T>, attempts = 3, baseMs = 100): Promise<T> {
          let lastError: unknown
          for (let attempt = 0; attempt < attempts; attempt++) {
            try {
              return await fn()
            } catch (error) {
              lastError = error
              if (attempt < attempts - 1) await sleep(baseMs * 2 ** attempt)
            }
          }
          throw lastError
        }

        /** Map with at most `concurrency` promises in flight. */
        export async function pMap<T, R>(items: readonly T[], fn: (item: T, index: number) => Promise<R>, concurrency = 4): Promise<R[]> {
          const results = new Array<R>(items.length)
          let next = 0
          const worker = async () => {
            while (next < items.length) {
              const index = next++
              results[index] = await fn(items[index]!, index)
            }
          }
          await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
          return results
        }

        export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number) {
          let timer: ReturnType<typeof setTimeout> | undefined
          return (...args: A) => {
            if (timer) clearTimeout(timer)
            timer = setTimeout(() => fn(...args), ms)
          }
        }
    """,
    "objects": """
        export function pick<T extends object, K extends keyof T>(object: T, keys: readonly K[]): Pick<T, K> {
          const out = {} as Pick<T, K>
          for (const key of keys) out[key] = object[key]
          return out
        }

        export function omit<T extends object, K extends keyof T>(object: T, keys: readonly K[]): Omit<T, K> {
          const out = { ...object }
          for (const key of keys) delete out[key]
          return out
        }

        export function isPlainObject(value: unknown): value is Record<string, unknown> {
          return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
        }

        export function deepEqual(a: unknown, b: unknown): boolean {
          if (Object.is(a, b)) return true
          if (Array.isArray(a) && Array.isArray(b)) {
            return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]))
          }
          if (isPlainObject(a) && isPlainObject(b)) {
            const keys = Object.keys(a)
            return keys.length === Object.keys(b).length && keys.every((key) => deepEqual(a[key], b[key]))
          }
          return false
        }
    """,
    "result": """
        export type Result<T, E = Error> = { ok: true; value: T } | { ok: false; error: E }

        export function ok<T>(value: T): Result<T, never> {
          return { ok: true, value }
        }

        export function err<E>(error: E): Result<never, E> {
          return { ok: false, error }
        }

        export function invariant(condition: unknown, message: string): asserts condition {
          if (!condition) throw new Error(`Invariant failed: ${message}`)
        }

        export function assertNever(value: never): never {
          throw new Error(`Unexpected value: ${JSON.stringify(value)}`)
        }
    """,
}

UI_PKG = {
    "Button": """
        import type { ButtonHTMLAttributes } from 'react'
        import { cn } from './cn'

        export type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
          variant?: 'primary' | 'secondary' | 'ghost' | 'danger'
          size?: 'sm' | 'md'
        }

        const VARIANTS = {
          primary: 'bg-black text-white hover:bg-gray-800',
          secondary: 'border bg-white hover:bg-gray-50',
          ghost: 'hover:bg-gray-100',
          danger: 'bg-red-600 text-white hover:bg-red-700',
        }

        export function Button({ variant = 'primary', size = 'md', className, ...props }: ButtonProps) {
          return (
            <button
              {...props}
              className={cn(
                'inline-flex items-center justify-center rounded-md font-medium disabled:opacity-50',
                size === 'sm' ? 'px-2 py-1 text-xs' : 'px-3 py-1.5 text-sm',
                VARIANTS[variant],
                className,
              )}
            />
          )
        }
    """,
    "Badge": """
        import type { ReactNode } from 'react'
        import { cn } from './cn'

        export type BadgeProps = {
          tone?: 'neutral' | 'info' | 'success' | 'warning' | 'danger' | string
          children: ReactNode
        }

        const TONES: Record<string, string> = {
          neutral: 'bg-gray-100 text-gray-700',
          info: 'bg-blue-100 text-blue-800',
          success: 'bg-green-100 text-green-800',
          warning: 'bg-amber-100 text-amber-800',
          danger: 'bg-red-100 text-red-800',
        }

        export function Badge({ tone = 'neutral', children }: BadgeProps) {
          return (
            <span className={cn('inline-flex rounded-full px-2 py-0.5 text-xs font-medium', TONES[tone] ?? TONES.neutral)}>
              {children}
            </span>
          )
        }
    """,
    "Card": """
        import type { ReactNode } from 'react'

        export type CardProps = {
          title?: ReactNode
          subtitle?: ReactNode
          actions?: ReactNode
          children: ReactNode
        }

        export function Card({ title, subtitle, actions, children }: CardProps) {
          return (
            <section className="rounded-lg border bg-white shadow-sm">
              {title || actions ? (
                <header className="flex items-start justify-between border-b px-4 py-3">
                  <div>
                    {title ? <h3 className="font-semibold">{title}</h3> : null}
                    {subtitle ? <p className="text-xs text-gray-500">{subtitle}</p> : null}
                  </div>
                  {actions}
                </header>
              ) : null}
              <div className="px-4 py-3">{children}</div>
            </section>
          )
        }
    """,
    "EmptyState": """
        import type { ReactNode } from 'react'

        export function EmptyState({ title, description, action }: { title: string; description?: string; action?: ReactNode }) {
          return (
            <div className="rounded-lg border border-dashed p-10 text-center">
              <p className="font-medium">{title}</p>
              {description ? <p className="mt-1 text-sm text-gray-500">{description}</p> : null}
              {action ? <div className="mt-4">{action}</div> : null}
            </div>
          )
        }
    """,
    "Modal": """
        'use client'

        import { useEffect, useRef } from 'react'
        import type { ReactNode } from 'react'

        export type ModalProps = {
          open: boolean
          title: string
          onClose: () => void
          children: ReactNode
        }

        export function Modal({ open, title, onClose, children }: ModalProps) {
          const dialog = useRef<HTMLDialogElement>(null)

          useEffect(() => {
            const element = dialog.current
            if (!element) return
            if (open && !element.open) element.showModal()
            if (!open && element.open) element.close()
          }, [open])

          return (
            <dialog ref={dialog} onClose={onClose} className="rounded-lg p-0 backdrop:bg-black/40">
              <div className="w-[28rem] p-5">
                <h2 className="mb-3 text-lg font-semibold">{title}</h2>
                {children}
              </div>
            </dialog>
          )
        }
    """,
    "PaginationBar": """
        'use client'

        export function PaginationBar({
          page,
          pageCount,
          onChange,
        }: {
          page: number
          pageCount: number
          onChange: (page: number) => void
        }) {
          const pages = Array.from({ length: pageCount }, (_, index) => index + 1).filter(
            (n) => n === 1 || n === pageCount || Math.abs(n - page) <= 2,
          )
          return (
            <nav aria-label="Pagination" className="flex items-center gap-1 text-sm">
              <button type="button" disabled={page <= 1} onClick={() => onChange(page - 1)} className="px-2 py-1">
                Previous
              </button>
              {pages.map((n, index) => (
                <span key={n}>
                  {index > 0 && n - pages[index - 1]! > 1 ? <span className="px-1">…</span> : null}
                  <button
                    type="button"
                    aria-current={n === page ? 'page' : undefined}
                    onClick={() => onChange(n)}
                    className={n === page ? 'rounded bg-black px-2 py-1 text-white' : 'px-2 py-1'}
                  >
                    {n}
                  </button>
                </span>
              ))}
              <button type="button" disabled={page >= pageCount} onClick={() => onChange(page + 1)} className="px-2 py-1">
                Next
              </button>
            </nav>
          )
        }
    """,
    "Spinner": """
        export function Spinner({ label = 'Loading' }: { label?: string }) {
          return (
            <span role="status" className="inline-flex items-center gap-2 text-sm text-gray-500">
              <svg className="h-4 w-4 animate-spin" viewBox="0 0 24 24" fill="none" aria-hidden="true">
                <circle cx="12" cy="12" r="10" stroke="currentColor" strokeWidth="4" className="opacity-25" />
                <path d="M4 12a8 8 0 018-8" stroke="currentColor" strokeWidth="4" className="opacity-75" />
              </svg>
              {label}
            </span>
          )
        }
    """,
}


# --------------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="target lines of JS/TS source (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", required=True, help="output directory (replaced if it holds a previous corpus)")
    args = parser.parse_args(argv)
    if args.lines < 1000:
        parser.error("--lines must be at least 1000")

    gen = Generator(args.seed, args.lines)
    gen.run()

    out = os.path.abspath(args.out)
    marker = os.path.join(out, ".ceiling-bench-corpus")
    if os.path.exists(out) and not os.path.isdir(out):
        print(f"gen-corpus: {out} is not a directory", file=sys.stderr)
        return 2
    if os.path.exists(out) and os.listdir(out):
        if not os.path.exists(marker):
            print(f"gen-corpus: {out} exists and is not a generated corpus; refusing to replace it", file=sys.stderr)
            return 2
        shutil.rmtree(out)
    os.makedirs(out, exist_ok=True)
    for path in sorted(gen.files):
        full = os.path.join(out, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(gen.files[path])
    sources = [p for p in gen.files if p.rsplit(".", 1)[-1] in ("ts", "tsx", "mjs") and not p.endswith(".d.ts")]
    with open(marker, "w", encoding="utf-8") as handle:
        handle.write(f"seed={args.seed}\nlines={args.lines}\nsource_files={len(sources)}\nsource_lines={gen.source_lines}\n")
    print(f"gen-corpus: {len(sources)} source files, {gen.source_lines} lines, {len(gen.models)} models "
          f"(seed {args.seed}) -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
