//! Project chores: `cargo xtask docs` regenerates `docs/rules/`; `cargo xtask new-rule <family>
//! <rule-id>` scaffolds a rule file and its fixture folders.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["docs"] => docs(),
        ["new-rule", family, id] => new_rule(family, id),
        _ => Err("usage: cargo xtask docs | cargo xtask new-rule <family> <rule-id>".to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error}");
            ExitCode::from(2)
        }
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace").to_owned()
}

fn docs() -> Result<(), String> {
    let dir = workspace().join("docs/rules");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    for (name, page) in ceiling_rules::docs::pages() {
        std::fs::write(dir.join(&name), page).map_err(|e| format!("{name}: {e}"))?;
    }
    println!("wrote {}", dir.display());
    Ok(())
}

fn new_rule(family: &str, id: &str) -> Result<(), String> {
    let valid_id = !id.is_empty() && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid_id {
        return Err(format!("rule ids are kebab-case: {id}"));
    }
    if !matches!(family, "db" | "abuse" | "jobs" | "auth" | "http") {
        return Err(format!("unknown family {family}: db, abuse, jobs, auth or http"));
    }
    let root = workspace();
    let file = root.join(format!("crates/ceiling_rules/src/rules/{family}/{}.rs", id.replace('-', "_")));
    if file.exists() {
        return Err(format!("{} exists", file.display()));
    }
    let variant = match family {
        "db" => "Db",
        "abuse" => "Abuse",
        "jobs" => "Jobs",
        "auth" => "Auth",
        _ => "Http",
    };
    let template = format!(
        r#"//! `{id}`: TODO one line.

use ceiling_facts::Project;

use crate::{{Docs, Family, Finding, Rule, Severity, Status}};

pub static RULE: Rule = Rule {{
    id: "{id}",
    family: Family::{variant},
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "TODO",
    docs: Docs {{ what: "", why: "", fix: "", fires: "", passes: "", guards: &[] }},
    check,
}};

fn check(_project: &Project, _findings: &mut Vec<Finding>) {{}}
"#
    );
    std::fs::create_dir_all(file.parent().unwrap()).map_err(|e| e.to_string())?;
    std::fs::write(&file, template).map_err(|e| e.to_string())?;
    for kind in ["fire", "pass"] {
        std::fs::create_dir_all(root.join(format!("crates/ceiling_rules/fixtures/{id}/{kind}")))
            .map_err(|e| e.to_string())?;
    }
    println!("wrote {} and fixtures/{id}/{{fire,pass}}/: fill in the docs, the check and the cases", file.display());
    Ok(())
}
