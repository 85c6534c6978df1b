//! Repairing templates: edits applied as byte replacements.
//!
//! Every edit is a list of [`Replacement`]s: a byte span of the file's text and the text that
//! takes its place. Nothing outside those spans changes, so comments, quoting and layout elsewhere
//! survive. [`apply`] applies sets of them, [`diff`] shows what changes, and [`write`] puts the new
//! text in place atomically.

pub mod apply;
pub mod diff;
pub mod write;

pub use apply::{Applied, Replacement, apply, apply_fixes, unchanged_outside};
