//! IPv4 CIDR arithmetic: parsing, containment and overlap, the only address maths the network
//! questions need.

use std::fmt;

/// An IPv4 block; `base` always has the host bits cleared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cidr {
    base: u32,
    len: u8,
}

/// The address ranges that are never public (RFC 1918, CGNAT, loopback, link-local): a rule to
/// one of them cannot carry traffic to a public AWS endpoint.
const NON_PUBLIC: [(u32, u8); 6] = [
    (0x0A00_0000, 8),  // 10.0.0.0/8
    (0xAC10_0000, 12), // 172.16.0.0/12
    (0xC0A8_0000, 16), // 192.168.0.0/16
    (0x6440_0000, 10), // 100.64.0.0/10
    (0x7F00_0000, 8),  // 127.0.0.0/8
    (0xA9FE_0000, 16), // 169.254.0.0/16
];

impl Cidr {
    /// The whole IPv4 space, `0.0.0.0/0`.
    pub const ANY: Cidr = Cidr { base: 0, len: 0 };

    /// Builds a block, clearing host bits (`10.0.0.1/8` becomes `10.0.0.0/8`, as AWS would refuse
    /// it but the intent is clear). `None` when `len > 32`.
    pub fn new(addr: u32, len: u8) -> Option<Cidr> {
        (len <= 32).then(|| Cidr { base: addr & mask(len), len })
    }

    /// `a.b.c.d/n`; a bare address means `/32`. Surrounding whitespace is ignored.
    pub fn parse(text: &str) -> Option<Cidr> {
        let text = text.trim();
        let (addr, len) = match text.split_once('/') {
            Some((addr, len)) => (addr, len.parse::<u8>().ok()?),
            None => (text, 32),
        };
        Cidr::new(parse_addr(addr)?, len)
    }

    pub fn base(self) -> u32 {
        self.base
    }

    pub fn prefix_len(self) -> u8 {
        self.len
    }

    /// Last address of the block.
    pub fn last(self) -> u32 {
        self.base | !mask(self.len)
    }

    pub fn contains_addr(self, addr: u32) -> bool {
        addr & mask(self.len) == self.base
    }

    /// Every address of `other` is in `self`.
    pub fn covers(self, other: Cidr) -> bool {
        self.len <= other.len && self.contains_addr(other.base)
    }

    pub fn overlaps(self, other: Cidr) -> bool {
        self.covers(other) || other.covers(self)
    }

    /// Entirely inside private/reserved space, so no public endpoint lives there.
    pub fn is_non_public(self) -> bool {
        NON_PUBLIC.iter().filter_map(|&(base, len)| Cidr::new(base, len)).any(|range| range.covers(self))
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d] = self.base.to_be_bytes();
        write!(f, "{a}.{b}.{c}.{d}/{}", self.len)
    }
}

fn mask(len: u8) -> u32 {
    match len {
        0 => 0,
        n => u32::MAX << (32 - u32::from(n.min(32))),
    }
}

fn parse_addr(text: &str) -> Option<u32> {
    let mut octets = [0u8; 4];
    let mut parts = text.split('.');
    for octet in &mut octets {
        let part = parts.next()?;
        // Leading zeros are ambiguous (octal in some tools) and AWS rejects them.
        if part.is_empty() || (part.len() > 1 && part.starts_with('0')) {
            return None;
        }
        *octet = part.parse().ok()?;
    }
    parts.next().is_none().then(|| u32::from_be_bytes(octets))
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a failed parse is a failed test")]
mod tests {
    use super::*;

    fn c(text: &str) -> Cidr {
        Cidr::parse(text).unwrap()
    }

    #[test]
    fn parses_and_normalises() {
        assert_eq!(c("10.0.0.0/16").to_string(), "10.0.0.0/16");
        assert_eq!(c("10.0.1.7/16").to_string(), "10.0.0.0/16");
        assert_eq!(c(" 192.168.1.1 ").to_string(), "192.168.1.1/32");
        assert_eq!(c("0.0.0.0/0"), Cidr::ANY);
        assert_eq!(c("255.255.255.255/32").last(), u32::MAX);
    }

    #[test]
    fn rejects_malformed() {
        for bad in
            ["", "10.0.0/16", "10.0.0.0/33", "10.0.0.256/8", "10.0.0.0.1/8", "a.b.c.d/8", "010.0.0.0/8", "10.0.0.0/"]
        {
            assert_eq!(Cidr::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn containment() {
        assert!(c("10.0.0.0/16").covers(c("10.0.1.0/24")));
        assert!(c("10.0.0.0/16").covers(c("10.0.0.0/16")));
        assert!(!c("10.0.1.0/24").covers(c("10.0.0.0/16")));
        assert!(!c("10.0.0.0/16").covers(c("10.1.0.0/24")));
        assert!(Cidr::ANY.covers(c("52.1.2.3/32")));
        assert!(c("10.0.0.0/16").overlaps(c("10.0.1.0/24")));
        assert!(c("10.0.1.0/24").overlaps(c("10.0.0.0/16")));
        assert!(!c("10.0.1.0/24").overlaps(c("10.0.2.0/24")));
        assert!(c("10.0.0.0/8").contains_addr(0x0A01_0203));
        assert!(!c("10.0.0.0/8").contains_addr(0x0B00_0000));
    }

    #[test]
    fn public_space() {
        assert!(c("10.1.0.0/16").is_non_public());
        assert!(c("172.31.0.0/16").is_non_public());
        assert!(!c("172.32.0.0/16").is_non_public());
        assert!(!Cidr::ANY.is_non_public());
        assert!(!c("52.94.0.0/16").is_non_public());
    }
}
