//! Reading: what a run lints (files found on disk, standard input, in-memory sources, overlays
//! for unsaved buffers) as [`Input`]s, and their bytes when a pass needs them.
//!
//! Files on disk are not held between passes: each pass that needs a file's bytes reads it
//! again (the first pass only scans bytes, later ones parse), so a run over a large monorepo
//! never holds every file's text at once. Text given in memory (sources, overlays, standard
//! input) is held by the caller anyway and is borrowed, not copied.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{FileResult, Options, SourceFile};
use crate::diagnostic::{Diagnostic, FileId};
use crate::discover::{self, Candidate};
use crate::source::tree::Span;

/// Text that replaces a file's content on disk, by path (an editor's unsaved buffers). A path
/// matches when it is the same as the linted file's, or names the same file on disk.
pub type Overlays = BTreeMap<PathBuf, Arc<str>>;

/// Where an input's text comes from.
#[derive(Clone, Debug)]
pub(super) enum Origin {
    /// The file on disk, read when a pass needs it.
    Disk,
    /// Standard input, read before the run (at most the size cap plus one byte).
    Stdin(Arc<[u8]>),
    /// Given by the caller: a source of `lint_sources`, or an overlay over a file on disk.
    Memory(Arc<str>),
}

/// One file of a run, in the order that gives its file id.
#[derive(Clone, Debug)]
pub(super) struct Input {
    /// As the user gave it (relative stays relative).
    pub path: PathBuf,
    /// Linted even when it does not look like CloudFormation.
    pub explicit: bool,
    pub origin: Origin,
}

/// Inputs for files found by `discover` (and standard input), with overlays in place of the
/// disk content of the files they name.
pub(super) fn from_candidates(candidates: Vec<Candidate>, options: &Options) -> Vec<Input> {
    let canonical_overlays: BTreeMap<PathBuf, &Arc<str>> =
        options.overlays.iter().filter_map(|(path, text)| Some((std::fs::canonicalize(path).ok()?, text))).collect();
    let overlay = |path: &Path| -> Option<Arc<str>> {
        if let Some(text) = options.overlays.get(path) {
            return Some(Arc::clone(text));
        }
        if canonical_overlays.is_empty() {
            return None;
        }
        canonical_overlays.get(&std::fs::canonicalize(path).ok()?).map(|t| Arc::clone(t))
    };
    candidates
        .into_iter()
        .map(|c| {
            let origin = match (&options.stdin, c.stdin) {
                (Some(stdin), true) => Origin::Stdin(Arc::clone(&stdin.bytes)),
                _ => overlay(&c.path).map_or(Origin::Disk, Origin::Memory),
            };
            Input { path: c.path, explicit: c.explicit, origin }
        })
        .collect()
}

/// Inputs for in-memory sources, in path order (of two sources with one path, the later wins).
/// Sources are named by the caller, so they are linted like named files: even when they do not
/// look like CloudFormation, unless `only_templates` asks otherwise.
pub(super) fn from_sources(sources: &[(PathBuf, Arc<str>)], options: &Options) -> Vec<Input> {
    let mut inputs: Vec<Input> = sources
        .iter()
        .rev()
        .map(|(path, text)| Input {
            path: path.clone(),
            explicit: !options.only_templates,
            origin: Origin::Memory(Arc::clone(text)),
        })
        .collect();
    // Stable: of equal paths the first here (the last given) stays.
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    inputs.dedup_by(|later, first| later.path == first.path);
    inputs
}

/// What the first pass learns about a file from its bytes alone (exports are collected later,
/// while each file is linted, not by parsing it an extra time).
#[derive(Clone, Copy, Default)]
pub(super) struct Scanned {
    /// Mentions `ImportValue`: linted last, once every export of the run is known.
    pub imports: bool,
    /// Mentions `Export`: its exports are collected while it is linted.
    pub exports: bool,
    /// May name its rotation function by a literal ARN (`RotationLambdaARN` and `:function:`).
    pub literal_arn: bool,
    /// May name a function (`FunctionName`, or a rotation app's `functionName`).
    pub names_function: bool,
}

/// `None` for a walked file that is not a template.
pub(super) fn scan(input: &Input, options: &Options) -> Option<Scanned> {
    let Ok(Read::Bytes(bytes)) = read(input, options) else {
        return Some(Scanned::default());
    };
    if !input.explicit && !discover::looks_like_cloudformation(&bytes) {
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

pub(super) enum Read<'a> {
    /// Read from disk, or borrowed from text held in memory.
    Bytes(Cow<'a, [u8]>),
    /// Over the size cap: not read at all, so a 50 MB file costs nothing.
    TooLarge(u64),
}

/// An input's bytes: from memory as given, or the file from disk.
pub(super) fn read<'a>(input: &'a Input, options: &Options) -> Result<Read<'a>, String> {
    let max_bytes = options.limits.max_bytes;
    let held = |bytes: &'a [u8]| {
        if bytes.len() > max_bytes { Read::TooLarge(bytes.len() as u64) } else { Read::Bytes(Cow::Borrowed(bytes)) }
    };
    match &input.origin {
        Origin::Stdin(bytes) => Ok(held(bytes)),
        Origin::Memory(text) => Ok(held(text.as_bytes())),
        Origin::Disk => read_regular_file(&input.path, max_bytes),
    }
}

/// Reads only regular files (a FIFO or device would block or never end), and none over the cap.
fn read_regular_file(path: &Path, max_bytes: usize) -> Result<Read<'static>, String> {
    use std::io::Read as _;
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".to_owned());
    }
    let cap = u64::try_from(max_bytes).unwrap_or(u64::MAX);
    if meta.len() > cap {
        return Ok(Read::TooLarge(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    // Sized up front: growing the buffer while reading copies it again and again.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0).saturating_add(1));
    // The file may grow between stat and read: never read past the cap.
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    Ok(Read::Bytes(Cow::Owned(bytes)))
}

pub(super) fn too_large(file: FileId, input: &Input, size: u64, max_bytes: usize) -> FileResult {
    let message = if matches!(input.origin, Origin::Stdin(_)) {
        format!("standard input holds more than {max_bytes} bytes, the limit; it was not parsed")
    } else {
        format!("file is {size} bytes, over the {max_bytes}-byte limit; it was not parsed")
    };
    file_error(input, Diagnostic::new(&crate::catalog::INPUT_LIMIT, file, Span::default(), message))
}

pub(super) fn unreadable(file: FileId, input: &Input, message: String) -> FileResult {
    let message = format!("cannot read `{}`: {message}", input.path.display());
    file_error(input, Diagnostic::new(&crate::catalog::PARSE_ERROR, file, Span::default(), message))
}

/// A file that produced no text: the finding sits at 1:1 of an empty source.
fn file_error(input: &Input, diagnostic: Diagnostic) -> FileResult {
    let text: Arc<str> = Arc::from("");
    FileResult {
        file: SourceFile::new(input.path.clone(), text, true),
        diagnostics: vec![diagnostic],
        paths: Vec::new(),
        workloads: Vec::new(),
        declared: None,
        grafted_texts: Vec::new(),
    }
}
