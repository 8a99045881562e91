//! The order in which folded versions are written to a registry: a version after the
//! versions its references name, otherwise by id, subject and version (the order a
//! registry issuing the ids registered them in).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use super::fold::Folded;
use crate::domain::SubjectName;

/// `keys` that `folded` defines, referenced versions first (Kahn's algorithm; versions in
/// a reference cycle, which no registry can hold, come last by id).
pub(super) fn references_first(folded: &Folded, keys: &[(String, i32)]) -> Vec<(String, i32)> {
    let nodes: Vec<(&str, i32, i32)> = keys
        .iter()
        .filter_map(|(s, v)| folded.version(s, *v).map(|e| (s.as_str(), *v, e.value.id)))
        .collect();
    let index: HashMap<(&str, i32), usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, (s, v, _))| ((*s, *v), i))
        .collect();
    let mut waiting = vec![0usize; nodes.len()];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for (i, (subject, version, _)) in nodes.iter().enumerate() {
        let Some(entry) = folded.version(subject, *version) else {
            continue;
        };
        let Ok(owner) = SubjectName::parse_lenient(subject) else {
            continue;
        };
        for reference in &entry.value.references {
            let target = owner.qualify_reference(&reference.subject);
            if let Some(&j) = index.get(&(target.as_str(), reference.version))
                && j != i
            {
                waiting[i] += 1;
                dependents[j].push(i);
            }
        }
    }
    let key = |i: usize| (nodes[i].2, nodes[i].0, nodes[i].1, i);
    let mut ready: BinaryHeap<Reverse<_>> = (0..nodes.len())
        .filter(|&i| waiting[i] == 0)
        .map(|i| Reverse(key(i)))
        .collect();
    let mut done = vec![false; nodes.len()];
    let mut out = Vec::with_capacity(nodes.len());
    while let Some(Reverse((_, _, _, i))) = ready.pop() {
        done[i] = true;
        out.push((nodes[i].0.to_owned(), nodes[i].1));
        for &d in &dependents[i] {
            waiting[d] -= 1;
            if waiting[d] == 0 {
                ready.push(Reverse(key(d)));
            }
        }
    }
    let mut rest: Vec<usize> = (0..nodes.len()).filter(|&i| !done[i]).collect();
    rest.sort_by_key(|&i| key(i));
    out.extend(
        rest.into_iter()
            .map(|i| (nodes[i].0.to_owned(), nodes[i].1)),
    );
    out
}
