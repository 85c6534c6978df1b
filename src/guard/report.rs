//! Reads cfn-guard's structured JSON report (a list of `FileReport`s whose `not_compliant`
//! entries are `Rule` → `Clause` / `Block` / `Disjunctions`) into plain failures.
//!
//! The report is walked as untyped JSON, with explicit stacks: cfn-guard's report types are
//! private, and a variant this code does not know is skipped rather than fatal.

use serde_json::Value;

/// One failing clause (or one failing group of `or` alternatives) of a Guard rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The top-level rule the failure was reported under.
    pub rule: String,
    /// The property path Guard names, when there is one.
    pub path: Option<String>,
    /// The rule author's `<<custom message>>`, when given.
    pub custom: Option<CustomMessage>,
    /// What failed, in rotlint's words (the clause and the value found).
    pub clause: String,
}

/// A custom message, optionally written as `id: …` / `message: …` / `fix: …` lines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomMessage {
    pub id: Option<String>,
    pub message: String,
    pub fix: Option<String>,
}

impl CustomMessage {
    /// `None` for an empty message. Lines `id:`, `message:` (or `Violation:`) and `fix:` are
    /// read as fields; any other text is the message.
    pub fn parse(text: &str) -> Option<CustomMessage> {
        let mut out = CustomMessage::default();
        let mut free = Vec::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let field = line.split_once(':').map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim()));
            match field {
                Some((key, value)) if key == "id" && !value.is_empty() && !value.contains(' ') => {
                    out.id = Some(value.to_owned());
                }
                Some((key, value)) if key == "message" || key == "violation" => free.insert(0, value),
                Some((key, value)) if key == "fix" => out.fix = Some(value.to_owned()),
                _ => free.push(line),
            }
        }
        out.message = free.join(" ");
        (!out.message.is_empty() || out.id.is_some()).then_some(out)
    }
}

/// Every failure in a report, in report order.
pub fn failures(report: &str) -> Result<Vec<Failure>, serde_json::Error> {
    let json: Value = serde_json::from_str(report)?;
    let mut out = Vec::new();
    for file in json.as_array().into_iter().flatten() {
        for entry in file.get("not_compliant").and_then(Value::as_array).into_iter().flatten() {
            if let Some(("Rule", rule)) = variant(entry) {
                rule_failures(rule, &mut out);
            }
        }
    }
    Ok(out)
}

/// cfn-guard writes enums as single-key maps: `{"Clause": {...}}`.
fn variant(value: &Value) -> Option<(&str, &Value)> {
    let map = value.as_object()?;
    let mut entries = map.iter();
    let (key, body) = entries.next()?;
    entries.next().is_none().then_some((key.as_str(), body))
}

fn checks(body: &Value) -> impl DoubleEndedIterator<Item = &Value> {
    body.get("checks").and_then(Value::as_array).map(|a| a.as_slice()).unwrap_or_default().iter()
}

/// A failing clause before grouping.
struct Leaf {
    path: Option<String>,
    custom: Option<CustomMessage>,
    clause: String,
}

fn rule_failures(rule: &Value, out: &mut Vec<Failure>) {
    let name = rule.get("name").and_then(Value::as_str).unwrap_or("unnamed").to_owned();
    let rule_custom = custom_of(rule);
    let before = out.len();
    let mut stack: Vec<&Value> = checks(rule).rev().collect();
    while let Some(report) = stack.pop() {
        let Some((kind, body)) = variant(report) else { continue };
        let leaves = match kind {
            // A named rule used as a clause: its failures count against this rule.
            "Rule" => {
                stack.extend(checks(body).rev());
                continue;
            }
            "Disjunctions" => leaves_under(body),
            _ => leaf(kind, body).into_iter().collect(),
        };
        if let Some(failure) = group(&name, rule_custom.as_ref(), leaves) {
            out.push(failure);
        }
    }
    if out.len() == before {
        let clause = format!("rule `{name}` failed");
        out.push(Failure { rule: name, path: None, custom: rule_custom, clause });
    }
}

/// Every leaf under a disjunction: the alternatives that all failed.
fn leaves_under(body: &Value) -> Vec<Leaf> {
    let mut leaves = Vec::new();
    let mut stack: Vec<&Value> = checks(body).rev().collect();
    while let Some(report) = stack.pop() {
        let Some((kind, inner)) = variant(report) else { continue };
        match kind {
            "Rule" | "Disjunctions" => stack.extend(checks(inner).rev()),
            _ => leaves.extend(leaf(kind, inner)),
        }
    }
    leaves
}

/// One finding for a group of alternatives: located at the most specific path (the value a
/// user would change), worded with the first custom message, else every alternative.
fn group(rule: &str, rule_custom: Option<&CustomMessage>, leaves: Vec<Leaf>) -> Option<Failure> {
    let deepest = leaves.iter().filter_map(|l| l.path.as_deref()).max_by_key(|p| p.matches('/').count());
    let path = deepest.map(str::to_owned);
    let custom = leaves.iter().find_map(|l| l.custom.clone()).or_else(|| rule_custom.cloned());
    let clause = leaves.iter().map(|l| l.clause.as_str()).collect::<Vec<_>>().join(" or ");
    (!leaves.is_empty()).then(|| Failure { rule: rule.to_owned(), path, custom, clause })
}

fn custom_of(body: &Value) -> Option<CustomMessage> {
    body.pointer("/messages/custom_message").and_then(Value::as_str).and_then(CustomMessage::parse)
}

fn leaf(kind: &str, body: &Value) -> Option<Leaf> {
    // A block carries its fields directly; a clause wraps them in `{"Unary"|"Binary": {...}}`.
    let inner = match kind {
        "Block" => body,
        "Clause" => variant(body)?.1,
        _ => return None,
    };
    let context = clause_text(inner.get("context").and_then(Value::as_str).unwrap_or_default());
    let error = inner.pointer("/messages/error_message").and_then(Value::as_str).map(strip_positions);
    let (path, found) = match kind {
        "Block" => unresolved(inner.get("unresolved")),
        _ => checked(inner.get("check")),
    };
    let subject = block_location(&context).unwrap_or_else(|| format!("`{context}`"));
    let clause = match (found, error) {
        (Some(found), _) if !context.is_empty() => format!("{subject} failed: {found}"),
        (_, Some(error)) if !error.is_empty() => error,
        _ if !context.is_empty() => format!("{subject} failed"),
        _ => "a Guard clause failed".to_owned(),
    };
    Some(Leaf { path, custom: custom_of(inner), clause })
}

/// Guard names a failing block by its place in the rule file:
/// `GuardBlockAccessClause#Location[file:F, line:2, column:5]` → `the block at line 2, column 5`.
fn block_location(context: &str) -> Option<String> {
    let location = context.strip_prefix("GuardBlockAccessClause#")?;
    let number = |key: &str| -> Option<&str> {
        let rest = &location[location.find(key)? + key.len()..];
        rest.split(|c: char| !c.is_ascii_digit()).next().filter(|n| !n.is_empty())
    };
    Some(format!("the block at line {}, column {} of the rule file", number("line:")?, number("column:")?))
}

/// `(path, what was found)` of a clause's `check`.
fn checked(check: Option<&Value>) -> (Option<String>, Option<String>) {
    let Some((kind, check)) = check.and_then(variant) else { return (None, None) };
    match kind {
        "Resolved" | "InResolved" => {
            let from = check.get("from").or_else(|| check.get("value"));
            let found = from.and_then(|v| v.get("value")).map(|v| format!("the value is `{}`", short(v)));
            (string_at(from, "path"), found)
        }
        "UnResolved" => unresolved(check.get("value")),
        _ => (None, None),
    }
}

/// `(path traversed to, what is missing)` of an `UnResolved` value.
fn unresolved(value: Option<&Value>) -> (Option<String>, Option<String>) {
    let Some(value) = value.filter(|v| !v.is_null()) else { return (None, None) };
    let path = string_at(value.get("traversed_to"), "path");
    let missing = value.get("remaining_query").and_then(Value::as_str).map(|q| format!("`{q}` is missing"));
    (path, missing)
}

fn string_at(value: Option<&Value>, key: &str) -> Option<String> {
    value?.get(key)?.as_str().map(str::to_owned)
}

/// Guard's clause text with its padding collapsed: ` A  EQUALS  true` → `A EQUALS true`.
fn clause_text(context: &str) -> String {
    context.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A value as short JSON for a message.
fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// Guard's messages carry `[L:3,C:76]` positions in the JSON it was given, which mean nothing to
/// a reader of the template.
fn strip_positions(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find("[L:") {
        let Some(len) = rest[start..].find(']') else { break };
        let inner = &rest[start + 3..start + len];
        let is_position = inner
            .split_once(",C:")
            .is_some_and(|(l, c)| l.bytes().all(|b| b.is_ascii_digit()) && c.bytes().all(|b| b.is_ascii_digit()));
        out.push_str(&rest[..start]);
        if !is_position {
            out.push_str(&rest[start..=start + len]);
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    clause_text(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_messages_with_fields_and_free_text() {
        let m = CustomMessage::parse("\n  id: RS30\n  message: rotate at most every 30 days\n  fix: set it\n");
        assert_eq!(
            m,
            Some(CustomMessage {
                id: Some("RS30".into()),
                message: "rotate at most every 30 days".into(),
                fix: Some("set it".into())
            })
        );
        let free = CustomMessage::parse("  must use: an endpoint\n  really ");
        assert_eq!(free.map(|m| m.message), Some("must use: an endpoint really".to_owned()));
        assert_eq!(CustomMessage::parse(" \n "), None);
    }

    #[test]
    fn blocks_are_named_by_their_place_in_the_rule_file() {
        assert_eq!(
            block_location("GuardBlockAccessClause#Location[file:RULES_STDIN[1], line:2, column:5]").as_deref(),
            Some("the block at line 2, column 5 of the rule file")
        );
        assert_eq!(block_location("A EXISTS"), None);
    }

    #[test]
    fn positions_are_stripped_from_guard_messages() {
        assert_eq!(
            strip_positions("value [Path=/Resources/A[L:1,C:93] Value=1]  not [x]"),
            "value [Path=/Resources/A Value=1] not [x]"
        );
    }

    #[test]
    fn disjunctions_become_one_failure_at_the_deepest_path() {
        let report = r#"[{"not_compliant": [{"Rule": {"name": "r", "messages": {"custom_message": null}, "checks": [
            {"Disjunctions": {"checks": [
                {"Clause": {"Unary": {"context": " A.B  EXISTS ", "messages": {"custom_message": ""},
                  "check": {"UnResolved": {"value": {"traversed_to": {"path": "/Resources/X/Properties/A"}, "remaining_query": "B"}}}}}},
                {"Clause": {"Binary": {"context": " A.C LESS THAN EQUALS  30", "messages": {"custom_message": "id: R1\nmessage: too long"},
                  "check": {"Resolved": {"from": {"path": "/Resources/X/Properties/A/C", "value": 90}}}}}}
            ]}},
            {"Weird": {}}
        ]}}]}]"#;
        let found = failures(report).unwrap_or_default();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].path.as_deref(), Some("/Resources/X/Properties/A/C"));
        assert_eq!(found[0].custom.as_ref().and_then(|c| c.id.as_deref()), Some("R1"));
        assert_eq!(
            found[0].clause,
            "`A.B EXISTS` failed: `B` is missing or `A.C LESS THAN EQUALS 30` failed: the value is `90`"
        );
    }
}
