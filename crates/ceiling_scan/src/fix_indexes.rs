//! `ceiling scan --fix-indexes`: one new migration with the indexes the findings propose, in the
//! app's migrations folder and naming convention. It never edits an existing migration.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use ceiling_rules::{Finding, SuggestedIndex};

/// A migration to write: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// Relative to the scan root.
    pub path: String,
    pub text: String,
}

/// The migration that creates every index the findings propose, or `None` when they propose none.
/// `schema_files` are the schema files of the scan (relative paths): their folders say where the
/// app keeps its migrations.
pub fn index_migration(findings: &[Finding], schema_files: &[String], now: SystemTime) -> Option<Migration> {
    let mut indexes: Vec<&SuggestedIndex> = findings.iter().filter_map(|finding| finding.index.as_ref()).collect();
    indexes.sort_by(|a, b| (&a.table, &a.name).cmp(&(&b.table, &b.name)));
    indexes.dedup_by(|a, b| a.name == b.name);
    if indexes.is_empty() {
        return None;
    }
    let mut text = String::from(
        "-- Indexes proposed by `ceiling scan`, one per table and column list that a finding needs.\n\
         -- CREATE INDEX CONCURRENTLY builds without locking writes, but cannot run inside a transaction:\n\
         -- apply this file statement by statement (psql -f does), or drop CONCURRENTLY if your migration\n\
         -- tool wraps each file in a transaction.\n",
    );
    for index in indexes {
        text.push('\n');
        text.push_str(&index.sql);
        text.push('\n');
    }
    Some(Migration { path: migration_path(schema_files, now), text })
}

/// Where the app's convention puts a new migration: Prisma's `migrations/<timestamp>_name/
/// migration.sql`, Supabase's `migrations/<timestamp>_name.sql`, a numbered folder's next number
/// (`drizzle/0007_name.sql`), else beside the Prisma schema, else `migrations/` at the root.
fn migration_path(schema_files: &[String], now: SystemTime) -> String {
    const NAME: &str = "ceiling_indexes";
    let stamp = timestamp(now);
    let prisma_migrations = schema_files.iter().filter_map(|file| {
        let (dir, name) = file.rsplit_once('/')?;
        let (migrations, _) = dir.rsplit_once('/')?;
        (name == "migration.sql" && migrations.ends_with("migrations")).then_some(migrations)
    });
    if let Some(dir) = prisma_migrations.min() {
        return format!("{dir}/{stamp}_{NAME}/migration.sql");
    }
    let sql_dirs = schema_files.iter().filter(|file| file.ends_with(".sql")).filter_map(|file| {
        let (dir, name) = file.rsplit_once('/').unwrap_or(("", file));
        let looks_like_migrations = dir.ends_with("migrations") || dir.ends_with("drizzle") || dir.ends_with("migrate");
        looks_like_migrations.then_some((dir, name))
    });
    let mut best: Option<(&str, Vec<&str>)> = None;
    for (dir, name) in sql_dirs {
        match &mut best {
            Some((known, names)) if *known == dir => names.push(name),
            Some((known, _)) if dir.len() >= known.len() => {}
            _ => best = Some((dir, vec![name])),
        }
    }
    if let Some((dir, names)) = best {
        let prefix = |name: &str| name.chars().take_while(char::is_ascii_digit).count();
        let numbered = names.iter().map(|name| prefix(name)).max().unwrap_or(0);
        let file = if (1..=6).contains(&numbered) {
            // `0007_name.sql`: the next number, zero-padded like the others.
            let next = names.iter().filter_map(|name| name[..prefix(name)].parse::<u64>().ok()).max().unwrap_or(0) + 1;
            format!("{next:0numbered$}_{NAME}.sql")
        } else {
            format!("{stamp}_{NAME}.sql")
        };
        return join(dir, &file);
    }
    if let Some(schema) = schema_files.iter().find(|file| file.ends_with(".prisma")) {
        let dir = schema.rsplit_once('/').map_or("", |(dir, _)| dir);
        return join(dir, &format!("migrations/{stamp}_{NAME}/migration.sql"));
    }
    format!("migrations/{stamp}_{NAME}.sql")
}

fn join(dir: &str, file: &str) -> String {
    if dir.is_empty() { file.to_owned() } else { format!("{dir}/{file}") }
}

/// `YYYYMMDDHHMMSS` in UTC, as Prisma and Supabase stamp migrations.
fn timestamp(now: SystemTime) -> String {
    let seconds = now.duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs());
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!("{year:04}{month:02}{day:02}{:02}{:02}{:02}", rest / 3600, rest % 3600 / 60, rest % 60)
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to a Gregorian date.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Writes the migration under `root`, refusing to overwrite anything.
pub fn write_migration(root: &Path, migration: &Migration) -> std::io::Result<PathBuf> {
    let path = root.join(&migration.path);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
    std::io::Write::write_all(&mut file, migration.text.as_bytes())?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    fn paths(files: &[&str]) -> Vec<String> {
        files.iter().map(|file| (*file).to_owned()).collect()
    }

    #[test]
    fn timestamps_are_utc_calendar_dates() {
        assert_eq!(timestamp(at(0)), "19700101000000");
        // 2026-11-25 16:30:05 UTC.
        assert_eq!(timestamp(at(1_795_624_205)), "20261125163005");
        // A leap day.
        assert_eq!(timestamp(at(1_709_164_800)), "20240229000000");
    }

    #[test]
    fn each_convention_gets_its_own_kind_of_name() {
        let now = at(1_795_624_205);
        let prisma = paths(&["prisma/schema.prisma", "prisma/migrations/20240101000000_init/migration.sql"]);
        assert_eq!(migration_path(&prisma, now), "prisma/migrations/20261125163005_ceiling_indexes/migration.sql");
        let supabase = paths(&["supabase/migrations/20240101000000_init.sql", "supabase/seed.sql"]);
        assert_eq!(migration_path(&supabase, now), "supabase/migrations/20261125163005_ceiling_indexes.sql");
        let drizzle = paths(&["drizzle/0000_init.sql", "drizzle/0001_more.sql"]);
        assert_eq!(migration_path(&drizzle, now), "drizzle/0002_ceiling_indexes.sql");
        let schema_only = paths(&["packages/db/prisma/schema.prisma"]);
        assert_eq!(
            migration_path(&schema_only, now),
            "packages/db/prisma/migrations/20261125163005_ceiling_indexes/migration.sql"
        );
        assert_eq!(migration_path(&[], now), "migrations/20261125163005_ceiling_indexes.sql");
    }
}
