//! What the per-element rules share: which loops scale with data, and the chain from such a loop
//! to the query it runs, directly or through calls.

use ceiling_facts::{
    Call, ChainStep, FileFacts, FileId, FileRole, FnRef, Given, IterId, Iteration, IterationKind, Operation, Orm, Over,
    ParamGuard, Project, ReachKind,
};

use crate::{ChainLink, Finding, Rule, Severity};

/// How many rows a loop may run over and still be a handful, by what the loop body does: a
/// read per row of a capped list is still an N+1 a reader wants to hear about once the list is
/// a page (`take: 20`); a batch job that updates the 30 rows it picked is bounded work.
#[derive(Debug, Clone, Copy)]
pub struct Handful(pub u32);

/// The nearest iteration, from `innermost` outwards, whose body runs once per element of a
/// collection that grows with the data. Guards live here:
/// - literal collections do not grow, nor do counted loops (`i < 3`, `Array.from({ length: 3 })`)
///   and the results of a query with a literal limit (`take: 5`) up to `handful`;
/// - `while (cursor)`-style loops run per page or per condition, not per element;
/// - a body that always leaves on its first pass runs once;
/// - a counted or conditional loop that leaves when a `try` succeeds is a retry loop.
pub fn scaling_loop(project: &Project, file: FileId, innermost: IterId, handful: Handful) -> Option<IterId> {
    let facts = project.file(file);
    let mut current = Some(innermost);
    // Iteration parents always precede their children, so this walk ends.
    while let Some(id) = current {
        let iteration = &facts.iterations[id as usize];
        if scales(project, file, iteration, handful) {
            return Some(id);
        }
        current = iteration.parent;
    }
    None
}

fn scales(project: &Project, file: FileId, iteration: &Iteration, handful: Handful) -> bool {
    let element_loop = matches!(
        iteration.kind,
        IterationKind::ForOf
            | IterationKind::ForIn
            | IterationKind::ForAwait
            | IterationKind::ArrayCallback
            | IterationKind::AsyncHelper
            | IterationKind::Comprehension
    );
    let retry_loop = iteration.retries && !element_loop;
    let grows = match iteration.over {
        Over::Collection => true,
        Over::Limited(limit) | Over::Range(limit) => limit > handful.0,
        Over::Literal(_) | Over::Condition => false,
        // A parameter: bounded when every caller passes a short array literal.
        Over::Parameter { func, index } => {
            let callers = project.callers(ceiling_facts::FnRef { file, id: func });
            callers.is_empty()
                || !callers.iter().all(|&(caller_file, call)| {
                    let lengths = &project.file(caller_file).calls[call as usize].literal_lengths;
                    lengths.get(index as usize).copied().flatten().is_some_and(|length| length <= handful.0)
                })
        }
    };
    grows && !iteration.exits_first && !retry_loop
}

/// One query per element: where it runs (the query itself, or the call in the loop that reaches
/// it) and the chain a reader follows.
pub struct PerElement {
    pub file: FileId,
    pub loop_id: IterId,
    /// The span reported: the query, or the call in the loop.
    pub site: ceiling_facts::Span,
    pub orm: Orm,
    pub operation: Operation,
    /// `user.findUnique`, `select from orderItems`.
    pub query: String,
    /// The helper called in the loop, when the query is not written in it.
    pub helper: Option<String>,
    pub chain: Vec<ChainLink>,
}

/// Every query of `kind` that runs once per element of a scaling loop, direct or through calls.
pub fn per_element_queries(
    project: &Project,
    kind: ReachKind,
    handful: Handful,
    keep: impl Fn(&ceiling_facts::Query) -> bool,
) -> Vec<PerElement> {
    let mut found = Vec::new();
    for (file_id, file) in project.files() {
        if matches!(file.role, FileRole::Test | FileRole::Generated) {
            continue;
        }
        for (query_id, query) in file.queries.iter().enumerate() {
            let (Some(iteration), Some(orm)) = (query.iteration, project.query_orm(file_id, query_id as u32)) else {
                continue;
            };
            if !is_kind(query.shape.operation, kind) || query.deferred || query.fallback || !keep(query) {
                continue;
            }
            let Some(loop_id) = scaling_loop(project, file_id, iteration, handful) else { continue };
            let chain = vec![
                loop_link(file, loop_id),
                ChainLink { file: file.path.clone(), span: query.span, note: format!("runs {}", describe(query)) },
            ];
            found.push(PerElement {
                file: file_id,
                loop_id,
                site: query.span,
                orm,
                operation: query.shape.operation,
                query: describe(query),
                helper: None,
                chain,
            });
        }
        for (call_id, call) in file.calls.iter().enumerate() {
            let (Some(iteration), Some(target)) = (call.iteration, project.call_target(file_id, call_id as u32)) else {
                continue;
            };
            if call.deferred || call.fallback {
                continue;
            }
            if project.reach(target, kind).is_none() {
                continue;
            }
            let Some(loop_id) = scaling_loop(project, file_id, iteration, handful) else { continue };
            let Some(steps) = live_chain(project, call, target, kind) else { continue };
            let Some(ChainStep::Query { file: query_file, query }) = steps.last().copied() else { continue };
            let query_facts = &project.file(query_file).queries[query as usize];
            if !keep(query_facts) {
                continue;
            }
            let Some(orm) = project.query_orm(query_file, query) else { continue };
            let helper = project.function_name(target).to_owned();
            let mut chain = vec![
                loop_link(file, loop_id),
                ChainLink { file: file.path.clone(), span: call.span, note: format!("calls {helper}()") },
            ];
            for step in &steps {
                let (step_file, span) = project.span_of(step);
                let note = match *step {
                    ChainStep::Call { callee, .. } => format!("calls {}()", project.function_name(callee)),
                    ChainStep::Query { .. } => format!("runs {}", describe(query_facts)),
                    ChainStep::Callback { .. } => continue,
                };
                chain.push(ChainLink { file: project.file(step_file).path.clone(), span, note });
            }
            found.push(PerElement {
                file: file_id,
                loop_id,
                site: call.span,
                orm,
                operation: query_facts.shape.operation,
                query: describe(query_facts),
                helper: Some(helper),
                chain,
            });
        }
    }
    found
}

/// The chain from `target` to a query it reaches when called by `call`. Queries and calls of the
/// target that sit under a condition on a parameter are left out when the call rules them out:
/// `if (!claim) { ...query }` never runs for a caller that passes `claim`.
fn live_chain(project: &Project, call: &Call, target: FnRef, kind: ReachKind) -> Option<Vec<ChainStep>> {
    let Some(items) = project.items(target) else { return Some(project.chain(target, kind)) };
    let facts = project.file(target.file);
    let live =
        |guard: &Option<ParamGuard>| guard.as_ref().is_none_or(|guard| guard.func != target.id || runs(guard, call));
    let guarded = items.queries.iter().any(|&q| facts.queries[q as usize].guard.is_some())
        || items.calls.iter().any(|&c| facts.calls[c as usize].guard.is_some());
    if !guarded {
        return Some(project.chain(target, kind));
    }
    let mut best: Option<Vec<ChainStep>> = None;
    let mut consider = |steps: Vec<ChainStep>| {
        if best.as_ref().is_none_or(|best| steps.len() < best.len()) {
            best = Some(steps);
        }
    };
    for &query in &items.queries {
        let facts = &facts.queries[query as usize];
        let counts = is_kind(facts.shape.operation, kind) && !facts.fallback && !facts.deferred;
        if counts && live(&facts.guard) && project.query_orm(target.file, query).is_some() {
            consider(vec![ChainStep::Query { file: target.file, query }]);
        }
    }
    for &inner in &items.calls {
        let inner_facts = &facts.calls[inner as usize];
        let Some(callee) = project.call_target(target.file, inner) else { continue };
        if inner_facts.fallback || !live(&inner_facts.guard) || project.reach(callee, kind).is_none() {
            continue;
        }
        let mut steps = vec![ChainStep::Call { file: target.file, call: inner, callee }];
        steps.extend(project.chain(callee, kind));
        consider(steps);
    }
    best
}

/// Whether code under `guard` runs for a call that passes what `call` passes.
fn runs(guard: &ParamGuard, call: &Call) -> bool {
    let given = call.given.get(guard.index as usize).unwrap_or(&Given::No);
    let present = match (&guard.property, given) {
        (None, Given::No) => false,
        (None, _) => true,
        (Some(_), Given::No) => false,
        (Some(property), Given::Object(keys)) => keys.contains(property),
        // A variable holding the options: anything may be in it.
        (Some(_), Given::Yes) => return true,
    };
    present == guard.when_given
}

fn is_kind(operation: Operation, kind: ReachKind) -> bool {
    match kind {
        ReachKind::Read => operation.is_read(),
        ReachKind::Write => operation.is_single_write(),
    }
}

fn loop_link(file: &FileFacts, loop_id: IterId) -> ChainLink {
    let iteration = &file.iterations[loop_id as usize];
    let what = match iteration.kind {
        IterationKind::For => "`for` loop",
        // Python's `for x in xs` walks elements too, and is spelt `for`.
        IterationKind::ForOf if file.path.ends_with(".py") => "`for` loop",
        IterationKind::ForOf => "`for...of` loop",
        IterationKind::ForIn => "`for...in` loop",
        IterationKind::ForAwait => "`for await` loop",
        IterationKind::While => "`while` loop",
        IterationKind::DoWhile => "`do...while` loop",
        IterationKind::ArrayCallback => "array callback",
        IterationKind::AsyncHelper => "async map over the collection",
        IterationKind::Comprehension => "comprehension",
    };
    ChainLink { file: file.path.clone(), span: iteration.span, note: format!("{what}, once per element") }
}

/// `user.findUnique`, `posts.select`, `SQL SELECT on users`.
pub fn describe(query: &ceiling_facts::Query) -> String {
    if query.shape.method == "rpc" {
        return format!("`rpc('{}')`", query.shape.model.as_deref().unwrap_or("?"));
    }
    match &query.shape.model {
        Some(model) => format!("`{model}.{}`", query.shape.method),
        None => format!("`{}`", query.shape.method),
    }
}

/// "a Prisma", "an Objection".
pub fn with_article(name: &str) -> String {
    let article = if name.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {name}")
}

/// Severity by where the code runs: scripts run once by hand, not per request.
pub fn severity_for(rule: &Rule, project: &Project, file: FileId) -> Severity {
    match project.file(file).role {
        FileRole::Script => Severity::Info,
        _ => rule.severity,
    }
}

pub fn finding(rule: &Rule, project: &Project, found: PerElement, message: String, why: &str, fix: String) -> Finding {
    Finding {
        rule: rule.id,
        family: rule.family,
        severity: severity_for(rule, project, found.file),
        file: project.file(found.file).path.clone(),
        span: found.site,
        message,
        chain: found.chain,
        why: why.to_owned(),
        fix,
        index: None,
        redact: Vec::new(),
        object: None,
        evidence: Vec::new(),
    }
}
