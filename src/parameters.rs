//! Parameter values supplied by the user (`--parameters FILE`, `--parameter Key=Value`); they
//! replace template defaults in evaluation.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ParameterError {
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("--parameter `{0}`: expected Key=Value")]
    Pair(String),
    #[error("parameter `{name}` is declared by no linted template{declared}")]
    Unknown { name: String, declared: String },
    #[error("parameter `{name}`: `{value}` is not one of its AllowedValues in `{template}` ({allowed})")]
    NotAllowed { name: String, value: String, template: String, allowed: String },
}

/// A parameter as a template declares it, for checking the values given on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declared {
    pub name: String,
    /// `AllowedValues`, when every entry is a plain scalar.
    pub allowed: Option<Vec<String>>,
    /// `CommaDelimitedList` or `List<...>`: each comma-separated element must be allowed.
    pub list: bool,
}

/// The parameters `template` declares.
pub fn declared(template: &crate::template::Template) -> Vec<Declared> {
    let tree = &template.tree;
    template
        .parameters
        .iter()
        .map(|p| {
            let allowed: Option<Vec<String>> =
                p.allowed_values.iter().map(|&n| tree.scalar(n).map(str::to_owned)).collect();
            Declared {
                name: p.name.clone(),
                allowed: allowed.filter(|a| !a.is_empty() && !p.is_ssm()),
                list: p.is_list(),
            }
        })
        .collect()
}

/// Check command-line values against the templates of a run (`None`: a file that is not a
/// readable template). A name is unknown when no template of the run declares it, and is then
/// an error only when every file was read as a template (an unparsable one might declare it). A
/// value must be in the `AllowedValues` of every template that declares the parameter with them.
pub fn check(
    values: &BTreeMap<String, String>,
    templates: &[(&Path, Option<&[Declared]>)],
) -> Result<(), ParameterError> {
    // Names, values and paths come from templates and parameter files: one line each, always.
    let esc = |t: &str| crate::report::escape::human(t).into_owned();
    let all_read = templates.iter().all(|(_, d)| d.is_some());
    for (name, value) in values {
        let declaring: Vec<(&Path, &Declared)> =
            templates.iter().filter_map(|(path, d)| Some((*path, (*d)?.iter().find(|p| p.name == *name)?))).collect();
        if declaring.is_empty() {
            if all_read {
                let mut known: Vec<&str> =
                    templates.iter().flat_map(|(_, d)| d.unwrap_or_default()).map(|p| p.name.as_str()).collect();
                known.sort_unstable();
                known.dedup();
                let shown: Vec<String> = known.iter().take(12).map(|n| esc(n)).collect();
                let declared = match known.len() {
                    0 => String::new(),
                    n if n <= 12 => format!(" (they declare {})", shown.join(", ")),
                    n => format!(" (they declare {}, and {} more)", shown.join(", "), n - 12),
                };
                return Err(ParameterError::Unknown { name: esc(name), declared });
            }
            continue;
        }
        for (path, p) in declaring {
            let Some(allowed) = &p.allowed else { continue };
            let parts: Vec<&str> =
                if p.list { value.split(',').map(str::trim).collect() } else { vec![value.as_str()] };
            if let Some(bad) = parts.into_iter().find(|v| !allowed.iter().any(|a| a == v)) {
                return Err(ParameterError::NotAllowed {
                    name: esc(name),
                    value: esc(bad),
                    template: esc(&path.display().to_string()),
                    allowed: allowed.iter().map(|a| esc(a)).collect::<Vec<_>>().join(", "),
                });
            }
        }
    }
    Ok(())
}

/// Read a parameters file: the AWS CLI list (`[{"ParameterKey": k, "ParameterValue": v}]`), the
/// CodePipeline/CDK shape (`{"Parameters": {k: v}}`) or a plain object (`{k: v}`).
pub fn read_file(path: &Path) -> Result<BTreeMap<String, String>, ParameterError> {
    let err = |message: String| ParameterError::File { path: path.to_path_buf(), message };
    let text = crate::files::read_text(path, crate::files::MAX_SIDE_FILE_BYTES).map_err(err)?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| err(e.to_string()))?;
    parse_json(&json).map_err(err)
}

fn parse_json(json: &serde_json::Value) -> Result<BTreeMap<String, String>, String> {
    use serde_json::Value as J;
    let scalar = |v: &J| match v {
        J::String(s) => Some(s.clone()),
        J::Number(n) => Some(n.to_string()),
        J::Bool(b) => Some(b.to_string()),
        J::Array(items) => {
            items.iter().map(|i| i.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>().map(|v| v.join(","))
        }
        _ => None,
    };
    match json {
        J::Array(items) => items
            .iter()
            .map(|item| {
                let key = item.get("ParameterKey").and_then(J::as_str);
                let value = item.get("ParameterValue").and_then(scalar);
                match (key, value) {
                    (Some(k), Some(v)) => Ok((k.to_owned(), v)),
                    _ => Err("each entry needs ParameterKey and ParameterValue".to_owned()),
                }
            })
            .collect(),
        J::Object(map) => {
            let map = match map.get("Parameters") {
                Some(J::Object(inner)) => inner,
                _ => map,
            };
            map.iter()
                .map(|(k, v)| scalar(v).map(|v| (k.clone(), v)).ok_or_else(|| format!("`{k}` is not a string")))
                .collect()
        }
        _ => Err("expected a list of {ParameterKey, ParameterValue} or an object".to_owned()),
    }
}

/// `Key=Value` from the command line.
pub fn parse_pair(pair: &str) -> Result<(String, String), ParameterError> {
    match pair.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(ParameterError::Pair(pair.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_file_shapes() {
        let cli = serde_json::json!([{"ParameterKey": "A", "ParameterValue": "1"}]);
        assert_eq!(parse_json(&cli).ok(), Some(BTreeMap::from([("A".to_owned(), "1".to_owned())])));
        let pipeline = serde_json::json!({"Parameters": {"A": "x", "L": ["s1", "s2"]}});
        let got = parse_json(&pipeline).unwrap_or_default();
        assert_eq!(got.get("L").map(String::as_str), Some("s1,s2"));
        let plain = serde_json::json!({"A": "x"});
        assert_eq!(parse_json(&plain).unwrap_or_default().len(), 1);
        assert!(parse_json(&serde_json::json!([{"Key": "A"}])).is_err());
    }

    #[test]
    fn values_are_checked_against_the_templates_of_the_run() {
        let env = Declared { name: "Env".into(), allowed: Some(vec!["dev".into(), "prod".into()]), list: false };
        let zones = Declared { name: "Zones".into(), allowed: Some(vec!["a".into(), "b".into()]), list: true };
        let free = Declared { name: "Env".into(), allowed: None, list: false };
        let a: &[Declared] = &[env, zones];
        let b: &[Declared] = &[free];
        let run = [(Path::new("a.yaml"), Some(a)), (Path::new("b.yaml"), Some(b))];
        let values = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
        };
        assert!(check(&values(&[("Env", "prod"), ("Zones", "a, b")]), &run).is_ok());
        let e = check(&values(&[("Env", "test")]), &run).expect_err("not allowed in a.yaml").to_string();
        assert_eq!(e, "parameter `Env`: `test` is not one of its AllowedValues in `a.yaml` (dev, prod)");
        let e = check(&values(&[("Zones", "a,c")]), &run).expect_err("c").to_string();
        assert!(e.contains("`c`") && e.contains("Zones"), "{e}");
        let e = check(&values(&[("Envv", "x")]), &run).expect_err("unknown").to_string();
        assert_eq!(e, "parameter `Envv` is declared by no linted template (they declare Env, Zones)");
        // Template text never starts a line of its own in the message.
        let hostile: &[Declared] = &[Declared { name: "X\n::error::pwned".into(), allowed: None, list: false }];
        let e = check(&values(&[("Y", "1")]), &[(Path::new("h.yaml"), Some(hostile))]).expect_err("unknown");
        assert!(!e.to_string().contains('\n'), "{e}");
        // A file that could not be read as a template might declare it: no error.
        let partial = [(Path::new("a.yaml"), Some(a)), (Path::new("broken.yaml"), None)];
        assert!(check(&values(&[("Envv", "x")]), &partial).is_ok());
    }

    #[test]
    fn pairs() {
        assert_eq!(parse_pair("A=b=c").ok(), Some(("A".to_owned(), "b=c".to_owned())));
        assert!(parse_pair("=x").is_err());
        assert!(parse_pair("novalue").is_err());
    }
}
