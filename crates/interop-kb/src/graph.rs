//! The dependency graph of the knowledge base: products, features, rules and prerequisite
//! steps, joined by typed edges. Built once by the loader and never changed; the engine walks
//! it for feature requirements, plans order steps by it, and `interop graph` draws it.

use rustc_hash::FxHashMap as HashMap;

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

/// A node: one entity of the knowledge base, by its index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Node {
    Product(usize),
    Family(usize),
    Feature(usize),
    Rule(usize),
    Step(usize),
    Conflict(usize),
}

/// What an edge means, read from its source to its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Edge {
    /// A feature needs another feature, a rule's condition, or a prerequisite step.
    Requires,
    /// A step must be done before another.
    Precedes,
    /// A feature is provided by a product or a family.
    ProvidedBy,
    /// A source conflict bears on a feature.
    ConflictsWith,
    /// A product belongs to a family.
    MemberOf,
}

impl Edge {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Edge::Requires => "requires",
            Edge::Precedes => "precedes",
            Edge::ProvidedBy => "provided-by",
            Edge::ConflictsWith => "conflicts-with",
            Edge::MemberOf => "member-of",
        }
    }
}

/// The immutable dependency graph.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Graph {
    graph: DiGraph<Node, Edge>,
    index: HashMap<Node, NodeIndex>,
}

impl Graph {
    pub(crate) fn node(&mut self, n: Node) -> NodeIndex {
        *self.index.entry(n).or_insert_with(|| self.graph.add_node(n))
    }

    pub(crate) fn edge(&mut self, from: Node, to: Node, e: Edge) {
        let (a, b) = (self.node(from), self.node(to));
        self.graph.update_edge(a, b, e);
    }

    #[must_use]
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    #[must_use]
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// The targets of `from`'s edges of kind `kind`, in insertion order.
    #[must_use]
    pub fn targets(&self, from: Node, kind: Edge) -> Vec<Node> {
        let Some(&ix) = self.index.get(&from) else {
            return Vec::new();
        };
        let mut out: Vec<(usize, Node)> = self
            .graph
            .edges_directed(ix, Direction::Outgoing)
            .filter(|e| *e.weight() == kind)
            .map(|e| (e.id().index(), self.graph[e.target()]))
            .collect();
        out.sort_by_key(|&(i, _)| i);
        out.into_iter().map(|(_, n)| n).collect()
    }

    /// Every edge, as (from, to, kind), in insertion order.
    pub fn edges(&self) -> impl Iterator<Item = (Node, Node, Edge)> + '_ {
        self.graph
            .edge_references()
            .map(|e| (self.graph[e.source()], self.graph[e.target()], *e.weight()))
    }

    /// The cycles among edges of the given kinds, each as the path of nodes around it,
    /// starting from its smallest node. Empty when the graph restricted to those kinds is
    /// acyclic.
    #[must_use]
    pub fn cycles(&self, kinds: &[Edge]) -> Vec<Vec<Node>> {
        let sub = self
            .graph
            .filter_map(|_, n| Some(*n), |_, e| kinds.contains(e).then_some(*e));
        let mut cycles = Vec::new();
        for scc in petgraph::algo::tarjan_scc(&sub) {
            let self_loop = scc.len() == 1 && sub.contains_edge(scc[0], scc[0]);
            if scc.len() < 2 && !self_loop {
                continue;
            }
            // Walk from the first node back to itself inside the component.
            let Some(&start) = scc.iter().min() else { continue };
            let mut path = vec![start];
            let mut seen = vec![start];
            let mut current = start;
            loop {
                let next = sub
                    .neighbors(current)
                    .filter(|n| scc.contains(n))
                    .min_by_key(|n| (*n != start, n.index()));
                let Some(next) = next else { break };
                if next == start {
                    break;
                }
                if seen.contains(&next) {
                    // Close the cycle at the repeated node.
                    let pos = path.iter().position(|n| *n == next).unwrap_or(0);
                    path.drain(..pos);
                    break;
                }
                seen.push(next);
                path.push(next);
                current = next;
            }
            cycles.push(path.into_iter().map(|ix| sub[ix]).collect());
        }
        cycles.sort_by_key(|c| format!("{c:?}"));
        cycles
    }

    /// Steps in an order where each comes after everything it must follow; ties keep the
    /// order of `steps`.
    #[must_use]
    pub fn order_steps(&self, steps: &[usize]) -> Vec<usize> {
        let mut done: Vec<usize> = Vec::with_capacity(steps.len());
        let mut pending: Vec<usize> = steps.to_vec();
        while !pending.is_empty() {
            let before = pending.len();
            let mut i = 0;
            while i < pending.len() {
                let s = pending[i];
                let blocked = pending.iter().any(|&other| {
                    other != s && self.targets(Node::Step(other), Edge::Precedes).contains(&Node::Step(s))
                });
                if blocked {
                    i += 1;
                } else {
                    done.push(s);
                    pending.remove(i);
                }
            }
            if pending.len() == before {
                // A cycle; the loader rejects those, but never loop forever.
                done.append(&mut pending);
            }
        }
        done
    }
}
