//! rotlint: a static checker of secret-rotation networking in CloudFormation and SAM templates.
//!
//! Data flows one way:
//! text (`source`) → tree (`source::tree`) → template (`template`) → network and rotation facts
//! (`network`, `rotation`) → rules (`rules`) → diagnostics → report (`report`).

pub mod diagnostic;
pub mod source;
pub mod template;
