//! The Protobuf field walk: every field of the message and of the messages it holds (singular,
//! repeated, map values), with the field's full name (`package.Message.field`) and its tags
//! (inline `(confluent.field_meta).tags` and `metadata.tags`). A field with presence that is unset
//! is skipped (as Python 2.16 does); other fields are visited with their value, the default when
//! unset. Enums and the well-known leaf messages (`Timestamp`, wrappers, ...) are left alone.

use std::collections::BTreeSet;

use cel::Value;
use cel::common::value::Val;
use prost_reflect::{DynamicMessage, FieldDescriptor, Kind, ReflectMessage, Value as Pv};

use super::cel_value::{MAX_DEPTH, to_view};
use super::fields::{FieldCx, Stop, Visitor, too_deep};
use super::proto_cel::{is_leaf_message, kind_from, message_value, scalar_value, type_name};
use super::tags::TagPatterns;
use crate::protobuf::field_meta::InlineTags;

pub(crate) fn walk(
    m: &mut DynamicMessage,
    inline: &InlineTags,
    patterns: &TagPatterns,
    visitor: &mut dyn Visitor,
) -> Result<(), Stop> {
    let mut w = Walker {
        inline,
        patterns,
        visitor,
    };
    w.message(m, 0)
}

struct Walker<'a> {
    inline: &'a InlineTags,
    patterns: &'a TagPatterns,
    visitor: &'a mut dyn Visitor,
}

impl Walker<'_> {
    fn message(&mut self, m: &mut DynamicMessage, depth: usize) -> Result<(), Stop> {
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        let view = if self.visitor.wants_message() {
            Some(to_view(message_value(m, 0)?)?)
        } else {
            None
        };
        let no_tags = BTreeSet::new();
        for f in m.descriptor().fields() {
            if f.supports_presence() && !m.has_field(&f) {
                continue;
            }
            let value_kind = if f.is_map() {
                match f.kind() {
                    Kind::Message(entry) => entry.map_entry_value_field().kind(),
                    k => k,
                }
            } else {
                f.kind()
            };
            match &value_kind {
                Kind::Message(sub) if is_leaf_message(sub) => {}
                Kind::Message(_) => match m.get_field_mut(&f) {
                    Pv::Message(sub) => self.message(sub, depth + 1)?,
                    Pv::List(items) => {
                        for x in items {
                            if let Pv::Message(sub) = x {
                                self.message(sub, depth + 1)?;
                            }
                        }
                    }
                    Pv::Map(entries) => {
                        for x in entries.values_mut() {
                            if let Pv::Message(sub) = x {
                                self.message(sub, depth + 1)?;
                            }
                        }
                    }
                    _ => {}
                },
                kind => {
                    let Some(type_name) = type_name(kind) else {
                        continue; // enums
                    };
                    let inline = self.inline.get(f.full_name()).unwrap_or(&no_tags);
                    let tags = self.patterns.tags(f.full_name(), inline);
                    if !self.visitor.selects(&tags) {
                        continue;
                    }
                    let cx = FieldCx {
                        full_name: f.full_name(),
                        name: f.name(),
                        type_name,
                        tags: &tags,
                    };
                    let slot = m.get_field_mut(&f);
                    self.scalars(&f, kind, &cx, slot, view.as_deref())?;
                }
            }
        }
        Ok(())
    }

    /// Visits a scalar field: each item of a repeated field, each value of a map field.
    fn scalars(
        &mut self,
        f: &FieldDescriptor,
        kind: &Kind,
        cx: &FieldCx<'_>,
        slot: &mut Pv,
        message: Option<&dyn Val>,
    ) -> Result<(), Stop> {
        match slot {
            Pv::List(items) => {
                for x in items {
                    self.scalar(f, kind, cx, x, message)?;
                }
                Ok(())
            }
            Pv::Map(entries) => {
                for x in entries.values_mut() {
                    self.scalar(f, kind, cx, x, message)?;
                }
                Ok(())
            }
            x => self.scalar(f, kind, cx, x, message),
        }
    }

    fn scalar(
        &mut self,
        f: &FieldDescriptor,
        kind: &Kind,
        cx: &FieldCx<'_>,
        slot: &mut Pv,
        message: Option<&dyn Val>,
    ) -> Result<(), Stop> {
        let value: Value = scalar_value(slot);
        let Some(new) = self.visitor.visit(cx, value, message)? else {
            return Ok(());
        };
        *slot = kind_from(kind, &new, 0).map_err(|e| {
            Stop::Error(format!(
                "field {}: the transform's result {e}",
                f.full_name()
            ))
        })?;
        Ok(())
    }
}
