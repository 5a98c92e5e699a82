//! Rows rendered by a serializer that reads a relation of each row: the N+1 of REST APIs
//! (`NoteSerializer(notes, many=True)` where `NoteSerializer` nests `author = UserSerializer()`
//! and the queryset does not `select_related('author')`).

use ceiling_facts::{ClassId, FileId, Project, Render, Span};

/// Nested serializers are followed this deep: `project.workspace` is two steps.
const DEPTH: usize = 2;

/// One relation a render reads per row.
pub struct PerRow<'p> {
    pub file: FileId,
    pub render: &'p Render,
    /// The serializer's name, as the render calls it.
    pub serializer: String,
    /// The relation's path from the row (`project__workspace`), as `select_related` takes it.
    pub path: String,
    pub many: bool,
    /// Where the nested field is declared, or the getter reads the relation.
    pub declared: (FileId, Span),
    /// The `SerializerMethodField` getter that reads it, when no nested serializer does.
    pub getter: Option<String>,
}

/// Every relation a render reads per row without its queryset loading it.
pub fn per_row_relations(project: &Project) -> Vec<PerRow<'_>> {
    let mut found = Vec::new();
    for (file, facts) in project.files() {
        if facts.role != ceiling_facts::FileRole::App {
            continue;
        }
        for render in &facts.renders {
            let Some(serializer) = project.class_of(file, &render.serializer) else { continue };
            let name = project.file(serializer.0).classes[serializer.1 as usize].name.clone();
            walk(project, file, render, &name, serializer, "", 1, &mut found);
        }
    }
    found
}

#[allow(clippy::too_many_arguments)]
fn walk<'p>(
    project: &'p Project,
    file: FileId,
    render: &'p Render,
    name: &str,
    (class_file, class): (FileId, ClassId),
    prefix: &str,
    depth: usize,
    found: &mut Vec<PerRow<'p>>,
) {
    let facts = project.file(class_file);
    let serializer = &facts.classes[class as usize];
    let Some(model) = project.class_of(class_file, &serializer.model) else { return };
    getters(project, file, render, name, (class_file, class), model, prefix, found);
    for nested in &serializer.nested {
        let path = format!("{prefix}{}", nested.relation);
        let loaded = ceiling_facts::loads_relation(&render.loaded, &path);
        // A to-many field reads a manager (`comments`, `item_set`): it queries unless prefetched.
        let relation = nested.many || project.model_relation(model, &nested.relation);
        if loaded || !relation {
            // Loaded with the rows: what it nests in turn may not be.
            if loaded
                && depth < DEPTH
                && let Some(inner) = project.class_of(class_file, &nested.serializer)
            {
                walk(project, file, render, name, inner, &format!("{path}__"), depth + 1, found);
            }
            continue;
        }
        found.push(PerRow {
            file,
            render,
            serializer: name.to_owned(),
            path,
            many: nested.many,
            declared: (class_file, nested.span),
            getter: None,
        });
    }
}

/// Relations that a `SerializerMethodField`'s getter (`get_assignees(self, obj)`) reads on its
/// row: `obj.assignees.all()`, `obj.owner.name`.
#[allow(clippy::too_many_arguments)]
fn getters<'p>(
    project: &'p Project,
    file: FileId,
    render: &'p Render,
    name: &str,
    (class_file, class): (FileId, ClassId),
    model: (FileId, ClassId),
    prefix: &str,
    found: &mut Vec<PerRow<'p>>,
) {
    let facts = project.file(class_file);
    for (method, function) in &facts.classes[class as usize].methods {
        if !method.starts_with("get_") {
            continue;
        }
        for query in facts.queries.iter().filter(|query| query.func == Some(*function)) {
            let reads_row =
                matches!(query.receiver, ceiling_facts::Value::Param { index: 1, func, .. } if func == *function);
            if query.shape.api != ceiling_facts::QueryApi::RecordMethod || !reads_row {
                continue;
            }
            let relation = &query.shape.method;
            let path = format!("{prefix}{relation}");
            let loaded = ceiling_facts::loads_relation(&render.loaded, &path);
            let manager = query.shape.operation == ceiling_facts::Operation::ReadMany;
            if loaded || !(manager || project.model_relation(model, relation)) {
                continue;
            }
            found.push(PerRow {
                file,
                render,
                serializer: name.to_owned(),
                path,
                many: manager,
                declared: (class_file, query.span),
                getter: Some(method.clone()),
            });
        }
    }
}
