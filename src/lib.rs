//! rotlint: a static checker of secret-rotation networking in CloudFormation and SAM templates.
//!
//! Data flows one way:
//! text (`source`) → tree (`source::tree`) → template (`template`) → network and rotation facts
//! (`network`, `rotation`, `workload`, gathered in `facts`) → rules (`rules`) → diagnostics → report (`report`).
//! `discover` picks the files and `lint` drives the pipeline over them in parallel.

pub mod aws;
pub mod baseline;
pub mod catalog;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod facts;
pub mod files;
pub mod fix;
#[cfg(feature = "guard")]
pub mod guard;
pub mod iam;
pub mod lint;
pub mod lsp;
pub mod network;
pub mod parameters;
pub mod report;
pub mod rotation;
pub mod rules;
pub mod scenarios;
pub mod source;
pub mod suppress;
pub mod template;
pub mod workload;
pub mod world;
