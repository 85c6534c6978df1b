//! Turning evaluated values into references: `Ref X` / `GetAtt X.Attr` to a network resource of
//! this template, or an [`Unseen`] input; and list values (including comma-joined strings) into
//! items.

use std::collections::HashMap;

use crate::template::{Value, ValueKind};

use super::model::{Link, NaclKey, SgKey, Unseen};

/// The network resource types the graph models, for resolving references by logical id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Vpc,
    Subnet,
    RouteTable,
    InternetGateway,
    VpnGateway,
    NatGateway,
    Endpoint,
    SecurityGroup,
    NetworkAcl,
    Other,
}

impl Kind {
    pub fn of(type_name: &str) -> Kind {
        match type_name {
            "AWS::EC2::VPC" => Kind::Vpc,
            "AWS::EC2::Subnet" => Kind::Subnet,
            "AWS::EC2::RouteTable" => Kind::RouteTable,
            "AWS::EC2::InternetGateway" => Kind::InternetGateway,
            "AWS::EC2::VPNGateway" => Kind::VpnGateway,
            "AWS::EC2::NatGateway" => Kind::NatGateway,
            "AWS::EC2::VPCEndpoint" => Kind::Endpoint,
            "AWS::EC2::SecurityGroup" => Kind::SecurityGroup,
            "AWS::EC2::NetworkAcl" => Kind::NetworkAcl,
            _ => Kind::Other,
        }
    }

    /// `GetAtt` attributes that return the resource's own id.
    fn id_attribute(self) -> &'static str {
        match self {
            Kind::Vpc => "VpcId",
            Kind::Subnet => "SubnetId",
            Kind::RouteTable => "RouteTableId",
            Kind::InternetGateway => "InternetGatewayId",
            Kind::VpnGateway => "VPNGatewayId",
            Kind::NatGateway => "NatGatewayId",
            Kind::Endpoint | Kind::NetworkAcl => "Id",
            Kind::SecurityGroup => "GroupId",
            Kind::Other => "",
        }
    }
}

/// Logical id → kind of every present network resource (built once; lookups are O(1)).
#[derive(Clone, Debug, Default)]
pub struct Kinds(HashMap<String, Kind>);

impl Kinds {
    pub fn insert(&mut self, id: &str, kind: Kind) {
        self.0.entry(id.to_owned()).or_insert(kind);
    }

    pub fn get(&self, id: &str) -> Option<Kind> {
        self.0.get(id).copied()
    }

    /// A reference to a resource of `kind` (by `Ref` or its id attribute).
    pub fn link(&self, value: &Value, kind: Kind, what: &'static str) -> Link<String> {
        self.resolve(value, what, &|v| self.id_of(v, kind))
    }

    /// A security group: `Ref SG`, `GetAtt SG.GroupId` or `GetAtt Vpc.DefaultSecurityGroup`.
    pub fn sg(&self, value: &Value) -> Link<SgKey> {
        self.resolve(value, "security group", &|v| match &v.kind {
            ValueKind::GetAtt { resource, attribute }
                if attribute == "DefaultSecurityGroup" && self.get(resource) == Some(Kind::Vpc) =>
            {
                Some(SgKey::VpcDefault(resource.clone()))
            }
            _ => self.id_of(v, Kind::SecurityGroup).map(SgKey::Group),
        })
    }

    /// A network ACL: `Ref Acl` or `GetAtt Vpc.DefaultNetworkAcl`.
    pub fn nacl(&self, value: &Value) -> Link<NaclKey> {
        self.resolve(value, "network ACL", &|v| match &v.kind {
            ValueKind::GetAtt { resource, attribute }
                if attribute == "DefaultNetworkAcl" && self.get(resource) == Some(Kind::Vpc) =>
            {
                Some(NaclKey::VpcDefault(resource.clone()))
            }
            _ => self.id_of(v, Kind::NetworkAcl).map(NaclKey::Acl),
        })
    }

    fn id_of(&self, value: &Value, kind: Kind) -> Option<String> {
        let (id, attribute) = match &value.kind {
            ValueKind::Ref(id) => (id, None),
            ValueKind::GetAtt { resource, attribute } => (resource, Some(attribute.as_str())),
            _ => return None,
        };
        if self.get(id) != Some(kind) {
            return None;
        }
        match attribute {
            None => Some(id.clone()),
            Some(attr) if attr == kind.id_attribute() => Some(id.clone()),
            Some(_) => None,
        }
    }

    /// An undecided `Fn::If` still resolves when both branches name the same item.
    fn resolve<K: PartialEq>(
        &self,
        value: &Value,
        what: &'static str,
        direct: &dyn Fn(&Value) -> Option<K>,
    ) -> Link<K> {
        let unseen = || Link::Unseen(Unseen { value: value.clone(), what });
        if let Some(k) = direct(value) {
            return Link::Known(k);
        }
        let ValueKind::Choice { if_true, if_false, .. } = &value.kind else {
            return unseen();
        };
        match (direct(if_true), direct(if_false)) {
            (Some(a), Some(b)) if a == b => Link::Known(a),
            _ => unseen(),
        }
    }
}

/// The items of a list-valued property. Lists give their items (dropping `AWS::NoValue`), a
/// string or `Fn::Join` with commas is split (hosted rotation's `VpcSubnetIds` is a
/// comma-joined string), `AWS::NoValue` is empty; anything else (a parameter, an import, an
/// undecided `Fn::If`) is returned whole as the error.
pub fn list_items(value: &Value) -> Result<Vec<Value>, Value> {
    match &value.kind {
        ValueKind::NoValue => Ok(Vec::new()),
        ValueKind::List(items) => Ok(items.iter().filter(|v| !v.is_no_value()).cloned().collect()),
        ValueKind::Str(text) => Ok(split_literal(text, value)),
        ValueKind::Concat(parts) => Ok(split_concat(parts, value)),
        ValueKind::Ref(_) | ValueKind::GetAtt { .. } => Ok(vec![value.clone()]),
        _ => Err(value.clone()),
    }
}

fn split_literal(text: &str, whole: &Value) -> Vec<Value> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| Value::str(s, whole.span)).collect()
}

/// `Fn::Join [",", [!Ref A, !Ref B]]` evaluates to `Concat[Ref A, ",", Ref B]`: split at the
/// literal commas; an item made of several parts stays a `Concat`.
fn split_concat(parts: &[Value], whole: &Value) -> Vec<Value> {
    let mut items = Vec::new();
    let mut current: Vec<Value> = Vec::new();
    for part in parts {
        let ValueKind::Str(text) = &part.kind else {
            current.push(part.clone());
            continue;
        };
        let mut pieces = text.split(',');
        if let Some(first) = pieces.next().filter(|s| !s.trim().is_empty()) {
            current.push(Value::str(first.trim(), part.span));
        }
        for piece in pieces {
            items.extend(finish_item(std::mem::take(&mut current), whole));
            if !piece.trim().is_empty() {
                current.push(Value::str(piece.trim(), part.span));
            }
        }
    }
    items.extend(finish_item(current, whole));
    items
}

fn finish_item(mut parts: Vec<Value>, whole: &Value) -> Option<Value> {
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => {
            let span = parts.first().map_or(whole.span, |p| p.span);
            Some(Value::new(ValueKind::Concat(parts), span))
        }
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a failed parse is a failed test")]
mod tests {
    use super::*;
    use crate::source::tree::Span;

    fn v(kind: ValueKind) -> Value {
        Value::new(kind, Span::new(0, 1))
    }

    #[test]
    fn splits_joined_ids() {
        let joined = v(ValueKind::Concat(vec![
            v(ValueKind::Ref("A".into())),
            v(ValueKind::Str(",".into())),
            v(ValueKind::Ref("B".into())),
        ]));
        let items = list_items(&joined).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].kind, ValueKind::Ref("A".into()));
        assert_eq!(items[1].kind, ValueKind::Ref("B".into()));
        let literal = v(ValueKind::Str("subnet-1, subnet-2".into()));
        assert_eq!(list_items(&literal).unwrap().len(), 2);
        assert!(list_items(&v(ValueKind::Parameter("P".into()))).is_err());
        assert!(list_items(&v(ValueKind::NoValue)).unwrap().is_empty());
    }

    #[test]
    fn resolves_references_by_kind() {
        let mut kinds = Kinds::default();
        kinds.insert("Vpc", Kind::Vpc);
        kinds.insert("Sg", Kind::SecurityGroup);
        let sg = kinds.sg(&v(ValueKind::GetAtt { resource: "Sg".into(), attribute: "GroupId".into() }));
        assert_eq!(sg, Link::Known(SgKey::Group("Sg".into())));
        let default =
            kinds.sg(&v(ValueKind::GetAtt { resource: "Vpc".into(), attribute: "DefaultSecurityGroup".into() }));
        assert_eq!(default, Link::Known(SgKey::VpcDefault("Vpc".into())));
        assert!(matches!(kinds.sg(&v(ValueKind::Str("sg-123".into()))), Link::Unseen(_)));
        assert!(matches!(kinds.link(&v(ValueKind::Ref("Sg".into())), Kind::Subnet, "subnet"), Link::Unseen(_)));
        let same = v(ValueKind::Choice {
            condition: "C".into(),
            if_true: Box::new(v(ValueKind::Ref("Sg".into()))),
            if_false: Box::new(v(ValueKind::GetAtt { resource: "Sg".into(), attribute: "GroupId".into() })),
        });
        assert_eq!(kinds.sg(&same), Link::Known(SgKey::Group("Sg".into())));
    }
}
