//! The facts rules read about one template: the evaluator, the rotation functions and (once
//! built) the network graph with each function's Secrets Manager verdict.

use crate::rotation::{self, Rotations};
use crate::template::{Evaluator, Template};

pub struct Facts<'t> {
    pub template: &'t Template,
    pub evaluator: Evaluator<'t>,
    pub rotations: Rotations,
}

impl<'t> Facts<'t> {
    pub fn build(template: &'t Template) -> Self {
        let evaluator = Evaluator::new(template);
        let rotations = rotation::discover(&evaluator);
        Facts { template, evaluator, rotations }
    }
}
