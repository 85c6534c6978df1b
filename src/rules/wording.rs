//! Shared wording for the network rules: explaining paths as related locations, and one
//! sentence per blocker or unverifiable input. Kept here so every rule says things the same way.

use crate::diagnostic::{FileId, Location};
use crate::network::{Blocker, Hop, NatProblem, PrivateWhy, SgKey, Unverifiable, tcp_ports};
use crate::rotation::{RotationFunction, VpcAttachment};
use crate::source::tree::Span;

/// The hops of a path as related locations, in path order.
pub fn locations(file: FileId, hops: &[Hop]) -> Vec<Location> {
    hops.iter()
        .map(|h| {
            let note = match &h.condition {
                Some(c) => format!("{} (exists only when `{c}` is true)", h.note),
                None => h.note.clone(),
            };
            Location { file, span: h.span, resource: Some(h.resource.clone()), message: note }
        })
        .collect()
}

/// The database as the last hop of a path to it.
pub fn target_location(file: FileId, target: &crate::rotation::Target) -> Location {
    Location {
        file,
        span: target.key_span,
        resource: Some(target.id.clone()),
        message: format!("database `{}` ({})", target.id, target.type_name),
    }
}

/// The first hop of every path: the rotation function itself.
pub fn function_path(file: FileId, f: &RotationFunction, hops: &[Hop]) -> Vec<Location> {
    let mut out = vec![Location {
        file,
        span: f.key_span,
        resource: Some(f.id.clone()),
        message: format!("rotation function `{}`", f.id),
    }];
    out.extend(locations(file, hops));
    out
}

/// Where function-level findings point: the subnet list when the function is in a VPC.
pub fn function_span(f: &RotationFunction) -> Span {
    match &f.vpc {
        VpcAttachment::InVpc { subnets_span, .. } if !subnets_span.is_empty() => *subnets_span,
        _ => f.key_span,
    }
}

/// "NAT gateway `A`", "NAT gateways `A` and `B`", "NAT gateways `A`, `B` and `C`".
pub fn nat_gateways(nats: &[&str]) -> String {
    let quoted: Vec<String> = nats.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        None => "NAT".to_owned(),
        Some((last, [])) => format!("NAT gateway {last}"),
        Some((last, rest)) => format!("NAT gateways {} and {last}", rest.join(", ")),
    }
}

fn groups(groups: &[SgKey]) -> String {
    groups.iter().map(|g| format!("`{g}`")).collect::<Vec<_>>().join(", ")
}

/// Whose network interface a path starts from: blocker texts name its security groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A Lambda function in a VPC (rotation or not).
    Function,
    /// A Fargate task (its task ENI).
    Task,
    /// The Lambda pollers of an MSK event source, which run in the cluster's subnets with its
    /// security groups.
    Cluster,
}

impl Origin {
    fn owner(self) -> &'static str {
        match self {
            Origin::Function => "the function's",
            Origin::Task => "the task's",
            Origin::Cluster => "the MSK cluster's",
        }
    }
}

/// One sentence saying what blocks a function's path.
pub fn blocker_text(b: &Blocker) -> String {
    blocker_text_from(b, Origin::Function)
}

/// One sentence saying what blocks a path from `origin`.
pub fn blocker_text_from(b: &Blocker, origin: Origin) -> String {
    let owner = origin.owner();
    match b {
        Blocker::EndpointNotInterface(e) => {
            format!("endpoint `{e}` is not an interface endpoint (`VpcEndpointType` defaults to Gateway)")
        }
        Blocker::EndpointNoSubnets(e) => format!("endpoint `{e}` has no `SubnetIds`, so it has no network interface"),
        Blocker::PrivateDnsOff { endpoint: e, written: false } => format!(
            "endpoint `{e}` has private DNS off (`PrivateDnsEnabled` defaults to false), so the regional host still resolves to public addresses"
        ),
        Blocker::PrivateDnsOff { endpoint: e, written: true } => format!(
            "endpoint `{e}` sets `PrivateDnsEnabled: false`, so the regional host still resolves to public addresses"
        ),
        Blocker::VpcDnsOff { endpoint, vpc, attribute } => match endpoint {
            Some(e) => format!("VPC `{vpc}` lacks `{attribute}: true`, which private DNS of endpoint `{e}` needs"),
            None => format!("VPC `{vpc}` has `{attribute}` off, so names do not resolve"),
        },
        Blocker::EndpointInOtherVpc { endpoint, function_vpc, .. } => {
            format!("the function names endpoint `{endpoint}`, which is not in its VPC `{function_vpc}`")
        }
        Blocker::EndpointWrongService { endpoint, service } => {
            format!("the function names endpoint `{endpoint}`, which is not for {service}")
        }
        Blocker::EndpointSgBlocks { endpoint, groups: g, port } => format!(
            "the security groups of endpoint `{endpoint}` ({}) admit no tcp/{port} from {owner} security groups or subnets",
            groups(g)
        ),
        Blocker::FunctionEgressBlocks { groups: g, to, port } => {
            format!("{owner} security groups ({}) allow no tcp/{port} egress to {to}", groups(g))
        }
        Blocker::NaclBlocks { nacl, subnet, egress, ports, entry } => format!(
            "network ACL `{nacl}` of subnet `{subnet}` {} {} {}",
            entry
                .as_ref()
                .map_or_else(|| "has no entry that allows".to_owned(), |e| format!("denies, by entry `{e}`,")),
            if *egress { "outbound" } else { "inbound" },
            tcp_ports(*ports)
        ),
        Blocker::EndpointPolicyDenies { endpoint, actions } => {
            format!("the policy of endpoint `{endpoint}` does not allow {}", actions.join(", "))
        }
        Blocker::NatNoInternet { nat, why } => {
            format!("NAT gateway `{nat}` cannot reach the internet: {}", nat_text(why))
        }
        Blocker::PublicSubnet { igw, route } => format!(
            "route `{route}` sends 0.0.0.0/0 to internet gateway `{igw}`, but Lambda network interfaces never get public IP addresses"
        ),
        Blocker::GatewayNotRouted { endpoint, service, subnet, route_table } => {
            let table = route_table
                .as_ref()
                .map_or_else(|| "the VPC's main route table".to_owned(), |t| format!("route table `{t}`"));
            format!(
                "{service} gateway endpoint `{endpoint}` is not on {table} of subnet `{subnet}` (its `RouteTableIds` do not list it)"
            )
        }
        Blocker::TaskWithoutPublicIp { igw, route } => format!(
            "route `{route}` sends 0.0.0.0/0 to internet gateway `{igw}`, but the task's `AssignPublicIp` is DISABLED, so it has no public IP address"
        ),
        Blocker::IgwNotAttached { igw, vpc, route } => {
            format!("route `{route}` sends 0.0.0.0/0 to internet gateway `{igw}`, which is not attached to VPC `{vpc}`")
        }
        Blocker::NoRoute { subnet, route_table } => match route_table {
            Some(t) => format!("subnet `{subnet}` uses route table `{t}`, which has no 0.0.0.0/0 route"),
            None => format!(
                "subnet `{subnet}` has no route table association, so the main table (local routes only) applies"
            ),
        },
        Blocker::DifferentVpc { function_vpc, target_vpc } => match target_vpc {
            Some(t) => format!(
                "the function is in VPC `{function_vpc}` and the database in VPC `{t}`, with no route between them"
            ),
            None => format!("the function is in VPC `{function_vpc}` and the database is not"),
        },
        Blocker::TargetSgBlocks { groups: g, port, shared: None } => format!(
            "the database's security groups ({}) admit tcp/{port} neither from the function's security groups nor from its subnets",
            groups(g)
        ),
        Blocker::TargetSgBlocks { port, shared: Some(group), .. } => format!(
            "function and database share security group `{group}`, which has no self-referencing ingress for tcp/{port}, and nothing else admits the function"
        ),
        Blocker::FunctionEgressBlocksTarget { groups: g, port } => {
            format!("the function's security groups ({}) allow no tcp/{port} egress to the database", groups(g))
        }
        Blocker::PrivateTarget(PrivateWhy::NotPublic) => {
            "the database is not publicly accessible, and the function is not in a VPC".to_owned()
        }
        Blocker::PrivateTarget(PrivateWhy::NoIgwRoute { subnet }) => format!(
            "the database's subnet `{subnet}` does not route 0.0.0.0/0 to an attached internet gateway, and the function is not in a VPC"
        ),
        Blocker::PublicTargetSgClosed { groups: g, port } => format!(
            "the database is public but its security groups ({}) admit tcp/{port} only from security groups or private addresses, and a function outside a VPC connects from AWS-owned public addresses",
            groups(g)
        ),
        Blocker::PublicTargetAllowlist { group, port, .. } => format!(
            "the database is public but security group `{group}` admits tcp/{port} only from specific public CIDRs; a function outside a VPC connects from AWS-owned public addresses that are neither stable nor its own, so this works only if the ranges are AWS's"
        ),
    }
}

fn nat_text(why: &NatProblem) -> String {
    match why {
        NatProblem::Private => "`ConnectivityType: private` (traffic to an internet gateway is dropped)".to_owned(),
        NatProblem::NoIgwRoute { subnet, .. } => {
            format!("its subnet `{subnet}` does not route 0.0.0.0/0 to an internet gateway")
        }
        NatProblem::IgwNotAttached { igw, vpc } => format!("internet gateway `{igw}` is not attached to VPC `{vpc}`"),
        NatProblem::NoIgwAttached { vpc } => format!("VPC `{vpc}` has no internet gateway attached"),
    }
}

/// How a user lets rotlint see a value it cannot: the advice every RL9xx note ends with.
pub fn how_to_supply(value: &crate::template::Value) -> String {
    match &value.kind {
        crate::template::ValueKind::Parameter(p) => {
            format!("pass its value with `--parameter {p}=...` or `--parameters FILE`")
        }
        crate::template::ValueKind::Import(_) => "lint the stack that exports it in the same run".to_owned(),
        _ => "define it in a linted template, or suppress with a reason".to_owned(),
    }
}

/// The function's subnets as a list for messages (`` `A`, `B` ``), all or only the blocked ones.
pub fn subnet_names(report: &crate::network::ApiReport, only_blocked: bool) -> String {
    report
        .per_subnet
        .iter()
        .filter(|(_, o)| !only_blocked || o.blocker().is_some())
        .filter_map(|(s, _)| match s {
            crate::network::SubnetRef::Subnet(id) => Some(format!("`{id}`")),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One sentence naming the input that cannot be seen and how to supply it.
pub fn unverifiable_text(u: &Unverifiable) -> String {
    match u {
        Unverifiable::Input(unseen) => {
            let value = unseen.value.display();
            format!("the {} `{value}` is not defined in this template; {}", unseen.what, how_to_supply(&unseen.value))
        }
        Unverifiable::Egress { route, destination, target } => format!(
            "route `{route}` sends {destination} to {} `{}`, whose onward path a template cannot show",
            target.kind(),
            target.name()
        ),
        Unverifiable::Undecided { resource, why } if resource.is_empty() => why.clone(),
        Unverifiable::Undecided { resource, why } => format!("`{resource}`: {why}"),
    }
}

/// Findings for one kind of Secrets Manager blocker, function by function: one finding per
/// function and place to change, at the value the blocker names, with the first path that hits
/// it. Used by the RL1xx rules whose trigger is "the path is blocked by X".
pub fn secrets_manager_blockers(
    cx: &super::TemplateContext<'_>,
    meta: &'static crate::catalog::RuleMeta,
    matches: fn(&Blocker) -> bool,
    help: &str,
) -> Vec<crate::diagnostic::Diagnostic> {
    sm_blockers(cx, meta, matches, false, help)
}

/// As [`secrets_manager_blockers`], but the finding sits on the function (RL102: what must change
/// is where the function runs; the route stays on the path).
pub fn secrets_manager_blockers_on_function(
    cx: &super::TemplateContext<'_>,
    meta: &'static crate::catalog::RuleMeta,
    matches: fn(&Blocker) -> bool,
    help: &str,
) -> Vec<crate::diagnostic::Diagnostic> {
    sm_blockers(cx, meta, matches, true, help)
}

fn sm_blockers(
    cx: &super::TemplateContext<'_>,
    meta: &'static crate::catalog::RuleMeta,
    matches: fn(&Blocker) -> bool,
    on_function: bool,
    help: &str,
) -> Vec<crate::diagnostic::Diagnostic> {
    use crate::diagnostic::Diagnostic;
    let facts = cx.facts;
    let mut out: Vec<Diagnostic> = Vec::new();
    for (f, ff) in facts.functions() {
        let Some(report) = &ff.secrets_manager else { continue };
        let mut seen = Vec::new();
        for (subnet, outcome) in &report.per_subnet {
            let Some(blocker) = outcome.blocker().filter(|b| matches(b)) else { continue };
            let on_f = (f.id.clone(), function_span(f));
            let (resource, span) = if on_function { on_f } else { blocker.primary(&facts.network).unwrap_or(on_f) };
            if seen.contains(&(resource.clone(), span)) {
                continue;
            }
            seen.push((resource.clone(), span));
            let from = match subnet {
                crate::network::SubnetRef::Subnet(s) => format!(" from subnet `{s}`"),
                _ => String::new(),
            };
            out.push(
                Diagnostic::new(
                    meta,
                    cx.file,
                    span,
                    format!(
                        "rotation function `{}` cannot reach Secrets Manager{from}: {}",
                        f.id,
                        blocker_text(blocker)
                    ),
                )
                .resource(resource)
                .label("this blocks the path to Secrets Manager")
                .related_all(function_path(cx.file, f, outcome.hops()))
                .help(help),
            );
        }
    }
    out
}

/// Findings for one kind of blocker on the path from each function to its database. With
/// `function_level` the finding sits on the function (RL201, RL202); otherwise on the value the
/// blocker names (a security group, a rule).
pub fn target_blockers(
    cx: &super::TemplateContext<'_>,
    meta: &'static crate::catalog::RuleMeta,
    matches: fn(&Blocker) -> bool,
    function_level: bool,
    help: &str,
) -> Vec<crate::diagnostic::Diagnostic> {
    use crate::diagnostic::Diagnostic;
    let facts = cx.facts;
    let mut out = Vec::new();
    for (f, ff) in facts.functions() {
        let (Some(report), Some(target)) = (&ff.target_path, &ff.target) else { continue };
        let Some((blocker, hops)) =
            report.per_subnet.iter().find_map(|(_, o)| o.blocker().filter(|b| matches(b)).map(|b| (b, o.hops())))
        else {
            continue;
        };
        let on_function = (f.id.clone(), function_span(f));
        let (resource, span) =
            if function_level { on_function } else { blocker.primary(&facts.network).unwrap_or(on_function) };
        let port = target.port.map(|p| format!(" on tcp/{p}")).unwrap_or_default();
        let mut related = function_path(cx.file, f, hops);
        if !related.iter().any(|l| l.resource.as_deref() == Some(target.id.as_str())) {
            related.push(target_location(cx.file, target));
        }
        out.push(
            Diagnostic::new(
                meta,
                cx.file,
                span,
                format!(
                    "rotation function `{}` {} database `{}`{port}: {}",
                    f.id,
                    // A warning is about a path that may work today (RL208).
                    if meta.level == crate::diagnostic::Level::Warning { "may fail to reach" } else { "cannot reach" },
                    target.id,
                    blocker_text(blocker)
                ),
            )
            .resource(resource)
            .label("this blocks the path to the database")
            .related_all(related)
            .help(help),
        );
    }
    out
}

/// The help of an endpoint finding: one for rotation functions reaching Secrets Manager (their
/// wording predates other services), one for every other workload and service.
pub struct EndpointHelp {
    pub rotation: &'static str,
    pub workload: &'static str,
}

/// Findings for one kind of endpoint blocker (RL105, RL107, RL108): first the rotation functions'
/// Secrets Manager paths as [`secrets_manager_blockers`] words them; then the paths of every
/// other workload to every service it relies on (a VPC function's calls, a Fargate task's image,
/// secrets and logs, a rotation's call to its database service's API). Each problem is reported
/// once per place to change and service: the first workload it blocks is worded in full, the
/// others are named after it.
pub fn endpoint_blockers(
    cx: &super::TemplateContext<'_>,
    meta: &'static crate::catalog::RuleMeta,
    matches: fn(&Blocker) -> bool,
    help: &EndpointHelp,
) -> Vec<crate::diagnostic::Diagnostic> {
    let mut out = sm_blockers(cx, meta, matches, false, help.rotation);
    let sm = crate::network::service::SECRETS_MANAGER.endpoint;
    let mut seen: Vec<(Option<String>, Span, &str)> =
        out.iter().map(|d| (d.primary.resource.clone(), d.primary.span, sm)).collect();
    let mut found: Vec<Blocked<'_>> = Vec::new();
    for path in workload_paths(cx) {
        for (subnet, outcome) in &path.report.per_subnet {
            let Some(blocker) = outcome.blocker().filter(|b| matches(b)) else { continue };
            let Some((resource, span)) = blocker.primary(&cx.facts.network) else { continue };
            let key = (Some(resource.clone()), span, path.service.endpoint);
            if seen.contains(&key) {
                // The same place already explains this service for another workload.
                if let Some(first) =
                    found.iter_mut().find(|b| (Some(b.resource.clone()), b.span, b.service.endpoint) == key)
                    && !first.others.contains(&path.who)
                    && first.who != path.who
                {
                    first.others.push(path.who.clone());
                }
                continue;
            }
            seen.push(key);
            let mut related = vec![path.first.clone()];
            related.extend(path.evidence.iter().cloned());
            related.extend(locations(cx.file, outcome.hops()));
            let from = match subnet {
                crate::network::SubnetRef::Subnet(s) => format!(" from subnet `{s}`"),
                _ => String::new(),
            };
            found.push(Blocked {
                resource,
                span,
                service: path.service,
                who: path.who.clone(),
                others: Vec::new(),
                text: format!("{from}: {}", blocker_text_from(blocker, path.origin)),
                related,
            });
        }
    }
    for b in found {
        let others =
            if b.others.is_empty() { String::new() } else { format!("; the same blocks {}", b.others.join(", ")) };
        let label = b.service.label;
        out.push(
            crate::diagnostic::Diagnostic::new(
                meta,
                cx.file,
                b.span,
                format!("{} cannot reach {label}{}{others}", b.who, b.text),
            )
            .resource(b.resource)
            .label(format!("this blocks the path to {label}"))
            .related_all(b.related)
            .help(help.workload),
        );
    }
    out
}

/// One blocked path, reported once for every workload it blocks.
struct Blocked<'a> {
    resource: String,
    span: Span,
    service: &'a crate::network::Service,
    who: String,
    others: Vec<String>,
    text: String,
    related: Vec<Location>,
}

/// One workload's answer for one service it relies on.
struct WorkloadPath<'a> {
    /// "function `Worker`".
    who: String,
    origin: Origin,
    service: &'a crate::network::Service,
    report: &'a crate::network::ApiReport,
    /// The workload itself, the first hop of every path.
    first: Location,
    /// Why it needs the service, when known (a function's evidence).
    evidence: Option<Location>,
}

/// Every answered service need of every workload except the rotation functions' Secrets Manager
/// calls (see [`sm_blockers`]), in order: rotation functions' database-service calls, VPC
/// functions, the pollers of MSK event sources, Fargate tasks.
fn workload_paths<'a>(cx: &super::TemplateContext<'a>) -> Vec<WorkloadPath<'a>> {
    let facts = cx.facts;
    let mut out = Vec::new();
    for (f, ff) in facts.functions() {
        let (Some(report), Some(crate::rotation::Master::Managed { service, span })) = (&ff.extra_api, &ff.master)
        else {
            continue;
        };
        out.push(WorkloadPath {
            who: format!("rotation function `{}`", f.id),
            origin: Origin::Function,
            service,
            report,
            first: Location {
                file: cx.file,
                span: f.key_span,
                resource: Some(f.id.clone()),
                message: format!("rotation function `{}`", f.id),
            },
            evidence: Some(Location {
                file: cx.file,
                span: *span,
                resource: Some(f.id.clone()),
                message: format!("the master secret is managed by {}, so the rotation calls its API", service.label),
            }),
        });
    }
    for f in &facts.calls {
        for (need, answer) in super::service_reach::answers(f) {
            let path = super::service_reach::path(cx, f, need, &[]);
            let mut path = path.into_iter();
            let Some(first) = path.next() else { continue };
            out.push(WorkloadPath {
                who: format!("function `{}`", f.id),
                origin: Origin::Function,
                service: answer.endpoint,
                report: &answer.report,
                first,
                evidence: path.next(),
            });
        }
    }
    for p in &facts.pollers {
        for (service, report) in &p.answers {
            out.push(WorkloadPath {
                who: format!("the MSK event source of function `{}`", p.function),
                origin: Origin::Cluster,
                service,
                report,
                first: Location {
                    file: cx.file,
                    span: p.event_span,
                    resource: Some(p.function.clone()),
                    message: format!("Lambda polls `{}` from the cluster's subnets", p.cluster),
                },
                evidence: None,
            });
        }
    }
    for tf in &facts.tasks {
        for (_, service, report) in &tf.answers {
            out.push(WorkloadPath {
                who: super::task_needs::task_name(tf),
                origin: Origin::Task,
                service,
                report,
                first: Location {
                    file: cx.file,
                    span: tf.task.key_span,
                    resource: Some(tf.task.id.clone()),
                    message: format!("{} `{}` runs a Fargate task", tf.task.type_name, tf.task.id),
                },
                evidence: None,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn nat_gateways_are_listed_in_english() {
        assert_eq!(super::nat_gateways(&["Nat"]), "NAT gateway `Nat`");
        assert_eq!(super::nat_gateways(&["A", "B"]), "NAT gateways `A` and `B`");
        assert_eq!(super::nat_gateways(&["A", "B", "C"]), "NAT gateways `A`, `B` and `C`");
    }
}
