//! `ceiling rules` and `ceiling explain`: the rules and their documentation, from the rules themselves
//! (the same text `cargo xtask docs` writes to `docs/rules/`).

use std::fmt::Write;
use std::process::ExitCode;

use ceiling_rules::{RULES, Status, docs};

use crate::{Format, print};

#[derive(clap::Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(clap::Args)]
pub struct ExplainArgs {
    /// The rule's id, as findings name it: `n-plus-one`.
    rule: String,
}

pub fn run_rules(args: &RulesArgs) -> ExitCode {
    let status = |status: Status| if status == Status::Stable { "stable" } else { "preview" };
    let output = match args.format {
        Format::Json => {
            let rules: Vec<serde_json::Value> = RULES
                .iter()
                .map(|rule| {
                    serde_json::json!({
                        "id": rule.id,
                        "family": rule.family.as_str(),
                        "severity": rule.severity.as_str(),
                        "status": status(rule.status),
                        "looks_at": rule.check.sources(),
                        "summary": rule.summary,
                    })
                })
                .collect();
            let value = serde_json::json!({ "version": 1, "rules": rules });
            serde_json::to_string_pretty(&value).expect("the rules serialize") + "\n"
        }
        Format::Human => {
            let width = RULES.iter().map(|rule| rule.id.len()).max().unwrap_or(0);
            let mut out = String::new();
            for rule in RULES {
                let _ = writeln!(
                    out,
                    "{:<width$}  {:<6}  {:<7}  {:<7}  {}",
                    rule.id,
                    rule.family.as_str(),
                    rule.severity.as_str(),
                    status(rule.status),
                    rule.summary
                );
            }
            let _ = writeln!(out, "\n{} rules. `ceiling explain <rule>` prints one's documentation.", RULES.len());
            out
        }
    };
    if print(&output) { ExitCode::SUCCESS } else { ExitCode::from(2) }
}

pub fn run_explain(args: &ExplainArgs) -> ExitCode {
    let Some(rule) = ceiling_rules::rule(&args.rule) else {
        let near: Vec<&str> = RULES
            .iter()
            .map(|rule| rule.id)
            .filter(|id| id.contains(args.rule.as_str()) || args.rule.contains(id))
            .collect();
        let hint = if near.is_empty() { String::new() } else { format!(" (did you mean {}?)", near.join(", ")) };
        eprintln!("ceiling: no rule `{}`{hint}; `ceiling rules` lists them", args.rule);
        return ExitCode::from(2);
    };
    // The page without its "generated" comment, which is for the docs folder.
    let page = docs::rule_page(rule);
    let page = page.split_once('\n').map_or(page.as_str(), |(_, rest)| rest);
    if print(page) { ExitCode::SUCCESS } else { ExitCode::from(2) }
}
