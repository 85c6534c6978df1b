//! RL307 `missing-endpoint-variable`: a custom rotation function lacks `SECRETS_MANAGER_ENDPOINT`.

use super::{Check, Rule, TemplateContext};
use crate::catalog::MISSING_ENDPOINT_VARIABLE as META;
use crate::diagnostic::Diagnostic;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    cx.facts
        .rotations
        .functions
        .iter()
        .filter(|f| f.is_custom() && !f.host_declared && f.aws_template_code)
        .map(|f| {
            Diagnostic::new(
                &META,
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

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
