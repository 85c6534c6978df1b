//! Symbolic values: what an intrinsic expression evaluates to when parts of it are only known at
//! deploy time (region, account, resource ids, parameters without defaults).

use crate::source::tree::Span;

/// A symbolic value with the span of the source node it came from (for locations).
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    Str(String),
    /// The number's source text, kept raw so `0123` and `1e400` survive.
    Number(String),
    Bool(bool),
    Null,
    List(Vec<Value>),
    Map(Vec<(String, Span, Value)>),
    /// `Ref` to a resource (logical id).
    Ref(String),
    GetAtt {
        resource: String,
        attribute: String,
    },
    /// A parameter whose value is not known (no default and no override, or an SSM parameter).
    Parameter(String),
    /// `AWS::Region`, `AWS::AccountId`, ... (`AWS::NoValue` evaluates to [`ValueKind::NoValue`]).
    Pseudo(String),
    /// `Fn::ImportValue` of the (evaluated) export name.
    Import(Box<Value>),
    /// A `{{resolve:...}}` dynamic reference.
    Dynamic(String),
    /// A string built from known and unknown parts (`Fn::Sub` / `Fn::Join` with symbolic pieces).
    Concat(Vec<Value>),
    /// `Fn::If` whose condition is undecided.
    Choice {
        condition: String,
        if_true: Box<Value>,
        if_false: Box<Value>,
    },
    NoValue,
    /// Why the value cannot be known, e.g. "Fn::Select index out of range".
    Unknown(String),
}

/// Bound for walking nested values (lists of choices of concats...); values are built from trees
/// capped at 512 levels, so this is never reached by well-formed input.
const MAX_DEPTH: usize = 600;

impl Value {
    /// Bytes of text held by the value and the values inside it, for evaluation budgets.
    pub(crate) fn text_len(&self) -> usize {
        let mut total = 0usize;
        let mut stack = vec![self];
        while let Some(v) = stack.pop() {
            match &v.kind {
                ValueKind::Str(s) | ValueKind::Number(s) | ValueKind::Dynamic(s) => total += s.len(),
                ValueKind::List(items) | ValueKind::Concat(items) => stack.extend(items),
                ValueKind::Map(entries) => stack.extend(entries.iter().map(|(_, _, v)| v)),
                ValueKind::Import(inner) => stack.push(inner),
                ValueKind::Choice { if_true, if_false, .. } => stack.extend([&**if_true, &**if_false]),
                _ => total += 16,
            }
        }
        total
    }

    pub fn new(kind: ValueKind, span: Span) -> Self {
        Value { kind, span }
    }

    pub fn str(text: impl Into<String>, span: Span) -> Self {
        Value::new(ValueKind::Str(text.into()), span)
    }

    pub fn unknown(reason: impl Into<String>, span: Span) -> Self {
        Value::new(ValueKind::Unknown(reason.into()), span)
    }

    /// The text of a `Str` or `Number`.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::Str(s) | ValueKind::Number(s) => Some(s),
            _ => None,
        }
    }

    /// `Bool`, or a `Str` spelling `true`/`false` in any case (CloudFormation accepts both).
    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            ValueKind::Bool(b) => Some(*b),
            ValueKind::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
            ValueKind::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match &self.kind {
            ValueKind::List(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(String, Span, Value)]> {
        match &self.kind {
            ValueKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// Map lookup (first entry with the key).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map()?.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v)
    }

    /// Span of a map entry's key.
    pub fn key_span(&self, key: &str) -> Option<Span> {
        self.as_map()?.iter().find(|(k, _, _)| k == key).map(|(_, s, _)| *s)
    }

    pub fn is_no_value(&self) -> bool {
        matches!(self.kind, ValueKind::NoValue)
    }

    /// True when nothing in the value depends on deploy-time input.
    pub fn is_known(&self) -> bool {
        let mut stack = vec![self];
        while let Some(v) = stack.pop() {
            match &v.kind {
                ValueKind::Str(_)
                | ValueKind::Number(_)
                | ValueKind::Bool(_)
                | ValueKind::Null
                | ValueKind::NoValue => {}
                ValueKind::List(items) => stack.extend(items),
                ValueKind::Map(entries) => stack.extend(entries.iter().map(|(_, _, v)| v)),
                _ => return false,
            }
        }
        true
    }

    /// Match a regex against the string with every unknown part replaced by a placeholder:
    /// pseudo parameters by a typical value (`us-east-1`, `aws`, `amazonaws.com`,
    /// `123456789012`), anything else (parameters, resource ids, imports) by a `[a-z0-9-]+` token.
    /// An undecided `Fn::If` counts only when all its branches agree. `None` when the value is not
    /// string-like, has no literal part at all (a bare unknown decides nothing), or branches
    /// disagree.
    pub fn matches_pattern(&self, re: &regex::Regex) -> Option<bool> {
        if !has_literal(self) {
            return None;
        }
        let texts = spellings(self, 0)?;
        let first = re.is_match(texts.first()?);
        texts.iter().all(|t| re.is_match(t) == first).then_some(first)
    }

    /// The string with every deploy-time part (pseudo parameter, parameter without value,
    /// reference) as `*`, for matching export names across stacks; `None` when not string-like
    /// or undecided.
    pub fn wildcard_text(&self) -> Option<String> {
        let mut out = String::new();
        let mut stack = vec![self];
        while let Some(v) = stack.pop() {
            match &v.kind {
                ValueKind::Str(s) | ValueKind::Number(s) => out.push_str(s),
                ValueKind::Concat(parts) => stack.extend(parts.iter().rev()),
                ValueKind::Pseudo(_) | ValueKind::Parameter(_) | ValueKind::Ref(_) | ValueKind::GetAtt { .. } => {
                    if !out.ends_with('*') {
                        out.push('*');
                    }
                }
                _ => return None,
            }
        }
        Some(out)
    }

    /// Human text for messages: literal text, or `${AWS::Region}`-style placeholders for unknown
    /// parts.
    pub fn display(&self) -> String {
        let mut out = String::new();
        display_into(self, &mut out, 0);
        out
    }
}

/// Most spellings a string with undecided `Fn::If`s is tried in; beyond that nothing is decided.
const MAX_SPELLINGS: usize = 64;

/// Every text a string-like value can take, holes replaced by placeholders; `None` for lists,
/// maps and null, or when undecided choices multiply beyond [`MAX_SPELLINGS`].
fn spellings(value: &Value, depth: usize) -> Option<Vec<String>> {
    if depth > MAX_DEPTH {
        return None;
    }
    let one = |s: &str| Some(vec![s.to_owned()]);
    match &value.kind {
        ValueKind::Str(s) | ValueKind::Number(s) => one(s),
        ValueKind::Bool(b) => one(if *b { "true" } else { "false" }),
        ValueKind::NoValue => one(""),
        ValueKind::Pseudo(name) => one(pseudo_placeholder(name)),
        ValueKind::Ref(_)
        | ValueKind::GetAtt { .. }
        | ValueKind::Parameter(_)
        | ValueKind::Import(_)
        | ValueKind::Dynamic(_)
        | ValueKind::Unknown(_) => one("unknown0"),
        ValueKind::Null | ValueKind::List(_) | ValueKind::Map(_) => None,
        ValueKind::Choice { if_true, if_false, .. } => {
            let mut all = spellings(if_true, depth + 1)?;
            all.extend(spellings(if_false, depth + 1)?);
            (all.len() <= MAX_SPELLINGS).then_some(all)
        }
        ValueKind::Concat(parts) => {
            let mut all = vec![String::new()];
            for part in parts {
                let tails = spellings(part, depth + 1)?;
                if all.len() * tails.len() > MAX_SPELLINGS {
                    return None;
                }
                all = all.iter().flat_map(|head| tails.iter().map(move |t| format!("{head}{t}"))).collect();
            }
            Some(all)
        }
    }
}

/// Does any literal text take part in the string (directly, in a concatenation or a branch)?
fn has_literal(value: &Value) -> bool {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match &v.kind {
            ValueKind::Str(_) | ValueKind::Number(_) | ValueKind::Bool(_) => return true,
            ValueKind::Concat(parts) => stack.extend(parts),
            ValueKind::Choice { if_true, if_false, .. } => {
                stack.push(if_true);
                stack.push(if_false);
            }
            _ => {}
        }
    }
    false
}

fn pseudo_placeholder(name: &str) -> &'static str {
    match name {
        "AWS::Region" => "us-east-1",
        "AWS::Partition" => "aws",
        "AWS::URLSuffix" => "amazonaws.com",
        "AWS::AccountId" => "123456789012",
        _ => "unknown0",
    }
}

fn display_into(value: &Value, out: &mut String, depth: usize) {
    if depth > MAX_DEPTH {
        out.push_str("...");
        return;
    }
    match &value.kind {
        ValueKind::Str(s) | ValueKind::Number(s) | ValueKind::Dynamic(s) => out.push_str(s),
        ValueKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        ValueKind::Null => out.push_str("null"),
        ValueKind::NoValue => out.push_str("${AWS::NoValue}"),
        ValueKind::Ref(name) | ValueKind::Parameter(name) | ValueKind::Pseudo(name) => {
            out.push_str("${");
            out.push_str(name);
            out.push('}');
        }
        ValueKind::GetAtt { resource, attribute } => {
            out.push_str(&format!("${{{resource}.{attribute}}}"));
        }
        ValueKind::Import(name) => {
            out.push_str("${ImportValue ");
            display_into(name, out, depth + 1);
            out.push('}');
        }
        ValueKind::Concat(parts) => parts.iter().for_each(|p| display_into(p, out, depth + 1)),
        ValueKind::Choice { condition, if_true, if_false } => {
            out.push_str(&format!("${{if {condition}: "));
            display_into(if_true, out, depth + 1);
            out.push_str(" else ");
            display_into(if_false, out, depth + 1);
            out.push('}');
        }
        ValueKind::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                display_into(item, out, depth + 1);
            }
            out.push(']');
        }
        ValueKind::Map(entries) => {
            out.push('{');
            for (i, (key, _, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(key);
                out.push_str(": ");
                display_into(item, out, depth + 1);
            }
            out.push('}');
        }
        ValueKind::Unknown(reason) => {
            out.push_str("${?");
            out.push_str(reason);
            out.push('}');
        }
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a failed lookup is a failed test")]
mod tests {
    use super::*;
    use crate::template::{Evaluator, parse};

    const ENDPOINT: &str = r"^com\.amazonaws\.[a-z0-9-]+\.secretsmanager(-fips)?$";

    fn service_name(yaml_value: &str) -> Value {
        let t = parse(&format!(
            "Parameters:\n  P: {{Type: String}}\nConditions:\n  C: !Equals [!Ref P, x]\nResources:\n  E:\n    Type: AWS::EC2::VPCEndpoint\n    Properties:\n      ServiceName: {yaml_value}\n"
        ));
        let res = t.resource("E").unwrap();
        Evaluator::new(&t).property(res, "ServiceName").unwrap()
    }

    fn matches(yaml_value: &str) -> Option<bool> {
        let re = regex::Regex::new(ENDPOINT).unwrap();
        service_name(yaml_value).matches_pattern(&re)
    }

    #[test]
    fn endpoint_service_name_forms() {
        assert_eq!(matches("!Sub com.amazonaws.${AWS::Region}.secretsmanager"), Some(true));
        assert_eq!(
            matches(r#"{"Fn::Join": ["", ["com.amazonaws.", {"Ref": "AWS::Region"}, ".secretsmanager"]]}"#),
            Some(true)
        );
        assert_eq!(matches("com.amazonaws.eu-west-1.secretsmanager"), Some(true));
        assert_eq!(matches("!Sub com.amazonaws.${AWS::Region}.secretsmanager-fips"), Some(true));
        assert_eq!(matches("!Sub com.amazonaws.${AWS::Region}.ssm"), Some(false));
        assert_eq!(matches("com.amazonaws.eu-west-1.s3"), Some(false));
    }

    #[test]
    fn undecidable_service_names() {
        assert_eq!(matches("!Ref P"), None);
        assert_eq!(matches("[a, b]"), None);
        // Both branches of the undecided `Fn::If` agree.
        assert_eq!(
            matches(
                "!If [C, com.amazonaws.us-east-1.secretsmanager, !Sub 'com.amazonaws.${AWS::Region}.secretsmanager']"
            ),
            Some(true)
        );
        assert_eq!(matches("!If [C, com.amazonaws.us-east-1.secretsmanager, com.amazonaws.us-east-1.ssm]"), None);
    }

    #[test]
    fn display_uses_placeholders() {
        assert_eq!(
            service_name("!Sub com.amazonaws.${AWS::Region}.${P}").display(),
            "com.amazonaws.${AWS::Region}.${P}"
        );
        assert_eq!(service_name("[a, !GetAtt E.Id]").display(), "[a, ${E.Id}]");
    }

    #[test]
    fn accessors() {
        let span = Span::default();
        assert_eq!(Value::str("FALSE", span).as_bool(), Some(false));
        assert_eq!(Value::str("no", span).as_bool(), None);
        assert_eq!(Value::new(ValueKind::Number("5".into()), span).as_str(), Some("5"));
        let map = Value::new(ValueKind::Map(vec![("k".into(), span, Value::str("v", span))]), span);
        assert_eq!(map.get("k").and_then(Value::as_str), Some("v"));
        assert!(map.get("x").is_none());
    }
}
