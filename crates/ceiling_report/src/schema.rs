//! `ceiling schema`: the schema ceiling read, table by table, each fact with where it came from,
//! so a user can see why an index finding was or was not made.

use std::fmt::Write;

use ceiling_facts::{IndexKey, IndexKind, Origin, Schema};

/// The schema as people read it: one block per table.
pub fn render_schema_human(schema: &Schema) -> String {
    let mut out = String::new();
    for table in &schema.tables {
        let models =
            if table.bindings.is_empty() { String::new() } else { format!(" (as {})", table.bindings.join(", ")) };
        let _ = writeln!(out, "{}{models}  {}", table.name, at(&table.origin));
        let columns: Vec<String> = table
            .columns
            .iter()
            .map(|column| match &column.field {
                Some(field) => format!("{} ({field})", column.name),
                None => column.name.clone(),
            })
            .collect();
        if !columns.is_empty() {
            let _ = writeln!(out, "  columns: {}", columns.join(", "));
        }
        for index in &table.indexes {
            let kind = match index.kind {
                IndexKind::PrimaryKey => "primary key",
                IndexKind::Unique => "unique",
                IndexKind::Index => "index",
            };
            let keys: Vec<String> = index
                .keys
                .iter()
                .map(|key| match key {
                    IndexKey::Column { name, opclass: Some(opclass) } => format!("{name} {opclass}"),
                    IndexKey::Column { name, opclass: None } => name.clone(),
                    IndexKey::Expression(text) => text.clone(),
                })
                .collect();
            let mut line = format!("  {kind} ({})", keys.join(", "));
            if let Some(method) = &index.method {
                let _ = write!(line, " using {method}");
            }
            if let Some(predicate) = &index.predicate {
                let _ = write!(line, " where {predicate}");
            }
            if let Some(name) = &index.name {
                let _ = write!(line, " {name}");
            }
            let _ = writeln!(out, "{line}  {}", at(&index.origin));
        }
        for key in &table.foreign_keys {
            let _ = writeln!(
                out,
                "  foreign key ({}) -> {}({}){}  {}",
                key.columns.join(", "),
                key.references_table,
                key.references_columns.join(", "),
                if key.enforced { "" } else { " not enforced" },
                at(&key.origin)
            );
        }
        match table.rls {
            Some(true) => out.push_str("  row-level security: enabled\n"),
            Some(false) => out.push_str("  row-level security: disabled\n"),
            None => {}
        }
        for policy in &table.policies {
            let mut line =
                format!("  policy \"{}\" for {} to {}", policy.name, policy.command.as_sql(), policy.roles.join(", "));
            if !policy.permissive {
                line.push_str(" restrictive");
            }
            if policy.using_true {
                line.push_str(" using (true)");
            }
            if policy.check_true {
                line.push_str(" with check (true)");
            }
            let _ = writeln!(out, "{line}  {}", at(&policy.origin));
        }
        out.push('\n');
    }
    for problem in &schema.problems {
        let _ = writeln!(out, "could not read {}:{}: {}", problem.file, problem.line, problem.message);
    }
    let _ = writeln!(
        out,
        "{} table{} from the app's schema files and models.",
        schema.tables.len(),
        if schema.tables.len() == 1 { "" } else { "s" }
    );
    out
}

/// The schema for programs: the same facts, with every origin.
pub fn render_schema_json(schema: &Schema) -> String {
    let mut text = serde_json::to_string_pretty(schema).expect("the schema serialises");
    text.push('\n');
    text
}

fn at(origin: &Origin) -> String {
    format!("[{}:{}, {}]", origin.file, origin.line, origin.source.display_name())
}
