//! `.rotlint.toml`: rule levels, path excludes, the fail level and parameter values per template
//! glob. Found by walking up from the working directory, or given with `--config`. Unknown keys
//! are errors that name the key and the file.
//!
//! ```toml
//! fail-level = "warning"
//! exclude = ["cdk.out/**", "**/node_modules/**"]
//! guard-rules = ["policies/"]   # Guard rule files or directories, relative to this file
//! guard-level = "warning"        # level of Guard findings (default error; `off` skips Guard)
//!
//! [rules]
//! RL110 = "off"          # by id
//! nat-exposure = "note"  # or by name
//!
//! [[parameters]]
//! templates = "stacks/db-*.yaml"
//! values = { VpcId = "vpc-123", PrivateSubnets = "SubnetA,SubnetB" }
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher};
use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Level};

pub const FILE_NAME: &str = ".rotlint.toml";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// A rule's configured level; `off` drops its findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    Off,
    Note,
    Warning,
    Error,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    fail_level: Option<RuleLevel>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    rules: BTreeMap<String, RuleLevel>,
    #[serde(default)]
    parameters: Vec<RawParameters>,
    #[serde(default)]
    guard_rules: Vec<PathBuf>,
    guard_level: Option<RuleLevel>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParameters {
    templates: String,
    values: BTreeMap<String, String>,
}

/// The loaded configuration.
#[derive(Debug, Default, Clone)]
pub struct Config {
    /// Where it was read from (`None`: no file, defaults).
    pub path: Option<PathBuf>,
    pub fail_level: Option<Level>,
    /// Globs relative to the config file's directory, matched against walked files.
    excludes: Vec<GlobMatcher>,
    /// Rule id → level (names are resolved to ids when loading).
    levels: BTreeMap<&'static str, RuleLevel>,
    parameters: Vec<(GlobMatcher, BTreeMap<String, String>)>,
    /// The config file's directory, absolute: every glob is relative to it.
    base: PathBuf,
    /// The working directory when the config was loaded, against which relative paths of the
    /// run are made absolute.
    cwd: PathBuf,
    /// `guard-rules`: Guard rule files or directories, resolved against the config's directory.
    pub guard_rules: Vec<PathBuf>,
    /// `guard-level`: the level of every Guard finding (`None`: error).
    pub guard_level: Option<RuleLevel>,
}

impl Config {
    /// `--config PATH`, or the nearest `.rotlint.toml` from `start` upwards, or defaults.
    pub fn discover(explicit: Option<&Path>, start: &Path) -> Result<Config, ConfigError> {
        if let Some(path) = explicit {
            return Config::load(path);
        }
        let mut dir = Some(start);
        while let Some(d) = dir {
            let candidate = d.join(FILE_NAME);
            if candidate.is_file() {
                return Config::load(&candidate);
            }
            dir = d.parent();
        }
        Ok(Config::default())
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = crate::files::read_text(path, crate::files::MAX_SIDE_FILE_BYTES)
            .map_err(|message| ConfigError::Read { path: path.to_path_buf(), message })?;
        Config::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid { path: path.to_path_buf(), message };
        let raw: Raw = toml::from_str(text).map_err(|e| invalid(e.to_string().trim_end().to_owned()))?;
        let glob = |pattern: &str| {
            Glob::new(pattern).map(|g| g.compile_matcher()).map_err(|e| invalid(format!("bad glob `{pattern}`: {e}")))
        };
        let mut levels = BTreeMap::new();
        for (key, level) in raw.rules {
            let rule = crate::catalog::lookup(&key)
                .ok_or_else(|| invalid(format!("unknown rule `{key}` in [rules] (see `rotlint rules`)")))?;
            levels.insert(rule.id, level);
        }
        let fail_level = match raw.fail_level {
            Some(RuleLevel::Off) => return Err(invalid("fail-level cannot be `off`".to_owned())),
            other => other.and_then(to_level),
        };
        let cwd = std::env::current_dir().unwrap_or_default();
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let base = crate::files::absolute_dir(dir, &cwd);
        Ok(Config {
            path: Some(path.to_path_buf()),
            fail_level,
            excludes: raw.exclude.iter().map(|p| glob(p)).collect::<Result<_, _>>()?,
            levels,
            parameters: raw
                .parameters
                .into_iter()
                .map(|p| glob(&p.templates).map(|g| (g, p.values)))
                .collect::<Result<_, _>>()?,
            guard_rules: raw.guard_rules.iter().map(|p| dir.join(p)).collect(),
            guard_level: raw.guard_level,
            base,
            cwd,
        })
    }

    /// Is a walked file excluded? Globs match the path relative to the config's directory,
    /// however the path was spelled and whatever the working directory; a file outside that
    /// directory is matched by its absolute path (so `**/node_modules/**` still applies).
    pub fn excludes(&self, path: &Path) -> bool {
        let (relative, absolute) = self.relative(path);
        self.excludes.iter().any(|g| relative.as_deref().map_or_else(|| g.is_match(&absolute), |r| g.is_match(r)))
    }

    /// Parameter values for one template from every matching `[[parameters]]` block (globs as
    /// for [`Config::excludes`]), later blocks winning.
    pub fn parameters_for(&self, path: &Path) -> BTreeMap<String, String> {
        let (relative, absolute) = self.relative(path);
        let mut out = BTreeMap::new();
        for (glob, values) in &self.parameters {
            if relative.as_deref().map_or_else(|| glob.is_match(&absolute), |r| glob.is_match(r)) {
                out.extend(values.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        out
    }

    /// `path` relative to the config's directory (when inside it), and absolute. The directory
    /// is canonical; a path spelled through a symlink is resolved when it is not plainly inside.
    fn relative(&self, path: &Path) -> (Option<PathBuf>, PathBuf) {
        let absolute = crate::files::lexical_absolute(path, &self.cwd);
        if let Ok(relative) = absolute.strip_prefix(&self.base) {
            return (Some(relative.to_path_buf()), absolute);
        }
        let resolved = std::fs::canonicalize(&absolute).ok();
        let relative = resolved.as_deref().and_then(|r| r.strip_prefix(&self.base).ok()).map(Path::to_path_buf);
        (relative, absolute)
    }

    /// Is the rule turned `off`?
    pub fn is_off(&self, rule: &str) -> bool {
        self.levels.get(rule) == Some(&RuleLevel::Off)
    }

    /// Apply configured levels: drop `off` rules, re-level the rest.
    pub fn apply_levels(&self, diagnostics: &mut Vec<Diagnostic>) {
        if self.levels.is_empty() {
            return;
        }
        diagnostics.retain(|d| self.levels.get(d.rule.as_ref()) != Some(&RuleLevel::Off));
        for d in diagnostics.iter_mut() {
            if let Some(level) = self.levels.get(d.rule.as_ref()).copied().and_then(to_level) {
                d.level = level;
            }
        }
    }
}

fn to_level(level: RuleLevel) -> Option<Level> {
    match level {
        RuleLevel::Off => None,
        RuleLevel::Note => Some(Level::Note),
        RuleLevel::Warning => Some(Level::Warning),
        RuleLevel::Error => Some(Level::Error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::FileId;
    use crate::source::tree::Span;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("/repo/.rotlint.toml"), text)
    }

    #[test]
    fn full_example_parses() {
        let c = parse(
            "fail-level = \"warning\"\nexclude = [\"cdk.out/**\"]\n[rules]\nRL110 = \"off\"\nno-secrets-manager-path = \"warning\"\n[[parameters]]\ntemplates = \"stacks/*.yaml\"\nvalues = { A = \"1\" }\n",
        )
        .unwrap_or_default();
        assert_eq!(c.fail_level, Some(Level::Warning));
        assert!(c.excludes(Path::new("/repo/cdk.out/x.template.json")));
        assert!(!c.excludes(Path::new("/repo/stacks/a.yaml")));
        assert_eq!(c.parameters_for(Path::new("/repo/stacks/a.yaml")).get("A").map(String::as_str), Some("1"));
        let mut ds = vec![
            Diagnostic::with_rule("RL110", Level::Warning, FileId(0), Span::default(), "x"),
            Diagnostic::with_rule("RL101", Level::Error, FileId(0), Span::default(), "y"),
        ];
        c.apply_levels(&mut ds);
        assert_eq!(ds.len(), 1);
        assert_eq!((ds[0].rule.as_ref(), ds[0].level), ("RL101", Level::Warning));
    }

    #[test]
    fn unknown_keys_and_rules_are_errors_naming_them() {
        let e = parse("fail_levle = \"error\"\n").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("fail_levle") && e.contains(".rotlint.toml"), "{e}");
        let e = parse("[rules]\nRL999 = \"off\"\n").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("RL999"), "{e}");
        let e = parse("[rules]\nRL101 = \"loud\"\n").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("loud"), "{e}");
    }

    #[test]
    fn guard_rules_are_relative_to_the_config_file() {
        let c =
            parse("guard-rules = [\"policies\", \"/abs/x.guard\"]\nguard-level = \"warning\"\n").unwrap_or_default();
        assert_eq!(c.guard_rules, vec![PathBuf::from("/repo/policies"), PathBuf::from("/abs/x.guard")]);
        assert_eq!(c.guard_level, Some(RuleLevel::Warning));
        assert!(parse("guard-level = \"loud\"\n").is_err());
    }

    #[test]
    fn globs_are_relative_to_the_config_directory_however_the_path_is_spelled() {
        let mut c = parse("exclude = [\"cdk.out/**\", \"**/node_modules/**\"]\n[[parameters]]\ntemplates = \"stacks/db-*.yaml\"\nvalues = { A = \"1\" }\n").unwrap_or_default();
        for cwd in ["/repo", "/repo/stacks", "/elsewhere"] {
            c.cwd = PathBuf::from(cwd);
            let from_cwd = |p: &str| PathBuf::from(cwd).join(p);
            assert!(c.excludes(Path::new("/repo/cdk.out/a.json")), "{cwd}");
            assert!(c.excludes(&from_cwd("/repo/./cdk.out/b/../a.json")), "{cwd}");
            assert!(!c.excludes(Path::new("/repo/stacks/cdk.out/a.json")), "{cwd}: anchored at the config's directory");
            assert!(c.excludes(Path::new("/outside/node_modules/x.yaml")), "{cwd}");
            assert_eq!(c.parameters_for(Path::new("/repo/stacks/db-1.yaml")).len(), 1, "{cwd}");
            assert!(c.parameters_for(Path::new("/repo/db-1.yaml")).is_empty(), "{cwd}");
        }
        c.cwd = PathBuf::from("/repo/stacks");
        assert_eq!(c.parameters_for(Path::new("db-1.yaml")).len(), 1, "relative to a subdirectory");
        assert_eq!(c.parameters_for(Path::new("./db-1.yaml")).len(), 1);
        assert!(c.excludes(Path::new("../cdk.out/x.json")));
        assert!(!c.excludes(Path::new("cdk.out/x.json")), "stacks/cdk.out is not the config's cdk.out");
    }

    #[cfg(unix)]
    #[test]
    fn a_path_through_a_symlink_is_matched_from_the_config_directory() {
        let dir = std::env::temp_dir().join(format!("rotlint-config-link-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let repo = dir.join("repo");
        std::fs::create_dir_all(repo.join("vendor")).expect("dirs");
        std::fs::write(repo.join("vendor/x.yaml"), "Resources: {}\n").expect("write");
        std::os::unix::fs::symlink(&repo, dir.join("link")).expect("symlink");
        let config = repo.join(FILE_NAME);
        std::fs::write(&config, "exclude = [\"vendor/**\"]\n").expect("write");
        let c = Config::load(&config).unwrap_or_default();
        assert!(c.excludes(&dir.join("link/vendor/x.yaml")));
        assert!(!c.excludes(&dir.join("link/x.yaml")));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn discovery_walks_up() {
        let dir = std::env::temp_dir().join(format!("rotlint-config-{}", std::process::id()));
        let nested = dir.join("a/b");
        let _ = std::fs::create_dir_all(&nested);
        let _ = std::fs::write(dir.join(FILE_NAME), "fail-level = \"note\"\n");
        let c = Config::discover(None, &nested).unwrap_or_default();
        assert_eq!(c.fail_level, Some(Level::Note));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
