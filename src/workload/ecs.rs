//! Fargate tasks as workloads: what a task needs before its containers run. Since Fargate
//! platform version 1.4.0 the image pull, the secrets and the log stream all go through the
//! task's own network interface in its subnets
//! (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-linux-fargate.html), so
//! each is an AWS API the task must reach: ECR (`ecr.api`, `ecr.dkr` and S3 for the layers) or
//! the internet for other registries, Secrets Manager or SSM for `Secrets`, CloudWatch Logs for
//! the `awslogs` driver
//! (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html).
//!
//! Tasks come from `AWS::ECS::Service`, `AWS::ECS::TaskSet`, and the ECS targets of
//! `AWS::Events::Rule` and `AWS::Scheduler::Schedule`, when they use `awsvpc` networking and the
//! Fargate launch type (or only Fargate capacity providers). EC2 tasks pull images and ship logs
//! through the container instance, not the task: they are not workloads here.

use crate::network::service::{self, Service};
use crate::network::{ApiCall, ApiHost, ApiReport, Network, Placement, Runner};
use crate::source::tree::Span;
use crate::template::{Evaluator, Resource, Value, ValueKind};

use super::{Answer, Need, Workload};

/// One Fargate task launcher and the task definition it runs.
#[derive(Clone, Debug)]
pub struct Task {
    /// The resource that launches the task (service, task set, rule, schedule).
    pub id: String,
    pub type_name: String,
    pub key_span: Span,
    /// Where findings about the task's network point: its subnet list.
    pub subnets_span: Span,
    /// Logical id of the task definition, when the template defines it.
    pub task_definition: Option<String>,
    pub containers: Vec<Container>,
    /// Inputs that decide what the task needs but cannot be classified (an image URI or a
    /// secret reference from a parameter): the value and what it is.
    pub unknown: Vec<(Value, &'static str)>,
    /// An explicit `PlatformVersion` before 1.4.0: such a task pulls images and fetches secrets
    /// through Fargate's own network, not only its interface in the VPC, so what it needs there
    /// is not checked (a note says so).
    pub legacy_platform: Option<Value>,
}

#[derive(Clone, Debug)]
pub struct Container {
    pub name: String,
    pub span: Span,
    pub image: Option<(Image, Value)>,
    /// `Secrets[].ValueFrom` and `RepositoryCredentials.CredentialsParameter`, with their store.
    pub secrets: Vec<(Store, Value)>,
    /// The `LogDriver: awslogs` value, when the container logs with it.
    pub awslogs: Option<Value>,
}

/// Where a container image comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Image {
    /// A private Amazon ECR repository (`<account>.dkr.ecr.<region>.amazonaws.com/…`).
    Ecr,
    /// Any other registry (Docker Hub, `public.ecr.aws`, …): only the internet reaches it.
    Elsewhere,
}

/// Where a task secret is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Store {
    SecretsManager,
    ParameterStore,
}

/// Why a task needs a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Image,
    Secrets,
    Logs,
}

/// A task with its answers, one per service it needs, by purpose.
pub struct TaskFacts {
    pub task: Task,
    pub workload: Workload,
    pub answers: Vec<(Purpose, &'static Service, ApiReport)>,
}

/// ECR pull actions an endpoint policy must allow
/// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html).
const ECR_ACTIONS: &[&str] = &["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];
const SECRET_ACTIONS: &[&str] = &["secretsmanager:GetSecretValue"];
const PARAMETER_ACTIONS: &[&str] = &["ssm:GetParameters"];
const LOG_ACTIONS: &[&str] = &["logs:CreateLogStream", "logs:PutLogEvents"];

/// Every Fargate task of the template with the answers to what it needs.
pub fn tasks(ev: &Evaluator<'_>, net: &Network) -> Vec<TaskFacts> {
    discover(ev)
        .into_iter()
        .map(|(task, placement)| {
            let needs = if task.legacy_platform.is_some() { Vec::new() } else { needs(&task) };
            let workload = Workload {
                id: task.id.clone(),
                type_name: task.type_name.clone(),
                key_span: task.key_span,
                placement: Some(placement),
                needs: needs.iter().map(|(_, call)| Need::Api(call.clone())).collect(),
            };
            let answers = super::answer(net, &workload)
                .into_iter()
                .zip(&needs)
                .filter_map(|(answer, (purpose, call))| Some((*purpose, call.service, Answer::into_api(answer)?)))
                .collect();
            TaskFacts { task, workload, answers }
        })
        .collect()
}

/// True when the template may hold a Fargate task (so the network graph is worth building).
pub fn may_have_tasks(ev: &Evaluator<'_>) -> bool {
    ev.template().resources.iter().any(|r| LAUNCHERS.contains(&r.type_name.as_str()))
}

const LAUNCHERS: &[&str] = &["AWS::ECS::Service", "AWS::ECS::TaskSet", "AWS::Events::Rule", "AWS::Scheduler::Schedule"];

/// The services a task needs, each once, in a stable order.
fn needs(task: &Task) -> Vec<(Purpose, ApiCall)> {
    let call = |service: &'static Service, actions: &'static [&'static str], purpose: &'static str| ApiCall {
        service,
        host: ApiHost::RegionalDefault,
        actions,
        purpose,
    };
    let images: Vec<Image> = task.containers.iter().filter_map(|c| c.image.as_ref().map(|(i, _)| *i)).collect();
    let stores: Vec<Store> = task.containers.iter().flat_map(|c| c.secrets.iter().map(|(s, _)| *s)).collect();
    let mut out = Vec::new();
    if images.contains(&Image::Ecr) {
        out.push((Purpose::Image, call(&service::ECR_API, ECR_ACTIONS, "image pull")));
        out.push((Purpose::Image, call(&service::ECR_DKR, ECR_ACTIONS, "image pull")));
        out.push((Purpose::Image, call(&service::S3, &[], "image pull")));
    }
    if images.contains(&Image::Elsewhere) {
        out.push((Purpose::Image, call(&service::REGISTRY, &[], "image pull")));
    }
    if stores.contains(&Store::SecretsManager) {
        out.push((Purpose::Secrets, call(&service::SECRETS_MANAGER, SECRET_ACTIONS, "secret retrieval")));
    }
    if stores.contains(&Store::ParameterStore) {
        out.push((Purpose::Secrets, call(&service::SSM, PARAMETER_ACTIONS, "secret retrieval")));
    }
    if task.containers.iter().any(|c| c.awslogs.is_some()) {
        out.push((Purpose::Logs, call(&service::LOGS, LOG_ACTIONS, "log delivery")));
    }
    out
}

/// Every Fargate task launcher with its placement.
fn discover(ev: &Evaluator<'_>) -> Vec<(Task, Placement)> {
    let mut out = Vec::new();
    for res in &ev.template().resources {
        match res.type_name.as_str() {
            "AWS::ECS::Service" | "AWS::ECS::TaskSet" => {
                let Some(config) = ev.property(res, "NetworkConfiguration.AwsvpcConfiguration") else { continue };
                let launch =
                    Launch::read(ev, res, ev.property(res, "LaunchType"), ev.property(res, "CapacityProviderStrategy"));
                if launch != Launch::Fargate {
                    continue;
                }
                let task_definition = ev.property(res, "TaskDefinition");
                out.extend(
                    task(ev, res, &config, task_definition.as_ref())
                        .map(|t| with_platform(t, ev.property(res, "PlatformVersion"))),
                );
            }
            "AWS::Events::Rule" => {
                let Some(targets) = ev.property(res, "Targets") else { continue };
                for target in targets.as_list().unwrap_or_default() {
                    let Some(ecs) = target.get("EcsParameters") else { continue };
                    out.extend(launcher_target(ev, res, ecs, "AwsVpcConfiguration"));
                }
            }
            "AWS::Scheduler::Schedule" => {
                let Some(ecs) = ev.property(res, "Target.EcsParameters") else { continue };
                out.extend(launcher_target(ev, res, &ecs, "AwsvpcConfiguration"));
            }
            _ => {}
        }
    }
    out
}

/// An ECS target of a rule or schedule (their network block is spelled differently).
fn launcher_target(ev: &Evaluator<'_>, res: &Resource, ecs: &Value, block: &str) -> Option<(Task, Placement)> {
    let config = ecs.get("NetworkConfiguration")?.get(block)?;
    let launch = Launch::read(ev, res, ecs.get("LaunchType").cloned(), ecs.get("CapacityProviderStrategy").cloned());
    if launch != Launch::Fargate {
        return None;
    }
    task(ev, res, config, ecs.get("TaskDefinitionArn")).map(|t| with_platform(t, ecs.get("PlatformVersion").cloned()))
}

/// Marks a task whose `PlatformVersion` is written as 1.0.0 to 1.3.0. Since 1.4.0 "all network
/// traffic flows through" the task's own interface in the VPC, which is why it then needs
/// `ecr.api`, `ecr.dkr`, S3 and the secrets endpoints
/// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-version-migration.html);
/// `LATEST` or no version is 1.4.0 or later.
fn with_platform((mut task, placement): (Task, Placement), version: Option<Value>) -> (Task, Placement) {
    let legacy = |v: &str| ["1.0.", "1.1.", "1.2.", "1.3."].iter().any(|p| v.trim().starts_with(p));
    task.legacy_platform = version.filter(|v| v.as_str().is_some_and(legacy));
    (task, placement)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Launch {
    Fargate,
    /// EC2 or external instances, or a capacity provider strategy that mixes them in.
    Instances,
    /// Not written, and the cluster's default strategy is not in the template: a Fargate task
    /// cannot be told from an EC2 one, so the task is left alone.
    Unknown,
}

impl Launch {
    /// `LaunchType` when written, else the capacity provider strategy (only `FARGATE` and
    /// `FARGATE_SPOT` providers make a Fargate task), else the cluster's default strategy
    /// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html).
    fn read(ev: &Evaluator<'_>, res: &Resource, launch_type: Option<Value>, strategy: Option<Value>) -> Launch {
        if let Some(launch) = launch_type.filter(|v| !v.is_no_value()) {
            return match launch.as_str() {
                Some(t) if t.eq_ignore_ascii_case("FARGATE") => Launch::Fargate,
                Some(_) => Launch::Instances,
                None => Launch::Unknown,
            };
        }
        if let Some(strategy) = strategy.filter(|v| !v.is_no_value()) {
            return Launch::of_strategy(&strategy);
        }
        let Some(ValueKind::Ref(cluster)) = ev.property(res, "Cluster").map(|v| v.kind) else { return Launch::Unknown };
        let template = ev.template();
        let own = template.resource(&cluster).and_then(|c| ev.property(c, "DefaultCapacityProviderStrategy"));
        let associated = || {
            template
                .resources
                .iter()
                .filter(|r| r.type_name == "AWS::ECS::ClusterCapacityProviderAssociations")
                .find_map(|r| {
                    let names =
                        matches!(ev.property(r, "Cluster").map(|v| v.kind), Some(ValueKind::Ref(c)) if c == cluster);
                    names.then(|| ev.property(r, "DefaultCapacityProviderStrategy")).flatten()
                })
        };
        match own.or_else(associated) {
            Some(strategy) => Launch::of_strategy(&strategy),
            None => Launch::Unknown,
        }
    }

    fn of_strategy(strategy: &Value) -> Launch {
        let Some(items) = strategy.as_list() else { return Launch::Unknown };
        let mut fargate = false;
        for item in items {
            match item.get("CapacityProvider").and_then(Value::as_str) {
                Some("FARGATE" | "FARGATE_SPOT") => fargate = true,
                Some(_) => return Launch::Instances,
                None => return Launch::Unknown,
            }
        }
        if fargate { Launch::Fargate } else { Launch::Unknown }
    }
}

fn task(
    ev: &Evaluator<'_>,
    res: &Resource,
    config: &Value,
    task_definition: Option<&Value>,
) -> Option<(Task, Placement)> {
    let subnets_value = config.get("Subnets")?;
    let subnets: Vec<Value> = match &subnets_value.kind {
        ValueKind::List(items) => items.iter().filter(|v| !v.is_no_value()).cloned().collect(),
        ValueKind::NoValue => return None,
        _ => vec![subnets_value.clone()],
    };
    if subnets.is_empty() {
        return None;
    }
    let security_groups: Vec<Value> = match config.get("SecurityGroups").map(|v| &v.kind) {
        Some(ValueKind::List(items)) => items.iter().filter(|v| !v.is_no_value()).cloned().collect(),
        Some(ValueKind::NoValue) | None => Vec::new(),
        Some(_) => config.get("SecurityGroups").cloned().into_iter().collect(),
    };
    let public_ip =
        config.get("AssignPublicIp").and_then(Value::as_str).is_some_and(|v| v.eq_ignore_ascii_case("ENABLED"));
    let (definition, containers, unknown) = match task_definition.map(|v| &v.kind) {
        Some(ValueKind::Ref(id)) => {
            match ev.template().resource(id).filter(|r| r.type_name == "AWS::ECS::TaskDefinition") {
                Some(def) => {
                    let (containers, unknown) = containers(ev, def);
                    (Some(id.clone()), containers, unknown)
                }
                None => (None, Vec::new(), Vec::new()),
            }
        }
        _ => (None, Vec::new(), task_definition.map(|v| vec![(v.clone(), "task definition")]).unwrap_or_default()),
    };
    let task = Task {
        id: res.logical_id.clone(),
        type_name: res.type_name.clone(),
        key_span: res.key_span,
        subnets_span: subnets_value.span,
        task_definition: definition,
        containers,
        unknown,
        legacy_platform: None,
    };
    // No security groups: the task gets the VPC's default group, which the network layer
    // resolves from `<Vpc>.DefaultSecurityGroup`; the subnets' VPC is looked up there.
    let placement = Placement { subnets, security_groups, runner: Runner::Task { public_ip } };
    Some((task, placement))
}

fn containers(ev: &Evaluator<'_>, def: &Resource) -> (Vec<Container>, Vec<(Value, &'static str)>) {
    let mut unknown = Vec::new();
    let Some(list) = ev.property(def, "ContainerDefinitions") else { return (Vec::new(), unknown) };
    let Some(items) = list.as_list() else {
        unknown.push((list.clone(), "container definitions"));
        return (Vec::new(), unknown);
    };
    let mut out = Vec::new();
    for item in items.iter().filter(|v| !v.is_no_value()) {
        let name = item.get("Name").and_then(Value::as_str).unwrap_or("").to_owned();
        let image = item.get("Image").and_then(|v| match image_kind(ev, v) {
            Some(kind) => Some((kind, v.clone())),
            None => {
                unknown.push((v.clone(), "container image"));
                None
            }
        });
        let mut secrets = Vec::new();
        let values =
            item.get("Secrets").and_then(Value::as_list).unwrap_or_default().iter().filter_map(|s| s.get("ValueFrom"));
        for value in values {
            match store_of(ev, value) {
                Some(store) => secrets.push((store, value.clone())),
                None => unknown.push((value.clone(), "secret reference")),
            }
        }
        // Private registry credentials are always a Secrets Manager secret.
        if let Some(credentials) = item.get("RepositoryCredentials").and_then(|r| r.get("CredentialsParameter")) {
            secrets.push((Store::SecretsManager, credentials.clone()));
        }
        let awslogs = item
            .get("LogConfiguration")
            .and_then(|l| l.get("LogDriver"))
            .filter(|d| d.as_str() == Some("awslogs"))
            .cloned();
        out.push(Container { name, span: item.span, image, secrets, awslogs });
    }
    (out, unknown)
}

/// Is the image in ECR? `None` when the URI cannot be told (a parameter, an import).
fn image_kind(ev: &Evaluator<'_>, value: &Value) -> Option<Image> {
    match &value.kind {
        ValueKind::Str(uri) => Some(if is_ecr_uri(uri) { Image::Ecr } else { Image::Elsewhere }),
        ValueKind::GetAtt { resource, attribute } if attribute == "RepositoryUri" => {
            let repo = ev.template().resource(resource)?;
            (repo.type_name == "AWS::ECR::Repository").then_some(Image::Ecr)
        }
        ValueKind::Concat(parts) => {
            let first = parts.first()?;
            if parts
                .iter()
                .any(|p| image_kind(ev, p) == Some(Image::Ecr) || p.as_str().is_some_and(|s| s.contains(".dkr.ecr.")))
            {
                return Some(Image::Ecr);
            }
            // A registry host written out before any symbolic part decides it.
            let host = first.as_str()?.split('/').next()?;
            (first.as_str()?.contains('/') && !host.is_empty())
                .then(|| if is_ecr_uri(host) { Image::Ecr } else { Image::Elsewhere })
        }
        _ => None,
    }
}

/// `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]/…`
/// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html).
fn is_ecr_uri(uri: &str) -> bool {
    let host = uri.split('/').next().unwrap_or("");
    let mut labels = host.split('.');
    let account = labels.next().unwrap_or("");
    account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && labels.next() == Some("dkr")
        && labels.next().is_some_and(|l| l == "ecr" || l == "ecr-fips")
        && host.contains(".amazonaws.com")
}

/// Which store a `ValueFrom` names: an ARN says it; a `Ref` to a secret or a parameter of the
/// template says it; a bare name is an SSM parameter name
/// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-ssm-paramstore.html).
fn store_of(ev: &Evaluator<'_>, value: &Value) -> Option<Store> {
    let of_text = |text: &str| {
        if text.contains(":secretsmanager:") {
            Some(Store::SecretsManager)
        } else if text.contains(":ssm:") || !text.starts_with("arn:") {
            Some(Store::ParameterStore)
        } else {
            None
        }
    };
    match &value.kind {
        ValueKind::Str(text) => of_text(text),
        ValueKind::Ref(id) => match ev.template().resource(id)?.type_name.as_str() {
            "AWS::SecretsManager::Secret" => Some(Store::SecretsManager),
            "AWS::SSM::Parameter" => Some(Store::ParameterStore),
            _ => None,
        },
        // `${Secret}:password::`, the JSON-key form (`<secret-arn>:<json-key>:<stage>:<id>`,
        // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html).
        ValueKind::Concat(parts) if matches!(parts.first().map(|p| &p.kind), Some(ValueKind::Ref(_))) => {
            store_of(ev, &parts[0])
        }
        ValueKind::Concat(parts) => parts.iter().find_map(|p| match &p.kind {
            ValueKind::Str(text) if text.contains(":secretsmanager:") => Some(Store::SecretsManager),
            ValueKind::Str(text) if text.contains(":ssm:") || text.contains(":parameter/") => {
                Some(Store::ParameterStore)
            }
            _ => None,
        }),
        _ => None,
    }
}
