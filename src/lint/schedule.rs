//! Cross-stack scheduling: the order files of one run are linted in, so that templates that
//! import another's exports, nest another as a stack, or name another's function by literal ARN
//! are linted with what they need from the rest of the run (see `crate::world`).
//!
//! Importers are parsed first (their import patterns say which exporters are worth keeping
//! parsed), then every other file is linted while its exports are collected, and the importers
//! last, with the stacks they import from grafted in. Parsed templates kept between passes are
//! capped by [`KeepBudget`]; past it they are parsed again: slower, same output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use super::core::{self, Prepared, prepare};
use super::read::{self, Input, Origin, Read, Scanned};
use super::{FileResult, Options};
use crate::diagnostic::FileId;
use crate::discover;
use crate::template::{Evaluator, RotationLinks, Template};
use crate::world::{self, Export, Exports, NameIndex};

/// Lint every input that the first pass kept (`marks`, aligned with `files`): the results in
/// file order.
pub(super) fn lint_all(files: &[&Input], marks: &[Scanned], options: &Options) -> Vec<FileResult> {
    let mut run = Run {
        files,
        options,
        by_path: OnceLock::new(),
        in_memory: files.iter().any(|f| matches!(f.origin, Origin::Memory(_))),
        nested_children: std::sync::Mutex::default(),
        nested_budget: KeepBudget(AtomicUsize::new(KeepBudget::NESTED_BYTES)),
        rotation_links: BTreeMap::new(),
    };
    run.rotation_links = run.link_literal_arns(marks);
    let cross_stack = marks.iter().any(|m| m.imports) && marks.iter().any(|m| m.exports);
    if cross_stack {
        run.lint_cross_stack(marks)
    } else {
        let world = World::default();
        (0..files.len()).into_par_iter().map(|i| run.lint(i, &world)).collect()
    }
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
    files: &'a [&'a Input],
    options: &'a Options,
    /// Paths → file index, built the first time a nested stack needs it.
    by_path: OnceLock<PathIndex>,
    /// Some file's text is given in memory (its path need not exist on disk).
    in_memory: bool,
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
        self.lint_prepared(index, self.read_and_prepare(index), world)
    }

    /// Lint a file already read and modelled, or give the result saying why it could not be.
    fn lint_prepared(&self, index: usize, prepared: Result<Prepared, Box<FileResult>>, world: &World) -> FileResult {
        match prepared {
            Ok(prepared) => self.finish(index, prepared, world).0,
            Err(result) => *result,
        }
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
                let prepared = m.prepared.unwrap_or_else(|| self.read_and_prepare(m.index));
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
        let prepared = self.read_and_prepare(index);
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
        let prepared = match self.read_and_prepare(index) {
            Ok(prepared) => prepared,
            Err(result) => return Linted { index, result: *result, exports: Vec::new(), kept: None },
        };
        let exports = match &prepared.template {
            Some(t) if exports => world::exports_of(index, t),
            _ => Vec::new(),
        };
        let size = prepared.file.text.len();
        let (result, template) = self.finish(index, prepared, &World::default());
        let kept = template.filter(|_| offers(index, &exports, wanted) && budget.take(size)).map(Arc::new);
        Linted { index, result, exports, kept }
    }

    /// Read and model file `index`, or the result saying why it cannot be.
    fn read_and_prepare(&self, index: usize) -> Result<Prepared, Box<FileResult>> {
        let input = self.files[index];
        let file = file_id(index);
        match read::read(input, self.options) {
            Ok(Read::Bytes(bytes)) => Ok(prepare(file, &input.path, &bytes, self.options)),
            Ok(Read::TooLarge(size)) => {
                Err(Box::new(read::too_large(file, input, size, self.options.limits.max_bytes)))
            }
            Err(message) => Err(Box::new(read::unreadable(file, input, message))),
        }
    }

    /// Lint one prepared file, with the stacks it imports from grafted in. Gives the template
    /// back when nothing was grafted into it (it is then still the file's own).
    fn finish(&self, index: usize, prepared: Prepared, world: &World) -> (FileResult, Option<Template>) {
        let options = self.options;
        let Prepared { file: source_file, load, template } = prepared;
        let Some(mut template) = template else {
            return (core::lint_unmodelled(file_id(index), source_file, load, options), None);
        };
        if let Some(links) = self.rotation_links.get(&index) {
            template.rotation_links = links.clone();
        }
        // Before grafting: the parameters this file declares, not those of stacks grafted in.
        let declared = (!options.parameters.is_empty()).then(|| crate::parameters::declared(&template));
        self.graft_exporters(index, &mut template, world);
        let (diagnostics, paths, workloads) = core::lint(&source_file, &template, &load, options);
        let grafted_texts = core::grafted_texts(&template, &diagnostics);
        let own = template.grafts.is_empty().then_some(template);
        let mut result = FileResult { file: source_file, diagnostics, paths, workloads, declared, grafted_texts };
        result.release_unreported_text(options);
        (result, own)
    }

    /// Graft nested stacks and every stack whose exports this template imports (each import
    /// must match exactly one export). The template records each graft with its file.
    fn graft_exporters(&self, index: usize, template: &mut Template, world: &World) {
        self.graft_nested(index, template, world);
        if world.exports.is_empty() {
            return;
        }
        for j in world.exports.exporters_for(index, template) {
            let Some(exporter) = self.template_of(j, world) else { continue };
            let Some((_, shift)) = template.graft(&exporter) else { continue };
            template.imports.extend(world::import_table(&exporter, world.exports.of_file(j), shift));
        }
    }

    /// Graft nested stacks whose templates are local files linted in this run (their findings
    /// are reported by their own run; only the parent's paths lead into them), binding the
    /// stack resource's `Parameters` and `GetAtt <Stack>.Outputs.<Name>`.
    fn graft_nested(&self, index: usize, template: &mut Template, world: &World) {
        let Some(parent) = self.files.get(index) else { return };
        #[cfg(feature = "guard")]
        let guard = self.options.guard.is_some();
        #[cfg(not(feature = "guard"))]
        let guard = false;
        // Only the parent's rotation and endpoint facts read a graft (findings inside one belong
        // to the child's own run), and Guard policies see the grafted document.
        if !guard && !template.resources.iter().any(|r| READS_GRAFTS.contains(&r.type_name.as_str())) {
            return;
        }
        for nested in world::nested_stacks(template, &parent.path) {
            let Some(j) = self.find_file(&nested.path).filter(|&j| j != index) else { continue };
            let Some(child) = self.nested_child(j, world) else { continue };
            let Some((graft, shift)) = template.graft(&child) else { continue };
            world::bind_nested(template, &nested, &child, graft, shift);
        }
    }

    /// The file a nested stack's template path names: the file on disk it resolves to, else
    /// (for in-memory sources) the source of that path. The index of the run's paths is built
    /// only once a path could be found in it (most nested stacks of a run name no local file).
    fn find_file(&self, path: &Path) -> Option<usize> {
        let on_disk = std::fs::canonicalize(path).ok();
        if on_disk.is_none() && !self.in_memory {
            return None;
        }
        let index = self.by_path.get_or_init(|| PathIndex::new(self.files));
        on_disk
            .and_then(|p| index.canonical.get(&p).copied())
            .or_else(|| index.lexical.get(&lexical_path(path)).copied())
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
            let Ok(Prepared { template: Some(template), .. }) = self.read_and_prepare(i) else {
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
                let Ok(Read::Bytes(bytes)) = read::read(self.files[j], self.options) else {
                    return None;
                };
                let present: Vec<&str> =
                    wanted.iter().copied().filter(|n| discover::contains(&bytes, n.as_bytes())).collect();
                if present.is_empty() {
                    return None;
                }
                let prepared = prepare(file_id(j), &self.files[j].path, &bytes, self.options);
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
        if j >= self.files.len() {
            return None;
        }
        self.read_and_prepare(j).ok()?.template.map(Arc::new)
    }
}

/// Does an import of another file match one of `exports` (of file `index`)?
fn offers(index: usize, exports: &[Export], wanted: &NameIndex) -> bool {
    exports.iter().any(|e| wanted.matching(index, &e.pattern).next().is_some())
}

fn file_id(index: usize) -> FileId {
    FileId(u32::try_from(index).unwrap_or(u32::MAX))
}

/// Where nested stacks are looked up: files by canonical path (as on disk, symlinks resolved),
/// and files given in memory also by their path normalised lexically (`.` dropped, `..`
/// applied), for sources that are not on disk. Of two files with one path, the first wins, as
/// a search in file order would find.
struct PathIndex {
    canonical: BTreeMap<PathBuf, usize>,
    lexical: BTreeMap<PathBuf, usize>,
}

impl PathIndex {
    fn new(files: &[&Input]) -> Self {
        let mut canonical = BTreeMap::new();
        let mut lexical = BTreeMap::new();
        for (i, input) in files.iter().enumerate() {
            if let Ok(path) = std::fs::canonicalize(&input.path) {
                canonical.entry(path).or_insert(i);
            }
            if matches!(input.origin, Origin::Memory(_)) {
                lexical.entry(lexical_path(&input.path)).or_insert(i);
            }
        }
        PathIndex { canonical, lexical }
    }
}

/// `path` with `.` dropped and `..` applied lexically (a leading `..` stays), without touching
/// the disk.
pub(crate) fn lexical_path(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
