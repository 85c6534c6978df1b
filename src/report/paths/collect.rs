//! What `rotlint paths` keeps of a template's workloads beyond rotation: every Lambda function in
//! a VPC and every Fargate task, each AWS service it needs with why (the evidence), and the
//! network's answer with its explaining paths. Plain owned data, built from the facts of the
//! default scenario (the engine drops the facts before the report is written).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::aws::calls::{Evidence, Reason};
use crate::diagnostic::FileId;
use crate::facts::Facts;
use crate::network::{ApiReport, EndpointKind, Outcome, Service, Via};
use crate::source::tree::Span;
use crate::template::{Graft, Value, ValueKind};
use crate::workload::ecs::{Image, Purpose, Store, TaskFacts};
use crate::workload::lambda::FunctionCalls;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkloadKind {
    /// A Lambda function attached to a VPC.
    Function,
    /// A Fargate task, by the resource that launches it.
    Task,
}

/// One VPC function or Fargate task with what it needs.
#[derive(Clone, Debug)]
pub struct WorkloadPaths {
    pub file: FileId,
    pub kind: WorkloadKind,
    pub id: String,
    pub type_name: String,
    pub key_span: Span,
    /// The function is a rotation function too: its Secrets Manager path is among the rotation
    /// functions' paths, not here.
    pub rotation: bool,
    /// The task definition a task runs, when the template defines it.
    pub task_definition: Option<String>,
    /// Every answered service need, in the workload's order (functions: by IAM prefix, one entry
    /// per endpoint; tasks: image, secrets, logs).
    pub services: Vec<ServicePaths>,
    /// Inputs that decide what the workload needs but cannot be read, one sentence each, with
    /// where they are written.
    pub unknown: Vec<(String, Span)>,
    pub grafts: Vec<Graft>,
    pub resource_types: Arc<BTreeMap<String, String>>,
}

/// One endpoint a workload needs and the answer.
#[derive(Clone, Debug)]
pub struct ServicePaths {
    /// Functions: the IAM prefix (`s3`); tasks: the endpoint name (`ecr.api`), or `registry`.
    pub service: String,
    pub endpoint: &'static Service,
    /// How findings name it ("DynamoDB (DynamoDB Streams)").
    pub label: String,
    /// Tasks: why the task needs it before its containers start.
    pub purpose: Option<&'static str>,
    /// Functions: how sure the template makes the call.
    pub evidence: Option<Evidence>,
    /// Why the workload needs it: one sentence each, with where it is written.
    pub reasons: Vec<(String, Span)>,
    pub report: ApiReport,
    /// Endpoints on `report`'s working paths that are gateway endpoints (the others are
    /// interface endpoints).
    pub gateways: Vec<String>,
}

/// The workloads of `facts` whose paths the report shows: every Fargate task, every VPC function
/// that is no rotation function, and every rotation function that needs a service besides
/// Secrets Manager.
pub fn workloads(
    file: FileId,
    facts: &Facts<'_>,
    grafts: &[Graft],
    resource_types: &Arc<BTreeMap<String, String>>,
) -> Vec<WorkloadPaths> {
    let functions = facts.calls.iter().filter_map(|f| {
        let rotation = facts.rotations.function(&f.id).is_some();
        let services = function_services(facts, f);
        if rotation && services.is_empty() {
            return None;
        }
        Some(WorkloadPaths {
            file,
            kind: WorkloadKind::Function,
            id: f.id.clone(),
            type_name: f.type_name.clone(),
            key_span: f.key_span,
            rotation,
            task_definition: None,
            services,
            unknown: function_unknown(f),
            grafts: grafts.to_vec(),
            resource_types: Arc::clone(resource_types),
        })
    });
    let tasks = facts.tasks.iter().map(|tf| WorkloadPaths {
        file,
        kind: WorkloadKind::Task,
        id: tf.task.id.clone(),
        type_name: tf.task.type_name.clone(),
        key_span: tf.task.key_span,
        rotation: false,
        task_definition: tf.task.task_definition.clone(),
        services: task_services(facts, tf),
        unknown: tf
            .task
            .unknown
            .iter()
            .map(|(value, what)| {
                (format!("the {what} is `{}`, which the template does not decide", value.display()), value.span)
            })
            .collect(),
        grafts: grafts.to_vec(),
        resource_types: Arc::clone(resource_types),
    });
    let mut out: Vec<WorkloadPaths> = functions.chain(tasks).collect();
    out.sort_by_key(|w| w.key_span.start);
    out
}

fn function_services(facts: &Facts<'_>, f: &FunctionCalls) -> Vec<ServicePaths> {
    f.answers
        .iter()
        .filter_map(|answer| {
            let need = f.needs.services.get(answer.need)?;
            let label = if answer.endpoint.label == need.service.label {
                need.service.label.to_owned()
            } else {
                format!("{} ({})", need.service.label, answer.endpoint.label)
            };
            Some(ServicePaths {
                service: need.service.prefix.to_owned(),
                endpoint: answer.endpoint,
                label,
                purpose: None,
                evidence: Some(need.evidence),
                reasons: need.reasons.iter().map(|r| (reason_text(r), r.span)).collect(),
                report: answer.report.clone(),
                gateways: gateways(facts, &answer.report),
            })
        })
        .collect()
}

fn task_services(facts: &Facts<'_>, tf: &TaskFacts) -> Vec<ServicePaths> {
    tf.answers
        .iter()
        .map(|(purpose, service, report)| {
            // A registry outside ECR has no endpoint name; its label is worded for sentences.
            let (name, label) = if service.endpoint.is_empty() {
                ("registry", "Image registry outside ECR")
            } else {
                (service.endpoint, service.label)
            };
            ServicePaths {
                service: name.to_owned(),
                endpoint: service,
                label: label.to_owned(),
                purpose: Some(purpose_word(*purpose)),
                evidence: None,
                reasons: task_reasons(tf, *purpose, service),
                report: report.clone(),
                gateways: gateways(facts, report),
            }
        })
        .collect()
}

pub fn purpose_word(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::Image => "image",
        Purpose::Secrets => "secrets",
        Purpose::Logs => "logs",
    }
}

/// The container settings that make the task need `service`.
fn task_reasons(tf: &TaskFacts, purpose: Purpose, service: &Service) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    for c in &tf.task.containers {
        match purpose {
            Purpose::Image => {
                let Some((image, value)) = &c.image else { continue };
                let wanted = if service.endpoint.is_empty() { Image::Elsewhere } else { Image::Ecr };
                if *image == wanted {
                    out.push((format!("container `{}` runs image `{}`", c.name, shown(value)), value.span));
                }
            }
            Purpose::Secrets => {
                let wanted = if service.endpoint == "ssm" { Store::ParameterStore } else { Store::SecretsManager };
                for (store, value) in c.secrets.iter().filter(|(s, _)| *s == wanted) {
                    let from = match store {
                        Store::SecretsManager => "Secrets Manager",
                        Store::ParameterStore => "SSM Parameter Store",
                    };
                    out.push((format!("container `{}` reads `{}` from {from}", c.name, shown(value)), value.span));
                }
            }
            Purpose::Logs => {
                if let Some(value) = &c.awslogs {
                    out.push((format!("container `{}` logs with the `awslogs` driver", c.name), value.span));
                }
            }
        }
    }
    out
}

/// A value as written: a reference by its logical id, anything else as text.
fn shown(value: &Value) -> String {
    match &value.kind {
        ValueKind::Ref(id) => id.clone(),
        ValueKind::GetAtt { resource, attribute } => format!("{resource}.{attribute}"),
        _ => value.display(),
    }
}

/// The gateway endpoints among the endpoints `report`'s working paths use.
fn gateways(facts: &Facts<'_>, report: &ApiReport) -> Vec<String> {
    let mut out: Vec<String> = report
        .per_subnet
        .iter()
        .filter_map(|(_, outcome)| match outcome {
            Outcome::Reachable { via: Via::Endpoint(id), .. } => Some(id),
            _ => None,
        })
        .filter(|id| facts.network.endpoints.get(*id).is_some_and(|e| matches!(e.kind, EndpointKind::Gateway)))
        .cloned()
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The evidence as the RL4xx findings word it, marked when weak.
fn reason_text(r: &Reason) -> String {
    match r.evidence {
        Evidence::Strong => r.text(),
        Evidence::Weak => format!("{} (weak evidence)", r.text()),
    }
}

/// Why what a function calls cannot all be told.
fn function_unknown(f: &FunctionCalls) -> Vec<(String, Span)> {
    let mut out: Vec<(String, Span)> = f.needs.unknown.iter().map(|u| (u.reason.sentence(), u.span)).collect();
    out.extend(
        f.needs.unlisted.iter().map(|(prefix, span)| {
            (format!("it may call `{prefix}`, a service rotlint's catalog does not list"), *span)
        }),
    );
    out
}
