//! Differences of object schemas: required, properties judged against the open / partially
//! open / closed content model, dependencies, additional and unevaluated properties, bounds.

use std::collections::{BTreeSet, HashSet};

use super::kind::DiffType as D;
use super::{Ctx, Engine, NodeRef};
use crate::schema::json::model::{Kind, NodeId, ObjectNode};

pub(super) fn compare(
    engine: &mut Engine<'_>,
    ctx: &mut Ctx,
    o: NodeRef,
    u: NodeRef,
    on: &ObjectNode,
    un: &ObjectNode,
) {
    // Linear work over the keyword lists, beyond the pairs of subschemas compared.
    let listed = on.properties.len()
        + un.properties.len()
        + on.required.len()
        + un.required.len()
        + on.pattern_properties.len() * (on.properties.len() + un.properties.len())
        + un.pattern_properties.len() * (on.properties.len() + un.properties.len())
        + on.property_dependencies.len()
        + un.property_dependencies.len()
        + on.schema_dependencies.len()
        + un.schema_dependencies.len();
    if !engine.charge(u64::try_from(listed).unwrap_or(u64::MAX)) {
        return;
    }
    compare_required(engine, ctx, o, u, on, un);
    compare_properties(engine, ctx, o, u, on, un);
    compare_dependencies(engine, ctx, o, u, on, un);
    compare_additional(engine, ctx, o, u, on, un);
    compare_unevaluated(engine, ctx, o, u, on, un);
    compare_bounds(ctx, on, un);
}

fn compare_bounds(ctx: &mut Ctx, on: &ObjectNode, un: &ObjectNode) {
    let pairs = [
        (
            "maxProperties",
            on.max_properties,
            un.max_properties,
            [
                D::MAX_PROPERTIES_ADDED,
                D::MAX_PROPERTIES_REMOVED,
                D::MAX_PROPERTIES_INCREASED,
                D::MAX_PROPERTIES_DECREASED,
            ],
        ),
        (
            "minProperties",
            on.min_properties,
            un.min_properties,
            [
                D::MIN_PROPERTIES_ADDED,
                D::MIN_PROPERTIES_REMOVED,
                D::MIN_PROPERTIES_INCREASED,
                D::MIN_PROPERTIES_DECREASED,
            ],
        ),
    ];
    for (keyword, a, b, [added, removed, increased, decreased]) in pairs {
        match (a, b) {
            (None, Some(_)) => ctx.add_at(keyword, added),
            (Some(_), None) => ctx.add_at(keyword, removed),
            (Some(a), Some(b)) if a < b => ctx.add_at(keyword, increased),
            (Some(a), Some(b)) if a > b => ctx.add_at(keyword, decreased),
            _ => {}
        }
    }
}

fn compare_required(
    engine: &Engine<'_>,
    ctx: &mut Ctx,
    _o: NodeRef,
    u: NodeRef,
    on: &ObjectNode,
    un: &ObjectNode,
) {
    ctx.enter("required");
    for (name, _) in &on.properties {
        let Some(update_prop) = un.property(name) else {
            continue;
        };
        let was = on.is_required(name);
        let is = un.is_required(name);
        if was && !is {
            ctx.add_at(name, D::REQUIRED_ATTRIBUTE_REMOVED);
        } else if !was && is {
            let with_default = engine.node(Engine::child(u, update_prop)).has_default();
            ctx.add_at(
                name,
                if with_default {
                    D::REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED
                } else {
                    D::REQUIRED_ATTRIBUTE_ADDED
                },
            );
        }
    }
    ctx.leave();
}

/// Open: anything not listed is allowed (no additional / pattern / unevaluated restriction).
fn is_open(engine: &Engine<'_>, side: NodeRef, node: &ObjectNode) -> bool {
    if node.forbids_additional || node.additional_schema.is_some() {
        return false;
    }
    if !node.pattern_properties.is_empty() {
        return false;
    }
    node.unevaluated
        .is_none_or(|id| engine.node(Engine::child(side, id)).kind.is_empty_schema())
}

/// The schema a partially open model applies to an unlisted property, if any.
fn covering_schema(
    engine: &mut Engine<'_>,
    side: NodeRef,
    node: &ObjectNode,
    property: &str,
) -> Option<NodeId> {
    for (pattern, id) in &node.pattern_properties {
        if engine.pattern_finds(pattern, property) {
            return Some(*id);
        }
    }
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

fn compare_properties(
    engine: &mut Engine<'_>,
    ctx: &mut Ctx,
    o: NodeRef,
    u: NodeRef,
    on: &ObjectNode,
    un: &ObjectNode,
) {
    ctx.enter("properties");
    let mut names: Vec<&str> = on.properties.iter().map(|(k, _)| k.as_str()).collect();
    let mut listed: HashSet<&str> = names.iter().copied().collect();
    for (name, _) in &un.properties {
        if listed.insert(name.as_str()) {
            names.push(name);
        }
    }
    for name in names {
        ctx.enter(name);
        match (on.property(name), un.property(name)) {
            (Some(op), None) => property_removed(engine, ctx, o, u, op, un, name),
            (None, Some(up)) => property_added(engine, ctx, o, u, on, un, up, name),
            (Some(op), Some(up)) => {
                engine.compare(ctx, Some(Engine::child(o, op)), Some(Engine::child(u, up)));
            }
            (None, None) => {}
        }
        ctx.leave();
    }
    ctx.leave();
}

/// A property only the original has; judged on the update's content model.
fn property_removed(
    engine: &mut Engine<'_>,
    ctx: &mut Ctx,
    o: NodeRef,
    u: NodeRef,
    original_prop: NodeId,
    un: &ObjectNode,
    name: &str,
) {
    let original_ref = Engine::child(o, original_prop);
    if is_open(engine, u, un) {
        return ctx.add(D::PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL);
    }
    if let Some(cover) = covering_schema(engine, u, un, name) {
        let mut sub = ctx.sub();
        engine.compare(&mut sub, Some(original_ref), Some(Engine::child(u, cover)));
        let compatible = engine.is_compatible(&sub);
        ctx.extend(sub.into_diffs());
        ctx.add(if compatible {
            D::PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
        } else {
            D::PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
        });
    } else if matches!(engine.node(original_ref).kind, Kind::False) {
        ctx.add(D::PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL);
    } else {
        ctx.add(D::PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL);
    }
}

/// A property only the update has; judged on the original's content model.
#[allow(clippy::too_many_arguments)]
fn property_added(
    engine: &mut Engine<'_>,
    ctx: &mut Ctx,
    o: NodeRef,
    u: NodeRef,
    on: &ObjectNode,
    un: &ObjectNode,
    update_prop: NodeId,
    name: &str,
) {
    let update_ref = Engine::child(u, update_prop);
    let update_node = engine.node(update_ref);
    let required = un.is_required(name);
    if is_open(engine, o, on) {
        let kind = if update_node.kind.is_empty_schema() {
            D::PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
        } else if required && update_node.has_default() {
            D::REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL
        } else if required {
            D::REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL
        } else {
            D::OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL
        };
        return ctx.add(kind);
    }
    if let Some(cover) = covering_schema(engine, o, on, name) {
        let mut sub = ctx.sub();
        engine.compare(&mut sub, Some(Engine::child(o, cover)), Some(update_ref));
        let compatible = engine.is_compatible(&sub);
        ctx.extend(sub.into_diffs());
        ctx.add(if compatible {
            D::PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
        } else {
            D::PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
        });
    }
    ctx.add(if !required {
        D::OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL
    } else if update_node.has_default() {
        D::REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL
    } else {
        D::REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL
    });
}

fn compare_dependencies(
    engine: &mut Engine<'_>,
    ctx: &mut Ctx,
    o: NodeRef,
    u: NodeRef,
    on: &ObjectNode,
    un: &ObjectNode,
) {
    ctx.enter("dependencies");
    let find = |deps: &[(String, Vec<String>)], key: &str| -> Option<BTreeSet<String>> {
        deps.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.iter().cloned().collect())
    };
    let mut keys: Vec<&str> = on
        .property_dependencies
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    keys.extend(un.property_dependencies.iter().map(|(k, _)| k.as_str()));
    keys.dedup();
    let keys: BTreeSet<&str> = keys.into_iter().collect();
    for key in keys {
        let before = find(&on.property_dependencies, key);
        let after = find(&un.property_dependencies, key);
        let kind = match (before, after) {
            (_, None) => Some(D::DEPENDENCY_ARRAY_REMOVED),
            (None, Some(_)) => Some(D::DEPENDENCY_ARRAY_ADDED),
            (Some(a), Some(b)) if a == b => None,
            (Some(a), Some(b)) if b.is_superset(&a) => Some(D::DEPENDENCY_ARRAY_EXTENDED),
            (Some(a), Some(b)) if a.is_superset(&b) => Some(D::DEPENDENCY_ARRAY_NARROWED),
            _ => Some(D::DEPENDENCY_ARRAY_CHANGED),
        };
        if let Some(kind) = kind {
            ctx.add_at(key, kind);
        }
    }
    let find_schema = |deps: &[(String, NodeId)], key: &str| {
        deps.iter().find(|(k, _)| k == key).map(|(_, id)| *id)
    };
    let keys: BTreeSet<&str> = on
        .schema_dependencies
        .iter()
        .chain(un.schema_dependencies.iter())
        .map(|(k, _)| k.as_str())
        .collect();
    for key in keys {
        let before = find_schema(&on.schema_dependencies, key);
        let after = find_schema(&un.schema_dependencies, key);
        ctx.enter(key);
        match (before, after) {
            (_, None) => ctx.add(D::DEPENDENCY_SCHEMA_REMOVED),
            (None, Some(_)) => ctx.add(D::DEPENDENCY_SCHEMA_ADDED),
            (Some(a), Some(b)) => {
                engine.compare(ctx, Some(Engine::child(o, a)), Some(Engine::child(u, b)));
            }
        }
        ctx.leave();
    }
    ctx.leave();
}

fn compare_additional(
    engine: &mut Engine<'_>,
    ctx: &mut Ctx,
    o: NodeRef,
    u: NodeRef,
    on: &ObjectNode,
    un: &ObjectNode,
) {
    ctx.enter("additionalProperties");
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
            D::ADDITIONAL_PROPERTIES_ADDED,
            D::ADDITIONAL_PROPERTIES_REMOVED,
            D::ADDITIONAL_PROPERTIES_EXTENDED,
            D::ADDITIONAL_PROPERTIES_NARROWED,
        ],
    );
    ctx.leave();
}

/// `additionalProperties` / `additionalItems`, each side given as (forbids anything extra,
/// the schema extras must match); types as [added, removed, extended, narrowed] ("added"
/// meaning more is permitted).
pub(super) fn additional(
    engine: &mut Engine<'_>,
    ctx: &mut Ctx,
    (o_forbids, o_schema): (bool, Option<NodeRef>),
    (u_forbids, u_schema): (bool, Option<NodeRef>),
    [added, removed, extended, narrowed]: [D; 4],
) {
    if o_forbids != u_forbids {
        ctx.add(if u_forbids { removed } else { added });
        return;
    }
    match (o_schema, u_schema) {
        (None, Some(_)) => ctx.add(narrowed),
        (Some(_), None) => ctx.add(extended),
        (a, b) => engine.compare(ctx, a, b),
    }
}

fn compare_unevaluated(
    engine: &mut Engine<'_>,
    ctx: &mut Ctx,
    o: NodeRef,
    u: NodeRef,
    on: &ObjectNode,
    un: &ObjectNode,
) {
    if on.unevaluated.is_none() && un.unevaluated.is_none() {
        return;
    }
    ctx.enter("unevaluatedProperties");
    unevaluated(
        engine,
        ctx,
        on.unevaluated.map(|id| Engine::child(o, id)),
        un.unevaluated.map(|id| Engine::child(u, id)),
        [
            D::UNEVALUATED_PROPERTIES_ADDED,
            D::UNEVALUATED_PROPERTIES_REMOVED,
            D::UNEVALUATED_PROPERTIES_EXTENDED,
            D::UNEVALUATED_PROPERTIES_NARROWED,
        ],
    );
    ctx.leave();
}

/// `unevaluatedProperties` / `unevaluatedItems`, types given as [added, removed, extended,
/// narrowed] ("added" meaning more is permitted).
pub(super) fn unevaluated(
    engine: &mut Engine<'_>,
    ctx: &mut Ctx,
    o: Option<NodeRef>,
    u: Option<NodeRef>,
    [added, removed, extended, narrowed]: [D; 4],
) {
    let is_false = |engine: &Engine<'_>, r: NodeRef| matches!(engine.node(r).kind, Kind::False);
    let is_empty = |engine: &Engine<'_>, r: NodeRef| engine.node(r).kind.is_empty_schema();
    match (o, u) {
        (None, None) => {}
        (None, Some(u)) => ctx.add(if is_false(engine, u) {
            removed
        } else {
            narrowed
        }),
        (Some(o), None) => ctx.add(if is_false(engine, o) { added } else { extended }),
        (Some(o), Some(u)) => {
            let (of, uf) = (is_false(engine, o), is_false(engine, u));
            let (oe, ue) = (is_empty(engine, o), is_empty(engine, u));
            if of && !uf {
                ctx.add(added);
            } else if !of && uf {
                ctx.add(removed);
            } else if oe && !ue {
                ctx.add(narrowed);
            } else if !oe && ue {
                ctx.add(extended);
            } else {
                engine.compare(ctx, Some(o), Some(u));
            }
        }
    }
}
