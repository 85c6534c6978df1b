//! The engine: discovered files → loaded trees → templates → facts → rules → sorted findings.
//!
//! Files are processed in parallel, but every output is sorted by (file, position, rule), and file
//! ids follow the sorted path order, so output bytes never depend on thread scheduling.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, FileId, Level};
use crate::discover::{self, Candidate};
use crate::facts::Facts;
use crate::network::{ApiReport, TargetReport};
use crate::rotation::{RotationFunction, Target};
use crate::rules::{self, Context};
use crate::scenarios;
use crate::source::line_index::LineIndex;
use crate::source::tree::Span;
use crate::source::{self, Limits};
use crate::suppress;
use crate::template::{Evaluator, Graft, RotationLinks, Template};
use crate::world::{self, Export, Exports, NameIndex};

/// One linted file as the report layer needs it.
pub struct SourceFile {
    /// The path as the user gave it (relative stays relative).
    pub path: PathBuf,
    pub text: Arc<str>,
    /// Built on the first position lookup: most files of a run have no finding to place.
    line_index: OnceLock<LineIndex>,
    /// Set when the file could not be analysed at all (unreadable, over the size cap); the
    /// finding saying why is in the diagnostics.
    pub not_analysed: bool,
}

impl SourceFile {
    pub fn new(path: PathBuf, text: Arc<str>, not_analysed: bool) -> Self {
        SourceFile { path, text, line_index: OnceLock::new(), not_analysed }
    }

    pub fn line_index(&self) -> &LineIndex {
        self.line_index.get_or_init(|| LineIndex::new(&self.text))
    }

    pub fn display_path(&self) -> String {
        self.path.display().to_string()
    }

    /// 1-based line and column (Unicode scalar values) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        self.line_index().line_col(&self.text, offset)
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
    /// Source bytes of templates kept parsed between passes for cross-stack grafting; `None`
    /// for the default (8 MiB). Past it they are parsed again: slower, same output.
    pub keep_parsed_bytes: Option<usize>,
    /// The template read from standard input, linted where `-` is among the paths.
    pub stdin: Option<Stdin>,
    /// `--select` / `--ignore`.
    pub rule_filter: rules::RuleFilter,
    /// AWS CloudFormation Guard policies run on every template (`--guard-rules`).
    #[cfg(feature = "guard")]
    pub guard: Option<Arc<crate::guard::RuleSet>>,
}

/// A template given on standard input (`-`).
#[derive(Clone, Debug)]
pub struct Stdin {
    /// `--stdin-filename`, or `<stdin>`: the name in messages and for configuration globs.
    pub name: PathBuf,
    /// At most the size cap plus one byte (more means too large).
    pub bytes: Arc<[u8]>,
}

impl Stdin {
    /// The path argument that stands for standard input.
    pub const ARG: &'static str = "-";

    /// Read standard input, at most `max_bytes + 1` bytes (more is reported as RL004).
    pub fn read(name: Option<PathBuf>, max_bytes: usize) -> std::io::Result<Stdin> {
        use std::io::Read as _;
        let mut bytes = Vec::new();
        let cap = u64::try_from(max_bytes).unwrap_or(u64::MAX).saturating_add(1);
        std::io::stdin().lock().take(cap).read_to_end(&mut bytes)?;
        Ok(Stdin { name: name.unwrap_or_else(|| PathBuf::from("<stdin>")), bytes: bytes.into() })
    }
}

pub struct LintResult {
    pub files: Vec<SourceFile>,
    /// Sorted by file, position, rule.
    pub diagnostics: Vec<Diagnostic>,
    /// With [`Options::collect_paths`]: every rotation function's verdicts, in file order.
    pub paths: Vec<FunctionPaths>,
    /// Walked files left out, for the warning of a run that finds no template.
    pub skipped: Skipped,
    /// The directory fingerprints and baselines name files from (absolute): the git work
    /// tree holding the first path, else the configuration's directory, else the working
    /// directory. `None` when the working directory is unknown.
    pub root: Option<PathBuf>,
}

/// Walked (or, with `--only-templates`, named) files a run left out, and why.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Skipped {
    /// Matched an `exclude` glob of the configuration.
    pub excluded: usize,
    /// No top-level `Resources` or `AWSTemplateFormatVersion` key.
    pub not_templates: usize,
}

/// One rotation function's verdicts with their explaining paths, as plain owned data (the
/// scenario where conditions take the values the template's defaults give them).
#[derive(Clone, Debug)]
pub struct FunctionPaths {
    pub file: FileId,
    pub function: RotationFunction,
    /// `None` when the function is not in a VPC (it uses the public endpoint) or undecided.
    pub secrets_manager: Option<ApiReport>,
    pub target: Option<Target>,
    pub target_path: Option<TargetReport>,
    /// Stacks grafted into this template (cross-stack imports, nested stacks): hop spans at or
    /// beyond a graft's offset point into that file.
    pub grafts: Vec<(Graft, FileId)>,
    /// Logical id → CloudFormation type of every resource of the template and of the stacks
    /// grafted into it (ids are unique across them), shared by the template's functions.
    pub resource_types: Arc<BTreeMap<String, String>>,
}

impl LintResult {
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
    #[error(transparent)]
    Parameter(#[from] crate::parameters::ParameterError),
}

/// Lint every template under `paths`.
pub fn lint_paths(paths: &[PathBuf], options: &Options) -> Result<LintResult, LintError> {
    let stdin = options.stdin.as_ref().filter(|_| paths.iter().any(|p| p.as_os_str() == Stdin::ARG));
    let on_disk: Vec<PathBuf> = match stdin {
        Some(_) => paths.iter().filter(|p| p.as_os_str() != Stdin::ARG).cloned().collect(),
        None => paths.to_vec(),
    };
    let mut candidates = if on_disk.is_empty() && stdin.is_some() { Vec::new() } else { discover::discover(&on_disk)? };
    if let Some(stdin) = stdin {
        // The named file, if also linted from disk, gives way to what standard input holds.
        candidates.retain(|c| c.path != stdin.name);
        candidates.push(Candidate { path: stdin.name.clone(), explicit: true, stdin: true });
        candidates.sort();
    }
    let discovered = candidates.len();
    candidates.retain(|c| c.explicit || !options.config.excludes(&c.path));
    let excluded = discovered - candidates.len();
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
    let mut not_templates = 0;
    let results: Vec<FileResult> = pool.install(|| {
        // Pass 1, bytes only: which files are templates, and which mention imports or exports.
        let scanned: Vec<Option<Scanned>> = candidates.par_iter().map(|c| scan(c, options)).collect();
        not_templates = scanned.iter().filter(|s| s.is_none()).count();
        let (files, marks): (Vec<&Candidate>, Vec<Scanned>) =
            candidates.iter().zip(scanned).filter_map(|(c, s)| s.map(|s| (c, s))).unzip();
        let mut run = Run {
            files: &files,
            options,
            by_canonical_path: OnceLock::new(),
            nested_children: std::sync::Mutex::default(),
            nested_budget: KeepBudget(AtomicUsize::new(KeepBudget::NESTED_BYTES)),
            rotation_links: BTreeMap::new(),
        };
        run.rotation_links = run.link_literal_arns(&marks);
        let cross_stack = marks.iter().any(|m| m.imports) && marks.iter().any(|m| m.exports);
        if cross_stack {
            run.lint_cross_stack(&marks)
        } else {
            let world = World::default();
            (0..files.len()).into_par_iter().map(|i| run.lint(i, &world)).collect()
        }
    });
    if !options.parameters.is_empty() && !options.parse_only {
        let declared: Vec<(&std::path::Path, Option<&[crate::parameters::Declared]>)> =
            results.iter().map(|r| (r.file.path.as_path(), r.declared.as_deref())).collect();
        crate::parameters::check(&options.parameters, &declared)?;
    }
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    let mut paths = Vec::new();
    for result in results {
        paths.extend(result.paths);
        diagnostics.extend(result.diagnostics);
        files.push(result.file);
    }
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let diagnostics = crate::diagnostic::bounds::apply(diagnostics);
    let root = fingerprint_root(&on_disk, &options.config);
    Ok(LintResult { files, diagnostics, paths, skipped: Skipped { excluded, not_templates }, root })
}

/// When a run lints no file although it walked a directory: a warning saying why (everything
/// excluded, not templates, or git-ignored) and how to lint what was left out. `None` when files
/// were linted, or when only named files were given (a pre-commit hook with `--only-templates`
/// on a commit without templates is not worth a warning).
pub fn empty_run_warning(paths: &[PathBuf], outcome: &LintResult) -> Option<String> {
    if !outcome.files.is_empty() || !paths.iter().any(|p| p.is_dir()) {
        return None;
    }
    let shown = |p: &std::path::Path| crate::report::escape::human(&p.display().to_string()).into_owned();
    let given: Vec<String> = paths.iter().map(|p| format!("`{}`", shown(p))).collect();
    let mut lines = vec![format!("warning: no CloudFormation template found in {}", given.join(", "))];
    let Skipped { excluded, not_templates } = outcome.skipped;
    if excluded > 0 {
        lines.push(format!("  {excluded} file(s) matched an `exclude` glob of {}", crate::config::FILE_NAME));
    }
    if not_templates > 0 {
        lines.push(format!(
            "  {not_templates} file(s) were skipped: no top-level `Resources` or `AWSTemplateFormatVersion` key"
        ));
    }
    let ignored = discover::ignored_templates(paths, 1_000);
    if let Some(first) = ignored.first() {
        let cdk_out = ignored.iter().find_map(|p| {
            let at = p.components().position(|c| c.as_os_str() == "cdk.out")?;
            Some(p.components().take(at + 1).collect::<PathBuf>())
        });
        let count = if ignored.len() >= 1_000 { "1000 or more".to_owned() } else { ignored.len().to_string() };
        lines.push(format!("  {count} file(s) are git-ignored, e.g. `{}`", shown(first)));
        match cdk_out {
            Some(dir) => lines.push(format!(
                "  a CDK app's `cdk.out` is git-ignored by default; name it to lint the synthesized templates: `rotlint {}`",
                shown(&dir)
            )),
            None => lines.push(
                "  a directory or file named on the command line is linted even when git-ignored".to_owned(),
            ),
        }
    }
    if lines.len() == 1 {
        lines.push(format!("  no file there ends in {}", discover::TEMPLATE_EXTENSIONS_TEXT));
    }
    Some(lines.join("\n"))
}

/// See [`LintResult::root`].
fn fingerprint_root(paths: &[PathBuf], config: &Config) -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    let start = paths.first().map_or_else(|| cwd.clone(), |p| crate::files::absolute_dir(p, &cwd));
    let repository = start.ancestors().find(|dir| dir.join(".git").exists()).map(std::path::Path::to_path_buf);
    let config_dir =
        || config.path.as_deref().and_then(std::path::Path::parent).map(|d| crate::files::absolute_dir(d, &cwd));
    Some(repository.or_else(config_dir).unwrap_or_else(|| crate::files::absolute_dir(&cwd, &cwd)))
}

struct FileResult {
    file: SourceFile,
    diagnostics: Vec<Diagnostic>,
    paths: Vec<FunctionPaths>,
    /// The template's parameters, when values were given on the command line (`None`: the file
    /// is not a template rotlint could read).
    declared: Option<Vec<crate::parameters::Declared>>,
}

/// What the first pass learns about a file from its bytes alone (exports are collected later,
/// while each file is linted, not by parsing it an extra time).
#[derive(Clone, Copy, Default)]
struct Scanned {
    /// Mentions `ImportValue`: linted last, once every export of the run is known.
    imports: bool,
    /// Mentions `Export`: its exports are collected while it is linted.
    exports: bool,
    /// May name its rotation function by a literal ARN (`RotationLambdaARN` and `:function:`).
    literal_arn: bool,
    /// May name a function (`FunctionName`, or a rotation app's `functionName`).
    names_function: bool,
}

/// `None` for a walked file that is not a template.
fn scan(candidate: &Candidate, options: &Options) -> Option<Scanned> {
    let Ok(Read::Bytes(bytes)) = read_candidate(candidate, options) else {
        return Some(Scanned::default());
    };
    if !candidate.explicit && !discover::looks_like_cloudformation(&bytes) {
        return None;
    }
    if options.parse_only {
        return Some(Scanned::default());
    }
    Some(Scanned {
        imports: discover::contains(&bytes, b"ImportValue"),
        exports: discover::contains(&bytes, b"Export"),
        literal_arn: discover::contains(&bytes, b"RotationLambdaARN") && discover::contains(&bytes, b":function:"),
        names_function: discover::contains(&bytes, b"unctionName"),
    })
}

/// A file loaded and modelled, not yet linted.
struct Prepared {
    file: SourceFile,
    load: Vec<Diagnostic>,
    /// `None` when the file has no mapping root, or in parse-only mode.
    template: Option<Template>,
}

fn prepare(path: &std::path::Path, bytes: &[u8], options: &Options) -> Prepared {
    let loaded = source::load_bytes(PROVISIONAL, path, bytes, &options.limits);
    let text = loaded.tree.source.clone();
    let file = SourceFile::new(path.to_path_buf(), text, false);
    let modelled = loaded.tree.root.is_some() && !options.parse_only;
    let template = modelled.then(|| Template::from_tree(PROVISIONAL, loaded.tree));
    Prepared { file, load: loaded.diagnostics, template }
}

/// What importers need from the rest of the run.
#[derive(Default)]
struct World {
    /// Every export of the run.
    exports: Exports,
    /// Templates already parsed by their own lint, by file index, so grafting them costs no
    /// second parse.
    parsed: BTreeMap<usize, Arc<Template>>,
}

/// Parsed templates kept between cross-stack passes (importers waiting for the exports, exporters
/// waiting to be grafted) are capped by their total source size, so a run over a large monorepo
/// cannot hold them all in memory; past the cap they are parsed again instead. Which ones are
/// kept may vary between runs, the output does not.
struct KeepBudget(AtomicUsize);

impl KeepBudget {
    const DEFAULT_BYTES: usize = 8 * 1024 * 1024;
    /// Nested-stack children kept parsed for their parents.
    const NESTED_BYTES: usize = 16 * 1024 * 1024;

    /// Half of `Options::keep_parsed_bytes` each for importers and for exporters: holding an
    /// importer saves one parse, keeping an exporter one per importer, so importers parsed
    /// first must not use it all up.
    fn halves(options: &Options) -> (Self, Self) {
        let total = options.keep_parsed_bytes.unwrap_or(Self::DEFAULT_BYTES);
        (KeepBudget(AtomicUsize::new(total / 2)), KeepBudget(AtomicUsize::new(total - total / 2)))
    }

    fn take(&self, bytes: usize) -> bool {
        self.0.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| left.checked_sub(bytes)).is_ok()
    }
}

/// An importing file after its first look: parsed (when the budget allowed) and what it imports
/// and exports.
struct Importer {
    index: usize,
    prepared: Option<Result<Prepared, Box<FileResult>>>,
    exports: Vec<Export>,
    patterns: Vec<String>,
}

/// One linted non-importing file and what it offers importers.
struct Linted {
    index: usize,
    result: FileResult,
    exports: Vec<Export>,
    kept: Option<Arc<Template>>,
}

/// Resource types whose facts can depend on a nested stack grafted into their template: a
/// function is a rotation function only through a schedule, a permission or a rotation app,
/// and endpoint rules read the endpoint's network.
const READS_GRAFTS: &[&str] = &[
    "AWS::SecretsManager::RotationSchedule",
    "AWS::Lambda::Permission",
    "AWS::Serverless::Application",
    "AWS::EC2::VPCEndpoint",
];

/// A nested-stack child as its parents see it.
enum NestedChild {
    Kept(Arc<Template>),
    /// Parsed, but over the budget: each parent parses it again.
    OverBudget,
    /// Unreadable, or not a template: no parent grafts it.
    Unusable,
}

/// What linting needs to know about the whole run.
struct Run<'a> {
    files: &'a [&'a Candidate],
    options: &'a Options,
    /// Canonical path → file index, built the first time a nested stack needs it.
    by_canonical_path: OnceLock<BTreeMap<PathBuf, usize>>,
    /// Nested-stack children, parsed once for all their parents (a child nested by hundreds of
    /// stacks is not parsed hundreds of times).
    nested_children: std::sync::Mutex<BTreeMap<usize, Arc<OnceLock<NestedChild>>>>,
    /// Source bytes of nested children kept parsed ([`KeepBudget::NESTED_BYTES`]).
    nested_budget: KeepBudget,
    /// Rotation functions linked across files by literal ARN, by file index.
    rotation_links: BTreeMap<usize, RotationLinks>,
}

impl Run<'_> {
    /// Lint file `index`.
    fn lint(&self, index: usize, world: &World) -> FileResult {
        self.lint_prepared(index, self.read_and_prepare(self.files[index]), world)
    }

    /// Lint a file already read and modelled, or give the result saying why it could not be.
    fn lint_prepared(&self, index: usize, prepared: Result<Prepared, Box<FileResult>>, world: &World) -> FileResult {
        let result = match prepared {
            Ok(prepared) => self.finish(index, prepared, world).0,
            Err(result) => *result,
        };
        own_file(index, result)
    }

    /// Cross-stack runs: importers are parsed first (their import patterns say which exporters
    /// are worth keeping parsed), then every other file is linted while collecting exports, and
    /// the importers last, with the stacks they import from grafted in.
    fn lint_cross_stack(&self, marks: &[Scanned]) -> Vec<FileResult> {
        let (importer_budget, exporter_budget) = KeepBudget::halves(self.options);
        let importing: Vec<usize> = (0..self.files.len()).filter(|&i| marks[i].imports).collect();
        let importers: Vec<Importer> =
            importing.par_iter().map(|&i| self.first_look(i, marks[i].exports, &importer_budget)).collect();
        let wanted =
            NameIndex::new(importers.iter().flat_map(|m| m.patterns.iter().map(|p| (m.index, p.clone()))).collect());
        let others: Vec<usize> = (0..self.files.len()).filter(|&i| !marks[i].imports).collect();
        let linted: Vec<Linted> =
            others.par_iter().map(|&i| self.lint_offering(i, marks[i].exports, &wanted, &exporter_budget)).collect();

        let exports =
            importers.iter().flat_map(|m| m.exports.iter()).chain(linted.iter().flat_map(|l| l.exports.iter()));
        let mut parsed: BTreeMap<usize, Arc<Template>> =
            linted.iter().filter_map(|l| Some((l.index, l.kept.clone()?))).collect();
        // An importer that also exports is copied now, before its own grafts change it: grafting
        // the copy into its importers is cheaper than parsing it again for each of them.
        for m in &importers {
            let Some(Ok(Prepared { template: Some(template), file, .. })) = &m.prepared else { continue };
            if offers(m.index, &m.exports, &wanted) && exporter_budget.take(file.text.len()) {
                parsed.insert(m.index, Arc::new(template.clone()));
            }
        }
        let world = World { exports: Exports::new(exports.cloned().collect()), parsed };

        let late: Vec<(usize, FileResult)> = importers
            .into_par_iter()
            .map(|m| {
                let prepared = m.prepared.unwrap_or_else(|| self.read_and_prepare(self.files[m.index]));
                (m.index, self.lint_prepared(m.index, prepared, &world))
            })
            .collect();
        // Every file is either an importer or one of the others: each slot is filled once.
        let mut results: Vec<Option<FileResult>> = (0..self.files.len()).map(|_| None).collect();
        for (i, result) in linted.into_iter().map(|l| (l.index, l.result)).chain(late) {
            results[i] = Some(result);
        }
        debug_assert!(results.iter().all(Option::is_some), "a file without a result would shift every later id");
        results.into_iter().flatten().collect()
    }

    fn first_look(&self, index: usize, exports: bool, budget: &KeepBudget) -> Importer {
        let prepared = self.read_and_prepare(self.files[index]);
        let template = prepared.as_ref().ok().and_then(|p| p.template.as_ref());
        let patterns = template.map(world::import_patterns).unwrap_or_default();
        let exports = template.filter(|_| exports).map(|t| world::exports_of(index, t)).unwrap_or_default();
        let size = prepared.as_ref().map_or(0, |p| p.file.text.len());
        let prepared = budget.take(size).then_some(prepared);
        Importer { index, prepared, exports, patterns }
    }

    /// Lint a file that imports nothing; collect its exports, and keep its template parsed when
    /// an import elsewhere in the run matches one of them.
    fn lint_offering(&self, index: usize, exports: bool, wanted: &NameIndex, budget: &KeepBudget) -> Linted {
        let candidate = self.files[index];
        let prepared = match self.read_and_prepare(candidate) {
            Ok(prepared) => prepared,
            Err(result) => return Linted { index, result: own_file(index, *result), exports: Vec::new(), kept: None },
        };
        let exports = match &prepared.template {
            Some(t) if exports => world::exports_of(index, t),
            _ => Vec::new(),
        };
        let size = prepared.file.text.len();
        let (result, template) = self.finish(index, prepared, &World::default());
        let kept = template.filter(|_| offers(index, &exports, wanted) && budget.take(size)).map(Arc::new);
        Linted { index, result: own_file(index, result), exports, kept }
    }

    /// Read and model a file, or the result saying why it cannot be.
    fn read_and_prepare(&self, candidate: &Candidate) -> Result<Prepared, Box<FileResult>> {
        match read_candidate(candidate, self.options) {
            Ok(Read::Bytes(bytes)) => Ok(prepare(&candidate.path, &bytes, self.options)),
            Ok(Read::TooLarge(size)) => Err(Box::new(too_large(candidate, size, self.options.limits.max_bytes))),
            Err(message) => Err(Box::new(unreadable(candidate, message))),
        }
    }

    /// Lint one prepared file, with the stacks it imports from grafted in. Gives the template
    /// back when nothing was grafted into it (it is then still the file's own).
    fn finish(&self, index: usize, prepared: Prepared, world: &World) -> (FileResult, Option<Template>) {
        let options = self.options;
        let file = PROVISIONAL;
        let Prepared { file: source_file, load, template } = prepared;
        let path = source_file.path.clone();
        let Some(mut template) = template else {
            let diagnostics = if options.parse_only {
                load
            } else {
                let cx = Context { file, load_diagnostics: &load, template: None, facts: None };
                let mut found = run_rules(&cx);
                options.config.apply_levels(&mut found);
                options.rule_filter.apply(&mut found);
                found
            };
            return (FileResult { file: source_file, diagnostics, paths: Vec::new(), declared: None }, None);
        };
        if let Some(links) = self.rotation_links.get(&index) {
            template.rotation_links = links.clone();
        }
        // Before grafting: the parameters this file declares, not those of stacks grafted in.
        let declared = (!options.parameters.is_empty()).then(|| crate::parameters::declared(&template));
        let grafts = self.graft_exporters(index, &mut template, world);
        let parameters = parameters_for(&path, options);
        // The facts of the default scenario, built once and read by `paths`, the rules and Guard.
        let base = Facts::build(&template, &parameters, &BTreeMap::new());
        let mut paths = if options.collect_paths { collect_paths(file, &base) } else { Vec::new() };
        paths.retain(|p| !grafts.iter().any(|(g, _)| in_graft(g, p.function.key_span)));
        paths.iter_mut().for_each(|p| p.grafts.clone_from(&grafts));
        let mut found = lint_template(file, &base, &load, &parameters, options);
        options.config.apply_levels(&mut found);
        // Before suppressions, so `rotlint-ignore GUARD:<rule>` works like any other rule id.
        #[cfg(feature = "guard")]
        if let Some(guard) = &options.guard {
            found.extend(guard.check(file, &base));
        }
        suppress::apply(file, &template, &mut found);
        options.rule_filter.apply(&mut found);
        map_grafts(&grafts, &mut found);
        let own = grafts.is_empty().then_some(template);
        (FileResult { file: source_file, diagnostics: found, paths, declared }, own)
    }

    /// Graft every stack whose exports this template imports (each import must match exactly
    /// one export). Returns the grafts with the file each came from.
    fn graft_exporters(&self, index: usize, template: &mut Template, world: &World) -> Vec<(Graft, FileId)> {
        let mut grafts = self.graft_nested(index, template, world);
        if world.exports.is_empty() {
            return grafts;
        }
        for j in world.exports.exporters_for(index, template) {
            let Some(exporter) = self.template_of(j, world) else { continue };
            let Some((graft, shift)) = template.graft(&exporter) else { continue };
            template.imports.extend(world::import_table(&exporter, world.exports.of_file(j), shift));
            grafts.push((graft, file_id(j)));
        }
        grafts
    }

    /// Graft nested stacks whose templates are local files linted in this run (their findings
    /// are reported by their own run; only the parent's paths lead into them), binding the
    /// stack resource's `Parameters` and `GetAtt <Stack>.Outputs.<Name>`.
    fn graft_nested(&self, index: usize, template: &mut Template, world: &World) -> Vec<(Graft, FileId)> {
        let Some(parent) = self.files.get(index) else { return Vec::new() };
        let mut grafts = Vec::new();
        #[cfg(feature = "guard")]
        let guard = self.options.guard.is_some();
        #[cfg(not(feature = "guard"))]
        let guard = false;
        // Only the parent's rotation and endpoint facts read a graft (findings inside one belong
        // to the child's own run), and Guard policies see the grafted document.
        if !guard && !template.resources.iter().any(|r| READS_GRAFTS.contains(&r.type_name.as_str())) {
            return grafts;
        }
        for nested in world::nested_stacks(template, &parent.path) {
            let Ok(wanted) = std::fs::canonicalize(&nested.path) else { continue };
            let Some(&j) = self.by_canonical_path().get(&wanted).filter(|&&j| j != index) else { continue };
            let Some(child) = self.nested_child(j, world) else { continue };
            let Some((graft, shift)) = template.graft(&child) else { continue };
            world::bind_nested(template, &nested, &child, graft, shift);
            grafts.push((graft, file_id(j)));
        }
        grafts
    }

    fn by_canonical_path(&self) -> &BTreeMap<PathBuf, usize> {
        self.by_canonical_path.get_or_init(|| {
            let mut map = BTreeMap::new();
            for (i, c) in self.files.iter().enumerate() {
                // The first file of a path wins, as a linear search in file order would find.
                if let Ok(path) = std::fs::canonicalize(&c.path) {
                    map.entry(path).or_insert(i);
                }
            }
            map
        })
    }

    /// Schedules that name their function by literal ARN (`arn:…:function:NAME`) and the files
    /// that define a function named NAME. Files that may hold such a schedule (by their bytes)
    /// are parsed first for the names; a file is read again only when its bytes contain one of
    /// them, and parsed again only then. Nothing happens in a run without such a schedule.
    fn link_literal_arns(&self, marks: &[Scanned]) -> BTreeMap<usize, RotationLinks> {
        let mut links: BTreeMap<usize, RotationLinks> = BTreeMap::new();
        let referencers: Vec<usize> = (0..self.files.len()).filter(|&i| marks[i].literal_arn).collect();
        if referencers.is_empty() {
            return links;
        }
        let names_of = |i: usize| -> Vec<String> {
            let Ok(Prepared { template: Some(template), .. }) = self.read_and_prepare(self.files[i]) else {
                return Vec::new();
            };
            crate::rotation::literal_external_names(&crate::rotation::discover(&Evaluator::new(&template)))
        };
        let referenced: Vec<(usize, Vec<String>)> =
            referencers.par_iter().map(|&i| (i, names_of(i))).filter(|(_, n)| !n.is_empty()).collect();
        if referenced.is_empty() {
            return links;
        }
        let wanted: std::collections::BTreeSet<&str> =
            referenced.iter().flat_map(|(_, names)| names.iter().map(String::as_str)).collect();
        // Which files define a function by one of those names.
        let namers: Vec<usize> = (0..self.files.len()).filter(|&j| marks[j].names_function).collect();
        let defined: Vec<(usize, Vec<String>)> = namers
            .into_par_iter()
            .filter_map(|j| {
                let Ok(Read::Bytes(bytes)) = read_candidate(self.files[j], self.options) else {
                    return None;
                };
                let present: Vec<&str> =
                    wanted.iter().copied().filter(|n| discover::contains(&bytes, n.as_bytes())).collect();
                if present.is_empty() {
                    return None;
                }
                let prepared = prepare(&self.files[j].path, &bytes, self.options);
                let template = prepared.template?;
                let ev = Evaluator::new(&template);
                let names: Vec<String> = present
                    .into_iter()
                    .filter(|n| crate::rotation::function_named(&ev, n).is_some())
                    .map(str::to_owned)
                    .collect();
                (!names.is_empty()).then_some((j, names))
            })
            .collect();
        for (i, names) in &referenced {
            for (j, defines) in defined.iter().filter(|(j, _)| j != i) {
                for name in names.iter().filter(|n| defines.contains(n)) {
                    links.entry(*i).or_default().defined_elsewhere.insert(name.clone());
                    links.entry(*j).or_default().scheduled_elsewhere.insert(name.clone());
                }
            }
        }
        links
    }

    /// File `j` as a nested-stack child: parsed by the first parent that needs it and kept for
    /// the others while the budget lasts (past it, parsed for each parent: slower, same output).
    fn nested_child(&self, j: usize, world: &World) -> Option<Arc<Template>> {
        if let Some(kept) = world.parsed.get(&j) {
            return Some(Arc::clone(kept));
        }
        let cell = {
            let mut children = self.nested_children.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            Arc::clone(children.entry(j).or_default())
        };
        let kept = cell.get_or_init(|| match self.template_of(j, world) {
            None => NestedChild::Unusable,
            Some(t) if self.nested_budget.take(t.tree.source.len()) => NestedChild::Kept(t),
            Some(_) => NestedChild::OverBudget,
        });
        match kept {
            NestedChild::Kept(t) => Some(Arc::clone(t)),
            NestedChild::OverBudget => self.template_of(j, world),
            NestedChild::Unusable => None,
        }
    }

    /// File `j`'s own template: kept from its lint when the world has it, else parsed again.
    fn template_of(&self, j: usize, world: &World) -> Option<Arc<Template>> {
        if let Some(kept) = world.parsed.get(&j) {
            return Some(Arc::clone(kept));
        }
        self.read_and_prepare(self.files.get(j)?).ok()?.template.map(Arc::new)
    }
}

/// Does an import of another file match one of `exports` (of file `index`)?
fn offers(index: usize, exports: &[Export], wanted: &NameIndex) -> bool {
    exports.iter().any(|e| wanted.matching(index, &e.pattern).next().is_some())
}

fn file_id(index: usize) -> FileId {
    FileId(u32::try_from(index).unwrap_or(u32::MAX))
}

/// Everything is built with a provisional id; once a file is linted its findings take its real
/// one. Spans inside grafted stacks already point at their own files (see `map_grafts`).
fn own_file(index: usize, mut result: FileResult) -> FileResult {
    let id = file_id(index);
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

fn collect_paths(file: FileId, facts: &Facts<'_>) -> Vec<FunctionPaths> {
    let template = facts.template;
    let resource_types: Arc<BTreeMap<String, String>> = Arc::new(
        template
            .resources
            .iter()
            .filter(|r| !r.type_name.is_empty())
            .map(|r| (r.logical_id.clone(), r.type_name.clone()))
            .collect(),
    );
    facts
        .functions()
        .map(|(f, ff)| FunctionPaths {
            file,
            function: f.clone(),
            secrets_manager: ff.secrets_manager.clone(),
            target: ff.target.clone(),
            target_path: ff.target_path.clone(),
            grafts: Vec::new(),
            resource_types: Arc::clone(&resource_types),
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

/// A candidate's bytes: standard input as read, or the file from disk.
fn read_candidate(candidate: &Candidate, options: &Options) -> Result<Read, String> {
    let max_bytes = options.limits.max_bytes;
    match (&options.stdin, candidate.stdin) {
        (Some(stdin), true) if stdin.bytes.len() > max_bytes => Ok(Read::TooLarge(stdin.bytes.len() as u64)),
        (Some(stdin), true) => Ok(Read::Bytes(stdin.bytes.to_vec())),
        (None, true) => Err("standard input was not read".to_owned()),
        (_, false) => read_regular_file(candidate, max_bytes),
    }
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
    let message = if candidate.stdin {
        format!("standard input holds more than {max_bytes} bytes, the limit; it was not parsed")
    } else {
        format!("file is {size} bytes, over the {max_bytes}-byte limit; it was not parsed")
    };
    file_error(candidate, Diagnostic::new("RL004", Level::Error, PROVISIONAL, Span::default(), message))
}

fn unreadable(candidate: &Candidate, message: String) -> FileResult {
    let message = format!("cannot read `{}`: {message}", candidate.path.display());
    file_error(candidate, Diagnostic::new("RL001", Level::Error, PROVISIONAL, Span::default(), message))
}

/// A file that produced no text: the finding sits at 1:1 of an empty source.
fn file_error(candidate: &Candidate, diagnostic: Diagnostic) -> FileResult {
    let text: Arc<str> = Arc::from("");
    FileResult {
        file: SourceFile::new(candidate.path.clone(), text, true),
        diagnostics: vec![diagnostic],
        paths: Vec::new(),
        declared: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(dir: &str, keep_parsed_bytes: Option<usize>) -> Vec<String> {
        let options = Options { keep_parsed_bytes, collect_paths: true, ..Options::default() };
        let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata")).join(dir);
        let outcome = lint_paths(&[path], &options).expect("lint");
        let mut lines: Vec<String> = outcome.diagnostics.iter().map(|d| format!("{d:?}")).collect();
        lines.extend(outcome.paths.iter().map(|p| format!("{:?} {:?}", p.file, p.secrets_manager)));
        lines
    }

    /// A chain: the app imports from `db`, which imports from `network` and exports too, so
    /// `db` is grafted into the app as a copy (kept) or parsed again (budget 0).
    #[test]
    fn an_importer_that_exports_is_grafted_whole_either_way() {
        let dir = std::env::temp_dir().join(format!("rotlint-chain-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let network = "Resources:\n  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}\n  SubnetA: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}}\nOutputs:\n  Vpc: {Value: !Ref Vpc, Export: {Name: !Sub '${AWS::StackName}-Vpc'}}\n  SubnetA: {Value: !Ref SubnetA, Export: {Name: !Sub '${AWS::StackName}-SubnetA'}}\n";
        let db = "Resources:\n  RotationSg:\n    Type: AWS::EC2::SecurityGroup\n    Properties: {GroupDescription: rotation, VpcId: !ImportValue network-Vpc}\nOutputs:\n  RotationSg: {Value: !Ref RotationSg, Export: {Name: !Sub '${AWS::StackName}-RotationSg'}}\n";
        let app = "Transform: AWS::SecretsManager-2024-09-16\nResources:\n  Secret: {Type: AWS::SecretsManager::Secret}\n  Rotation:\n    Type: AWS::SecretsManager::RotationSchedule\n    Properties:\n      SecretId: !Ref Secret\n      HostedRotationLambda:\n        RotationType: PostgreSQLSingleUser\n        VpcSubnetIds: !ImportValue network-SubnetA\n        VpcSecurityGroupIds: !ImportValue db-RotationSg\n      RotationRules: {AutomaticallyAfterDays: 30}\n";
        for (name, text) in [("network.yaml", network), ("db.yaml", db), ("app.yaml", app)] {
            std::fs::write(dir.join(name), text).expect("write");
        }
        let lint = |keep_parsed_bytes| {
            let options = Options { keep_parsed_bytes, ..Options::default() };
            let outcome = lint_paths(std::slice::from_ref(&dir), &options).expect("lint");
            outcome.diagnostics.iter().map(|d| format!("{d:?}")).collect::<Vec<_>>()
        };
        let kept = lint(None);
        let reparsed = lint(Some(0));
        std::fs::remove_dir_all(&dir).ok();
        assert!(!kept.iter().any(|l| l.contains("RL901")), "every import resolves: {kept:#?}");
        assert!(kept.iter().any(|l| l.contains("RL101")), "the isolated subnet has no path: {kept:#?}");
        assert_eq!(kept, reparsed);
    }

    #[test]
    fn kept_and_reparsed_exporters_give_the_same_findings() {
        for dir in ["cross-stack/broken", "cross-stack/good", "nested-stack/broken"] {
            let kept = run(dir, None);
            assert!(!kept.iter().any(|l| l.contains("RL901")), "{dir}: every import resolves");
            assert_eq!(kept, run(dir, Some(0)), "{dir}");
        }
    }
}
