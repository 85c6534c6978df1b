//! The facts rules read about one template under one condition scenario: the evaluator, the
//! rotation functions, the network graph, the workloads (rotation functions, VPC functions,
//! Fargate tasks) with the answers to what they need, and for each rotation function its Secrets
//! Manager verdict and its database with the verdict of the path to it.

use std::collections::BTreeMap;

use crate::network::{ApiReport, Network, TargetReport};
use crate::rotation::{self, RotationFunction, Rotations, SecretLinks, Target};
use crate::template::{Evaluator, Template, Value};
use crate::workload;

/// What is known about one rotation function beyond its declaration.
pub struct FunctionFacts {
    /// `None` when the function is not in a VPC (it uses the public endpoint) or its VPC
    /// attachment is undecided.
    pub secrets_manager: Option<ApiReport>,
    /// The database its secret belongs to, when the template links them.
    pub target: Option<Target>,
    /// The path from the function to that database on its port.
    pub target_path: Option<TargetReport>,
    /// The database named by a SecretTargetAttachment that this template does not define.
    pub unseen_target: Option<Value>,
    /// The master secret of an AWS alternating-users rotation that calls (or may call) another
    /// AWS API (RL114, RL901).
    pub master: Option<rotation::Master>,
    /// The path to that API, when the function is in a VPC.
    pub extra_api: Option<ApiReport>,
}

pub struct Facts<'t> {
    pub template: &'t Template,
    pub evaluator: Evaluator<'t>,
    pub rotations: Rotations,
    pub network: Network,
    /// Aligned with `rotations.functions`.
    pub functions: Vec<FunctionFacts>,
    /// Fargate tasks with the answers to what they need before their containers start.
    pub tasks: Vec<workload::ecs::TaskFacts>,
    /// Functions in a VPC with the AWS APIs they call and whether they reach them.
    pub calls: Vec<workload::lambda::FunctionCalls>,
    /// The Lambda pollers of MSK event sources, in their clusters' subnets.
    pub pollers: Vec<workload::lambda::Pollers>,
}

impl<'t> Facts<'t> {
    /// Facts under one scenario: the user's parameter values and forced condition values.
    pub fn build(
        template: &'t Template,
        parameters: &BTreeMap<String, String>,
        conditions: &BTreeMap<String, bool>,
    ) -> Self {
        let evaluator = Evaluator::configured(template, parameters.clone(), conditions.clone());
        let rotations = rotation::discover(&evaluator);
        // Rules read the network through rotation functions' paths and through VPC endpoints'
        // settings; a template with neither (most templates) needs no graph.
        let has_endpoints = template.resources.iter().any(|r| r.type_name == "AWS::EC2::VPCEndpoint");
        let may_have_tasks = workload::ecs::may_have_tasks(&evaluator);
        let vpc_functions = workload::lambda::may_have_vpc_functions(&evaluator);
        let network = if rotations.functions.is_empty() && !has_endpoints && !may_have_tasks && !vpc_functions {
            Network::default()
        } else {
            Network::build(&evaluator)
        };
        let links =
            if rotations.functions.is_empty() { SecretLinks::default() } else { SecretLinks::build(&evaluator) };
        let rotation_workloads = workload::rotation::workloads(&evaluator, &rotations, &links, &network);
        let mut functions = Vec::with_capacity(rotation_workloads.len());
        for rw in rotation_workloads {
            let answers = rw.sort(workload::answer(&network, &rw.workload));
            functions.push(FunctionFacts {
                secrets_manager: answers.secrets_manager,
                target: rw.target,
                target_path: answers.target_path,
                unseen_target: rw.unseen_target,
                master: rw.master,
                extra_api: answers.extra_api,
            });
        }
        let tasks = if may_have_tasks { workload::ecs::tasks(&evaluator, &network) } else { Vec::new() };
        let lambda = if vpc_functions {
            workload::lambda::functions(&evaluator, &network, &rotations)
        } else {
            workload::lambda::LambdaFacts::default()
        };
        Facts {
            template,
            evaluator,
            rotations,
            network,
            functions,
            tasks,
            calls: lambda.functions,
            pollers: lambda.pollers,
        }
    }

    /// Each rotation function with its facts.
    pub fn functions(&self) -> impl Iterator<Item = (&RotationFunction, &FunctionFacts)> {
        self.rotations.functions.iter().zip(&self.functions)
    }
}
