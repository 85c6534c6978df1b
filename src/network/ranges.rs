//! Address ranges on either side of a connection (a subnet, or the internet) and how a rule's
//! CIDR relates to them, with "cannot tell" as an honest third answer.

use super::Network;
use super::cidr::Cidr;
use super::model::CidrSpec;

/// The addresses one side of a connection may use.
#[derive(Clone, Debug, PartialEq)]
pub struct Range {
    /// The subnet's block when known.
    pub cidr: Option<Cidr>,
    /// The VPC the addresses are in, when they are a subnet's.
    pub vpc: Option<String>,
    /// Any public address (Secrets Manager's public endpoint, a client on the internet).
    pub internet: bool,
    /// For messages: "subnet `A`", "the internet".
    pub label: String,
}

impl Range {
    pub fn internet() -> Range {
        Range { cidr: None, vpc: None, internet: true, label: "the internet (0.0.0.0/0)".to_owned() }
    }

    /// Addresses nothing is known about (a VPC outside the template).
    pub fn unknown(label: &str) -> Range {
        Range { cidr: None, vpc: None, internet: false, label: label.to_owned() }
    }

    /// Somewhere in a VPC (an endpoint ENI in a subnet the template does not define).
    pub fn in_vpc(vpc: &str) -> Range {
        Range { cidr: None, vpc: Some(vpc.to_owned()), internet: false, label: format!("VPC `{vpc}`") }
    }
}

/// How a rule's block relates to a range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rel {
    Covers,
    Disjoint,
    /// Overlaps part of it, or cannot be told.
    Partial,
}

impl Network {
    /// The addresses of a subnet: its block, else somewhere in its VPC.
    pub fn subnet_range(&self, subnet: &str) -> Range {
        let vpc = self.vpc_of_subnet(subnet).map(str::to_owned);
        Range { cidr: self.subnet_cidr(subnet), vpc, internet: false, label: format!("subnet `{subnet}`") }
    }

    /// How the rule block `spec` relates to `range`.
    pub fn relate(&self, spec: &CidrSpec, range: &Range) -> Rel {
        match spec {
            CidrSpec::V6(_) => Rel::Disjoint,
            CidrSpec::Unknown(_) => Rel::Partial,
            CidrSpec::Known(c) => self.relate_cidr(*c, range),
            CidrSpec::VpcPrimary(vpc) => {
                if let Some(c) = self.vpcs.get(vpc).and_then(|v| v.cidr) {
                    return self.relate_cidr(c, range);
                }
                // `GetAtt Vpc.CidrBlock` covers every subnet of a VPC that has no other block.
                let single = self.vpcs.get(vpc).is_some_and(|v| v.extra_cidrs.is_empty());
                if single && range.vpc.as_deref() == Some(vpc.as_str()) { Rel::Covers } else { Rel::Partial }
            }
        }
    }

    fn relate_cidr(&self, rule: Cidr, range: &Range) -> Rel {
        if rule.prefix_len() == 0 {
            return Rel::Covers;
        }
        if range.internet {
            return if rule.is_non_public() { Rel::Disjoint } else { Rel::Partial };
        }
        if let Some(c) = range.cidr {
            return relate_blocks(rule, &[c]);
        }
        let blocks = range.vpc.as_ref().and_then(|v| self.vpcs.get(v)).and_then(|v| v.known_cidrs());
        match blocks {
            Some(blocks) => match relate_blocks(rule, &blocks) {
                // A subnet lies inside one of the blocks: covering all of them covers it.
                Rel::Covers => Rel::Covers,
                Rel::Disjoint => Rel::Disjoint,
                Rel::Partial => Rel::Partial,
            },
            None => Rel::Partial,
        }
    }
}

fn relate_blocks(rule: Cidr, blocks: &[Cidr]) -> Rel {
    if blocks.iter().all(|b| rule.covers(*b)) {
        Rel::Covers
    } else if blocks.iter().all(|b| !rule.overlaps(*b)) {
        Rel::Disjoint
    } else {
        Rel::Partial
    }
}
