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
    fn pairs() {
        assert_eq!(parse_pair("A=b=c").ok(), Some(("A".to_owned(), "b=c".to_owned())));
        assert!(parse_pair("=x").is_err());
        assert!(parse_pair("novalue").is_err());
    }
}
