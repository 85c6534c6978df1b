//! `rotlint paths --format mermaid`: one `flowchart LR` with a subgraph per rotation function.
//! Working paths are green, the break of a blocked path is a red dashed edge labelled
//! "blocked: …" into a red node, and an unverifiable gap is an orange dotted edge labelled
//! "cannot verify: …". Renders in GitHub comments and Markdown files.

use std::fmt::Write as _;

use super::graph::{Cluster, Shape, State};

const GREEN: &str = "#1a7f37";
const RED: &str = "#d00";
const ORANGE: &str = "#e07000";

pub fn render(clusters: &[Cluster]) -> String {
    let mut out = String::from("flowchart LR\n");
    if clusters.is_empty() {
        out.push_str("  none[\"no rotation functions found\"]\n");
        return out;
    }
    let mut link = 0usize;
    let mut link_styles: [(State, Vec<usize>); 3] =
        [(State::Ok, Vec::new()), (State::Blocked, Vec::new()), (State::Unknown, Vec::new())];
    let mut classes: [(State, Vec<&str>); 3] =
        [(State::Ok, Vec::new()), (State::Blocked, Vec::new()), (State::Unknown, Vec::new())];
    for c in clusters {
        let _ = writeln!(out, "  subgraph {}[\"{}\"]", c.id, escape(&c.title));
        out.push_str("    direction LR\n");
        for n in &c.nodes {
            let _ = writeln!(out, "    {}", node(&n.id, &n.lines, n.shape));
            if let Some((_, ids)) = classes.iter_mut().find(|(s, _)| *s == n.state) {
                ids.push(&n.id);
            }
        }
        for e in &c.edges {
            let (Some(from), Some(to)) = (c.nodes.get(e.from), c.nodes.get(e.to)) else { continue };
            let arrow = if matches!(e.state, State::Blocked | State::Unknown) { "-.->" } else { "-->" };
            let label = if e.label.is_empty() { String::new() } else { format!("|\"{}\"|", lines(&e.label)) };
            let _ = writeln!(out, "    {} {arrow}{label} {}", from.id, to.id);
            if let Some((_, links)) = link_styles.iter_mut().find(|(s, _)| *s == e.state) {
                links.push(link);
            }
            link += 1;
        }
        out.push_str("  end\n");
    }
    let _ = writeln!(out, "  classDef ok stroke:{GREEN},stroke-width:2px");
    let _ = writeln!(out, "  classDef blocked stroke:{RED},color:{RED},stroke-width:2px");
    let _ = writeln!(out, "  classDef unknown stroke:{ORANGE},color:{ORANGE},stroke-width:2px");
    for (state, ids) in &classes {
        if !ids.is_empty() {
            let _ = writeln!(out, "  class {} {}", ids.join(","), class_name(*state));
        }
    }
    for (state, links) in &link_styles {
        if links.is_empty() {
            continue;
        }
        let list: Vec<String> = links.iter().map(usize::to_string).collect();
        let _ = writeln!(out, "  linkStyle {} {}", list.join(","), link_style(*state));
    }
    out
}

fn class_name(state: State) -> &'static str {
    match state {
        State::Blocked => "blocked",
        State::Unknown => "unknown",
        _ => "ok",
    }
}

fn link_style(state: State) -> String {
    match state {
        State::Blocked => format!("stroke:{RED},color:{RED},stroke-width:2px,stroke-dasharray:6 4"),
        State::Unknown => format!("stroke:{ORANGE},color:{ORANGE},stroke-width:2px,stroke-dasharray:2 3"),
        _ => format!("stroke:{GREEN},stroke-width:2px"),
    }
}

fn node(id: &str, text: &[String], shape: Shape) -> String {
    let label = lines(text);
    match shape {
        Shape::Function => format!("{id}[[\"{label}\"]]"),
        Shape::Resource => format!("{id}[\"{label}\"]"),
        Shape::Service => format!("{id}([\"{label}\"])"),
        Shape::Database => format!("{id}[(\"{label}\")]"),
    }
}

fn lines(text: &[String]) -> String {
    text.iter().map(|l| escape(l)).collect::<Vec<_>>().join("<br/>")
}

/// Text for inside a quoted Mermaid label: Mermaid's entity codes (`#quot;`) for everything its
/// parser or the HTML label would read as syntax, `#` first so the codes themselves survive.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '|' => out.push_str("#124;"),
            '`' => out.push('\''),
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn quotes_and_markup_become_entity_codes() {
        assert_eq!(escape(r#"a "b" <c> #d & e|f"#), "a #quot;b#quot; #lt;c#gt; #35;d #amp; e#124;f");
        assert_eq!(escape("line\nbreak `x`"), "line break 'x'");
    }
}
