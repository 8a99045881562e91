//! Differences involving `allOf` / `anyOf` / `oneOf` and `not`: criterion changes, subschema
//! counts, and subschemas paired by a maximum bipartite matching of compatible pairs.
//!
//! Every pair of branches is compared before the matching, so the pair matrix is checked
//! against the limits' `max_combined_pairs` before any of it is built.

use super::kind::DiffType as D;
use super::{Ctx, Engine, NodeRef};
use crate::schema::json::model::{Criterion, Kind};
use crate::schema::limits::CheckAborted;

fn combined(engine: &Engine<'_>, r: NodeRef) -> Option<(Criterion, Vec<NodeRef>)> {
    match &engine.node(r).kind {
        Kind::Combined {
            criterion,
            subschemas,
        } => Some((
            *criterion,
            subschemas.iter().map(|id| Engine::child(r, *id)).collect(),
        )),
        _ => None,
    }
}

/// A plain schema becoming a union (or an intersection becoming a plain schema). Returns
/// `true` when that settled the pair.
pub(super) fn compare_mixed(
    engine: &mut Engine<'_>,
    ctx: &mut Ctx,
    o: NodeRef,
    u: NodeRef,
) -> bool {
    match (combined(engine, o), combined(engine, u)) {
        (None, Some((criterion, subs))) => {
            if let [single] = subs.as_slice() {
                return settle(engine, ctx, o, *single, None);
            }
            if matches!(criterion, Criterion::AnyOf | Criterion::OneOf) {
                for sub in subs {
                    if engine.is_aborted() {
                        return true;
                    }
                    if settle(engine, ctx, o, sub, Some(D::SUM_TYPE_EXTENDED)) {
                        return true;
                    }
                }
            }
            false
        }
        (Some((criterion, subs)), None) => {
            if let [single] = subs.as_slice() {
                return settle(engine, ctx, *single, u, None);
            }
            if criterion == Criterion::AllOf {
                for sub in subs {
                    if engine.is_aborted() {
                        return true;
                    }
                    if settle(engine, ctx, sub, u, Some(D::PRODUCT_TYPE_NARROWED)) {
                        return true;
                    }
                }
            }
            false
        }
        _ => false,
    }
}

/// Compares `o` with `u`; if compatible, keeps its differences plus `extra` and says so.
fn settle(
    engine: &mut Engine<'_>,
    ctx: &mut Ctx,
    o: NodeRef,
    u: NodeRef,
    extra: Option<D>,
) -> bool {
    let mut sub = ctx.sub();
    engine.compare(&mut sub, Some(o), Some(u));
    if !engine.is_compatible(&sub) {
        return false;
    }
    ctx.extend(sub.into_diffs());
    if let Some(kind) = extra {
        ctx.add(kind);
    }
    true
}

pub(super) fn compare_combined(engine: &mut Engine<'_>, ctx: &mut Ctx, o: NodeRef, u: NodeRef) {
    let (Some((oc, osubs)), Some((uc, usubs))) = (combined(engine, o), combined(engine, u)) else {
        return;
    };
    if oc != uc {
        let extended = uc == Criterion::AnyOf
            || (osubs.len() == 1 && usubs.len() == 1)
            || (osubs.len() == 1 && uc == Criterion::OneOf)
            || (usubs.len() == 1 && oc == Criterion::AllOf);
        if !extended {
            return ctx.add(D::COMBINED_TYPE_CHANGED);
        }
        ctx.add(D::COMBINED_TYPE_EXTENDED);
    }
    if osubs.len() < usubs.len() {
        ctx.add(if uc == Criterion::AllOf {
            D::PRODUCT_TYPE_EXTENDED
        } else {
            D::SUM_TYPE_EXTENDED
        });
    } else if osubs.len() > usubs.len() {
        ctx.add(if oc == Criterion::AllOf {
            D::PRODUCT_TYPE_NARROWED
        } else {
            D::SUM_TYPE_NARROWED
        });
    }
    let pairs = u64::try_from(osubs.len().saturating_mul(usubs.len())).unwrap_or(u64::MAX);
    let limit = engine.limits().max_combined_pairs;
    if pairs > limit {
        return engine.abort(CheckAborted::CombinedPairs { pairs, limit });
    }
    // edges[i] = (j, differences) for every compatible pairing of original i with update j.
    let mut edges: Vec<Vec<(usize, Vec<super::Difference>)>> = Vec::with_capacity(osubs.len());
    for (i, os) in osubs.iter().enumerate() {
        ctx.enter(format!("{}/{i}", oc.keyword()));
        let mut row = Vec::new();
        for (j, us) in usubs.iter().enumerate() {
            if engine.is_aborted() {
                return;
            }
            let mut sub = ctx.sub();
            engine.compare(&mut sub, Some(*os), Some(*us));
            if engine.is_compatible(&sub) {
                row.push((j, sub.into_diffs()));
            }
        }
        ctx.leave();
        edges.push(row);
    }
    let adjacency: Vec<Vec<usize>> = edges
        .iter()
        .map(|row| row.iter().map(|(j, _)| *j).collect())
        .collect();
    let matched = maximum_matching(&adjacency, usubs.len());
    let mut size = 0;
    for (i, partner) in matched.iter().enumerate() {
        if let Some(j) = partner
            && let Some((_, diffs)) = edges
                .get_mut(i)
                .and_then(|row| row.iter_mut().find(|(jj, _)| jj == j))
        {
            size += 1;
            ctx.extend(std::mem::take(diffs));
        }
    }
    if size < osubs.len().min(usubs.len()) {
        ctx.add(D::COMBINED_TYPE_SUBSCHEMAS_CHANGED);
    }
}

/// `not` narrows when the negated schemas compare compatibly in reverse.
pub(super) fn compare_not(engine: &mut Engine<'_>, ctx: &mut Ctx, o: NodeRef, u: NodeRef) {
    ctx.enter("not");
    let mut sub = ctx.sub();
    engine.compare(&mut sub, Some(u), Some(o));
    if engine.is_compatible(&sub) {
        ctx.add(D::NOT_TYPE_NARROWED);
    } else {
        ctx.add(D::NOT_TYPE_EXTENDED);
    }
    ctx.leave();
}

/// Maximum bipartite matching (augmenting paths): for each left vertex its right partner.
fn maximum_matching(adjacency: &[Vec<usize>], right_count: usize) -> Vec<Option<usize>> {
    fn augment(
        left: usize,
        adjacency: &[Vec<usize>],
        seen: &mut [bool],
        right_partner: &mut [Option<usize>],
    ) -> bool {
        for &right in adjacency.get(left).map_or(&[][..], Vec::as_slice) {
            if seen.get(right).copied().unwrap_or(true) {
                continue;
            }
            seen[right] = true;
            let free = match right_partner[right] {
                None => true,
                Some(other) => augment(other, adjacency, seen, right_partner),
            };
            if free {
                right_partner[right] = Some(left);
                return true;
            }
        }
        false
    }
    let mut right_partner: Vec<Option<usize>> = vec![None; right_count];
    for left in 0..adjacency.len() {
        let mut seen = vec![false; right_count];
        augment(left, adjacency, &mut seen, &mut right_partner);
    }
    let mut left_partner = vec![None; adjacency.len()];
    for (right, partner) in right_partner.iter().enumerate() {
        if let Some(left) = partner
            && let Some(slot) = left_partner.get_mut(*left)
        {
            *slot = Some(right);
        }
    }
    left_partner
}

#[cfg(test)]
mod tests {
    use super::maximum_matching;

    #[test]
    fn matching_reassigns_to_cover_more() {
        // 0 can take 0 or 1, 1 can only take 0: the greedy pick must be undone.
        let m = maximum_matching(&[vec![0, 1], vec![0]], 2);
        assert_eq!(m, vec![Some(1), Some(0)]);
    }
}
