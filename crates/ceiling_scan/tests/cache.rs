//! A scan with a [`FactsCache`] parses only the files that changed, and reports what a fresh scan
//! reports.

use std::path::Path;

use ceiling_scan::{FactsCache, ScanOptions, scan, scan_cached};

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn rules(result: &ceiling_scan::ScanResult) -> Vec<(String, u32, &'static str)> {
    result.findings.iter().map(|f| (f.file.clone(), f.span.line, f.rule)).collect()
}

const HELPER: &str =
    "import { prisma } from './db'\nexport const author = (id: string) => prisma.user.findUnique({ where: { id } })\n";
const DB: &str = "import { PrismaClient } from '@prisma/client'\nexport const prisma = new PrismaClient()\n";
const BOUNDED: &str =
    "import { author } from './authors'\nexport async function first(ids: string[]) {\n  return author(ids[0])\n}\n";
const LOOPED: &str = "import { author } from './authors'\nexport async function all(ids: string[]) {\n  const out = []\n  for (const id of ids) out.push(await author(id))\n  return out\n}\n";

#[test]
fn a_cached_scan_parses_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "src/db.ts", DB);
    write(root, "src/authors.ts", HELPER);
    write(root, "src/feed.ts", BOUNDED);
    let options = ScanOptions::default();
    let cache = FactsCache::new();

    let first = scan_cached(root, &options, &cache).unwrap();
    assert_eq!((first.files_scanned, first.files_parsed), (3, 3));
    assert!(first.findings.is_empty());

    let again = scan_cached(root, &options, &cache).unwrap();
    assert_eq!(again.files_parsed, 0, "nothing changed");

    // The N+1 goes through the helper in an unchanged file: the facts of both meet again.
    write(root, "src/feed.ts", LOOPED);
    let changed = scan_cached(root, &options, &cache).unwrap();
    assert_eq!(changed.files_parsed, 1);
    assert_eq!(rules(&changed), [("src/feed.ts".to_owned(), 4, "n-plus-one")]);
    assert_eq!(rules(&changed), rules(&scan(root, &options).unwrap()));

    std::fs::remove_file(root.join("src/feed.ts")).unwrap();
    let removed = scan_cached(root, &options, &cache).unwrap();
    assert_eq!((removed.files_scanned, removed.files_parsed), (2, 0));
    assert!(removed.findings.is_empty());
}
