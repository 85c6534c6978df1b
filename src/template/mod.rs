//! The CloudFormation model built from a tree, and intrinsic-function evaluation.
//!
//! [`Template`] indexes the sections of one template without interpreting values; [`Evaluator`]
//! turns property nodes into symbolic [`Value`]s (parameters, conditions, SAM `Globals` applied);
//! unresolved names are reported as RL003 while the template is built.

pub mod attributes;
mod conditions;
mod eval;
pub mod glob;
mod graft;
mod model;
mod refs;
mod sam;
mod value;

pub use eval::{Evaluator, names_match as eval_names_match};
pub use graft::{Graft, NodeShift};
pub use model::{
    ConditionDef, Output, PSEUDO_PARAMETERS, Parameter, Resource, RotationLinks, SAM_TRANSFORM, Template,
    is_pseudo_parameter,
};
pub use sam::globals_for as sam_globals_for;
pub use value::{Value, ValueKind};

/// Test helper: a template from YAML or JSON text.
#[cfg(test)]
pub(crate) fn parse(text: &str) -> Template {
    let loaded = crate::source::load::parse_str(text);
    assert!(loaded.diagnostics.iter().all(|d| d.level != crate::diagnostic::Level::Error), "{:?}", loaded.diagnostics);
    Template::from_tree(crate::diagnostic::FileId(0), loaded.tree)
}
