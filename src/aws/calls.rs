//! Which AWS services a Lambda function calls, read from the template: what its execution role
//! allows (inline policies, attached policy resources, AWS managed policies), SAM `Policies`
//! (policy templates, managed policy names, inline statements) and connectors, and environment
//! variables that carry a template resource's name, ARN or URL.
//!
//! Evidence is *strong* when an allowed action's `Resource` names a resource the template
//! defines (or a SAM policy template, a connector or an environment variable is given one), and
//! *weak* for wildcards and managed policies, whose resource is `*`. A role the template does not
//! define, `NotAction`, an `*` action or a managed policy not in the vendored table is reported as
//! unknown, never guessed.
//!
//! Calls that never leave through the function's network interface are dropped (Lambda Developer
//! Guide, https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html): the function's own
//! CloudWatch Logs, the ENI `ec2:` actions, X-Ray trace segments, and the polling of SQS, Kinesis
//! and DynamoDB Streams event sources, which the Lambda service does
//! (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html). Kafka event
//! sources (Amazon MSK, self-managed Apache Kafka) are the exception: their pollers need Lambda,
//! STS and, with authentication, Secrets Manager from the event source's network
//! (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-cluster-network.html).

use std::collections::BTreeMap;

use super::catalog::{self, AwsService};
use super::managed_policies::{self, Grants, ManagedPolicy};
use super::sam_policies;
use crate::iam::role;
use crate::network::Service;
use crate::source::tree::Span;
use crate::template::glob::glob;
use crate::template::{Evaluator, Resource, Value, ValueKind};

/// How sure the template makes it that the function calls a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Evidence {
    /// A wildcard resource, a broad managed policy.
    Weak,
    /// A resource the template defines.
    Strong,
}

/// Where a need was read.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Basis {
    /// An `Allow` statement of a policy document (the role's, an attached policy's, or SAM's
    /// inline statements).
    Statement,
    /// A SAM policy template, by name.
    SamTemplate(String),
    /// An AWS managed policy, by name.
    ManagedPolicy(&'static str),
    /// An environment variable, by name.
    Environment(String),
    /// A SAM connector (`AWS::Serverless::Connector` or a function's `Connectors`).
    Connector,
    /// A Kafka event source: the Lambda pollers reach the service from the event source's
    /// network (the MSK cluster's subnets, or the self-managed source's `VPC_SUBNET`s), not
    /// through the function.
    KafkaEventSource,
}

/// One piece of evidence, with the span that shows it (the statement, the policy, the variable).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    pub evidence: Evidence,
    pub basis: Basis,
    /// The actions as written (`sqs:SendMessage*`) that this statement or policy template allows
    /// on the service, in order; empty for other evidence.
    pub actions: Vec<String>,
    /// The template resource the evidence names (strong evidence names one).
    pub resource: Option<String>,
    pub span: Span,
}

impl Reason {
    /// "a policy statement allows `s3:GetObject` on `Bucket`": the evidence in words, for findings
    /// and `rotlint paths`.
    pub fn text(&self) -> String {
        let r = self;
        let actions = if r.actions.is_empty() {
            String::new()
        } else {
            let shown: Vec<String> = r.actions.iter().take(3).map(|a| format!("`{a}`")).collect();
            let more = if r.actions.len() > 3 { format!(" and {} more", r.actions.len() - 3) } else { String::new() };
            format!(" {}{more}", shown.join(", "))
        };
        let on = r.resource.as_ref().map(|res| format!(" on `{res}`")).unwrap_or_default();
        match &r.basis {
            Basis::Statement => format!("a policy statement allows{actions}{on}"),
            Basis::SamTemplate(name) => format!("SAM policy template `{name}`{on}"),
            Basis::ManagedPolicy(name) => format!("managed policy `{name}`"),
            Basis::Environment(name) => {
                let what = r.resource.as_ref().map(|res| format!(" a reference to `{res}`")).unwrap_or_default();
                format!("environment variable `{name}` carries{what}")
            }
            Basis::Connector => format!("a SAM connector{on}"),
            Basis::KafkaEventSource => "a Kafka event source".to_owned(),
        }
    }
}

/// One service the function calls.
#[derive(Debug)]
pub struct Need {
    pub service: &'static AwsService,
    /// The endpoints the allowed actions use (a wildcard action lists every one it may use), in
    /// catalog order.
    pub endpoints: Vec<&'static Service>,
    /// The strongest of `reasons`.
    pub evidence: Evidence,
    /// Strongest first, then in template order.
    pub reasons: Vec<Reason>,
}

impl Need {
    /// The reasons read from a Kafka event source only: paths start at the event source's
    /// network, not at the function.
    pub fn only_event_source(&self) -> bool {
        self.reasons.iter().all(|r| r.basis == Basis::KafkaEventSource)
    }
}

/// Why what a function calls cannot (all) be told.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum UnknownReason {
    /// The execution role is not a role the template defines (a literal ARN, a parameter, an
    /// import), or the function has none.
    RoleOutside,
    /// An `Allow` statement with `NotAction`.
    NotAction,
    /// An `Allow` of `*` or of a wildcard service prefix.
    AnyAction,
    /// A policy whose document, statements or actions are symbolic.
    SymbolicPolicy,
    /// An AWS managed policy not in the vendored table, by name.
    UnknownManagedPolicy(String),
    /// A managed policy the template does not define (a customer managed policy ARN, a parameter).
    PolicyOutside,
    /// A SAM `Policies` entry that is no SAM policy template, by name.
    UnknownSamTemplate(String),
    /// An AWS managed policy that grants every service (`AdministratorAccess`).
    EveryService(&'static str),
}

impl UnknownReason {
    /// One phrase saying what cannot be read, for messages and `rotlint paths`.
    pub fn sentence(&self) -> String {
        match self {
            UnknownReason::RoleOutside => {
                "its execution role is not defined in the linted templates (lint the stack that defines it in the same run)"
                    .to_owned()
            }
            UnknownReason::NotAction => "a policy statement allows actions with `NotAction`".to_owned(),
            UnknownReason::AnyAction => "a policy statement allows `*` or every action of a service".to_owned(),
            UnknownReason::SymbolicPolicy => {
                "a policy document or its actions come from a parameter or another intrinsic".to_owned()
            }
            UnknownReason::UnknownManagedPolicy(name) => format!("AWS managed policy `{name}` is not in rotlint's table"),
            UnknownReason::PolicyOutside => "a managed policy is not defined in the linted templates".to_owned(),
            UnknownReason::UnknownSamTemplate(name) => format!("SAM policy `{name}` is no policy template rotlint knows"),
            UnknownReason::EveryService(name) => format!("managed policy `{name}` allows every service"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    pub reason: UnknownReason,
    pub span: Span,
}

/// What a function calls.
#[derive(Debug, Default)]
pub struct Needs {
    /// By IAM prefix.
    pub services: Vec<Need>,
    pub unknown: Vec<Unknown>,
    /// Allowed actions of services the catalog does not list (`rekognition` is listed, `iot` is
    /// not): the prefix and the first statement naming it.
    pub unlisted: Vec<(String, Span)>,
}

impl Needs {
    pub fn service(&self, prefix: &str) -> Option<&Need> {
        self.services.iter().find(|n| n.service.prefix == prefix)
    }

    pub fn strongest(&self) -> Option<Evidence> {
        self.services.iter().map(|n| n.evidence).max()
    }
}

/// Does the function have VPC subnets (its own `VpcConfig`, or SAM `Globals`)? An unknown list
/// (a parameter) counts; an empty list does not.
pub fn has_vpc_subnets(ev: &Evaluator<'_>, function: &Resource) -> bool {
    match ev.property(function, "VpcConfig.SubnetIds") {
        None => false,
        Some(v) => match &v.kind {
            ValueKind::List(items) => !items.is_empty(),
            ValueKind::NoValue => false,
            _ => true,
        },
    }
}

/// Lambda function types.
pub const FUNCTION_TYPES: [&str; 2] = ["AWS::Lambda::Function", "AWS::Serverless::Function"];

/// The services `function` (an `AWS::Lambda::Function` or `AWS::Serverless::Function`) calls.
pub fn function_needs(ev: &Evaluator<'_>, function: &Resource) -> Needs {
    let mut cx = Collector {
        ev,
        function,
        sources: EventSources::read(ev, function),
        env_keys: ev.property(function, "KmsKeyArn").map(|k| referenced(&k)).unwrap_or_default(),
        needs: BTreeMap::new(),
        unknown: Vec::new(),
        unlisted: Vec::new(),
    };
    match ev.property(function, "Role") {
        Some(role) => cx.role(&role),
        // SAM makes the role from `Policies` (ignored when `Role` is set), with
        // AWSLambdaBasicExecutionRole, and AWSLambdaVPCAccessExecutionRole in a VPC
        // (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html).
        None if function.type_name == "AWS::Serverless::Function" => cx.sam_policies(),
        None => cx.unknown(UnknownReason::RoleOutside, function.key_span),
    }
    cx.environment();
    cx.connectors();
    cx.kafka();
    cx.finish()
}

/// Actions that are no call to an AWS API endpoint: authorization of a data-plane connection
/// made elsewhere, or a permission checked on another call.
const NOT_CALLS: &[(&str, &str)] = &[
    ("dsql", "DbConnect*"),
    ("elasticfilesystem", "Client*"),
    ("iam", "PassRole"),
    ("kafka-cluster", "*"),
    ("neptune-db", "*"),
    ("rds-db", "*"),
];

/// What Lambda does for the function without the function's network interface: its own
/// CloudWatch Logs, its ENIs, X-Ray segments (sent by the Lambda service's daemon).
const PLATFORM: &[(&str, &[&str])] = &[
    (
        "ec2",
        &[
            "CreateNetworkInterface",
            "DescribeNetworkInterfaces",
            "DeleteNetworkInterface",
            "DetachNetworkInterface",
            "AssignPrivateIpAddresses",
            "UnassignPrivateIpAddresses",
            "DescribeSubnets",
            "DescribeSecurityGroups",
            "DescribeVpcs",
        ],
    ),
    ("logs", &["CreateLogGroup", "CreateLogStream", "PutLogEvents"]),
    (
        "xray",
        &[
            "PutTraceSegments",
            "PutTelemetryRecords",
            "GetSamplingRules",
            "GetSamplingTargets",
            "GetSamplingStatisticSummaries",
        ],
    ),
];

/// The actions Lambda's event-source pollers use, per polled service
/// (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html, with-kinesis.html, with-ddb.html,
/// with-msk-permissions.html).
const POLLING: &[(&str, &[&str])] = &[
    ("dynamodb", &["DescribeStream", "GetRecords", "GetShardIterator", "ListStreams"]),
    ("kafka", &["DescribeCluster", "DescribeClusterV2", "GetBootstrapBrokers", "ListScramSecrets"]),
    (
        "kinesis",
        &[
            "DescribeStream",
            "DescribeStreamSummary",
            "DescribeStreamConsumer",
            "GetRecords",
            "GetShardIterator",
            "ListShards",
            "ListStreams",
            "SubscribeToShard",
        ],
    ),
    (
        "sqs",
        &[
            "ReceiveMessage",
            "DeleteMessage",
            "DeleteMessageBatch",
            "ChangeMessageVisibility",
            "ChangeMessageVisibilityBatch",
            "GetQueueAttributes",
        ],
    ),
];

/// `SourceAccessConfigurations` types whose secret the Kafka pollers read from Secrets Manager.
const KAFKA_SECRET_TYPES: &[&str] = &[
    "BASIC_AUTH",
    "SASL_SCRAM_256_AUTH",
    "SASL_SCRAM_512_AUTH",
    "CLIENT_CERTIFICATE_TLS_AUTH",
    "SERVER_ROOT_CA_CERTIFICATE",
];

/// The property holding a resource's physical name, for resources a literal ARN may name.
const NAME_PROPERTIES: &[(&str, &str)] = &[
    ("AWS::DynamoDB::GlobalTable", "TableName"),
    ("AWS::DynamoDB::Table", "TableName"),
    ("AWS::ECR::Repository", "RepositoryName"),
    ("AWS::Events::EventBus", "Name"),
    ("AWS::Kinesis::Stream", "Name"),
    ("AWS::KinesisFirehose::DeliveryStream", "DeliveryStreamName"),
    ("AWS::Lambda::Function", "FunctionName"),
    ("AWS::Logs::LogGroup", "LogGroupName"),
    ("AWS::S3::Bucket", "BucketName"),
    ("AWS::SNS::Topic", "TopicName"),
    ("AWS::SQS::Queue", "QueueName"),
    ("AWS::SSM::Parameter", "Name"),
    ("AWS::SecretsManager::Secret", "Name"),
    ("AWS::Serverless::Function", "FunctionName"),
    ("AWS::Serverless::StateMachine", "Name"),
    ("AWS::StepFunctions::StateMachine", "StateMachineName"),
];

fn listed<'a>(table: &'a [(&str, &'a [&'a str])], prefix: &str) -> &'a [&'a str] {
    table.iter().find(|(p, _)| *p == prefix).map_or(&[], |(_, names)| names)
}

/// The function's event sources.
#[derive(Default)]
struct EventSources {
    /// Services Lambda polls for it: `sqs`, `kinesis`, `dynamodb`, `kafka`.
    polled: Vec<&'static str>,
    /// Kafka event sources: the span, the resource it names, whether it reads a secret.
    kafka: Vec<(Span, Option<String>, bool)>,
}

impl EventSources {
    fn read(ev: &Evaluator<'_>, function: &Resource) -> EventSources {
        let mut out = EventSources::default();
        let template = ev.template();
        let type_of = |id: &str| template.resource(id).map(|r| r.type_name.as_str());
        // SAM `Events`.
        if let Some(events) = ev.property(function, "Events") {
            for (_, span, event) in events.as_map().unwrap_or_default() {
                let props = event.get("Properties");
                let polled = match event.get("Type").and_then(Value::as_str) {
                    Some("SQS") => "sqs",
                    Some("Kinesis") => "kinesis",
                    Some("DynamoDB") => "dynamodb",
                    Some("MSK" | "SelfManagedKafka") => "kafka",
                    _ => continue,
                };
                out.add_polled(polled);
                if polled == "kafka" {
                    let stream = props.and_then(|p| p.get("Stream")).and_then(|s| referenced(s).into_iter().next());
                    let configs = props.and_then(|p| p.get("SourceAccessConfigurations"));
                    out.kafka.push((*span, stream, reads_secret(configs)));
                }
            }
        }
        // `AWS::Lambda::EventSourceMapping` resources that name the function.
        for esm in template.resources_of_type("AWS::Lambda::EventSourceMapping") {
            if !ev.property(esm, "FunctionName").is_some_and(|v| role::mentions(&v, &function.logical_id)) {
                continue;
            }
            let arn = ev.property(esm, "EventSourceArn");
            let source = arn.as_ref().and_then(|a| referenced(a).into_iter().next());
            let by_type = source.as_deref().and_then(type_of).and_then(|t| match t {
                "AWS::SQS::Queue" => Some("sqs"),
                "AWS::Kinesis::Stream" | "AWS::Kinesis::StreamConsumer" => Some("kinesis"),
                "AWS::DynamoDB::Table" => Some("dynamodb"),
                "AWS::MSK::Cluster" | "AWS::MSK::ServerlessCluster" => Some("kafka"),
                _ => None,
            });
            let text = arn.as_ref().map(Value::display).unwrap_or_default();
            let by_text =
                ["sqs", "kinesis", "dynamodb", "kafka"].into_iter().find(|p| text.contains(&format!(":{p}:")));
            let self_managed = ev.property(esm, "SelfManagedEventSource").is_some();
            let Some(polled) = by_type.or(by_text).or(self_managed.then_some("kafka")) else { continue };
            out.add_polled(polled);
            if polled == "kafka" {
                let configs = ev.property(esm, "SourceAccessConfigurations");
                out.kafka.push((esm.key_span, source, reads_secret(configs.as_ref())));
            }
        }
        out
    }

    fn add_polled(&mut self, prefix: &'static str) {
        if !self.polled.contains(&prefix) {
            self.polled.push(prefix);
        }
    }

    fn polls(&self, prefix: &str) -> bool {
        self.polled.contains(&prefix)
    }
}

/// The DynamoDB Streams interface endpoint, whose actions act only on stream ARNs.
const STREAMS_ENDPOINT: &str = "dynamodb-streams";

/// Can this `Resource` value match a DynamoDB stream ARN? A table's `Arn` attribute, its `Ref`
/// (a name) or a literal table ARN cannot; `*`, a trailing wildcard, `/stream/` text, a
/// `StreamArn` attribute or an unknown value can.
fn may_name_stream(resource: &Value) -> bool {
    let stream_text = |s: &str| s.ends_with('*') || s.to_ascii_lowercase().contains("/stream");
    match &resource.kind {
        ValueKind::Str(s) => stream_text(s),
        ValueKind::Ref(_) => false,
        ValueKind::GetAtt { attribute, .. } => attribute.to_ascii_lowercase().contains("stream"),
        // `!Sub ${Table.Arn}` ends in the attribute; `!Sub ${Table.Arn}/stream/*` in text.
        ValueKind::Concat(parts) => parts.last().is_none_or(may_name_stream),
        _ => true,
    }
}

/// Does a Kafka event source's `SourceAccessConfigurations` name a secret?
fn reads_secret(configs: Option<&Value>) -> bool {
    let Some(configs) = configs else { return false };
    configs.as_list().unwrap_or_default().iter().any(|c| match c.get("Type").map(|t| &t.kind) {
        Some(ValueKind::Str(t)) => KAFKA_SECRET_TYPES.contains(&t.as_str()),
        Some(_) => true,
        None => false,
    })
}

/// The resources a value refers to (`Ref`, `GetAtt`, inside `Fn::Sub`, lists and both branches of
/// an undecided `Fn::If`), in order, without repeats.
fn referenced(value: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match &v.kind {
            ValueKind::Ref(r) | ValueKind::GetAtt { resource: r, .. } if !out.contains(r) => out.push(r.clone()),
            ValueKind::List(items) | ValueKind::Concat(items) => stack.extend(items.iter().rev()),
            ValueKind::Choice { if_true, if_false, .. } => stack.extend([&**if_false, &**if_true]),
            ValueKind::Import(inner) => stack.push(inner),
            _ => {}
        }
    }
    out
}

/// The items of a list, the branches of an undecided `Fn::If`, or the value itself.
fn items(value: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match &v.kind {
            ValueKind::List(items) => stack.extend(items.iter().rev()),
            ValueKind::Choice { if_true, if_false, .. } => stack.extend([&**if_false, &**if_true]),
            ValueKind::NoValue => {}
            _ => out.push(v),
        }
    }
    out
}

struct Collector<'e, 't> {
    ev: &'e Evaluator<'t>,
    function: &'t Resource,
    sources: EventSources,
    /// The keys in the function's `KmsKeyArn` (environment variable encryption).
    env_keys: Vec<String>,
    needs: BTreeMap<&'static str, (Vec<&'static Service>, Vec<Reason>)>,
    unknown: Vec<Unknown>,
    unlisted: Vec<(String, Span)>,
}

impl Collector<'_, '_> {
    fn unknown(&mut self, reason: UnknownReason, span: Span) {
        let u = Unknown { reason, span };
        if !self.unknown.contains(&u) {
            self.unknown.push(u);
        }
    }

    fn add(&mut self, service: &'static AwsService, endpoints: Vec<&'static Service>, reason: Reason) {
        let (known, reasons) = self.needs.entry(service.prefix).or_default();
        for e in endpoints {
            if !known.iter().any(|k| k.endpoint == e.endpoint) {
                known.push(e);
            }
        }
        // One reason per statement (or policy, or variable) and resource: actions gather.
        let same = |r: &&mut Reason| {
            (r.evidence, &r.basis, &r.resource, r.span)
                == (reason.evidence, &reason.basis, &reason.resource, reason.span)
        };
        match reasons.iter_mut().find(same) {
            Some(existing) => {
                for a in reason.actions {
                    if !existing.actions.contains(&a) {
                        existing.actions.push(a);
                    }
                }
            }
            None => reasons.push(reason),
        }
    }

    fn type_of(&self, id: &str) -> Option<&str> {
        self.ev.template().resource(id).map(|r| r.type_name.as_str())
    }

    /// The execution role (`Role`).
    fn role(&mut self, value: &Value) {
        let mut outside = false;
        let mut roles = Vec::new();
        for item in items(value) {
            let ids: Vec<String> =
                referenced(item).into_iter().filter(|id| self.type_of(id) == Some("AWS::IAM::Role")).collect();
            outside |= ids.is_empty();
            roles.extend(ids);
        }
        if outside {
            self.unknown(UnknownReason::RoleOutside, value.span);
        }
        roles.dedup();
        for id in roles {
            self.role_policies(&id);
        }
    }

    fn role_policies(&mut self, role_id: &str) {
        let ev = self.ev;
        let Some(policies) = role::role_policies(ev, role_id) else { return };
        for arn in &policies.managed {
            self.managed_arn(arn);
        }
        for policy in &policies.inline {
            for p in items(policy) {
                if let Some(doc) = p.get("PolicyDocument") {
                    self.document(doc);
                }
            }
        }
        for policy in policies.attached {
            match ev.property(policy, "PolicyDocument") {
                Some(doc) => self.document(&doc),
                None => self.unknown(UnknownReason::SymbolicPolicy, policy.key_span),
            }
        }
    }

    /// An item of `ManagedPolicyArns` or an ARN in SAM `Policies`.
    fn managed_arn(&mut self, arn: &Value) {
        for item in items(arn) {
            let in_template = referenced(item)
                .into_iter()
                .find(|id| self.type_of(id) == Some("AWS::IAM::ManagedPolicy"))
                .and_then(|id| self.ev.template().resource(&id));
            if let Some(policy) = in_template {
                match self.ev.property(policy, "PolicyDocument") {
                    Some(doc) => self.document(&doc),
                    None => self.unknown(UnknownReason::SymbolicPolicy, policy.key_span),
                }
                continue;
            }
            match item.wildcard_text().as_deref().and_then(managed_policies::by_arn) {
                Some(Ok(policy)) => self.managed(policy, item.span),
                Some(Err(name)) => self.unknown(UnknownReason::UnknownManagedPolicy(name), item.span),
                None => self.unknown(UnknownReason::PolicyOutside, item.span),
            }
        }
    }

    fn managed(&mut self, policy: &'static ManagedPolicy, span: Span) {
        match policy.grants {
            Grants::Platform => {}
            Grants::Everything => self.unknown(UnknownReason::EveryService(policy.name), span),
            Grants::Services(prefixes) => {
                for service in prefixes.iter().filter_map(|p| catalog::by_prefix(p)) {
                    let reason = Reason {
                        evidence: Evidence::Weak,
                        basis: Basis::ManagedPolicy(policy.name),
                        actions: Vec::new(),
                        resource: None,
                        span,
                    };
                    self.add(service, service.endpoints_for_pattern("*"), reason);
                }
            }
        }
    }

    /// A policy document: a map, or a JSON string.
    fn document(&mut self, doc: &Value) {
        let parsed;
        let doc = match &doc.kind {
            ValueKind::Str(text) => match serde_json::from_str::<serde_json::Value>(text) {
                Ok(json) => {
                    parsed = from_json(&json, doc.span, 0);
                    &parsed
                }
                Err(_) => return self.unknown(UnknownReason::SymbolicPolicy, doc.span),
            },
            _ => doc,
        };
        let Some(statements) = doc.get("Statement") else {
            return self.unknown(UnknownReason::SymbolicPolicy, doc.span);
        };
        for statement in items(statements) {
            self.statement(statement);
        }
    }

    fn statement(&mut self, st: &Value) {
        match st.get("Effect").map(|e| &e.kind) {
            Some(ValueKind::Str(e)) if e == "Allow" => {}
            Some(ValueKind::Str(_)) => return,
            _ => return self.unknown(UnknownReason::SymbolicPolicy, st.span),
        }
        if st.get("NotAction").is_some() {
            return self.unknown(UnknownReason::NotAction, st.span);
        }
        let Some(actions) = st.get("Action") else { return };
        let mut names = Vec::new();
        for a in items(actions) {
            match a.as_str() {
                Some(name) => names.push(name),
                None => self.unknown(UnknownReason::SymbolicPolicy, a.span),
            }
        }
        // `NotResource`: every resource but some, as weak as a wildcard.
        let resources: Vec<&Value> = st.get("Resource").map(items).unwrap_or_default();
        for action in &names {
            self.action(action, &names, &resources, st.span, |_| Basis::Statement);
        }
    }

    /// One allowed action, the statement's actions, the values that name its resource.
    fn action(
        &mut self,
        action: &str,
        statement: &[&str],
        resources: &[&Value],
        span: Span,
        basis: impl Fn(&str) -> Basis,
    ) {
        let Some((prefix, name)) = action.split_once(':') else {
            if action.trim() == "*" {
                self.unknown(UnknownReason::AnyAction, span);
            }
            return;
        };
        if prefix.contains(['*', '?']) {
            return self.unknown(UnknownReason::AnyAction, span);
        }
        let prefix = prefix.to_ascii_lowercase();
        if self.dropped(&prefix, name, statement) {
            return;
        }
        let Some(service) = catalog::by_prefix(&prefix) else {
            if !self.unlisted.iter().any(|(p, _)| *p == prefix) {
                self.unlisted.push((prefix, span));
            }
            return;
        };
        let resource = resources
            .iter()
            .flat_map(|r| referenced(r))
            .find(|id| self.type_of(id).is_some_and(|t| service.resource_types.contains(&t)))
            .or_else(|| resources.iter().find_map(|r| self.named_by_arn(service, r)));
        // Lambda decrypts the environment variables with the function's `KmsKeyArn` before the
        // code runs; whether that call goes through the function's interface is not documented,
        // so it is not counted as the code's.
        if prefix == "kms"
            && name.eq_ignore_ascii_case("Decrypt")
            && resource.as_ref().is_some_and(|r| self.env_keys.contains(r))
        {
            return;
        }
        let wildcard = name.contains(['*', '?']);
        // A wildcard on a service Lambda polls for the function may be only the polling.
        let evidence = if resource.is_none() || (wildcard && self.sources.polls(&prefix)) {
            Evidence::Weak
        } else {
            Evidence::Strong
        };
        let reason = Reason { evidence, basis: basis(&prefix), actions: vec![action.to_owned()], resource, span };
        let mut endpoints = service.endpoints_for_pattern(name);
        if wildcard {
            // `dynamodb:*` on a table's ARN grants no DynamoDB Streams call: the Streams actions act
            // on a stream ARN (`table/<name>/stream/<label>`), which a table ARN does not match
            // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html).
            endpoints.retain(|e| e.endpoint != STREAMS_ENDPOINT || resources.iter().any(|r| may_name_stream(r)));
        }
        self.add(service, endpoints, reason);
    }

    /// The template resource of the service whose literal name (`BucketName: my-bucket`) a
    /// resource ARN spells out (`arn:aws:s3:::my-bucket/*`), bounded by the ARN's separators.
    fn named_by_arn(&self, service: &AwsService, arn: &Value) -> Option<String> {
        let text = arn.wildcard_text()?;
        let template = self.ev.template();
        let resources = template.resources.iter().filter(|r| service.resource_types.contains(&r.type_name.as_str()));
        for res in resources {
            let Some(&(_, property)) = NAME_PROPERTIES.iter().find(|(t, _)| *t == res.type_name) else { continue };
            let Some(value) = self.ev.property(res, property) else { continue };
            let Some(name) = value.as_str().map(|n| n.trim_start_matches('/')) else { continue };
            if name.len() < 3 {
                continue;
            }
            let bounded = text.match_indices(name).any(|(at, _)| {
                let before = text[..at].chars().next_back();
                let after = text[at + name.len()..].chars().next();
                // Secret ARNs end in a random `-XXXXXX` suffix.
                let suffix = service.prefix == "secretsmanager" && after == Some('-');
                matches!(before, Some(':' | '/')) && (matches!(after, None | Some('/' | ':' | '*')) || suffix)
            });
            if bounded {
                return Some(res.logical_id.clone());
            }
        }
        None
    }

    /// Is the action one the function's network interface never carries?
    fn dropped(&self, prefix: &str, name: &str, statement: &[&str]) -> bool {
        if NOT_CALLS.iter().any(|(p, n)| *p == prefix && glob(n, name)) {
            return true;
        }
        let platform = |prefix: &str, name: &str| listed(PLATFORM, prefix).iter().any(|a| glob(name, a));
        // A statement of only `logs:`/`ec2:`/`xray:` actions that grants the function's own
        // logging (or ENIs, or segments) is read as granting just that, `Describe*` included.
        let same_prefix = |a: &&str| a.split_once(':').is_some_and(|(p, _)| p.eq_ignore_ascii_case(prefix));
        if platform(prefix, name)
            || (statement.iter().all(same_prefix)
                && statement.iter().any(|a| a.split_once(':').is_some_and(|(_, n)| platform(prefix, n))))
        {
            return true;
        }
        let exact = !name.contains(['*', '?']);
        self.sources.polls(prefix) && exact && listed(POLLING, prefix).iter().any(|a| a.eq_ignore_ascii_case(name))
    }

    /// SAM `Policies` of a function without `Role`.
    fn sam_policies(&mut self) {
        let Some(policies) = self.ev.property(self.function, "Policies") else { return };
        for item in items(&policies) {
            match &item.kind {
                ValueKind::Str(name) if !name.starts_with("arn:") => match managed_policies::by_name(name) {
                    Some(policy) => self.managed(policy, item.span),
                    None => self.unknown(UnknownReason::UnknownManagedPolicy(name.clone()), item.span),
                },
                ValueKind::Map(entries) if item.get("Statement").is_some() || entries.len() != 1 => self.document(item),
                ValueKind::Map(entries) => {
                    let (name, key_span, params) = &entries[0];
                    self.sam_template(name, params, *key_span);
                }
                _ => self.managed_arn(item),
            }
        }
    }

    fn sam_template(&mut self, name: &str, params: &Value, span: Span) {
        let Some(statements) = sam_policies::template(name) else {
            return self.unknown(UnknownReason::UnknownSamTemplate(name.to_owned()), span);
        };
        for st in &statements {
            let resources: Vec<&Value> = st.parameters.iter().filter_map(|p| params.get(p)).collect();
            for action in &st.actions {
                self.action(action, &st.actions, &resources, span, |_| Basis::SamTemplate(name.to_owned()));
            }
        }
    }

    /// Environment variables naming a template resource.
    fn environment(&mut self) {
        let Some(vars) = self.ev.property(self.function, "Environment.Variables") else { return };
        for (variable, key_span, value) in vars.as_map().unwrap_or_default() {
            for id in referenced(value) {
                if id == self.function.logical_id {
                    continue;
                }
                let Some(service) = self.type_of(&id).and_then(catalog::by_resource_type) else { continue };
                if !service.env_evidence {
                    continue;
                }
                let reason = Reason {
                    evidence: Evidence::Strong,
                    basis: Basis::Environment(variable.clone()),
                    actions: Vec::new(),
                    resource: Some(id),
                    span: *key_span,
                };
                self.add(service, vec![&service.endpoints[0]], reason);
            }
        }
    }

    /// SAM connectors from the function
    /// (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-connector.html).
    fn connectors(&mut self) {
        let ev = self.ev;
        let id = &self.function.logical_id;
        let mut found: Vec<(Span, Value)> = Vec::new();
        for connector in ev.template().resources_of_type("AWS::Serverless::Connector") {
            let from_function = ev.property(connector, "Source").is_some_and(|source| {
                source.get("Id").and_then(Value::as_str) == Some(id.as_str())
                    || source.get("Arn").is_some_and(|arn| role::mentions(arn, id))
            });
            if from_function && let Some(dest) = ev.property(connector, "Destination") {
                found.push((connector.key_span, dest));
            }
        }
        if let Some(embedded) = ev.property(self.function, "Connectors") {
            for (_, span, connector) in embedded.as_map().unwrap_or_default() {
                if let Some(dest) = connector.get("Properties").and_then(|p| p.get("Destination")) {
                    found.push((*span, dest.clone()));
                }
            }
        }
        for (span, dest) in found {
            for d in items(&dest) {
                let mut ids: Vec<String> = d.get("Id").and_then(Value::as_str).map(str::to_owned).into_iter().collect();
                ids.extend(d.get("Arn").map(referenced).unwrap_or_default());
                for target in ids {
                    let Some(service) = self.type_of(&target).and_then(catalog::by_resource_type) else { continue };
                    let reason = Reason {
                        evidence: Evidence::Strong,
                        basis: Basis::Connector,
                        actions: Vec::new(),
                        resource: Some(target),
                        span,
                    };
                    self.add(service, vec![&service.endpoints[0]], reason);
                }
            }
        }
    }

    /// Kafka event sources: Lambda, STS and (with authentication) Secrets Manager.
    fn kafka(&mut self) {
        for (span, source, secret) in std::mem::take(&mut self.sources.kafka) {
            let prefixes: &[&str] = if secret { &["lambda", "sts", "secretsmanager"] } else { &["lambda", "sts"] };
            for service in prefixes.iter().filter_map(|p| catalog::by_prefix(p)) {
                let reason = Reason {
                    evidence: Evidence::Strong,
                    basis: Basis::KafkaEventSource,
                    actions: Vec::new(),
                    resource: source.clone(),
                    span,
                };
                self.add(service, vec![&service.endpoints[0]], reason);
            }
        }
    }

    fn finish(self) -> Needs {
        let mut services: Vec<Need> = self
            .needs
            .into_iter()
            .filter_map(|(prefix, (endpoints, mut reasons))| {
                let service = catalog::by_prefix(prefix)?;
                reasons.sort_by(|a, b| b.evidence.cmp(&a.evidence).then(a.span.cmp(&b.span)));
                let evidence = reasons.first()?.evidence;
                let mut endpoints = endpoints;
                let rank = |e: &&Service| service.endpoints.iter().position(|s| s.endpoint == e.endpoint);
                endpoints.sort_by_key(rank);
                Some(Need { service, endpoints, evidence, reasons })
            })
            .collect();
        services.sort_by_key(|n| n.service.prefix);
        let mut unknown = self.unknown;
        unknown.sort_by(|a, b| a.span.cmp(&b.span).then(a.reason.cmp(&b.reason)));
        Needs { services, unknown, unlisted: self.unlisted }
    }
}

/// A JSON policy document as a value, every node carrying the string's span.
fn from_json(json: &serde_json::Value, span: Span, depth: usize) -> Value {
    if depth > 32 {
        return Value::unknown("nesting too deep", span);
    }
    let kind = match json {
        serde_json::Value::String(s) => ValueKind::Str(s.clone()),
        serde_json::Value::Bool(b) => ValueKind::Bool(*b),
        serde_json::Value::Number(n) => ValueKind::Number(n.to_string()),
        serde_json::Value::Null => ValueKind::Null,
        serde_json::Value::Array(items) => {
            ValueKind::List(items.iter().map(|i| from_json(i, span, depth + 1)).collect())
        }
        serde_json::Value::Object(map) => {
            ValueKind::Map(map.iter().map(|(k, v)| (k.clone(), span, from_json(v, span, depth + 1))).collect())
        }
    };
    Value::new(kind, span)
}

#[cfg(test)]
#[path = "calls_tests.rs"]
mod tests;
