//! The facts rules read about one template: the evaluator, the rotation functions and (once
//! built) the network graph with each function's Secrets Manager verdict.

use std::collections::BTreeMap;

use crate::rotation::{self, Rotations};
use crate::template::{Evaluator, Template};

pub struct Facts<'t> {
    pub template: &'t Template,
    pub evaluator: Evaluator<'t>,
    pub rotations: Rotations,
}

impl<'t> Facts<'t> {
    /// Facts under one scenario: the user's parameter values and forced condition values.
    pub fn build(
        template: &'t Template,
        parameters: &BTreeMap<String, String>,
        conditions: &BTreeMap<String, bool>,
    ) -> Self {
        let evaluator =
            Evaluator::new(template).with_parameters(parameters.clone()).with_conditions(conditions.clone());
        let rotations = rotation::discover(&evaluator);
        Facts { template, evaluator, rotations }
    }
}
