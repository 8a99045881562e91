//! Differences of array schemas: `items`, tuple items judged against the item content model,
//! additional and unevaluated items, item and `contains` bounds, `uniqueItems`.

use super::kind::DiffType as D;
use super::object::{additional, unevaluated};
use super::{Ctx, Engine, NodeRef};
use crate::schema::json::model::{ArrayNode, Kind, NodeId};

pub(super) fn compare(
    engine: &mut Engine<'_>,
    ctx: &mut Ctx,
    o: NodeRef,
    u: NodeRef,
    on: &ArrayNode,
    un: &ArrayNode,
) {
    ctx.enter("items");
    engine.compare(
        ctx,
        on.all_items.map(|id| Engine::child(o, id)),
        un.all_items.map(|id| Engine::child(u, id)),
    );
    ctx.leave();
    compare_tuple(engine, ctx, o, u, on, un);
    compare_additional(engine, ctx, o, u, on, un);
    if on.unevaluated.is_some() || un.unevaluated.is_some() {
        ctx.enter("unevaluatedItems");
        unevaluated(
            engine,
            ctx,
            on.unevaluated.map(|id| Engine::child(o, id)),
            un.unevaluated.map(|id| Engine::child(u, id)),
            [
                D::UNEVALUATED_ITEMS_ADDED,
                D::UNEVALUATED_ITEMS_REMOVED,
                D::UNEVALUATED_ITEMS_EXTENDED,
                D::UNEVALUATED_ITEMS_NARROWED,
            ],
        );
        ctx.leave();
    }
    compare_bounds(ctx, on, un);
}

fn compare_bounds(ctx: &mut Ctx, on: &ArrayNode, un: &ArrayNode) {
    let bounds = [
        (
            "maxItems",
            on.max_items,
            un.max_items,
            [
                D::MAX_ITEMS_ADDED,
                D::MAX_ITEMS_REMOVED,
                D::MAX_ITEMS_INCREASED,
                D::MAX_ITEMS_DECREASED,
            ],
        ),
        (
            "minItems",
            on.min_items,
            un.min_items,
            [
                D::MIN_ITEMS_ADDED,
                D::MIN_ITEMS_REMOVED,
                D::MIN_ITEMS_INCREASED,
                D::MIN_ITEMS_DECREASED,
            ],
        ),
    ];
    compare_all(ctx, &bounds);
    if on.unique_items != un.unique_items {
        ctx.add_at(
            "uniqueItems",
            if on.unique_items {
                D::UNIQUE_ITEMS_REMOVED
            } else {
                D::UNIQUE_ITEMS_ADDED
            },
        );
    }
    let contains = [
        (
            "maxContains",
            on.max_contains,
            un.max_contains,
            [
                D::MAX_CONTAINS_ADDED,
                D::MAX_CONTAINS_REMOVED,
                D::MAX_CONTAINS_INCREASED,
                D::MAX_CONTAINS_DECREASED,
            ],
        ),
        (
            "minContains",
            on.min_contains,
            un.min_contains,
            [
                D::MIN_CONTAINS_ADDED,
                D::MIN_CONTAINS_REMOVED,
                D::MIN_CONTAINS_INCREASED,
                D::MIN_CONTAINS_DECREASED,
            ],
        ),
    ];
    compare_all(ctx, &contains);
}

type Bound<'k> = (&'k str, Option<f64>, Option<f64>, [D; 4]);

fn compare_all(ctx: &mut Ctx, bounds: &[Bound<'_>]) {
    for &(keyword, a, b, [added, removed, increased, decreased]) in bounds {
        match (a, b) {
            (None, Some(_)) => ctx.add_at(keyword, added),
            (Some(_), None) => ctx.add_at(keyword, removed),
            (Some(a), Some(b)) if a < b => ctx.add_at(keyword, increased),
            (Some(a), Some(b)) if a > b => ctx.add_at(keyword, decreased),
            _ => {}
        }
    }
}

fn compare_additional(
    engine: &mut Engine<'_>,
    ctx: &mut Ctx,
    o: NodeRef,
    u: NodeRef,
    on: &ArrayNode,
    un: &ArrayNode,
) {
    ctx.enter("additionalItems");
    additional(
        engine,
        ctx,
        (
            on.forbids_additional,
            on.additional_schema.map(|id| Engine::child(o, id)),
        ),
        (
            un.forbids_additional,
            un.additional_schema.map(|id| Engine::child(u, id)),
        ),
        [
            D::ADDITIONAL_ITEMS_ADDED,
            D::ADDITIONAL_ITEMS_REMOVED,
            D::ADDITIONAL_ITEMS_EXTENDED,
            D::ADDITIONAL_ITEMS_NARROWED,
        ],
    );
    ctx.leave();
}

fn is_open(engine: &Engine<'_>, side: NodeRef, node: &ArrayNode) -> bool {
    if node.forbids_additional || node.additional_schema.is_some() {
        return false;
    }
    node.unevaluated
        .is_none_or(|id| engine.node(Engine::child(side, id)).kind.is_empty_schema())
}

fn covering_schema(engine: &Engine<'_>, side: NodeRef, node: &ArrayNode) -> Option<NodeId> {
    if node.additional_schema.is_some() {
        return node.additional_schema;
    }
    if !node.forbids_additional
        && let Some(id) = node.unevaluated
    {
        let kind = &engine.node(Engine::child(side, id)).kind;
        if !matches!(kind, Kind::False) && !kind.is_empty_schema() {
            return Some(id);
        }
    }
    None
}

fn compare_tuple(
    engine: &mut Engine<'_>,
    ctx: &mut Ctx,
    o: NodeRef,
    u: NodeRef,
    on: &ArrayNode,
    un: &ArrayNode,
) {
    let common = on.item_schemas.len().min(un.item_schemas.len());
    for (index, (a, b)) in on.item_schemas.iter().zip(&un.item_schemas).enumerate() {
        ctx.enter(format!("items/{index}"));
        engine.compare(ctx, Some(Engine::child(o, *a)), Some(Engine::child(u, *b)));
        ctx.leave();
    }
    for (index, item) in on.item_schemas.iter().enumerate().skip(common) {
        ctx.enter(format!("items/{index}"));
        let item = Engine::child(o, *item);
        if is_open(engine, u, un) {
            ctx.add(D::ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL);
        } else if let Some(cover) = covering_schema(engine, u, un) {
            let mut sub = ctx.sub();
            engine.compare(&mut sub, Some(item), Some(Engine::child(u, cover)));
            let compatible = engine.is_compatible(&sub);
            ctx.extend(sub.into_diffs());
            ctx.add(if compatible {
                D::ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
            } else {
                D::ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
            });
        } else if matches!(engine.node(item).kind, Kind::False) {
            ctx.add(D::ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL);
        } else {
            ctx.add(D::ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL);
        }
        ctx.leave();
    }
    for (index, item) in un.item_schemas.iter().enumerate().skip(common) {
        ctx.enter(format!("items/{index}"));
        let item = Engine::child(u, *item);
        if is_open(engine, o, on) {
            ctx.add(if engine.node(item).kind.is_empty_schema() {
                D::ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
            } else {
                D::ITEM_ADDED_TO_OPEN_CONTENT_MODEL
            });
        } else if let Some(cover) = covering_schema(engine, o, on) {
            let mut sub = ctx.sub();
            engine.compare(&mut sub, Some(Engine::child(o, cover)), Some(item));
            let compatible = engine.is_compatible(&sub);
            ctx.extend(sub.into_diffs());
            ctx.add(if compatible {
                D::ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
            } else {
                D::ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
            });
        } else {
            ctx.add(D::ITEM_ADDED_TO_CLOSED_CONTENT_MODEL);
        }
        ctx.leave();
    }
}
