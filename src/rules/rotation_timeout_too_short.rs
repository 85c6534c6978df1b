//! RL304 `rotation-timeout-too-short`: a custom rotation function keeps the 3 s default or sets under 30 s.

use super::value_fix;
use super::{Check, Rule, TemplateContext};
use crate::catalog::ROTATION_TIMEOUT_TOO_SHORT as META;
use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::fix::Value;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

const MIN_SECONDS: f64 = 30.0;

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let fixer = value_fix::Fixer::new(cx.template, cx.file);
    for f in cx.facts.rotations.functions.iter().filter(|f| f.is_custom()) {
        let Some(res) = cx.facts.template.resource(&f.id) else { continue };
        let timeout = cx.facts.evaluator.property(res, "Timeout").filter(|v| !v.is_no_value());
        let (span, message) = match &timeout {
            None => (
                f.key_span,
                format!("rotation function `{}` has no `Timeout`, so Lambda's 3 second default applies", f.id),
            ),
            Some(v) => match v.as_str().and_then(|s| s.parse::<f64>().ok()) {
                Some(secs) if secs < MIN_SECONDS => {
                    (v.span, format!("rotation function `{}` times out after {secs} seconds", f.id))
                }
                _ => continue,
            },
        };
        out.push(
            Diagnostic::new(&META, cx.file, span, message)
                .resource(&f.id)
                .label("rotation steps need more time than this")
                .help("set `Timeout: 30` or more; the AWS rotation templates use a 5 s connect timeout per step and VPC cold starts add more")
                .fix(fix(cx, &fixer, &f.id)),
        );
    }
    out
}

/// `Timeout: 30` on the function itself: its own written value replaced, or the property added
/// (over a shorter `Globals` value, for this function only). None when the value is not plain.
fn fix(cx: &TemplateContext<'_>, fixer: &value_fix::Fixer<'_>, function: &str) -> Option<Fix> {
    fixer.fix("set `Timeout: 30`", Applicability::Safe, |doc| {
        value_fix::set_property(cx.template, doc, function, "Timeout", &Value::num(30))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
