//! `rotlint paths --format dot`: one Graphviz `digraph` with a cluster per rotation function.
//! Working paths are green; the break of a blocked path is a red dashed labelled edge into a red
//! node; an unverifiable gap is an orange dotted edge labelled "cannot verify: …".

use std::fmt::Write as _;

use super::graph::{Cluster, Shape, State};

pub fn render(clusters: &[Cluster]) -> String {
    let mut out = String::from("digraph rotlint_paths {\n");
    out.push_str("  rankdir=LR;\n  fontname=\"Helvetica\";\n");
    out.push_str("  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=11];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=10];\n");
    if clusters.is_empty() {
        out.push_str("  none [label=\"no rotation functions found\"];\n");
    }
    for (i, c) in clusters.iter().enumerate() {
        let _ = writeln!(out, "  subgraph cluster_{i} {{");
        let _ = writeln!(out, "    label=\"{}\";", escape(&c.title));
        out.push_str("    labeljust=l;\n    color=gray60;\n");
        for n in &c.nodes {
            let _ = writeln!(out, "    {} [{}];", n.id, node_attrs(&n.lines, n.shape, n.state));
        }
        for e in &c.edges {
            let (Some(from), Some(to)) = (c.nodes.get(e.from), c.nodes.get(e.to)) else { continue };
            let _ = writeln!(out, "    {} -> {} [{}];", from.id, to.id, edge_attrs(&e.label, e.state));
        }
        out.push_str("  }\n");
    }
    out.push_str("}\n");
    out
}

fn node_attrs(lines: &[String], shape: Shape, state: State) -> String {
    let mut attrs = vec![format!("label=\"{}\"", label(lines))];
    match shape {
        Shape::Function => attrs.push("shape=component".to_owned()),
        Shape::Service => attrs.push("shape=ellipse, style=solid".to_owned()),
        Shape::Database => attrs.push("shape=cylinder, style=solid".to_owned()),
        Shape::Resource => {}
    }
    match state {
        State::Ok => attrs.push("color=\"#1a7f37\", penwidth=2".to_owned()),
        State::Blocked => attrs.push("color=red, fontcolor=red, penwidth=2".to_owned()),
        State::Unknown => attrs.push("color=darkorange, fontcolor=darkorange, penwidth=2".to_owned()),
        State::Normal => {}
    }
    attrs.join(", ")
}

fn edge_attrs(lines: &[String], state: State) -> String {
    let mut attrs = match state {
        State::Ok => vec!["color=\"#1a7f37\", penwidth=2".to_owned()],
        State::Blocked => vec!["color=red, fontcolor=red, style=dashed, penwidth=2".to_owned()],
        State::Unknown => vec!["color=darkorange, fontcolor=darkorange, style=dotted, penwidth=2".to_owned()],
        State::Normal => vec!["color=gray40".to_owned()],
    };
    if !lines.is_empty() {
        attrs.push(format!("label=\"{}\"", label(lines)));
    }
    attrs.join(", ")
}

fn label(lines: &[String]) -> String {
    lines.iter().map(|l| escape(l)).collect::<Vec<_>>().join("\\n")
}

/// Text for inside a quoted DOT string: `\` and `"` escaped, `&` as `&amp;` (Graphviz decodes
/// HTML entities in labels), line breaks made spaces (the renderer adds its own `\n` between
/// lines).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '&' => out.push_str("&amp;"),
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
    fn backslash_and_quote_are_escaped() {
        assert_eq!(escape(r#"a "b" \n c"#), r#"a \"b\" \\n c"#);
        assert_eq!(escape("&amp;"), "&amp;amp;");
        assert_eq!(escape("x\ny"), "x y");
    }
}
