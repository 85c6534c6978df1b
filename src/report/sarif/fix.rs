//! Fixes SARIF may offer: only exact, safe replacements of the one value a finding points at.
//! Anything else (a missing property, a value inside `Fn::If`, a parameter) gets no fix.

use crate::diagnostic::Diagnostic;
use crate::source::tree::Span;

/// Replace the text at `span` with `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SafeFix {
    pub span: Span,
    pub text: String,
    pub description: &'static str,
}

struct Candidate {
    rule: &'static str,
    key: &'static str,
    /// Values (unquoted) the fix replaces; anything else is left alone.
    from: &'static [&'static str],
    to: &'static str,
    /// Whether a quoted value keeps its quotes (a string enum) or loses them (a boolean).
    keep_quotes: bool,
    description: &'static str,
}

static CANDIDATES: &[Candidate] = &[
    Candidate {
        rule: "RL104",
        key: "VpcEndpointType",
        from: &["Gateway"],
        to: "Interface",
        keep_quotes: true,
        description: "set `VpcEndpointType: Interface` (an interface endpoint also needs `SubnetIds`)",
    },
    Candidate {
        rule: "RL105",
        key: "PrivateDnsEnabled",
        from: &["false", "False", "FALSE"],
        to: "true",
        keep_quotes: false,
        description: "set `PrivateDnsEnabled: true`",
    },
];

/// The fix for `d` in `source`, when its primary span is exactly the written value of the
/// property the rule is about.
pub fn safe_fix(source: &str, d: &Diagnostic) -> Option<SafeFix> {
    let candidate = CANDIDATES.iter().find(|c| c.rule == d.rule)?;
    let span = d.primary.span;
    let value = source.get(span.start as usize..span.end as usize)?;
    let (quote, bare) = unquote(value);
    if !candidate.from.contains(&bare) || !value_of_key(source, span.start as usize, candidate.key) {
        return None;
    }
    let text = match quote {
        Some(q) if candidate.keep_quotes => format!("{q}{}{q}", candidate.to),
        _ => candidate.to.to_owned(),
    };
    Some(SafeFix { span, text, description: candidate.description })
}

fn unquote(value: &str) -> (Option<char>, &str) {
    for q in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(q).and_then(|v| v.strip_suffix(q)) {
            return (Some(q), inner);
        }
    }
    (None, value)
}

/// True when the text before `start` on its line is `key:` (YAML) or `"key":` (JSON), so the
/// value is the property's own value and not an item of a list or an intrinsic function.
fn value_of_key(source: &str, start: usize, key: &str) -> bool {
    let Some(before) = source.get(..start) else {
        return false;
    };
    let line = before.rsplit_once('\n').map_or(before, |(_, line)| line);
    let Some(name) = line.trim_end().strip_suffix(':') else {
        return false;
    };
    let name = name.trim_end();
    let quote = name.chars().next_back().filter(|c| matches!(c, '"' | '\''));
    let name = quote.map_or(name, |q| name.strip_suffix(q).unwrap_or(name));
    let Some(rest) = name.strip_suffix(key) else {
        return false;
    };
    let rest = match quote {
        Some(q) => match rest.strip_suffix(q) {
            Some(rest) => rest,
            None => return false,
        },
        None => rest,
    };
    rest.trim_end().is_empty() || rest.ends_with([' ', '\t', '{', ','])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{FileId, Level};

    fn finding(rule: &'static str, source: &str, value: &str) -> (String, Diagnostic) {
        let start = source.find(value).unwrap_or(0);
        let span = Span::new(start, start + value.len());
        (source.to_owned(), Diagnostic::with_rule(rule, Level::Error, FileId(0), span, "m"))
    }

    #[test]
    fn private_dns_false_becomes_true() {
        let (src, d) = finding("RL105", "      PrivateDnsEnabled: false\n", "false");
        assert_eq!(safe_fix(&src, &d).map(|f| f.text), Some("true".to_owned()));
        let (src, d) = finding("RL105", "    \"PrivateDnsEnabled\": false,\n", "false");
        assert_eq!(safe_fix(&src, &d).map(|f| f.text), Some("true".to_owned()));
        let (src, d) = finding("RL105", "      PrivateDnsEnabled: \"false\"\n", "\"false\"");
        assert_eq!(safe_fix(&src, &d).map(|f| f.text), Some("true".to_owned()));
    }

    #[test]
    fn gateway_becomes_interface_keeping_json_quotes() {
        let (src, d) = finding("RL104", "      VpcEndpointType: Gateway\n", "Gateway");
        assert_eq!(safe_fix(&src, &d).map(|f| f.text), Some("Interface".to_owned()));
        let (src, d) = finding("RL104", "    \"VpcEndpointType\": \"Gateway\",\n", "\"Gateway\"");
        assert_eq!(safe_fix(&src, &d).map(|f| f.text), Some("\"Interface\"".to_owned()));
    }

    #[test]
    fn no_fix_unless_the_span_is_the_written_value() {
        // Inside Fn::If: changing one branch is not the whole answer.
        let (src, d) = finding("RL105", "      PrivateDnsEnabled: !If [C, true, false]\n", "false");
        assert_eq!(safe_fix(&src, &d), None);
        // The property is missing: the finding points at the resource key.
        let (src, d) = finding("RL105", "  Endpoint:\n    Type: AWS::EC2::VPCEndpoint\n", "Endpoint");
        assert_eq!(safe_fix(&src, &d), None);
        // A longer key that merely ends like the property.
        let (src, d) = finding("RL105", "      NotPrivateDnsEnabled: false\n", "false");
        assert_eq!(safe_fix(&src, &d), None);
        let (src, d) = finding("RL110", "      PrivateDnsEnabled: false\n", "false");
        assert_eq!(safe_fix(&src, &d), None);
    }
}
