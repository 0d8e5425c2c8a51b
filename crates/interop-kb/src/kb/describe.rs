//! Topologies and sets of products in words: "Exchange Server 2010 + Lync Server 2010", "any
//! Exchange", "Exchange Server 2013 or later". The loader's messages and every answer use them.

use crate::kb::KnowledgeBase;
use crate::region::Cube;

/// A set of products of one role, named as briefly as the data allows.
#[must_use]
pub fn describe_set(kb: &KnowledgeBase, role: usize, products: &[usize]) -> String {
    let all = &kb.roles[role].products;
    if products.len() == all.len() {
        return format!("any {}", kb.roles[role].name);
    }
    // Membership as a bit set: a role may hold thousands of products and families.
    let mut rest = crate::bits::Bits::with_capacity(kb.products.len());
    for &p in products {
        rest.insert(p);
    }
    let mut names = Vec::new();
    for f in kb.families.iter().filter(|f| f.role == role && f.members.len() > 1) {
        if f.members.iter().all(|&m| rest.contains(m)) {
            names.push(f.name.clone());
            for &m in &f.members {
                rest.set(m, false);
            }
        }
    }
    names.extend(
        products
            .iter()
            .filter(|&&p| rest.contains(p))
            .map(|&p| kb.products[p].name.clone()),
    );
    match names.len() {
        0 => "nothing".to_owned(),
        1 => names.remove(0),
        _ => {
            let last = names.pop().unwrap_or_default();
            format!("{} or {last}", names.join(", "))
        }
    }
}

/// The stated part of a topology: "Exchange Server 2010 + Lync Server 2010".
#[must_use]
pub fn describe_cube(kb: &KnowledgeBase, t: &Cube) -> String {
    let u = &kb.universe;
    let parts: Vec<String> = (0..kb.roles.len())
        .filter(|&r| !u.is_free(t, r))
        .map(|r| describe_set(kb, r, &u.allowed(t, r).collect::<Vec<_>>()))
        .collect();
    if parts.is_empty() {
        "any topology".to_owned()
    } else {
        parts.join(" + ")
    }
}
