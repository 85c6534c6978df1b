//! RL901 `unverifiable-network` and RL902 `unverifiable-egress`: the notes that say exactly which
//! input the analysis could not see, so nothing unknown turns into a pass or an error silently.

use super::wording::{function_span, how_to_supply, locations, unverifiable_text};
use super::{Check, Rule, TemplateContext};
use crate::catalog::{RuleMeta, UNVERIFIABLE_EGRESS, UNVERIFIABLE_NETWORK};
use crate::diagnostic::Diagnostic;
use crate::network::{Hop, Outcome, Unverifiable};
use crate::rotation::{Master, VpcAttachment};
use crate::source::tree::Span;

pub static NETWORK: Rule = Rule { meta: &UNVERIFIABLE_NETWORK, check: Check::Template(network) };
pub static EGRESS: Rule = Rule { meta: &UNVERIFIABLE_EGRESS, check: Check::Template(egress) };

fn network(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    let mut out = notes(cx, &UNVERIFIABLE_NETWORK, |u| !matches!(u, Unverifiable::Egress { .. }));
    for (f, ff) in cx.facts.functions() {
        if let Some(target) = &ff.unseen_target {
            out.push(
                Diagnostic::new(
                    &UNVERIFIABLE_NETWORK,
                    cx.file,
                    target.span,
                    format!(
                        "cannot verify that rotation function `{}` reaches its database `{}`: it is not defined in this template; {}",
                        f.id,
                        target.display(),
                        how_to_supply(target)
                    ),
                )
                .resource(&f.id)
                .label("database not visible in the linted templates"),
            );
        }
        if let Some(Master::Unseen { service, value }) = &ff.master
            && let Some(missing) = super::extra_api_unreachable::missing_path(cx.facts, f, ff)
        {
            let (name, label) = (service.endpoint, service.label);
            let needs = match missing.blocked_at_endpoint {
                None => {
                    format!("the rotation needs a NAT path or a `{name}` interface endpoint, which its VPC lacks")
                }
                Some(blocker) => {
                    format!("its path to the {name} API is blocked: {}", super::wording::blocker_text(blocker))
                }
            };
            out.push(
                Diagnostic::new(
                    &UNVERIFIABLE_NETWORK,
                    cx.file,
                    value.span,
                    format!(
                        "cannot tell whether rotation function `{}` calls the {name} API: its master secret `{}` is not defined in this template, and if {label} manages it, {needs}; {}",
                        f.id,
                        value.display(),
                        how_to_supply(value)
                    ),
                )
                .resource(&f.id)
                .label("master secret not visible in the linted templates"),
            );
        }
        let VpcAttachment::Undecided(value) = &f.vpc else { continue };
        out.push(
            Diagnostic::new(
                &UNVERIFIABLE_NETWORK,
                cx.file,
                value.span,
                format!(
                    "whether rotation function `{}` runs in a VPC depends on `{}`, which the template does not decide",
                    f.id,
                    value.display()
                ),
            )
            .resource(&f.id)
            .label("VPC attachment unknown")
            .help("pass parameter values with `--parameters FILE` so the condition can be decided"),
        );
    }
    out
}

fn egress(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    notes(cx, &UNVERIFIABLE_EGRESS, |u| matches!(u, Unverifiable::Egress { .. }))
}

/// One note per function and unseen input, from both the Secrets Manager and the target paths.
fn notes(cx: &TemplateContext<'_>, meta: &'static RuleMeta, wanted: fn(&Unverifiable) -> bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (f, ff) in cx.facts.functions() {
        let mut seen = Vec::new();
        let sm = ff.secrets_manager.iter().flat_map(|r| r.per_subnet.iter().map(|(_, o)| ("Secrets Manager", o)));
        // Routes across networks on the way to the database are RL202's notes, not RL902's.
        let db = ff
            .target_path
            .iter()
            .flat_map(|r| r.per_subnet.iter().map(|(_, o)| ("its database", o)))
            .filter(|(_, o)| !matches!(o, Outcome::Unverifiable { reason: Unverifiable::Egress { .. }, .. }));
        for (what, outcome) in sm.chain(db) {
            let Outcome::Unverifiable { reason, span, hops } = outcome else { continue };
            if !wanted(reason) || seen.contains(span) {
                continue;
            }
            seen.push(*span);
            let span = if span.is_empty() { function_span(f) } else { *span };
            out.push(
                Diagnostic::new(
                    meta,
                    cx.file,
                    span,
                    format!(
                        "cannot verify that rotation function `{}` reaches {what}: {}",
                        f.id,
                        unverifiable_text(reason)
                    ),
                )
                .resource(&f.id)
                .label("not visible in the linted templates")
                .related_all(locations(cx.file, hops)),
            );
        }
    }
    out.extend(function_notes(cx, meta, wanted));
    out.extend(task_notes(cx, meta, wanted));
    out
}

/// The notes for Lambda functions in a VPC: one per function and unseen input (a subnet or
/// security group from a parameter or an import), naming every service it calls that the input
/// leaves undecided, so RL401–RL404 never pass such a function silently.
fn function_notes(
    cx: &TemplateContext<'_>,
    meta: &'static RuleMeta,
    wanted: fn(&Unverifiable) -> bool,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for f in &cx.facts.calls {
        let outcomes = f.answers.iter().flat_map(|a| {
            let label = f.needs.services[a.need].service.label;
            a.report.per_subnet.iter().map(move |(_, o)| (label, o))
        });
        for (span, reason, hops, services) in unseen_inputs(outcomes, f.subnets_span, wanted) {
            out.push(
                Diagnostic::new(
                    meta,
                    cx.file,
                    span,
                    format!(
                        "cannot verify that function `{}` reaches {}, which it calls: {}",
                        f.id,
                        services.join(", "),
                        unverifiable_text(reason)
                    ),
                )
                .resource(&f.id)
                .label("not visible in the linted templates")
                .related_all(locations(cx.file, hops)),
            );
        }
    }
    out
}

/// The same notes for Fargate tasks: one per task and unseen input, naming every service the
/// task needs that the input leaves undecided, so an unknown subnet or security group never
/// passes a task silently.
fn task_notes(cx: &TemplateContext<'_>, meta: &'static RuleMeta, wanted: fn(&Unverifiable) -> bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for tf in &cx.facts.tasks {
        let outcomes = tf
            .answers
            .iter()
            .flat_map(|(_, service, report)| report.per_subnet.iter().map(|(_, o)| (service.label, o)));
        for (span, reason, hops, services) in unseen_inputs(outcomes, tf.task.subnets_span, wanted) {
            out.push(
                Diagnostic::new(
                    meta,
                    cx.file,
                    span,
                    format!(
                        "cannot verify that {} reaches {} before its containers start: {}",
                        super::task_needs::task_name(tf),
                        services.join(", "),
                        unverifiable_text(reason)
                    ),
                )
                .resource(&tf.task.id)
                .label("not visible in the linted templates")
                .related_all(locations(cx.file, hops)),
            );
        }
    }
    out
}

/// The unseen inputs of a workload's paths, each once with every service it leaves undecided:
/// (span, reason, hops, service labels) in the order first met. An input without a place of its
/// own points at `subnets_span`.
fn unseen_inputs<'a>(
    outcomes: impl Iterator<Item = (&'static str, &'a Outcome)>,
    subnets_span: Span,
    wanted: fn(&Unverifiable) -> bool,
) -> Vec<(Span, &'a Unverifiable, &'a [Hop], Vec<&'static str>)> {
    let mut seen: Vec<(Span, &Unverifiable, &[Hop], Vec<&str>)> = Vec::new();
    for (label, outcome) in outcomes {
        let Outcome::Unverifiable { reason, span, hops } = outcome else { continue };
        if !wanted(reason) {
            continue;
        }
        let span = if span.is_empty() { subnets_span } else { *span };
        match seen.iter_mut().find(|(s, ..)| *s == span) {
            Some((_, _, _, services)) if !services.contains(&label) => services.push(label),
            Some(_) => {}
            None => seen.push((span, reason, hops, vec![label])),
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::NETWORK);
        crate::rules::harness::run_fixtures(&super::EGRESS);
    }
}
