//! Which files are tests, which are scripts run by hand, which serve users.

use ceiling_facts::FileRole;

/// The role of a file by its path (relative, `/`-separated).
pub fn role_of(path: &str) -> FileRole {
    let lower = path.to_ascii_lowercase();
    let components: Vec<&str> = lower.split('/').collect();
    let (dirs, name) = components.split_at(components.len().saturating_sub(1));
    let name = name.first().copied().unwrap_or_default();
    let stem_parts: Vec<&str> = name.split('.').collect();
    let is_test_name = stem_parts.len() > 2
        && stem_parts[..stem_parts.len() - 1]
            .iter()
            .skip(1)
            .any(|part| matches!(*part, "test" | "spec" | "e2e" | "cy"));
    // Below `app/` or `pages/`, a folder is a URL segment (`app/api/test/route.ts` serves
    // `/api/test`): only the underscore folders, which routers skip, still say "tests".
    // Route files, and the helpers beside them under an `api` folder of the tree
    // (`app/api/stripe/integration/webhook/utils.ts`).
    let routes_by_path = stem_parts.first().is_some_and(|stem| matches!(*stem, "route" | "page" | "+server"))
        || dirs.windows(2).any(|pair| pair == ["pages", "api"])
        || dirs.iter().skip_while(|dir| **dir != "app").any(|dir| *dir == "api");
    let routing_root = dirs
        .iter()
        .position(|dir| matches!(*dir, "app" | "pages"))
        .filter(|_| routes_by_path)
        .map_or(dirs.len(), |at| at + 1);
    let test_dir = dirs.iter().enumerate().any(|(at, dir)| match *dir {
        "__tests__" | "__mocks__" | "__fixtures__" => true,
        "test" | "tests" | "testing" | "test-utils" | "test-helpers" | "e2e" | "integration" | "integration-tests"
        | "cypress" | "playwright" | "spec" | "mocks" | "fixtures" => at < routing_root,
        _ => false,
    });
    // pytest's conventions (`test_views.py`, `views_test.py`, `conftest.py`) and Django's `tests.py`.
    let python_test = name.ends_with(".py")
        && (name.starts_with("test_") || name.ends_with("_test.py") || matches!(name, "conftest.py" | "tests.py"));
    if is_test_name || test_dir || python_test {
        return FileRole::Test;
    }
    let script_dir = dirs.iter().any(|dir| {
        matches!(*dir, "scripts" | "script" | "seed" | "seeds" | "seeders" | "migrations" | "migration" | "migrate")
    }) || dirs.windows(2).any(|pair| pair == ["management", "commands"]);
    let script_name = stem_parts.first().is_some_and(|stem| matches!(*stem, "seed" | "seeds" | "seeder"));
    // Django's `manage.py <command>`: `<app>/management/commands/<command>.py`.
    let command = dirs.windows(2).any(|pair| pair == ["management", "commands"]);
    if script_dir || script_name || command {
        return FileRole::Script;
    }
    FileRole::App
}

/// A Python module that imports Faker fills databases for demos and development
/// (`populatedb`'s `random_data.py`), whatever its path says. (A Python module's names, its
/// imports among them, are its exports.)
pub fn makes_fake_data(facts: &ceiling_facts::FileFacts) -> bool {
    facts.path.ends_with(".py")
        && facts.exports.iter().any(|export| {
            matches!(&export.value, ceiling_facts::Value::Import { module, .. }
                if module.split('.').next() == Some("faker"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tests_scripts_and_app_code() {
        assert_eq!(role_of("src/__tests__/feed.test.ts"), FileRole::Test);
        assert_eq!(role_of("src/lib/users.spec.ts"), FileRole::Test);
        assert_eq!(role_of("e2e/login.ts"), FileRole::Test);
        assert_eq!(role_of("apps/backend/src/database/testing/workers.ts"), FileRole::Test);
        assert_eq!(role_of("prisma/seed.ts"), FileRole::Script);
        assert_eq!(role_of("scripts/backfill.ts"), FileRole::Script);
        assert_eq!(role_of("src/db/migrations/001_init.ts"), FileRole::Script);
        assert_eq!(role_of("saleor/core/management/commands/populatedb.py"), FileRole::Script);
        assert_eq!(role_of("src/app/api/tests-results/route.ts"), FileRole::App);
        assert_eq!(role_of("src/lib/contest.ts"), FileRole::App);
        assert_eq!(role_of("src/lib/test.ts"), FileRole::App);
        assert_eq!(role_of("apps/web/lib/integrations/shopify/route.ts"), FileRole::App);
        assert_eq!(role_of("apps/web/integration/setup.ts"), FileRole::Test);
        assert_eq!(role_of("apps/web/app/(ee)/api/stripe/integration/webhook/route.ts"), FileRole::App);
        assert_eq!(role_of("apps/web/app/api/v3/workflows/[id]/test/route.ts"), FileRole::App);
        assert_eq!(role_of("apps/web/tests/integration/login.ts"), FileRole::Test);
        assert_eq!(role_of("apps/web/app/__tests__/page.tsx"), FileRole::Test);
        assert_eq!(role_of("app/tests/helpers.ts"), FileRole::Test);
        assert_eq!(role_of("shop/test_views.py"), FileRole::Test);
        assert_eq!(role_of("shop/conftest.py"), FileRole::Test);
        assert_eq!(role_of("shop/tests.py"), FileRole::Test);
        assert_eq!(role_of("shop/management/commands/import_orders.py"), FileRole::Script);
        assert_eq!(role_of("shop/views.py"), FileRole::App);
        assert_eq!(role_of("apps/web/app/(ee)/api/stripe/integration/webhook/utils.ts"), FileRole::App);
    }
}
