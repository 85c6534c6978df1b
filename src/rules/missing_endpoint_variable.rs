//! RL307 `missing-endpoint-variable`: a custom rotation function lacks `SECRETS_MANAGER_ENDPOINT`.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};

pub struct MissingEndpointVariable;

static META: RuleMeta = RuleMeta {
    id: "RL307",
    name: "missing-endpoint-variable",
    level: Level::Warning,
    summary: "A custom rotation function lacks SECRETS_MANAGER_ENDPOINT",
    docs: include_str!("../../rules/RL307.md"),
};

impl Rule for MissingEndpointVariable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let Some(facts) = cx.facts else { return Vec::new() };
        facts
            .rotations
            .functions
            .iter()
            .filter(|f| f.is_custom() && !f.host_declared && f.aws_template_code)
            .map(|f| {
                Diagnostic::new(
                    META.id,
                    META.level,
                    cx.file,
                    f.key_span,
                    format!(
                        "rotation function `{}` does not set `SECRETS_MANAGER_ENDPOINT`; code based on the AWS rotation templates fails with KeyError",
                        f.id
                    ),
                )
                .resource(&f.id)
                .label("no SECRETS_MANAGER_ENDPOINT in Environment.Variables")
                .help("set `SECRETS_MANAGER_ENDPOINT: !Sub https://secretsmanager.${AWS::Region}.${AWS::URLSuffix}` (or the endpoint's own DNS name)")
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::MissingEndpointVariable);
    }
}
