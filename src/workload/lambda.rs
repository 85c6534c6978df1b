//! Every Lambda function in a VPC as a workload: it needs each AWS API its execution role lets
//! it call (the inference is `aws::calls`), through an interface endpoint, a gateway endpoint on
//! its subnets' route table, or NAT. A function attached to a VPC has no internet access
//! without NAT, whatever its subnet
//! (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-internet.html).
//!
//! Rotation functions are workloads here too, without their Secrets Manager need: the rotation
//! rules (RL1xx) answer that one with the rotation's own host and actions.

use crate::aws::calls::{self, Needs};
use crate::network::{ApiCall, ApiHost, ApiReport, Network, Placement, Service};
use crate::rotation::{Rotations, VpcAttachment, attachment_from_config};
use crate::source::tree::Span;
use crate::template::Evaluator;

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

/// Every VPC function of the template (in template order) with its answers.
pub fn functions(ev: &Evaluator<'_>, net: &Network, rotations: &Rotations) -> Vec<FunctionCalls> {
    let template = ev.template();
    template
        .resources
        .iter()
        .filter(|r| calls::FUNCTION_TYPES.contains(&r.type_name.as_str()))
        .filter(|r| ev.resource_exists(r) != Some(false))
        .filter_map(|res| {
            let VpcAttachment::InVpc { subnets, security_groups, subnets_span } =
                attachment_from_config(&ev.property(res, "VpcConfig")?)
            else {
                return None;
            };
            let needs = calls::function_needs(ev, res);
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
        .collect()
}

/// True when the template has a function whose `VpcConfig` names subnets (so the network graph
/// is worth building).
pub fn may_have_vpc_functions(ev: &Evaluator<'_>) -> bool {
    ev.template()
        .resources
        .iter()
        .any(|r| calls::FUNCTION_TYPES.contains(&r.type_name.as_str()) && calls::has_vpc_subnets(ev, r))
}
