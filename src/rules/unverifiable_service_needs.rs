//! RL905 `unverifiable-service-needs`: which AWS APIs a function in a VPC calls cannot all be
//! told, so RL401–RL405 may miss a service; the note names the input.

use super::{Check, Rule, TemplateContext};
use crate::catalog::UNVERIFIABLE_SERVICE_NEEDS as META;
use crate::diagnostic::Diagnostic;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for f in &cx.facts.calls {
        let mut seen = Vec::new();
        for unknown in &f.needs.unknown {
            if seen.contains(&(&unknown.reason, unknown.span)) {
                continue;
            }
            seen.push((&unknown.reason, unknown.span));
            out.push(
                Diagnostic::new(
                    &META,
                    cx.file,
                    unknown.span,
                    format!(
                        "cannot tell every AWS API function `{}` calls: {}; rotlint checks its paths only to the services it can see",
                        f.id,
                        unknown.reason.sentence()
                    ),
                )
                .resource(&f.id)
                .label("what this allows cannot be read"),
            );
        }
        // An allowed action of a service rotlint's table does not list: whether it has a
        // PrivateLink endpoint, and so which path the function needs, is not known.
        for (prefix, span) in &f.needs.unlisted {
            out.push(
                Diagnostic::new(
                    &META,
                    cx.file,
                    *span,
                    format!(
                        "cannot tell every AWS API function `{}` calls: its role allows `{prefix}:` actions, a service rotlint does not know; rotlint checks its paths only to the services it knows",
                        f.id
                    ),
                )
                .resource(&f.id)
                .label(format!("`{prefix}` is not in rotlint's service table")),
            );
        }
    }
    // A Fargate task whose image URI or secret reference cannot be classified (a parameter, an
    // import), or whose task definition is not in the template: RL501-RL504 cannot tell which
    // service it needs.
    for tf in &cx.facts.tasks {
        if let Some(version) = &tf.task.legacy_platform {
            out.push(
                Diagnostic::new(
                    &META,
                    cx.file,
                    version.span,
                    format!(
                        "the Fargate task of `{}` runs on platform version `{}`: before 1.4.0 the image pull and secrets do not go only through the task's network interface, so rotlint does not check what it needs before it starts",
                        tf.task.id,
                        version.display()
                    ),
                )
                .resource(&tf.task.id)
                .label("platform version before 1.4.0")
                .help("use platform version 1.4.0 or `LATEST`; rotlint then checks the image, secrets and log paths"),
            );
        }
        for (value, what) in &tf.task.unknown {
            out.push(
                Diagnostic::new(
                    &META,
                    cx.file,
                    value.span,
                    format!(
                        "cannot tell which AWS APIs the Fargate task of `{}` needs before it starts: its {what} `{}` cannot be read; {}",
                        tf.task.id,
                        value.display(),
                        super::wording::how_to_supply(value)
                    ),
                )
                .resource(&tf.task.id)
                .label(format!("this {what} cannot be read")),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        super::super::harness::run_fixtures(&super::RULE);
    }
}
