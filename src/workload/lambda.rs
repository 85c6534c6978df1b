//! Every Lambda function in a VPC as a workload: it needs each AWS API its execution role lets
//! it call (the inference is `aws::calls`), through an interface endpoint, a gateway endpoint on
//! its subnets' route table, or NAT. A function attached to a VPC has no internet access
//! without NAT, whatever its subnet
//! (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-internet.html).
//!
//! Rotation functions are workloads here too, without their Secrets Manager need: the rotation
//! rules (RL1xx) answer that one with the rotation's own host and actions.
//!
//! Amazon MSK event sources are polled by Lambda from the cluster's own subnets and security
//! groups, which need a path to Lambda, STS and (with authentication) Secrets Manager
//! (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-cluster-network.html): those needs are
//! answered from the cluster's placement ([`Pollers`]), whether or not the function is in a VPC.

use crate::aws::calls::{self, Basis, Needs};
use crate::network::{ApiCall, ApiHost, ApiReport, Network, Placement, Runner, Service};
use crate::rotation::{Rotations, VpcAttachment, attachment_from_config};
use crate::source::tree::Span;
use crate::template::{Evaluator, Resource, Value};

use super::{Answer, Need, Workload};

/// A function in a VPC, what it calls, and whether it reaches each endpoint.
pub struct FunctionCalls {
    pub id: String,
    pub type_name: String,
    pub key_span: Span,
    /// Where findings about its network point: its `SubnetIds`.
    pub subnets_span: Span,
    pub needs: Needs,
    /// Per endpoint of every need that leaves through the function's interface.
    pub answers: Vec<EndpointAnswer>,
}

/// Whether the function reaches one endpoint of a service it calls.
pub struct EndpointAnswer {
    /// Index into `needs.services`.
    pub need: usize,
    pub endpoint: &'static Service,
    pub report: ApiReport,
}

/// The Lambda pollers of an Amazon MSK event source of a function: they run in the cluster's
/// subnets and call Lambda, STS and (with authentication) Secrets Manager from there.
pub struct Pollers {
    /// The function the event source invokes.
    pub function: String,
    /// Logical id and type of the MSK cluster.
    pub cluster: String,
    pub cluster_type: String,
    /// The cluster's subnet list, where findings point.
    pub subnets_span: Span,
    /// The event source (SAM event or `AWS::Lambda::EventSourceMapping`).
    pub event_span: Span,
    /// Per service the pollers call, whether the cluster's subnets reach it.
    pub answers: Vec<(&'static Service, ApiReport)>,
}

/// The functions in a VPC and the MSK pollers of the template, each with their answers.
#[derive(Default)]
pub struct LambdaFacts {
    pub functions: Vec<FunctionCalls>,
    pub pollers: Vec<Pollers>,
}

/// Every VPC function of the template (in template order) with its answers, and the pollers of
/// every MSK event source of a function defined with its cluster in the template.
pub fn functions(ev: &Evaluator<'_>, net: &Network, rotations: &Rotations) -> LambdaFacts {
    let template = ev.template();
    let has_clusters = template.resources.iter().any(|r| MSK_TYPES.contains(&r.type_name.as_str()));
    let mut pollers = Vec::new();
    let functions = template
        .resources
        .iter()
        .filter(|r| calls::FUNCTION_TYPES.contains(&r.type_name.as_str()))
        .filter(|r| ev.resource_exists(r) != Some(false))
        .filter_map(|res| {
            let attachment = ev.property(res, "VpcConfig").map(|c| attachment_from_config(&c));
            let in_vpc = matches!(attachment, Some(VpcAttachment::InVpc { .. }));
            if !in_vpc && !has_clusters {
                return None;
            }
            let needs = calls::function_needs(ev, res);
            if has_clusters {
                pollers.extend(msk_pollers(ev, net, res, &needs));
            }
            let Some(VpcAttachment::InVpc { subnets, security_groups, subnets_span }) = attachment else {
                return None;
            };
            let rotation = rotations.function(&res.logical_id).is_some();
            let mut wanted = Vec::new();
            for (index, need) in needs.services.iter().enumerate() {
                // Kafka event sources are polled from the event source's network, and the
                // rotation rules answer a rotation function's Secrets Manager calls.
                if need.only_event_source() || (rotation && need.service.prefix == "secretsmanager") {
                    continue;
                }
                for endpoint in &need.endpoints {
                    wanted.push((index, *endpoint));
                }
            }
            let workload = Workload {
                id: res.logical_id.clone(),
                type_name: res.type_name.clone(),
                key_span: res.key_span,
                placement: Some(Placement::function(subnets, security_groups)),
                // The actions are read from policies, not fixed: endpoint policies are not
                // checked for these calls.
                needs: wanted
                    .iter()
                    .map(|&(_, service)| {
                        Need::Api(ApiCall { service, host: ApiHost::RegionalDefault, actions: &[], purpose: "service" })
                    })
                    .collect(),
            };
            let answers = super::answer(net, &workload)
                .into_iter()
                .zip(wanted)
                .filter_map(|(answer, (need, endpoint))| {
                    Some(EndpointAnswer { need, endpoint, report: Answer::into_api(answer)? })
                })
                .collect();
            Some(FunctionCalls {
                id: res.logical_id.clone(),
                type_name: res.type_name.clone(),
                key_span: res.key_span,
                subnets_span,
                needs,
                answers,
            })
        })
        .collect();
    LambdaFacts { functions, pollers }
}

/// Types of Amazon MSK clusters an event source may poll.
const MSK_TYPES: [&str; 2] = ["AWS::MSK::Cluster", "AWS::MSK::ServerlessCluster"];

/// The pollers of each MSK cluster of the template that `function`'s Kafka event sources name.
fn msk_pollers(ev: &Evaluator<'_>, net: &Network, function: &Resource, needs: &Needs) -> Vec<Pollers> {
    let template = ev.template();
    // (cluster, event source span, services) in the order the needs list them.
    let mut by_cluster: Vec<(&Resource, Span, Vec<&'static Service>)> = Vec::new();
    for need in &needs.services {
        for reason in need.reasons.iter().filter(|r| r.basis == Basis::KafkaEventSource) {
            let Some(cluster) = reason.resource.as_deref().and_then(|id| template.resource(id)) else { continue };
            if !MSK_TYPES.contains(&cluster.type_name.as_str()) || ev.resource_exists(cluster) == Some(false) {
                continue;
            }
            let Some(endpoint) = need.service.endpoints.first() else { continue };
            match by_cluster.iter_mut().find(|(c, span, _)| c.logical_id == cluster.logical_id && *span == reason.span)
            {
                Some((_, _, services)) if !services.contains(&endpoint) => services.push(endpoint),
                Some(_) => {}
                None => by_cluster.push((cluster, reason.span, vec![endpoint])),
            }
        }
    }
    by_cluster
        .into_iter()
        .filter_map(|(cluster, event_span, services)| {
            let (subnets, security_groups, subnets_span) = cluster_placement(ev, cluster)?;
            let workload = Workload {
                id: cluster.logical_id.clone(),
                type_name: cluster.type_name.clone(),
                key_span: cluster.key_span,
                placement: Some(Placement { subnets, security_groups, runner: Runner::Pollers }),
                needs: services
                    .iter()
                    .map(|&service| {
                        Need::Api(ApiCall { service, host: ApiHost::RegionalDefault, actions: &[], purpose: "service" })
                    })
                    .collect(),
            };
            let answers = super::answer(net, &workload)
                .into_iter()
                .zip(services)
                .filter_map(|(answer, service)| Some((service, Answer::into_api(answer)?)))
                .collect();
            Some(Pollers {
                function: function.logical_id.clone(),
                cluster: cluster.logical_id.clone(),
                cluster_type: cluster.type_name.clone(),
                subnets_span,
                event_span,
                answers,
            })
        })
        .collect()
}

/// The subnets and security groups of an MSK cluster: `BrokerNodeGroupInfo.ClientSubnets` and
/// `.SecurityGroups` of a provisioned cluster, the first of `VpcConfigs` of a serverless one.
/// `None` when the subnets are not written.
fn cluster_placement(ev: &Evaluator<'_>, cluster: &Resource) -> Option<(Vec<Value>, Vec<Value>, Span)> {
    let (subnets, groups) = if cluster.type_name == "AWS::MSK::Cluster" {
        let info = ev.property(cluster, "BrokerNodeGroupInfo")?;
        (info.get("ClientSubnets")?.clone(), info.get("SecurityGroups").cloned())
    } else {
        let configs = ev.property(cluster, "VpcConfigs")?;
        let first = configs.as_list()?.first()?;
        (first.get("SubnetIds")?.clone(), first.get("SecurityGroups").cloned())
    };
    let items = |v: &Value| crate::network::list_items(v).unwrap_or_else(|whole| vec![whole]);
    Some((items(&subnets), groups.as_ref().map(items).unwrap_or_default(), subnets.span))
}

/// True when the template has a function whose `VpcConfig` names subnets, or an MSK cluster an
/// event source may poll (so the network graph is worth building).
pub fn may_have_vpc_functions(ev: &Evaluator<'_>) -> bool {
    let resources = &ev.template().resources;
    let has_functions = resources.iter().any(|r| calls::FUNCTION_TYPES.contains(&r.type_name.as_str()));
    has_functions
        && resources.iter().any(|r| {
            (calls::FUNCTION_TYPES.contains(&r.type_name.as_str()) && calls::has_vpc_subnets(ev, r))
                || MSK_TYPES.contains(&r.type_name.as_str())
        })
}
