//! `interop graph`: the dependency graph as Graphviz DOT — features, the products and families
//! that provide them, the rules and steps they need, the order of the steps, the disagreements
//! between sources. With a feature, only what it leads to.

use std::fmt::Write as _;

use crate::graph::{Edge, Node};
use crate::kb::KnowledgeBase;

fn label(kb: &KnowledgeBase, n: Node) -> (String, &'static str) {
    match n {
        Node::Product(i) => (kb.products[i].name.clone(), "shape=box,style=rounded"),
        Node::Family(i) => (kb.families[i].name.clone(), "shape=box,style=\"rounded,dashed\""),
        Node::Feature(i) => (kb.features[i].name.clone(), "shape=ellipse,style=bold"),
        Node::Rule(i) => (kb.rules[i].says.clone(), "shape=note"),
        Node::Step(i) => (kb.steps[i].title.clone(), "shape=box"),
        Node::Conflict(i) => (kb.conflicts[i].topic.clone(), "shape=diamond"),
    }
}

fn id(n: Node) -> String {
    match n {
        Node::Product(i) => format!("product{i}"),
        Node::Family(i) => format!("family{i}"),
        Node::Feature(i) => format!("feature{i}"),
        Node::Rule(i) => format!("rule{i}"),
        Node::Step(i) => format!("step{i}"),
        Node::Conflict(i) => format!("conflict{i}"),
    }
}

/// A DOT string: quoted, with `"` and `\` escaped and long labels wrapped.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    let mut width = 0;
    for word in s.split_whitespace() {
        if width > 0 && width + word.len() > 32 {
            out.push_str("\\n");
            width = 0;
        } else if width > 0 {
            out.push(' ');
            width += 1;
        }
        for c in word.chars() {
            if matches!(c, '"' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
        width += word.len();
    }
    out.push('"');
    out
}

/// The graph as DOT; with `feature`, the part it leads to (what it needs, the steps and their
/// order, what provides it, the disagreements about it).
#[must_use]
pub fn dot(kb: &KnowledgeBase, feature: Option<usize>) -> String {
    let edges: Vec<(Node, Node, Edge)> = kb.graph.edges().collect();
    let keep: Option<Vec<Node>> = feature.map(|f| {
        let mut seen = vec![Node::Feature(f)];
        let mut i = 0;
        while i < seen.len() {
            let n = seen[i];
            for &(a, b, _) in &edges {
                if a == n && !seen.contains(&b) {
                    seen.push(b);
                }
            }
            i += 1;
        }
        seen
    });
    let kept = |n: Node| keep.as_ref().is_none_or(|k| k.contains(&n));
    let mut out = String::from(
        "digraph interop {\n  rankdir=LR;\n  node [fontname=\"Helvetica\",fontsize=10];\n  edge [fontname=\"Helvetica\",fontsize=8];\n",
    );
    let mut nodes: Vec<Node> = Vec::new();
    for &(a, b, _) in &edges {
        for n in [a, b] {
            if kept(n) && !nodes.contains(&n) {
                nodes.push(n);
            }
        }
    }
    for n in &nodes {
        let (l, style) = label(kb, *n);
        let _ = writeln!(out, "  {} [label={},{style}];", id(*n), quoted(&l));
    }
    for &(a, b, e) in &edges {
        if kept(a) && kept(b) {
            let _ = writeln!(out, "  {} -> {} [label=\"{}\"];", id(a), id(b), e.as_str());
        }
    }
    out.push_str("}\n");
    out
}
