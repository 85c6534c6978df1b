//! The engine: sources → loaded trees → templates → facts → rules → sorted findings.
//!
//! Two entry points share one pipeline: [`lint_paths`] (files found on disk, standard input,
//! overlays for unsaved buffers) and [`lint_sources`] (text held in memory, for editors).
//!
//! - `read`: what a run lints ([`read::Input`]) and its bytes when a pass needs them;
//! - `schedule`: the cross-stack world, the order files are linted in so that imports, nested
//!   stacks and literal-ARN links see the rest of the run;
//! - `core`: one template from bytes to findings (facts, rules, Guard, suppressions, filters).
//!
//! Files are processed in parallel, but every output is sorted by (file, position, rule), and file
//! ids follow the sorted path order, so output bytes never depend on thread scheduling.

mod core;
mod read;
mod schedule;
pub(crate) use schedule::lexical_path;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, FileId, Level};
use crate::discover::{self, Candidate};
use crate::network::{ApiReport, TargetReport};
use crate::rotation::{RotationFunction, Target};
use crate::rules;
use crate::source::Limits;
use crate::source::line_index::LineIndex;
use crate::template::Graft;

pub use read::Overlays;

/// One linted file as the report layer needs it.
pub struct SourceFile {
    /// The path as the user gave it (relative stays relative).
    pub path: PathBuf,
    /// The file's text; empty when no finding of the run is located in the file and paths were
    /// not collected (see `FileResult::release_unreported_text`): the report never reads it.
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
    /// Text that replaces the disk content of the files [`lint_paths`] lints (unsaved buffers).
    pub overlays: Overlays,
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
    /// With [`Options::collect_paths`]: every VPC function and Fargate task with the services it
    /// needs and their verdicts, in file order.
    pub workloads: Vec<WorkloadPaths>,
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

pub use crate::report::paths::collect::{ServicePaths, WorkloadKind, WorkloadPaths};

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
    /// Stacks grafted into this template (cross-stack imports, nested stacks), each with its
    /// file: hop spans in a graft's range point into that file (see [`Graft::local`]).
    pub grafts: Vec<Graft>,
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

/// Lint every template under `paths` (`-` for standard input, see [`Options::stdin`]), with
/// [`Options::overlays`] in place of the disk content of the files they name.
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
    let inputs = read::from_candidates(candidates, options);
    lint_inputs(&inputs, excluded, fingerprint_root(&on_disk, &options.config), options)
}

/// Lint templates held in memory: `(path, text)`, linted as named files are (even when they do
/// not look like CloudFormation, unless [`Options::only_templates`]). File ids follow the sorted
/// path order; of two sources with one path the later is linted. The sources form one world, as
/// the files of [`lint_paths`] do: imports and exports, nested stacks (a `TemplateURL` resolved
/// against the parent's path names another source) and functions named by literal ARN. Size
/// caps, configuration and filters apply as they do to files; [`Options::stdin`] and
/// [`Options::overlays`] do not.
pub fn lint_sources(sources: &[(PathBuf, Arc<str>)], options: &Options) -> Result<LintResult, LintError> {
    let inputs = read::from_sources(sources, options);
    let paths: Vec<PathBuf> = inputs.iter().take(1).map(|i| i.path.clone()).collect();
    lint_inputs(&inputs, 0, fingerprint_root(&paths, &options.config), options)
}

/// The pipeline both entry points share, over inputs in file order.
fn lint_inputs(
    inputs: &[read::Input],
    excluded: usize,
    root: Option<PathBuf>,
    options: &Options,
) -> Result<LintResult, LintError> {
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
        let scanned: Vec<Option<read::Scanned>> = inputs.par_iter().map(|i| read::scan(i, options)).collect();
        not_templates = scanned.iter().filter(|s| s.is_none()).count();
        let (files, marks): (Vec<&read::Input>, Vec<read::Scanned>) =
            inputs.iter().zip(scanned).filter_map(|(i, s)| s.map(|s| (i, s))).unzip();
        schedule::lint_all(&files, &marks, options)
    });
    if !options.parameters.is_empty() && !options.parse_only {
        let declared: Vec<(&std::path::Path, Option<&[crate::parameters::Declared]>)> =
            results.iter().map(|r| (r.file.path.as_path(), r.declared.as_deref())).collect();
        crate::parameters::check(&options.parameters, &declared)?;
    }
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    let mut paths = Vec::new();
    let mut workloads = Vec::new();
    let mut grafted_texts = Vec::new();
    for result in results {
        paths.extend(result.paths);
        workloads.extend(result.workloads);
        diagnostics.extend(result.diagnostics);
        grafted_texts.extend(result.grafted_texts);
        files.push(result.file);
    }
    for (id, text) in grafted_texts {
        if let Some(file) = files.get_mut(id.0 as usize).filter(|f| f.text.is_empty()) {
            *file = SourceFile::new(std::mem::take(&mut file.path), text, file.not_analysed);
        }
    }
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let diagnostics = crate::diagnostic::bounds::apply(diagnostics);
    Ok(LintResult { files, diagnostics, paths, workloads, skipped: Skipped { excluded, not_templates }, root })
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
    workloads: Vec<WorkloadPaths>,
    /// The template's parameters, when values were given on the command line (`None`: the file
    /// is not a template rotlint could read).
    declared: Option<Vec<crate::parameters::Declared>>,
    /// The text of each stack grafted into this template that one of its findings points into
    /// (a related location or a fix edit): that stack's own result may have released it.
    grafted_texts: Vec<(FileId, Arc<str>)>,
}

impl FileResult {
    /// Release the file's text unless the report can read it: a run over a large repository
    /// then holds the text of the files with findings, not of every file it linted. The report
    /// reads a file's text only at a finding's locations (all of them in this file or, through
    /// `grafted_texts`, in another file's result) or, with [`Options::collect_paths`] (`rotlint
    /// paths`, the language server), at any path hop.
    fn release_unreported_text(&mut self, options: &Options) {
        if self.diagnostics.is_empty() && !options.collect_paths && !self.file.text.is_empty() {
            self.file = SourceFile::new(std::mem::take(&mut self.file.path), Arc::from(""), self.file.not_analysed);
        }
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

    /// The cross-stack and nested-stack fixtures as `(relative path, text)`.
    fn world_fixtures() -> Vec<(String, String)> {
        let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata"));
        let mut out = Vec::new();
        for dir in ["cross-stack/broken", "nested-stack/broken"] {
            for name in ["app.yaml", "network.yaml"] {
                let text = std::fs::read_to_string(root.join(dir).join(name)).expect("fixture");
                out.push((format!("{dir}/{name}"), text));
            }
        }
        out
    }

    fn findings(outcome: &LintResult) -> Vec<String> {
        let mut lines: Vec<String> = outcome.diagnostics.iter().map(|d| format!("{d:?}")).collect();
        lines.extend(outcome.paths.iter().map(|p| format!("{:?} {:?} {:?}", p.file, p.grafts, p.secrets_manager)));
        lines
    }

    fn scratch_dir(tag: &str, files: &[(String, String)]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("rotlint-{tag}-{}", std::process::id()));
        for (name, text) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("temp dir");
            std::fs::write(path, text).expect("write");
        }
        dir
    }

    /// In-memory sources under paths that exist nowhere on disk form the same world as the same
    /// files on disk: the import resolves against the export, the nested stack's `TemplateURL`
    /// names another source, and path hops through either graft name the grafted file.
    #[test]
    fn sources_in_memory_give_the_findings_of_the_same_files_on_disk() {
        let fixtures = world_fixtures();
        let dir = scratch_dir("sources", &fixtures);
        let options = Options { collect_paths: true, ..Options::default() };
        let on_disk = lint_paths(std::slice::from_ref(&dir), &options).expect("lint");
        std::fs::remove_dir_all(&dir).ok();
        // Given in reverse order: ids still follow the sorted paths.
        let sources: Vec<(PathBuf, Arc<str>)> = fixtures
            .iter()
            .rev()
            .map(|(name, text)| (PathBuf::from("not-on-disk/./x/..").join(name), Arc::from(text.as_str())))
            .collect();
        let in_memory = lint_sources(&sources, &options).expect("lint");
        let names = |o: &LintResult| o.files.iter().map(|f| f.path.file_name().map(PathBuf::from)).collect::<Vec<_>>();
        assert_eq!(names(&in_memory), names(&on_disk));
        assert_eq!(in_memory.files.len(), 4);
        let lines = findings(&in_memory);
        assert_eq!(lines, findings(&on_disk));
        assert!(!lines.iter().any(|l| l.contains("RL901")), "every import resolves: {lines:#?}");
        // Both apps (files 0 and 2) have a path into their grafted network stack (files 1 and 3).
        let hops_into = |app: u32, network: u32| {
            in_memory
                .diagnostics
                .iter()
                .any(|d| d.primary.file == FileId(app) && d.related.iter().any(|r| r.file == FileId(network)))
        };
        assert!(hops_into(0, 1), "cross-stack import grafted: {lines:#?}");
        assert!(hops_into(2, 3), "nested stack grafted: {lines:#?}");
    }

    /// An overlay replaces the disk content of the file it names, in the world too: the network
    /// stack's saved text isolates the subnet, its unsaved buffer routes it through a NAT.
    #[test]
    fn an_overlay_replaces_what_is_on_disk() {
        let fixtures: Vec<(String, String)> =
            world_fixtures().into_iter().filter(|(name, _)| name.starts_with("cross-stack")).collect();
        let dir = scratch_dir("overlay", &fixtures);
        let lint = |overlays: Overlays| {
            let options = Options { overlays, ..Options::default() };
            findings(&lint_paths(std::slice::from_ref(&dir), &options).expect("lint"))
        };
        let saved = lint(Overlays::new());
        let network = dir.join("cross-stack/broken/network.yaml");
        let buffer = "Resources:\n  Broken: [unclosed\n";
        let edited = lint(Overlays::from([(network.clone(), Arc::from(buffer))]));
        // The same buffer as a source of its own gives the same findings.
        let app = dir.join("cross-stack/broken/app.yaml");
        let app_text: Arc<str> = Arc::from(std::fs::read_to_string(&app).expect("app").as_str());
        let sources = [(app, app_text), (network, Arc::from(buffer))];
        let in_memory = findings(&lint_sources(&sources, &Options::default()).expect("lint"));
        std::fs::remove_dir_all(&dir).ok();
        assert!(saved.iter().any(|l| l.contains("RL101")), "{saved:#?}");
        assert!(!saved.iter().any(|l| l.contains("RL001")), "{saved:#?}");
        assert!(edited.iter().any(|l| l.contains("RL001")), "the buffer does not parse: {edited:#?}");
        assert_ne!(saved, edited);
        assert_eq!(edited, in_memory);
    }

    /// A run keeps the text of a file only where its report reads it: at the locations of
    /// findings, its own or another file's pointing into it through a graft. The network stacks
    /// have no finding of their own, yet the apps' paths lead into them; the clean template is
    /// read by nothing.
    #[test]
    fn a_run_keeps_the_text_of_files_its_findings_point_into() {
        let mut fixtures = world_fixtures();
        let clean = "Resources:\n  Queue: {Type: AWS::SQS::Queue}\n";
        fixtures.push(("clean.yaml".to_owned(), clean.to_owned()));
        let dir = scratch_dir("texts", &fixtures);
        let outcome = lint_paths(std::slice::from_ref(&dir), &Options::default()).expect("lint");
        let with_paths = lint_paths(std::slice::from_ref(&dir), &Options { collect_paths: true, ..Options::default() })
            .expect("lint");
        std::fs::remove_dir_all(&dir).ok();
        let text_of = |o: &LintResult, name: &str| {
            let file = o.files.iter().find(|f| f.path.ends_with(name)).expect("linted");
            file.text.to_string()
        };
        let on_disk = |name: &str| fixtures.iter().find(|(n, _)| n == name).map(|(_, t)| t.clone()).expect("fixture");
        for name in ["cross-stack/broken/network.yaml", "nested-stack/broken/network.yaml"] {
            let id = outcome.files.iter().position(|f| f.path.ends_with(name)).expect("linted");
            let file = FileId(u32::try_from(id).expect("few files"));
            assert!(!outcome.diagnostics.iter().any(|d| d.primary.file == file), "{name} has no finding of its own");
            assert!(outcome.diagnostics.iter().any(|d| d.related.iter().any(|r| r.file == file)), "{name}");
            assert_eq!(text_of(&outcome, name), on_disk(name), "{name}: findings of another file point into it");
        }
        for name in ["cross-stack/broken/app.yaml", "nested-stack/broken/app.yaml"] {
            assert_eq!(text_of(&outcome, name), on_disk(name), "{name} has findings");
        }
        assert_eq!(text_of(&outcome, "clean.yaml"), "", "nothing reads the clean template's text");
        // `rotlint paths` and the language server read any file at a path hop: every text is kept.
        assert_eq!(text_of(&with_paths, "clean.yaml"), clean);
        assert_eq!(outcome.diagnostics, with_paths.diagnostics);
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
