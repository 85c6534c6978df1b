//! The diagram both Mermaid and DOT draw: per function, the resources on its hops as nodes and
//! the hops as edges, with the break of a blocked path and the gap of an unverifiable one marked.
//! Labels here are plain text; each renderer escapes them for its own syntax.

use super::model::{Function, Hop, Kind, Report, Verdict, Workload};

/// Wrap long labels so a diagram stays readable in a pull request.
const WRAP: usize = 28;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    Normal,
    Ok,
    Unknown,
    Blocked,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Function,
    Resource,
    Service,
    Database,
}

#[derive(Debug)]
pub struct Node {
    /// Safe in both syntaxes: ASCII letters, digits and `_`, unique in the whole document.
    pub id: String,
    key: String,
    /// Plain-text lines.
    pub lines: Vec<String>,
    pub shape: Shape,
    pub state: State,
}

#[derive(Debug)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    /// `Ok`: part of a working path; `Normal`: leads to a break; `Blocked`/`Unknown`: the break.
    pub state: State,
    /// Plain-text lines.
    pub label: Vec<String>,
}

#[derive(Debug)]
pub struct Cluster {
    pub id: String,
    pub title: String,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

pub fn build(report: &Report) -> Vec<Cluster> {
    let functions = report.functions.iter().enumerate().map(|(i, f)| cluster(i, f));
    functions.chain(report.workloads.iter().enumerate().map(|(i, w)| workload_cluster(i, w))).collect()
}

/// A VPC function or Fargate task: one node per service it needs, each with its paths.
fn workload_cluster(index: usize, w: &Workload) -> Cluster {
    let what = if w.kind == "task" { "Fargate task of" } else { "function" };
    let title = format!("{what} {} in {}:{}:{}", w.workload, w.file, w.line, w.column);
    let mut c = Cluster { id: format!("w{index}"), title, nodes: Vec::new(), edges: Vec::new() };
    let start = c.node(&w.workload, vec![w.workload.clone(), type_word(&w.type_name).to_owned()], Shape::Function);
    for s in &w.services {
        let name = s.endpoint.as_deref().unwrap_or(&s.service);
        let service =
            c.node_with_id(&format!("service\0{name}"), &format!("svc_{name}"), vec![s.label.clone()], Shape::Service);
        c.verdict(start, service, &s.verdict);
    }
    c
}

fn cluster(index: usize, f: &Function) -> Cluster {
    let title = format!("{} {} in {}:{}:{}", kind_title(f.kind), f.function, f.file, f.line, f.column);
    let mut c = Cluster { id: format!("f{index}"), title, nodes: Vec::new(), edges: Vec::new() };
    let function = c.node(&f.function, vec![f.function.clone(), type_word(&f.type_name).to_owned()], Shape::Function);
    let sm = c.node("secrets-manager", vec!["Secrets Manager".to_owned()], Shape::Service);
    c.verdict(function, sm, &f.secrets_manager);
    if let Some(t) = &f.target {
        let port = t.port.map_or_else(|| "port unknown".to_owned(), |p| format!("tcp/{p}"));
        let lines = vec![t.id.clone(), format!("{}, {port}", type_word(&t.type_name))];
        let db = c.node(&t.id, lines.clone(), Shape::Database);
        if let Some(n) = c.nodes.get_mut(db) {
            (n.shape, n.lines) = (Shape::Database, lines);
        }
        c.verdict(function, db, &t.verdict);
    }
    c
}

impl Cluster {
    /// The node for `key`, created on first sight (first-seen order keeps output stable).
    fn node(&mut self, key: &str, lines: Vec<String>, shape: Shape) -> usize {
        self.node_with_id(key, key, lines, shape)
    }

    /// `id_hint` names the node in the output; `key` decides which hops share it.
    fn node_with_id(&mut self, key: &str, id_hint: &str, lines: Vec<String>, shape: Shape) -> usize {
        if let Some(i) = self.nodes.iter().position(|n| n.key == key) {
            return i;
        }
        let base = format!("{}_{}", self.id, safe_id(id_hint));
        let mut id = base.clone();
        let mut n = 2;
        while self.nodes.iter().any(|x| x.id == id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        self.nodes.push(Node { id, key: key.to_owned(), lines, shape, state: State::Normal });
        self.nodes.len() - 1
    }

    /// Security groups get one node per destination: a group that guards both the endpoint and the
    /// database would otherwise join the two paths and suggest traffic flows between them.
    fn hop_node(&mut self, hop: &Hop, destination: usize) -> usize {
        // The VPC default security group is reported on its VPC's logical id; draw it as the group.
        if let Some(rest) = hop.note.strip_prefix("security group `")
            && let Some(group) = rest.split('`').next()
        {
            let to = self.nodes.get(destination).map(|n| n.key.clone()).unwrap_or_default();
            let (key, hint) = (format!("{group}\0{to}"), format!("{group}_to_{to}"));
            return self.node_with_id(
                &key,
                &hint,
                vec![group.to_owned(), "security group".to_owned()],
                Shape::Resource,
            );
        }
        let word = hop.type_name.as_deref().map_or("resource", type_word);
        self.node(&hop.resource, vec![hop.resource.clone(), word.to_owned()], Shape::Resource)
    }

    fn verdict(&mut self, function: usize, destination: usize, v: &Verdict) {
        if v.subnets.is_empty()
            && let Some(reason) = &v.reason
        {
            self.edge(function, destination, State::Unknown, labelled("cannot verify", reason));
        }
        for s in &v.subnets {
            let (state, label) = match s.verdict {
                Kind::Blocked => (State::Blocked, labelled("blocked", s.blocker.as_deref().unwrap_or_default())),
                Kind::Unknown => (State::Unknown, labelled("cannot verify", s.reason.as_deref().unwrap_or_default())),
                Kind::PublicEndpoint => (State::Ok, vec!["public regional endpoint".to_owned()]),
                _ => (State::Ok, Vec::new()),
            };
            self.path(function, destination, &s.hops, state, label);
        }
        for issue in &v.endpoint_issues {
            let label = labelled("blocked", &issue.blocker);
            self.path(function, destination, &issue.hops, State::Blocked, label);
        }
        let reached = v.verdict.is_reachable();
        let state = if reached {
            State::Ok
        } else if v.verdict == Kind::Blocked {
            State::Blocked
        } else {
            State::Unknown
        };
        self.mark(destination, state);
    }

    /// Edges along the hops, then the last hop to the destination. The function's own hop is the
    /// first hop of every path.
    fn path(&mut self, function: usize, destination: usize, hops: &[Hop], state: State, label: Vec<String>) {
        let mut at = function;
        let along = if state == State::Ok { State::Ok } else { State::Normal };
        for hop in hops.iter().skip(1) {
            let next = self.hop_node(hop, destination);
            if next != at {
                self.edge(at, next, along, Vec::new());
            }
            at = next;
        }
        if state != State::Ok && at != function {
            self.mark(at, state);
        }
        if at != destination {
            self.edge(at, destination, state, label);
        }
    }

    fn mark(&mut self, node: usize, state: State) {
        if let Some(n) = self.nodes.get_mut(node) {
            n.state = n.state.max(state);
        }
    }

    /// One edge per (from, to) on working paths, where a working path wins over one that leads to
    /// a break. A break keeps the first reason: the same node breaks every path through it the
    /// same way, and per-subnet wording would only repeat it.
    fn edge(&mut self, from: usize, to: usize, state: State, label: Vec<String>) {
        let plain = |s: State| matches!(s, State::Ok | State::Normal);
        let existing = self
            .edges
            .iter_mut()
            .find(|e| e.from == from && e.to == to && (plain(e.state) && plain(state) || e.state == state));
        match existing {
            Some(e) => e.state = e.state.max(state),
            None => self.edges.push(Edge { from, to, state, label }),
        }
    }
}

fn labelled(prefix: &str, text: &str) -> Vec<String> {
    wrap(&format!("{prefix}: {}", text.replace('`', "'")))
}

/// Greedy word wrap at [`WRAP`] characters; a longer word keeps its own line.
fn wrap(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= WRAP => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

fn safe_id(key: &str) -> String {
    key.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

fn kind_title(kind: &str) -> &'static str {
    match kind {
        "hosted" => "hosted rotation",
        "sar" => "rotation app",
        _ => "rotation function",
    }
}

/// A short word for a CloudFormation type, as people say it.
pub fn type_word(type_name: &str) -> &str {
    match type_name {
        "AWS::Lambda::Function" => "Lambda function",
        "AWS::Serverless::Function" => "SAM function",
        "AWS::Serverless::Application" => "SAR application",
        "AWS::SecretsManager::RotationSchedule" => "hosted rotation",
        "AWS::EC2::VPC" => "VPC",
        "AWS::EC2::Subnet" => "subnet",
        "AWS::EC2::RouteTable" => "route table",
        "AWS::EC2::Route" => "route",
        "AWS::EC2::NatGateway" => "NAT gateway",
        "AWS::EC2::InternetGateway" => "internet gateway",
        "AWS::EC2::VPCGatewayAttachment" => "gateway attachment",
        "AWS::EC2::VPCEndpoint" => "VPC endpoint",
        "AWS::EC2::SecurityGroup" => "security group",
        "AWS::EC2::SecurityGroupIngress" => "ingress rule",
        "AWS::EC2::SecurityGroupEgress" => "egress rule",
        "AWS::EC2::NetworkAcl" => "network ACL",
        "AWS::EC2::NetworkAclEntry" => "network ACL entry",
        "AWS::EC2::SubnetNetworkAclAssociation" => "network ACL association",
        "AWS::EC2::SubnetRouteTableAssociation" => "route table association",
        "AWS::RDS::DBInstance" => "RDS DB instance",
        "AWS::RDS::DBCluster" => "RDS DB cluster",
        "AWS::DocDB::DBCluster" => "DocumentDB cluster",
        "AWS::DocDB::DBInstance" => "DocumentDB instance",
        "AWS::Redshift::Cluster" => "Redshift cluster",
        "AWS::ECS::Service" => "ECS service",
        "AWS::ECS::TaskSet" => "ECS task set",
        "AWS::Events::Rule" => "EventBridge rule",
        "AWS::Scheduler::Schedule" => "EventBridge schedule",
        other => other.rsplit("::").next().unwrap_or(other),
    }
}

#[cfg(test)]
mod tests {
    use super::{Cluster, Shape, State, wrap};

    #[test]
    fn wrap_keeps_words_whole() {
        assert_eq!(
            wrap("blocked: route table 'Rt' has no 0.0.0.0/0 route"),
            ["blocked: route table 'Rt'", "has no 0.0.0.0/0 route"]
        );
        assert_eq!(
            wrap("averyveryveryveryverylongwordthatdoesnotfit x"),
            ["averyveryveryveryverylongwordthatdoesnotfit", "x"]
        );
    }

    #[test]
    fn ids_are_safe_and_unique() {
        let mut c = Cluster { id: "f0".to_owned(), title: String::new(), nodes: Vec::new(), edges: Vec::new() };
        let a = c.node("Vpc.DefaultSecurityGroup", Vec::new(), Shape::Resource);
        let b = c.node("Vpc_DefaultSecurityGroup", Vec::new(), Shape::Resource);
        assert_eq!(c.nodes[a].id, "f0_Vpc_DefaultSecurityGroup");
        assert_eq!(c.nodes[b].id, "f0_Vpc_DefaultSecurityGroup_2");
        assert_eq!(c.node("Vpc.DefaultSecurityGroup", Vec::new(), Shape::Resource), a);
    }

    #[test]
    fn a_working_path_wins_over_one_that_leads_to_a_break() {
        let mut c = Cluster { id: "f0".to_owned(), title: String::new(), nodes: Vec::new(), edges: Vec::new() };
        c.edge(0, 1, State::Normal, Vec::new());
        c.edge(0, 1, State::Ok, Vec::new());
        c.edge(1, 2, State::Blocked, vec!["a".to_owned()]);
        c.edge(1, 2, State::Blocked, vec!["b".to_owned()]);
        assert_eq!(c.edges.len(), 2);
        assert_eq!(c.edges[0].state, State::Ok);
        assert_eq!(c.edges[1].label, ["a"]);
    }
}
