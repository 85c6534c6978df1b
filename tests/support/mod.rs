//! Helpers shared by the integration tests (`mod support;` in each test crate).
#![expect(clippy::unwrap_used, reason = "a broken test setup is a failed test")]

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// A validator for the SARIF 2.1.0 schema, with formats checked (`uri`, `uri-reference` and the
/// like are where SARIF producers slip). The schema ships inside serde-sarif; cargo says where
/// that crate's sources are. Only the host's dependencies are resolved, so nothing needs
/// downloading.
pub fn sarif_validator() -> jsonschema::Validator {
    let cargo = env!("CARGO");
    let version = Command::new(cargo).arg("-vV").output().unwrap();
    let version = String::from_utf8(version.stdout).unwrap();
    let host = version.lines().find_map(|l| l.strip_prefix("host: ")).unwrap().trim().to_owned();
    let meta = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--offline", "--filter-platform", &host])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(meta.status.success(), "cargo metadata: {}", String::from_utf8_lossy(&meta.stderr));
    let meta: Value = serde_json::from_slice(&meta.stdout).unwrap();
    let package = meta["packages"].as_array().unwrap().iter().find(|p| p["name"] == "serde-sarif").unwrap();
    let manifest = Path::new(package["manifest_path"].as_str().unwrap());
    let schema_text = std::fs::read_to_string(manifest.parent().unwrap().join("src/schema.json")).unwrap();
    // The published 2.1.0 schema has a stray `]` in `run.language`'s pattern, which a strict
    // meta-schema check rejects; the errata schema reads `^[a-zA-Z]{2}(-[a-zA-Z]{2})?$`.
    let schema_text =
        schema_text.replace(r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#, r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#);
    let schema: Value = serde_json::from_str(&schema_text).unwrap();
    jsonschema::options().should_validate_formats(true).build(&schema).unwrap()
}
