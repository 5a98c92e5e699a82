//! `docs/rules/` is generated from the rules; this fails when it is stale or a section is empty.

use std::path::Path;

use ceiling_rules::Check;

#[test]
fn rule_docs_are_fresh() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules");
    for (name, expected) in ceiling_rules::docs::pages() {
        let actual = std::fs::read_to_string(dir.join(&name)).unwrap_or_default();
        assert!(actual == expected, "docs/rules/{name} is stale: run `cargo xtask docs`");
    }
}

#[test]
fn every_rule_is_documented_and_has_fixtures() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for rule in ceiling_rules::RULES {
        let docs = &rule.docs;
        for (section, text) in
            [("what", docs.what), ("why", docs.why), ("fix", docs.fix), ("fires", docs.fires), ("passes", docs.passes)]
        {
            assert!(!text.trim().is_empty(), "{}: empty `{section}` section", rule.id);
        }
        assert!(!docs.guards.is_empty(), "{}: no false-positive guard is named", rule.id);
        // Checks of the code have fixture projects under `fire/` and `pass/`; checks of a live
        // database have SQL scripts under `db/fire/` and `db/pass/`.
        let mut dirs = Vec::new();
        if matches!(rule.check, Check::Code(_) | Check::Both { .. }) {
            dirs.extend(["fire", "pass"]);
        }
        if matches!(rule.check, Check::Database(_) | Check::Both { .. }) {
            dirs.extend(["db/fire", "db/pass"]);
        }
        for kind in dirs {
            let cases = std::fs::read_dir(fixtures.join(rule.id).join(kind)).map(Iterator::count).unwrap_or(0);
            assert!(cases > 0, "{}: no `{kind}` fixture", rule.id);
        }
    }
}
