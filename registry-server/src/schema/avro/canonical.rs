//! Avro Java's `Schema.toString()` compact form, the string Confluent stores: fixed
//! attribute order, namespaces elided relative to the enclosing one, named types written by
//! name after their first definition (or when already known from a reference).

use std::collections::HashSet;

use super::json::{write_str, write_value};
use super::model::{Graph, Named, Node, NodeId, Order, Props};

/// Deepest nesting [`write_inline`] writes (error messages only; [`write`] takes the limit):
/// chains of named types defined through one another can nest far deeper than the JSON text
/// does, and recursion must stay bounded.
const INLINE_MAX_DEPTH: usize = crate::schema::limits::DEFAULT_MAX_DEPTH;

/// Writes `root` the way `Schema.toString(knownNames, false)` does; `known` holds the full
/// names to write by name only (referenced types) and collects every name written.
///
/// # Errors
/// When the schema nests deeper than `max_depth`.
pub(crate) fn write(
    graph: &Graph,
    root: NodeId,
    known: &mut HashSet<String>,
    out: &mut String,
    max_depth: usize,
) -> Result<(), String> {
    let mut w = Writer {
        graph,
        known,
        out,
        too_deep: false,
        max_depth,
    };
    w.node(root, None, 0);
    if w.too_deep {
        return Err(crate::schema::limits::too_deep("nesting", max_depth));
    }
    Ok(())
}

/// `Schema.toString()` of a sub-schema on its own (used in error messages; cut off past
/// the default depth limit).
pub(crate) fn write_inline(graph: &Graph, id: NodeId, out: &mut String) {
    let mut known = HashSet::new();
    let mut w = Writer {
        graph,
        known: &mut known,
        out,
        too_deep: false,
        max_depth: INLINE_MAX_DEPTH,
    };
    w.node(id, None, 0);
}

struct Writer<'a> {
    graph: &'a Graph,
    known: &'a mut HashSet<String>,
    out: &'a mut String,
    too_deep: bool,
    max_depth: usize,
}

impl Writer<'_> {
    fn node(&mut self, id: NodeId, space: Option<&str>, depth: usize) {
        if depth >= self.max_depth {
            self.too_deep = true;
            return;
        }
        let (graph, depth) = (self.graph, depth + 1);
        write_node(self, graph, id, space, depth);
    }
}

fn write_node(w: &mut Writer<'_>, graph: &Graph, id: NodeId, space: Option<&str>, depth: usize) {
    let node = graph.node(id);
    if let Some(named) = node.named()
        && !w.known.insert(named.name.full())
    {
        write_str(w.out, &named.name.qualified_in(space));
        return;
    }
    match node {
        Node::Primitive { kind, props } => {
            if props.is_empty() {
                write_str(w.out, kind.name());
            } else {
                w.out.push_str("{\"type\":");
                write_str(w.out, kind.name());
                write_props(props, w.out);
                w.out.push('}');
            }
        }
        Node::Record {
            named,
            fields,
            is_error,
            ..
        } => {
            w.out.push_str(if *is_error {
                "{\"type\":\"error\""
            } else {
                "{\"type\":\"record\""
            });
            write_name(named, space, w.out);
            write_doc(named.doc.as_deref(), w.out);
            w.out.push_str(",\"fields\":[");
            let inner = named.name.space.as_deref();
            for (i, field) in fields.iter().enumerate() {
                if i > 0 {
                    w.out.push(',');
                }
                w.out.push_str("{\"name\":");
                write_str(w.out, &field.name);
                w.out.push_str(",\"type\":");
                w.node(field.ty, inner, depth);
                write_doc(field.doc.as_deref(), w.out);
                if let Some(default) = &field.default {
                    w.out.push_str(",\"default\":");
                    write_value(w.out, default);
                }
                if field.order != Order::Ascending {
                    w.out.push_str(",\"order\":");
                    write_str(w.out, field.order.name());
                }
                if !field.aliases.is_empty() {
                    w.out.push_str(",\"aliases\":[");
                    for (i, alias) in field.aliases.iter().enumerate() {
                        if i > 0 {
                            w.out.push(',');
                        }
                        write_str(w.out, alias);
                    }
                    w.out.push(']');
                }
                write_props(&field.props, w.out);
                w.out.push('}');
            }
            w.out.push(']');
            write_props(&named.props, w.out);
            write_aliases(named, w.out);
            w.out.push('}');
        }
        Node::Enum {
            named,
            symbols,
            default,
        } => {
            w.out.push_str("{\"type\":\"enum\"");
            write_name(named, space, w.out);
            write_doc(named.doc.as_deref(), w.out);
            w.out.push_str(",\"symbols\":[");
            for (i, symbol) in symbols.iter().enumerate() {
                if i > 0 {
                    w.out.push(',');
                }
                write_str(w.out, symbol);
            }
            w.out.push(']');
            if let Some(default) = default {
                w.out.push_str(",\"default\":");
                write_str(w.out, default);
            }
            write_props(&named.props, w.out);
            write_aliases(named, w.out);
            w.out.push('}');
        }
        Node::Fixed { named, size } => {
            w.out.push_str("{\"type\":\"fixed\"");
            write_name(named, space, w.out);
            write_doc(named.doc.as_deref(), w.out);
            w.out.push_str(&format!(",\"size\":{size}"));
            write_props(&named.props, w.out);
            write_aliases(named, w.out);
            w.out.push('}');
        }
        Node::Array { items, props } => {
            w.out.push_str("{\"type\":\"array\",\"items\":");
            w.node(*items, space, depth);
            write_props(props, w.out);
            w.out.push('}');
        }
        Node::Map { values, props } => {
            w.out.push_str("{\"type\":\"map\",\"values\":");
            w.node(*values, space, depth);
            write_props(props, w.out);
            w.out.push('}');
        }
        Node::Union { branches } => {
            w.out.push('[');
            for (i, branch) in branches.iter().enumerate() {
                if i > 0 {
                    w.out.push(',');
                }
                w.node(*branch, space, depth);
            }
            w.out.push(']');
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
