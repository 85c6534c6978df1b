//! Shared by RL501–RL503: a Fargate task that cannot reach, from any of its subnets, a service it
//! needs before its containers start. One finding per task and purpose, at the task's subnet
//! list, naming every unreachable service with the first blocked path.

use super::TemplateContext;
use super::wording::{Origin, blocker_text_from, locations, subnet_names};
use crate::catalog::RuleMeta;
use crate::diagnostic::{Diagnostic, Location};
use crate::network::Overall;
use crate::workload::ecs::{Purpose, TaskFacts};

/// `what` completes "task `X` cannot …" ("pull its image"); `help` says how to fix it.
pub fn findings(
    cx: &TemplateContext<'_>,
    meta: &'static RuleMeta,
    purpose: Purpose,
    what: &str,
    help: &str,
) -> Vec<Diagnostic> {
    let facts = cx.facts;
    let mut out = Vec::new();
    for tf in &facts.tasks {
        let blocked: Vec<_> = tf
            .answers
            .iter()
            .filter(|(p, _, report)| *p == purpose && report.overall == Overall::None)
            .filter_map(|(_, service, report)| Some((service, report, report.first_blocker()?)))
            .collect();
        let Some((_, first_report, (_, hops))) = blocked.first() else { continue };
        let reasons: Vec<String> = blocked
            .iter()
            .map(|(service, _, (blocker, _))| {
                format!("{}: {}", service.label, blocker_text_from(blocker, Origin::Task))
            })
            .collect();
        let mut related = vec![task_location(cx, tf)];
        related.extend(locations(cx.file, hops));
        out.push(
            Diagnostic::new(
                meta,
                cx.file,
                tf.task.subnets_span,
                format!(
                    "{} cannot {what}: none of its subnets ({}) reaches {}",
                    task_name(tf),
                    subnet_names(first_report, false),
                    reasons.join("; ")
                ),
            )
            .resource(&tf.task.id)
            .label("no subnet here has the path")
            .related_all(related)
            .help(help),
        );
    }
    out
}

/// "task `Svc` (task definition `Def`)".
pub fn task_name(tf: &TaskFacts) -> String {
    match &tf.task.task_definition {
        Some(def) => format!("Fargate task of `{}` (task definition `{def}`)", tf.task.id),
        None => format!("Fargate task of `{}`", tf.task.id),
    }
}

fn task_location(cx: &TemplateContext<'_>, tf: &TaskFacts) -> Location {
    Location {
        file: cx.file,
        span: tf.task.key_span,
        resource: Some(tf.task.id.clone()),
        message: format!("{} `{}` runs a Fargate task", tf.task.type_name, tf.task.id),
    }
}
