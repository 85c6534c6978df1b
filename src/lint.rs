//! The engine: discovered files → loaded trees → templates → facts → rules → sorted findings.
//!
//! Files are processed in parallel, but every output is sorted by (file, position, rule), and file
//! ids follow the sorted path order, so output bytes never depend on thread scheduling.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, FileId, Level};
use crate::discover::{self, Candidate};
use crate::facts::Facts;
use crate::network::{SmReport, TargetReport};
use crate::rotation::{RotationFunction, Target};
use crate::rules::{self, Context};
use crate::scenarios;
use crate::source::line_index::LineIndex;
use crate::source::tree::Span;
use crate::source::{self, Limits};
use crate::suppress;
use crate::template::{Graft, Template};
use crate::world::{self, Export};

/// One linted file as the report layer needs it.
pub struct SourceFile {
    /// The path as the user gave it (relative stays relative).
    pub path: PathBuf,
    pub text: Arc<str>,
    pub line_index: LineIndex,
    /// Set when the file could not be analysed at all (unreadable, over the size cap); the
    /// finding saying why is in the diagnostics.
    pub not_analysed: bool,
}

impl SourceFile {
    pub fn display_path(&self) -> String {
        self.path.display().to_string()
    }

    /// 1-based line and column (Unicode scalar values) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        self.line_index.line_col(&self.text, offset)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Options {
    pub limits: Limits,
    /// Worker threads; `None` uses one per core.
    pub threads: Option<usize>,
    /// Parameter values that replace template defaults.
    pub parameters: std::collections::BTreeMap<String, String>,
    /// Stop after loading: report only load findings (the parsing floor, for benchmarks).
    pub parse_only: bool,
    /// Keep every rotation function's verdicts and paths (`rotlint paths`).
    pub collect_paths: bool,
    /// `.rotlint.toml`: excludes, rule levels, parameter values per template.
    pub config: Config,
    /// Skip named files that do not look like CloudFormation, as walked files are (for hooks
    /// that pass every YAML/JSON file of a commit).
    pub only_templates: bool,
    /// AWS CloudFormation Guard policies run on every template (`--guard-rules`).
    #[cfg(feature = "guard")]
    pub guard: Option<Arc<crate::guard::RuleSet>>,
}

pub struct Outcome {
    pub files: Vec<SourceFile>,
    /// Sorted by file, position, rule.
    pub diagnostics: Vec<Diagnostic>,
    /// With [`Options::collect_paths`]: every rotation function's verdicts, in file order.
    pub paths: Vec<FunctionPaths>,
}

/// One rotation function's verdicts with their explaining paths, as plain owned data (the
/// scenario where conditions take the values the template's defaults give them).
#[derive(Clone, Debug)]
pub struct FunctionPaths {
    pub file: FileId,
    pub function: RotationFunction,
    /// `None` when the function is not in a VPC (it uses the public endpoint) or undecided.
    pub secrets_manager: Option<SmReport>,
    pub target: Option<Target>,
    pub target_path: Option<TargetReport>,
    /// Stacks grafted into this template (cross-stack imports, nested stacks): hop spans at or
    /// beyond a graft's offset point into that file.
    pub grafts: Vec<(Graft, FileId)>,
}

impl Outcome {
    pub fn file(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn worst_unsuppressed(&self) -> Option<Level> {
        self.diagnostics.iter().filter(|d| d.suppressed.is_none()).map(|d| d.level).max()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LintError {
    #[error(transparent)]
    Discover(#[from] discover::DiscoverError),
    #[error("cannot start worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
}

/// Lint every template under `paths`.
pub fn lint_paths(paths: &[PathBuf], options: &Options) -> Result<Outcome, LintError> {
    let mut candidates = discover::discover(paths)?;
    candidates.retain(|c| c.explicit || !options.config.excludes(&c.path));
    if options.only_templates {
        candidates.iter_mut().for_each(|c| c.explicit = false);
    }
    // Deep templates are capped at 512 levels by the loader, but evaluation and rules walk them
    // recursively: give workers a stack that comfortably covers that cap.
    let mut pool = rayon::ThreadPoolBuilder::new().stack_size(32 * 1024 * 1024);
    if let Some(n) = options.threads {
        pool = pool.num_threads(n);
    }
    let pool = pool.build()?;
    let results: Vec<FileResult> = pool.install(|| {
        // Pass 1: which files are templates, and what they export.
        let scanned: Vec<Option<Scanned>> = candidates.par_iter().map(|c| scan(c, options)).collect();
        let kept: Vec<(&Candidate, Scanned)> =
            candidates.iter().zip(scanned).filter_map(|(c, s)| s.map(|s| (c, s))).collect();
        let world: Vec<Export> = kept
            .iter()
            .enumerate()
            .flat_map(|(i, (_, s))| s.exports.iter().cloned().map(move |e| Export { file: i, ..e }))
            .collect();
        let files: Vec<&Candidate> = kept.iter().map(|(c, _)| *c).collect();
        // Pass 2: lint each file, with the stacks it imports from grafted in.
        let run = Run { files: &files, world: &world, options };
        files.par_iter().enumerate().map(|(i, c)| run.lint(i, c)).collect()
    });
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    let mut paths = Vec::new();
    for result in results {
        paths.extend(result.paths);
        diagnostics.extend(result.diagnostics);
        files.push(result.file);
    }
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(Outcome { files, diagnostics, paths })
}

struct FileResult {
    file: SourceFile,
    diagnostics: Vec<Diagnostic>,
    paths: Vec<FunctionPaths>,
}

/// What the first pass learns about a file.
struct Scanned {
    exports: Vec<Export>,
}

/// `None` for a walked file that is not a template. Only files that mention `Export` are parsed
/// here; the rest cost one read.
fn scan(candidate: &Candidate, options: &Options) -> Option<Scanned> {
    let none = Scanned { exports: Vec::new() };
    let Ok(Read::Bytes(bytes)) = read_regular_file(candidate, options.limits.max_bytes) else {
        return Some(none);
    };
    if !candidate.explicit && !discover::looks_like_cloudformation(&bytes) {
        return None;
    }
    if options.parse_only || !discover::contains(&bytes, b"Export") {
        return Some(none);
    }
    // The file index is not known yet; `world::Export::file` is fixed up by the caller's order.
    let exports = load_template(&candidate.path, &bytes, options).map(|t| world::exports_of(usize::MAX, &t));
    Some(Scanned { exports: exports.unwrap_or_default() })
}

fn load_template(path: &std::path::Path, bytes: &[u8], options: &Options) -> Option<Template> {
    let loaded = source::load_bytes(FileId(0), path, bytes, &options.limits);
    loaded.tree.root.map(|_| Template::from_tree(FileId(0), loaded.tree))
}

/// The second pass's view of the whole run.
struct Run<'a> {
    files: &'a [&'a Candidate],
    world: &'a [Export],
    options: &'a Options,
}

impl Run<'_> {
    fn lint(&self, index: usize, candidate: &Candidate) -> FileResult {
        let id = FileId(u32::try_from(index).unwrap_or(u32::MAX));
        let mut result = match read_regular_file(candidate, self.options.limits.max_bytes) {
            Ok(Read::Bytes(bytes)) => self.lint_bytes(index, &candidate.path, &bytes),
            Ok(Read::TooLarge(size)) => too_large(candidate, size, self.options.limits.max_bytes),
            Err(message) => unreadable(candidate, message),
        };
        // Everything was built with a provisional id; spans inside grafted stacks already point
        // at their own files (see `map_grafts`).
        let own = |f: &mut FileId| {
            if *f == PROVISIONAL {
                *f = id;
            }
        };
        for d in &mut result.diagnostics {
            own(&mut d.primary.file);
            d.related.iter_mut().for_each(|r| own(&mut r.file));
        }
        result.paths.iter_mut().for_each(|p| p.file = id);
        result
    }

    /// Lint one file's bytes, with the stacks it imports from grafted in.
    fn lint_bytes(&self, index: usize, path: &std::path::Path, bytes: &[u8]) -> FileResult {
        let options = self.options;
        let file = PROVISIONAL;
        let loaded = source::load_bytes(file, path, bytes, &options.limits);
        let text = loaded.tree.source.clone();
        let line_index = LineIndex::new(&text);
        let source_file = SourceFile { path: path.to_path_buf(), text, line_index, not_analysed: false };
        if options.parse_only {
            return FileResult { file: source_file, diagnostics: loaded.diagnostics, paths: Vec::new() };
        }
        let Some(mut template) = loaded.tree.root.map(|_| Template::from_tree(file, loaded.tree)) else {
            let cx = Context { file, load_diagnostics: &loaded.diagnostics, template: None, facts: None };
            let mut found = run_rules(&cx);
            options.config.apply_levels(&mut found);
            return FileResult { file: source_file, diagnostics: found, paths: Vec::new() };
        };
        let grafts = self.graft_exporters(index, &mut template);
        let parameters = parameters_for(path, options);
        let mut paths = if options.collect_paths { collect_paths(file, &template, &parameters) } else { Vec::new() };
        paths.retain(|p| !grafts.iter().any(|(g, _)| in_graft(g, p.function.key_span)));
        paths.iter_mut().for_each(|p| p.grafts.clone_from(&grafts));
        let mut found = lint_template(file, &template, &loaded.diagnostics, &parameters);
        options.config.apply_levels(&mut found);
        // Before suppressions, so `rotlint-ignore GUARD:<rule>` works like any other rule id.
        #[cfg(feature = "guard")]
        if let Some(guard) = &options.guard {
            found.extend(guard.check(file, &template, &parameters));
        }
        suppress::apply(file, &template, &mut found);
        map_grafts(&grafts, &mut found);
        FileResult { file: source_file, diagnostics: found, paths }
    }

    /// Graft every stack whose exports this template imports (each import must match exactly
    /// one export). Returns the grafts with the file each came from.
    fn graft_exporters(&self, index: usize, template: &mut Template) -> Vec<(Graft, FileId)> {
        let mut grafts = self.graft_nested(index, template);
        if self.world.is_empty() || !discover::contains(template.tree.source.as_bytes(), b"ImportValue") {
            return grafts;
        }
        for j in world::exporters_for(index, template, self.world) {
            let Some(candidate) = self.files.get(j) else { continue };
            let Ok(Read::Bytes(bytes)) = read_regular_file(candidate, self.options.limits.max_bytes) else { continue };
            let Some(exporter) = load_template(&candidate.path, &bytes, self.options) else { continue };
            let Some((graft, shift)) = template.graft(&exporter) else { continue };
            let exports: Vec<Export> = self.world.iter().filter(|e| e.file == j).cloned().collect();
            template.imports.extend(world::import_table(&exporter, &exports, shift));
            grafts.push((graft, FileId(u32::try_from(j).unwrap_or(u32::MAX))));
        }
        grafts
    }

    /// Graft nested stacks whose templates are local files linted in this run (their findings
    /// are reported by their own run; only the parent's paths lead into them), binding the
    /// stack resource's `Parameters` and `GetAtt <Stack>.Outputs.<Name>`.
    fn graft_nested(&self, index: usize, template: &mut Template) -> Vec<(Graft, FileId)> {
        let Some(parent) = self.files.get(index) else { return Vec::new() };
        let mut grafts = Vec::new();
        for nested in world::nested_stacks(template, &parent.path) {
            let Ok(wanted) = std::fs::canonicalize(&nested.path) else { continue };
            let found = self.files.iter().position(|c| std::fs::canonicalize(&c.path).is_ok_and(|p| p == wanted));
            let Some(j) = found.filter(|&j| j != index) else { continue };
            let Ok(Read::Bytes(bytes)) = read_regular_file(self.files[j], self.options.limits.max_bytes) else {
                continue;
            };
            let Some(child) = load_template(&self.files[j].path, &bytes, self.options) else { continue };
            let Some((graft, shift)) = template.graft(&child) else { continue };
            world::bind_nested(template, &nested, &child, graft, shift);
            grafts.push((graft, FileId(u32::try_from(j).unwrap_or(u32::MAX))));
        }
        grafts
    }
}

/// Provisional file id of everything built while linting one file; replaced by its real id.
const PROVISIONAL: FileId = FileId(u32::MAX);

pub(crate) fn in_graft(graft: &Graft, span: Span) -> bool {
    span.start >= graft.offset && span.start <= graft.offset + graft.len
}

/// Findings located in a grafted stack belong to that stack's own run, which reports them:
/// drop them here. Path hops through a grafted stack point into its file.
fn map_grafts(grafts: &[(Graft, FileId)], found: &mut Vec<Diagnostic>) {
    if grafts.is_empty() {
        return;
    }
    found.retain(|d| !grafts.iter().any(|(g, _)| in_graft(g, d.primary.span)));
    for d in found.iter_mut() {
        for r in &mut d.related {
            if let Some((g, file)) = grafts.iter().find(|(g, _)| in_graft(g, r.span)) {
                r.file = *file;
                r.span = Span { start: r.span.start - g.offset, end: r.span.end.saturating_sub(g.offset) };
            }
        }
    }
}

fn collect_paths(file: FileId, template: &Template, parameters: &BTreeMap<String, String>) -> Vec<FunctionPaths> {
    let facts = Facts::build(template, parameters, &BTreeMap::new());
    facts
        .functions()
        .map(|(f, ff)| FunctionPaths {
            file,
            function: f.clone(),
            secrets_manager: ff.secrets_manager.clone(),
            target: ff.target.clone(),
            target_path: ff.target_path.clone(),
            grafts: Vec::new(),
        })
        .collect()
}

enum Read {
    Bytes(Vec<u8>),
    /// Over the size cap: not read at all, so a 50 MB file costs nothing.
    TooLarge(u64),
}

/// Run the rules once per condition scenario (once when no condition matters) and merge.
/// Parameter values for one template: the config's for its path, then the command line's.
fn parameters_for(path: &std::path::Path, options: &Options) -> BTreeMap<String, String> {
    let mut values = options.config.parameters_for(path);
    values.extend(options.parameters.iter().map(|(k, v)| (k.clone(), v.clone())));
    values
}

fn lint_template(
    file: FileId,
    template: &Template,
    load: &[Diagnostic],
    parameters: &BTreeMap<String, String>,
) -> Vec<Diagnostic> {
    let none = BTreeMap::new();
    let base = Facts::build(template, parameters, &none);
    let varied = if base.rotations.functions.is_empty() {
        Vec::new()
    } else {
        scenarios::varied_conditions(template, &base.evaluator, !parameters.is_empty())
    };
    if varied.is_empty() {
        let cx = Context { file, load_diagnostics: load, template: Some(template), facts: Some(&base) };
        return run_rules(&cx);
    }
    let runs = scenarios::assignments(&varied)
        .into_iter()
        .map(|assignment| {
            let facts = Facts::build(template, parameters, &assignment);
            let cx = Context { file, load_diagnostics: load, template: Some(template), facts: Some(&facts) };
            (assignment, run_rules(&cx))
        })
        .collect();
    scenarios::merge(&varied, runs)
}

fn run_rules(cx: &Context<'_>) -> Vec<Diagnostic> {
    rules::ALL.iter().flat_map(|rule| rule.check(cx)).collect()
}

/// Reads only regular files (a FIFO or device would block or never end), and none over the cap.
fn read_regular_file(candidate: &Candidate, max_bytes: usize) -> Result<Read, String> {
    use std::io::Read as _;
    let meta = std::fs::metadata(&candidate.path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".to_owned());
    }
    let cap = u64::try_from(max_bytes).unwrap_or(u64::MAX);
    if meta.len() > cap {
        return Ok(Read::TooLarge(meta.len()));
    }
    let file = std::fs::File::open(&candidate.path).map_err(|e| e.to_string())?;
    // Sized up front: growing the buffer while reading copies it again and again.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0).saturating_add(1));
    // The file may grow between stat and read: never read past the cap.
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    Ok(Read::Bytes(bytes))
}

fn too_large(candidate: &Candidate, size: u64, max_bytes: usize) -> FileResult {
    let message = format!("file is {size} bytes, over the {max_bytes}-byte limit; it was not parsed");
    file_error(candidate, Diagnostic::new("RL004", Level::Error, PROVISIONAL, Span::default(), message))
}

fn unreadable(candidate: &Candidate, message: String) -> FileResult {
    let message = format!("cannot read `{}`: {message}", candidate.path.display());
    file_error(candidate, Diagnostic::new("RL001", Level::Error, PROVISIONAL, Span::default(), message))
}

/// A file that produced no text: the finding sits at 1:1 of an empty source.
fn file_error(candidate: &Candidate, diagnostic: Diagnostic) -> FileResult {
    let text: Arc<str> = Arc::from("");
    let line_index = LineIndex::new(&text);
    FileResult {
        file: SourceFile { path: candidate.path.clone(), text, line_index, not_analysed: true },
        diagnostics: vec![diagnostic],
        paths: Vec::new(),
    }
}
