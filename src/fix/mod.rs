//! Repairing templates: edits computed on the spanned tree, applied as byte replacements.
//!
//! Every edit is a list of [`Replacement`]s: a byte span of the file's text and the text that
//! takes its place. Nothing outside those spans changes, so comments, quoting and layout elsewhere
//! survive. [`edit`] derives replacements from the tree (or refuses when an edit would not be
//! safe), [`apply`] applies sets of them, [`diff`] shows what changes, and [`write`] puts the new
//! text in place atomically, and [`session`] runs the fix-and-lint loop of `--fix`.

pub mod apply;
pub mod diff;
pub mod edit;
pub mod session;
pub mod write;

pub use apply::{Applied, Replacement, apply, apply_fixes, apply_to_file, unchanged_outside};
pub use edit::{Doc, Step, Value};
