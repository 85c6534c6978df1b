//! `rotlint paths --format text`: per function, the Secrets Manager and database verdicts, each
//! with the hop list of every function subnet.

use std::fmt::Write as _;

use super::model::{EndpointIssue, Function, Hop, Kind, Report, Subnet, Target, Verdict};

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    if report.functions.is_empty() {
        out.push_str("no rotation functions found\n");
        return out;
    }
    for (i, f) in report.functions.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        function(&mut out, f);
    }
    out
}

fn function(out: &mut String, f: &Function) {
    let placement = match f.in_vpc {
        Some(true) => "in a VPC",
        Some(false) => "not in a VPC",
        None => "VPC attachment undecided",
    };
    let _ = writeln!(
        out,
        "{}:{}:{}: rotation function `{}` ({}, {}, {placement})",
        f.file,
        f.line,
        f.column,
        f.function,
        kind_phrase(f.kind),
        f.type_name
    );
    let _ = writeln!(out, "  Secrets Manager: {}", headline(&f.secrets_manager, "Secrets Manager"));
    verdict_body(out, &f.secrets_manager);
    match &f.target {
        Some(t) => target(out, t),
        None => out.push_str("  Database: none linked to the rotated secret in this template\n"),
    }
}

fn target(out: &mut String, t: &Target) {
    let mut facts = vec![t.type_name.clone()];
    facts.extend(t.engine.clone());
    facts.push(t.port.map_or_else(|| "port unknown".to_owned(), |p| format!("tcp/{p}")));
    let _ = writeln!(
        out,
        "  Database: `{}` ({}) at {}:{}: {}",
        t.id,
        facts.join(", "),
        t.line,
        t.column,
        headline(&t.verdict, "the database")
    );
    verdict_body(out, &t.verdict);
}

fn kind_phrase(kind: &str) -> &'static str {
    match kind {
        "lambda" => "Lambda function",
        "serverless" => "SAM function",
        "hosted" => "hosted rotation",
        "sar" => "Serverless Application Repository rotation app",
        _ => "function",
    }
}

/// The verdict of the whole function, e.g. "reachable via NAT gateway `Nat` (every subnet)".
fn headline(v: &Verdict, what: &str) -> String {
    let first = match v.verdict {
        Kind::Blocked => v.subnets.iter().find(|s| s.verdict == Kind::Blocked),
        Kind::Unknown => v.subnets.iter().find(|s| s.verdict == Kind::Unknown),
        _ => None,
    };
    let phrase = match first {
        Some(s) => subnet_phrase(s),
        None => match &v.reason {
            Some(reason) => format!("cannot verify: {reason}"),
            None => reachable_phrase(v.verdict, v.via.as_deref(), what),
        },
    };
    let scope = match (v.coverage, v.subnets.len()) {
        ("all", n) if n > 1 => " (every subnet)".to_owned(),
        ("some", _) => {
            let n = v.subnets.iter().filter(|s| s.verdict.is_reachable()).count();
            format!(" (only {n} of {} subnets)", v.subnets.len())
        }
        _ => String::new(),
    };
    format!("{phrase}{scope}")
}

fn reachable_phrase(kind: Kind, via: Option<&str>, what: &str) -> String {
    let via = via.unwrap_or_default();
    match kind {
        Kind::Endpoint => format!("reachable via interface endpoint `{via}`"),
        Kind::Nat => format!("reachable via NAT gateway `{via}` and the internet"),
        Kind::PublicEndpoint => format!(
            "reachable via the public regional endpoint (the function is not in a VPC, so Lambda gives it internet access to {what})"
        ),
        Kind::Local => "reachable inside the shared VPC (local route)".to_owned(),
        Kind::Internet => "reachable over the internet (the database is public)".to_owned(),
        Kind::Blocked => "not reachable".to_owned(),
        Kind::Unknown => "cannot verify".to_owned(),
    }
}

fn subnet_phrase(s: &Subnet) -> String {
    match s.verdict {
        Kind::Blocked => format!("not reachable: {}", s.blocker.as_deref().unwrap_or_default()),
        Kind::Unknown => {
            let at = match (s.reason_line, s.reason_column) {
                (Some(l), Some(c)) => format!(" (input at {l}:{c})"),
                _ => String::new(),
            };
            format!("cannot verify: {}{at}", s.reason.as_deref().unwrap_or_default())
        }
        kind => reachable_phrase(kind, s.via.as_deref(), "it"),
    }
}

fn verdict_body(out: &mut String, v: &Verdict) {
    for s in &v.subnets {
        let from = match &s.subnet {
            Some(name) => format!("from subnet `{name}`"),
            None => "from outside any VPC".to_owned(),
        };
        let _ = writeln!(out, "    {from}: {}", subnet_phrase(s));
        hops(out, &s.hops, s.verdict);
    }
    for issue in &v.endpoint_issues {
        endpoint_issue(out, issue);
    }
}

fn endpoint_issue(out: &mut String, issue: &EndpointIssue) {
    let _ = writeln!(
        out,
        "    endpoint `{}` is not used from subnet `{}`: {}",
        issue.endpoint, issue.subnet, issue.blocker
    );
    hops(out, &issue.hops, Kind::Blocked);
}

/// One line per hop: `→` between hops; the last hop of a broken path is marked `✗` (blocked) or
/// `?` (cannot verify).
fn hops(out: &mut String, hops: &[Hop], verdict: Kind) {
    let last = hops.len().saturating_sub(1);
    for (i, h) in hops.iter().enumerate() {
        let marker = match (i, verdict) {
            (0, _) => ' ',
            (i, Kind::Blocked) if i == last => '✗',
            (i, Kind::Unknown) if i == last => '?',
            _ => '→',
        };
        let condition = h.condition.as_ref().map(|c| format!(" (exists only when `{c}` is true)")).unwrap_or_default();
        let _ = writeln!(out, "      {marker} {}:{}  {}{condition}", h.line, h.column, h.note);
    }
}
