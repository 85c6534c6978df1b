//! The core: one template from its bytes to its findings. Load and model it (`prepare`), then
//! (with the stacks it imports from grafted in by the scheduler) build its facts, run the rules
//! and Guard, apply levels and suppressions, and keep only what the run reports (`lint`).
//!
//! The facts of the default scenario are built once, here, and read by the rules, by Guard and
//! by `rotlint paths`; each further condition scenario (`scenarios::assignments`) builds its own.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{FileResult, FunctionPaths, Options, SourceFile, WorkloadPaths};
use crate::diagnostic::{Diagnostic, FileId};
use crate::facts::Facts;
use crate::rules::{self, Context};
use crate::scenarios;
use crate::source;
use crate::suppress;
use crate::template::Template;

/// A file loaded and modelled, not yet linted.
pub(super) struct Prepared {
    pub file: SourceFile,
    pub load: Vec<Diagnostic>,
    /// `None` when the file has no mapping root, or in parse-only mode.
    pub template: Option<Template>,
}

/// Load and model the bytes of file `file` (its id in the run: every span built from them,
/// findings and grafts alike, names it).
pub(super) fn prepare(file: FileId, path: &std::path::Path, bytes: &[u8], options: &Options) -> Prepared {
    let loaded = source::load_bytes(file, path, bytes, &options.limits);
    let text = loaded.tree.source.clone();
    let source_file = SourceFile::new(path.to_path_buf(), text, false);
    let modelled = loaded.tree.root.is_some() && !options.parse_only;
    let template = modelled.then(|| Template::from_tree(file, loaded.tree));
    Prepared { file: source_file, load: loaded.diagnostics, template }
}

/// What a file without a template gets: its load findings, and the rules that read only those.
pub(super) fn lint_unmodelled(
    file: FileId,
    source_file: SourceFile,
    load: Vec<Diagnostic>,
    options: &Options,
) -> FileResult {
    let diagnostics = if options.parse_only {
        load
    } else {
        let cx = Context { file, load_diagnostics: &load, template: None, facts: None };
        let mut found = run_rules(&cx);
        options.config.apply_levels(&mut found);
        options.rule_filter.apply(&mut found);
        found
    };
    let mut result = FileResult {
        file: source_file,
        diagnostics,
        paths: Vec::new(),
        workloads: Vec::new(),
        declared: None,
        grafted_texts: Vec::new(),
    };
    result.release_unreported_text(options);
    result
}

/// Lint one template (its file's own, or with other stacks grafted in: `template.grafts`).
/// Findings located in a grafted stack belong to that stack's own lint, which reports them, and
/// are dropped here; related locations that a rule placed in a grafted stack are given that
/// stack's file and position (see [`Template::graft_at`]).
pub(super) fn lint(
    source_file: &SourceFile,
    template: &Template,
    load: &[Diagnostic],
    options: &Options,
) -> (Vec<Diagnostic>, Vec<FunctionPaths>, Vec<WorkloadPaths>) {
    let file = template.file;
    let parameters = parameters_for(&source_file.path, options);
    // The facts of the default scenario, built once and read by `paths`, the rules and Guard.
    let base = build_facts(template, &parameters, &BTreeMap::new());
    let (mut paths, mut workloads) =
        if options.collect_paths { collect_paths(file, &base) } else { (Vec::new(), Vec::new()) };
    paths.retain(|p| !template.is_grafted(p.function.key_span));
    workloads.retain(|w| !template.is_grafted(w.key_span));
    let mut found = lint_template(file, &base, load, &parameters, options);
    options.config.apply_levels(&mut found);
    // Before suppressions, so `rotlint-ignore GUARD:<rule>` works like any other rule id.
    #[cfg(feature = "guard")]
    if let Some(guard) = &options.guard {
        found.extend(guard.check(file, &base));
    }
    // Dropped before suppressions are applied: the facts (evaluator caches, network graph) of a
    // large template are the largest thing a worker holds.
    drop(base);
    suppress::apply(file, template, &mut found);
    options.rule_filter.apply(&mut found);
    locate_grafted(template, &mut found);
    (found, paths, workloads)
}

/// See [`lint`]: findings inside grafted stacks go; related locations and fix edits there take
/// their file.
fn locate_grafted(template: &Template, found: &mut Vec<Diagnostic>) {
    if template.grafts.is_empty() {
        return;
    }
    found.retain(|d| !template.is_grafted(d.primary.span));
    let locate = |file: &mut FileId, span: &mut crate::source::tree::Span| {
        if let Some(graft) = template.graft_at(*span) {
            (*file, *span) = (graft.file, graft.local(*span));
        }
    };
    for d in found.iter_mut() {
        d.related.iter_mut().for_each(|r| locate(&mut r.file, &mut r.span));
        d.fix.iter_mut().flat_map(|f| &mut f.edits).for_each(|e| locate(&mut e.file, &mut e.span));
    }
}

/// The text of each stack grafted into `template` that `found` points into (after
/// [`locate_grafted`]): a slice of the combined text, which holds each graft's text as is.
pub(super) fn grafted_texts(template: &Template, found: &[Diagnostic]) -> Vec<(FileId, Arc<str>)> {
    if template.grafts.is_empty() {
        return Vec::new();
    }
    let pointed: std::collections::BTreeSet<FileId> = found
        .iter()
        .flat_map(|d| d.related.iter().map(|r| r.file).chain(d.fix.iter().flat_map(|f| f.edits.iter().map(|e| e.file))))
        .filter(|&f| f != template.file)
        .collect();
    let source = &template.tree.source;
    template
        .grafts
        .iter()
        .filter(|g| pointed.contains(&g.file))
        .filter_map(|g| Some((g.file, Arc::from(source.get(g.offset as usize..(g.offset + g.len) as usize)?))))
        .collect()
}

/// Every rotation function's paths, and every VPC function's and Fargate task's.
fn collect_paths(file: FileId, facts: &Facts<'_>) -> (Vec<FunctionPaths>, Vec<WorkloadPaths>) {
    let template = facts.template;
    let resource_types: Arc<BTreeMap<String, String>> = Arc::new(
        template
            .resources
            .iter()
            .filter(|r| !r.type_name.is_empty())
            .map(|r| (r.logical_id.clone(), r.type_name.clone()))
            .collect(),
    );
    let workloads = crate::report::paths::collect::workloads(file, facts, &template.grafts, &resource_types);
    let functions = facts
        .functions()
        .map(|(f, ff)| FunctionPaths {
            file,
            function: f.clone(),
            secrets_manager: ff.secrets_manager.clone(),
            target: ff.target.clone(),
            target_path: ff.target_path.clone(),
            grafts: template.grafts.clone(),
            resource_types: Arc::clone(&resource_types),
        })
        .collect();
    (functions, workloads)
}

/// Every fact building of the engine goes through here (counted in tests).
fn build_facts<'t>(
    template: &'t Template,
    parameters: &BTreeMap<String, String>,
    conditions: &BTreeMap<String, bool>,
) -> Facts<'t> {
    #[cfg(test)]
    FACTS_BUILT.with(|n| n.set(n.get() + 1));
    Facts::build(template, parameters, conditions)
}

#[cfg(test)]
thread_local! {
    /// Facts built on this thread by [`build_facts`].
    static FACTS_BUILT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Parameter values for one template: the config's for its path, then the command line's.
fn parameters_for(path: &std::path::Path, options: &Options) -> BTreeMap<String, String> {
    let mut values = options.config.parameters_for(path);
    values.extend(options.parameters.iter().map(|(k, v)| (k.clone(), v.clone())));
    values
}

/// Run the rules once per condition scenario (once when no condition matters) and merge.
/// `base` are the facts of the default scenario (no condition forced); each further scenario
/// builds its own.
fn lint_template(
    file: FileId,
    base: &Facts<'_>,
    load: &[Diagnostic],
    parameters: &BTreeMap<String, String>,
    options: &Options,
) -> Vec<Diagnostic> {
    let reported = |rule: &str| !options.config.is_off(rule) && options.rule_filter.keeps(rule);
    let run_rules = |cx: &Context<'_>| {
        let mut found = run_rules(cx);
        rules::no_secrets_manager_path::refer_to_causes(cx, &mut found, &reported);
        found
    };
    let template = base.template;
    let varied = if base.rotations.functions.is_empty() {
        Vec::new()
    } else {
        scenarios::varied_conditions(template, &base.evaluator, !parameters.is_empty())
    };
    if varied.is_empty() {
        let cx = Context { file, load_diagnostics: load, template: Some(template), facts: Some(base) };
        return run_rules(&cx);
    }
    let runs = scenarios::assignments(&varied)
        .into_iter()
        .map(|assignment| {
            let facts = build_facts(template, parameters, &assignment);
            let cx = Context { file, load_diagnostics: load, template: Some(template), facts: Some(&facts) };
            (assignment, run_rules(&cx))
        })
        .collect();
    scenarios::merge(&varied, runs)
}

fn run_rules(cx: &Context<'_>) -> Vec<Diagnostic> {
    rules::run(cx)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lint one fixture on this thread; the findings and how many facts were built.
    fn lint_counting(fixture: &str, options: &Options) -> (Vec<Diagnostic>, Vec<FunctionPaths>, usize) {
        let path = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata")).join(fixture);
        let bytes = std::fs::read(&path).expect("fixture");
        let prepared = prepare(FileId(0), &path, &bytes, options);
        let template = prepared.template.expect("a template");
        let before = FACTS_BUILT.with(std::cell::Cell::get);
        let (found, paths, _) = lint(&prepared.file, &template, &prepared.load, options);
        (found, paths, FACTS_BUILT.with(std::cell::Cell::get) - before)
    }

    fn everything() -> Options {
        #[cfg(feature = "guard")]
        let guard = {
            let rules = crate::guard::RulePath {
                path: std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/guard/rules")),
                confined_to: None,
            };
            Some(Arc::new(crate::guard::RuleSet::load(&[rules], crate::diagnostic::Level::Warning).expect("rules")))
        };
        Options {
            collect_paths: true,
            #[cfg(feature = "guard")]
            guard,
            ..Options::default()
        }
    }

    /// Rules, `paths` and Guard read one set of facts of the default scenario; a template whose
    /// findings depend on a condition builds one more per scenario, no more.
    #[test]
    fn facts_are_built_once_per_template_and_scenario() {
        let options = everything();
        let (found, paths, built) = lint_counting("cross-stack/broken/app.yaml", &options);
        assert!(!paths.is_empty() && !found.is_empty(), "paths and findings: {found:#?}");
        #[cfg(feature = "guard")]
        assert!(found.iter().any(|d| d.rule.starts_with("GUARD")), "Guard ran: {found:#?}");
        assert_eq!(built, 1);
        let (_, paths, built) = lint_counting("RL101/fail/conditional-vpc-config.yaml", &options);
        assert!(!paths.is_empty());
        assert_eq!(built, 1 + 2, "the default scenario, then each value of one condition");
    }
}
