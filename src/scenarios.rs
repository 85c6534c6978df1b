//! Condition scenarios: when `Condition`s or `Fn::If` change the network around a rotation
//! function, the rules run once per combination of condition values and each finding says under
//! which values it holds: a rule never reports one branch as if it were the whole truth.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::Diagnostic;
use crate::network::Network;
use crate::rotation;
use crate::source::tree::{NodeId, Tree};
use crate::template::{Evaluator, Template};

/// At most this many conditions vary (2^3 = 8 runs of the rules); further ones keep the value the
/// parameter defaults give them, and findings say so through their wording of the varied ones.
pub const MAX_VARIED: usize = 3;

/// Rotation resources whose conditions can change a verdict; the network graph and the target
/// model list what they read themselves ([`Network::read_types`], [`rotation::target_read_types`]).
const ROTATION: &[&str] = &[
    rotation::LAMBDA,
    rotation::SAM_FUNCTION,
    rotation::SAM_APPLICATION,
    rotation::ROTATION_SCHEDULE,
    "AWS::Lambda::Permission",
];

/// Does a condition on this resource type change what the rules read?
fn relevant(type_name: &str) -> bool {
    ROTATION.contains(&type_name)
        || Network::read_types().any(|t| t == type_name)
        || rotation::target_read_types().any(|t| t == type_name)
}

/// The conditions to vary: those used by relevant resources (their `Condition` or an `Fn::If`
/// inside, SAM `Globals.Function` included), except conditions the user's parameter values
/// already decide.
pub fn varied_conditions(template: &Template, base: &Evaluator<'_>, user_parameters: bool) -> Vec<String> {
    let mut used = BTreeSet::new();
    for res in template.resources.iter().filter(|r| relevant(&r.type_name)) {
        if let Some((name, _)) = &res.condition {
            used.insert(name.clone());
        }
        collect_if_conditions(&template.tree, res.node, &mut used);
    }
    // SAM `Globals.Function` is part of every serverless function's properties.
    if let Some(globals) = template.globals_function {
        collect_if_conditions(&template.tree, globals, &mut used);
    }
    used.into_iter()
        .filter(|c| template.condition_def(c).is_some())
        .filter(|c| !(user_parameters && base.condition(c).is_some()))
        .take(MAX_VARIED)
        .collect()
}

fn collect_if_conditions(tree: &Tree, root: NodeId, out: &mut BTreeSet<String>) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if let Some(("Fn::If", args, _)) = tree.single_entry(node)
            && let Some(first) = tree.seq(args).first()
            && let Some(name) = tree.scalar(*first)
        {
            out.insert(name.to_owned());
        }
        stack.extend(tree.seq(node));
        stack.extend(tree.map(node).iter().map(|p| p.value));
    }
}

/// Every assignment of the varied conditions, in a fixed order.
pub fn assignments(varied: &[String]) -> Vec<BTreeMap<String, bool>> {
    let count = 1usize << varied.len();
    (0..count).map(|bits| varied.iter().enumerate().map(|(i, c)| (c.clone(), bits & (1 << i) != 0)).collect()).collect()
}

/// Merge the findings of every scenario: a finding present in all of them stays as it is; one
/// present in some gets "(only when `A` is true)" appended. Findings are identified by rule,
/// location and resource; the message of the first scenario that has it is kept.
pub fn merge(varied: &[String], runs: Vec<(BTreeMap<String, bool>, Vec<Diagnostic>)>) -> Vec<Diagnostic> {
    let total = runs.len();
    type Key = (std::borrow::Cow<'static, str>, u32, u32, Option<String>);
    let mut seen: BTreeMap<Key, (Diagnostic, Vec<BTreeMap<String, bool>>)> = BTreeMap::new();
    let mut order: Vec<Key> = Vec::new();
    for (assignment, diagnostics) in runs {
        for d in diagnostics {
            let key = (d.rule.clone(), d.primary.span.start, d.primary.span.end, d.primary.resource.clone());
            match seen.get_mut(&key) {
                Some((_, holds)) if !holds.contains(&assignment) => holds.push(assignment.clone()),
                Some(_) => {}
                None => {
                    order.push(key.clone());
                    seen.insert(key, (d, vec![assignment.clone()]));
                }
            }
        }
    }
    order
        .into_iter()
        .filter_map(|key| seen.remove(&key))
        .map(|(mut d, holds)| {
            if holds.len() < total {
                d.message.push_str(&format!(" ({})", describe(varied, &holds, total)));
            }
            d
        })
        .collect()
}

/// "only when `A` is true and `B` is false", or a count when no simple description fits.
fn describe(varied: &[String], holds: &[BTreeMap<String, bool>], total: usize) -> String {
    let fixed: Vec<(&String, bool)> = varied
        .iter()
        .filter_map(|c| {
            let first = holds.first()?.get(c).copied()?;
            holds.iter().all(|a| a.get(c) == Some(&first)).then_some((c, first))
        })
        .collect();
    // The fixed values describe exactly the holding scenarios iff they leave the others free.
    if !fixed.is_empty() && holds.len() << fixed.len() == total {
        let parts: Vec<String> = fixed.iter().map(|(c, v)| format!("`{c}` is {v}")).collect();
        return format!("only when {}", parts.join(" and "));
    }
    format!("in {} of {} combinations of conditions {}", holds.len(), total, quoted(varied))
}

fn quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{FileId, Level};
    use crate::source::tree::Span;

    fn finding(start: u32) -> Diagnostic {
        Diagnostic::with_rule("RL101", Level::Error, FileId(0), Span { start, end: start + 1 }, "m")
    }

    #[test]
    fn unconditional_findings_stay_plain_and_partial_ones_name_the_condition() {
        let varied = vec!["A".to_owned(), "B".to_owned()];
        let runs = assignments(&varied)
            .into_iter()
            .map(|a| {
                let mut ds = vec![finding(1)];
                if a["A"] {
                    ds.push(finding(5));
                }
                if a["A"] && !a["B"] {
                    ds.push(finding(9));
                }
                (a, ds)
            })
            .collect();
        let merged = merge(&varied, runs);
        let messages: Vec<_> = merged.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, vec!["m", "m (only when `A` is true)", "m (only when `A` is true and `B` is false)"]);
    }

    #[test]
    fn assignments_cover_every_combination() {
        let a = assignments(&["X".to_owned(), "Y".to_owned()]);
        assert_eq!(a.len(), 4);
        assert_eq!(a.iter().collect::<BTreeSet<_>>().len(), 4);
        assert_eq!(assignments(&[]).len(), 1);
    }
}
