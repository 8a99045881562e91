//! Avro Java's `Schema.toString()` compact form, the string Confluent stores: fixed
//! attribute order, namespaces elided relative to the enclosing one, named types written by
//! name after their first definition (or when already known from a reference).

use std::collections::HashSet;

use super::json::{write_str, write_value};
use super::model::{Graph, Named, Node, NodeId, Order, Props};

/// Writes `root` the way `Schema.toString(knownNames, false)` does; `known` holds the full
/// names to write by name only (referenced types) and collects every name written.
pub(crate) fn write(graph: &Graph, root: NodeId, known: &mut HashSet<String>, out: &mut String) {
    write_node(graph, root, known, None, out);
}

/// `Schema.toString()` of a sub-schema on its own (used in error messages).
pub(crate) fn write_inline(graph: &Graph, id: NodeId, out: &mut String) {
    write_node(graph, id, &mut HashSet::new(), None, out);
}

fn write_node(
    graph: &Graph,
    id: NodeId,
    known: &mut HashSet<String>,
    space: Option<&str>,
    out: &mut String,
) {
    let node = graph.node(id);
    if let Some(named) = node.named()
        && !known.insert(named.name.full())
    {
        write_str(out, &named.name.qualified_in(space));
        return;
    }
    match node {
        Node::Primitive { kind, props } => {
            if props.is_empty() {
                write_str(out, kind.name());
            } else {
                out.push_str("{\"type\":");
                write_str(out, kind.name());
                write_props(props, out);
                out.push('}');
            }
        }
        Node::Record {
            named,
            fields,
            is_error,
        } => {
            out.push_str(if *is_error {
                "{\"type\":\"error\""
            } else {
                "{\"type\":\"record\""
            });
            write_name(named, space, out);
            write_doc(named.doc.as_deref(), out);
            out.push_str(",\"fields\":[");
            let inner = named.name.space.as_deref();
            for (i, field) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str("{\"name\":");
                write_str(out, &field.name);
                out.push_str(",\"type\":");
                write_node(graph, field.ty, known, inner, out);
                write_doc(field.doc.as_deref(), out);
                if let Some(default) = &field.default {
                    out.push_str(",\"default\":");
                    write_value(out, default);
                }
                if field.order != Order::Ascending {
                    out.push_str(",\"order\":");
                    write_str(out, field.order.name());
                }
                if !field.aliases.is_empty() {
                    out.push_str(",\"aliases\":[");
                    for (i, alias) in field.aliases.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        write_str(out, alias);
                    }
                    out.push(']');
                }
                write_props(&field.props, out);
                out.push('}');
            }
            out.push(']');
            write_props(&named.props, out);
            write_aliases(named, out);
            out.push('}');
        }
        Node::Enum {
            named,
            symbols,
            default,
        } => {
            out.push_str("{\"type\":\"enum\"");
            write_name(named, space, out);
            write_doc(named.doc.as_deref(), out);
            out.push_str(",\"symbols\":[");
            for (i, symbol) in symbols.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(out, symbol);
            }
            out.push(']');
            if let Some(default) = default {
                out.push_str(",\"default\":");
                write_str(out, default);
            }
            write_props(&named.props, out);
            write_aliases(named, out);
            out.push('}');
        }
        Node::Fixed { named, size } => {
            out.push_str("{\"type\":\"fixed\"");
            write_name(named, space, out);
            write_doc(named.doc.as_deref(), out);
            out.push_str(&format!(",\"size\":{size}"));
            write_props(&named.props, out);
            write_aliases(named, out);
            out.push('}');
        }
        Node::Array { items, props } => {
            out.push_str("{\"type\":\"array\",\"items\":");
            write_node(graph, *items, known, space, out);
            write_props(props, out);
            out.push('}');
        }
        Node::Map { values, props } => {
            out.push_str("{\"type\":\"map\",\"values\":");
            write_node(graph, *values, known, space, out);
            write_props(props, out);
            out.push('}');
        }
        Node::Union { branches } => {
            out.push('[');
            for (i, branch) in branches.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_node(graph, *branch, known, space, out);
            }
            out.push(']');
        }
    }
}

/// `Name.writeName`: the namespace only when it differs from the enclosing one, and an
/// explicit empty namespace for a null namespace inside a non-null one.
fn write_name(named: &Named, space: Option<&str>, out: &mut String) {
    out.push_str(",\"name\":");
    write_str(out, &named.name.name);
    match (&named.name.space, space) {
        (Some(own), enclosing) if Some(own.as_str()) != enclosing => {
            out.push_str(",\"namespace\":");
            write_str(out, own);
        }
        (None, Some(_)) => out.push_str(",\"namespace\":\"\""),
        _ => {}
    }
}

fn write_doc(doc: Option<&str>, out: &mut String) {
    if let Some(doc) = doc {
        out.push_str(",\"doc\":");
        write_str(out, doc);
    }
}

fn write_props(props: &Props, out: &mut String) {
    for (key, value) in props {
        out.push(',');
        write_str(out, key);
        out.push(':');
        write_value(out, value);
    }
}

fn write_aliases(named: &Named, out: &mut String) {
    if named.aliases.is_empty() {
        return;
    }
    out.push_str(",\"aliases\":[");
    for (i, alias) in named.aliases.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(out, &alias.qualified_in(named.name.space.as_deref()));
    }
    out.push(']');
}
