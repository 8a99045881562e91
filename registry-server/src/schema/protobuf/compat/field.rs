//! Fields of one tag: name, kind (scalar incl. enums / message / map), scalar group, label,
//! and named types compared by local name and, when imported, by definition.

use super::{Ctx, DiffKind, Engine, ORIGINAL, UPDATE};
use crate::schema::limits::CheckAborted;
use crate::schema::protobuf::ast::{Field, FieldType, Label, NamedKind, Scalar};
use crate::schema::protobuf::resolve::{Body, Origin};

/// A field's type as compared: a `map<K, V>` or a named map-entry message both become `Map`.
enum Ty<'a> {
    Scalar(Scalar),
    Named(&'a str),
    Map(Box<Ty<'a>>, Box<Ty<'a>>),
}

impl<'a> Ty<'a> {
    fn of(field_type: &'a FieldType) -> Self {
        match field_type {
            FieldType::Scalar(s) => Ty::Scalar(*s),
            FieldType::Named(name) => Ty::Named(name),
            FieldType::Map { key, value } => {
                Ty::Map(Box::new(Ty::Scalar(*key)), Box::new(Ty::of_value(value)))
            }
        }
    }

    /// A map value, which valid input never makes a map again; one that does compares as
    /// its written name would not, so it is kept as an opaque message-kind name.
    fn of_value(field_type: &'a FieldType) -> Self {
        match field_type {
            FieldType::Map { .. } => Ty::Named(""),
            other => Ty::of(other),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Scalar,
    Message,
    Map,
}

/// Scalars whose values read as each other (enums read as the first group).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScalarGroup {
    GeneralNumber,
    SignedNumber,
    StringOrBytes,
    Fixed32,
    Fixed64,
    Float,
    Double,
}

fn group_of(scalar: Scalar) -> ScalarGroup {
    match scalar {
        Scalar::Int32 | Scalar::Int64 | Scalar::Uint32 | Scalar::Uint64 | Scalar::Bool => {
            ScalarGroup::GeneralNumber
        }
        Scalar::Sint32 | Scalar::Sint64 => ScalarGroup::SignedNumber,
        Scalar::String | Scalar::Bytes => ScalarGroup::StringOrBytes,
        Scalar::Fixed32 | Scalar::Sfixed32 => ScalarGroup::Fixed32,
        Scalar::Fixed64 | Scalar::Sfixed64 => ScalarGroup::Fixed64,
        Scalar::Float => ScalarGroup::Float,
        Scalar::Double => ScalarGroup::Double,
    }
}

impl<'a> Engine<'a> {
    /// Compares two fields of one tag; `ctx`'s path ends at the tag.
    pub(super) fn compare_field(
        &mut self,
        ctx: &mut Ctx,
        original: &'a Field,
        update: &'a Field,
    ) -> Result<(), CheckAborted> {
        self.budget.charge(1)?;
        if original.name != update.name {
            ctx.add(DiffKind::FIELD_NAME_CHANGED);
        }
        self.compare_labels_and_types(
            ctx,
            original.label,
            update.label,
            Ty::of(&original.field_type),
            Ty::of(&update.field_type),
        )
    }

    fn compare_labels_and_types(
        &mut self,
        ctx: &mut Ctx,
        original_label: Option<Label>,
        update_label: Option<Label>,
        original: Ty<'a>,
        update: Ty<'a>,
    ) -> Result<(), CheckAborted> {
        self.enter()?;
        let original = self.expand_map_entry(ctx, ORIGINAL, original);
        let update = self.expand_map_entry(ctx, UPDATE, update);
        let kinds = (
            self.kind(ctx, ORIGINAL, &original),
            self.kind(ctx, UPDATE, &update),
        );
        if kinds.0 != kinds.1 {
            ctx.add(DiffKind::FIELD_KIND_CHANGED);
        } else {
            match (original, update) {
                (Ty::Map(o_key, o_value), Ty::Map(u_key, u_value)) => {
                    self.compare_labels_and_types(ctx, None, None, *o_key, *u_key)?;
                    self.compare_labels_and_types(ctx, None, None, *o_value, *u_value)?;
                }
                (o, u) if kinds.0 == Kind::Scalar => {
                    let groups = (
                        self.scalar_group(ctx, ORIGINAL, &o),
                        self.scalar_group(ctx, UPDATE, &u),
                    );
                    if groups.0 != groups.1 {
                        ctx.add(DiffKind::FIELD_SCALAR_KIND_CHANGED);
                    } else if let (Some(o), Some(u)) = (original_label, update_label)
                        && o != u
                    {
                        ctx.add(if groups.0 == Some(ScalarGroup::StringOrBytes) {
                            DiffKind::FIELD_STRING_OR_BYTES_LABEL_CHANGED
                        } else {
                            DiffKind::FIELD_NUMERIC_LABEL_CHANGED
                        });
                    }
                }
                (Ty::Named(o), Ty::Named(u)) => self.compare_named_types(ctx, o, u)?,
                _ => {}
            }
        }
        self.leave();
        Ok(())
    }

    /// A named type that resolves to a map-entry message, as the map it stands for.
    fn expand_map_entry(&self, ctx: &Ctx, side: usize, ty: Ty<'a>) -> Ty<'a> {
        let Ty::Named(written) = ty else {
            return ty;
        };
        let symbols = self.symbols[side];
        let entry = symbols
            .resolve(&ctx.scope(side), written)
            .and_then(|resolved| symbols.lookup(&resolved.full_name))
            .filter(|def| def.is_map_entry());
        let Some(Body::Message(entry)) = entry.map(|def| def.body) else {
            return ty;
        };
        let member = |name: &str| entry.fields.iter().find(|f| f.name == name);
        match (member("key"), member("value")) {
            (Some(key), Some(value)) => Ty::Map(
                Box::new(Ty::of_value(&key.field_type)),
                Box::new(Ty::of_value(&value.field_type)),
            ),
            _ => ty,
        }
    }

    fn named_kind(&self, ctx: &Ctx, side: usize, written: &str) -> Option<NamedKind> {
        self.symbols[side]
            .resolve(&ctx.scope(side), written)
            .map(|r| r.kind)
    }

    fn kind(&self, ctx: &Ctx, side: usize, ty: &Ty<'_>) -> Kind {
        match ty {
            Ty::Scalar(_) => Kind::Scalar,
            Ty::Map(..) => Kind::Map,
            Ty::Named(written) => match self.named_kind(ctx, side, written) {
                Some(NamedKind::Enum) => Kind::Scalar,
                _ => Kind::Message,
            },
        }
    }

    fn scalar_group(&self, ctx: &Ctx, side: usize, ty: &Ty<'_>) -> Option<ScalarGroup> {
        match ty {
            Ty::Scalar(s) => Some(group_of(*s)),
            Ty::Named(written) => (self.named_kind(ctx, side, written) == Some(NamedKind::Enum))
                .then_some(ScalarGroup::GeneralNumber),
            Ty::Map(..) => None,
        }
    }

    /// Two message-typed fields: same local name (name inside its package), and when either
    /// side's type comes from an imported file, the same definition. Names that do not
    /// resolve compare as written.
    fn compare_named_types(
        &mut self,
        ctx: &mut Ctx,
        original: &str,
        update: &str,
    ) -> Result<(), CheckAborted> {
        let [o_symbols, u_symbols] = self.symbols;
        let definitions = o_symbols
            .resolve(&ctx.scope(ORIGINAL), original)
            .and_then(|o| o_symbols.lookup(&o.full_name))
            .zip(
                u_symbols
                    .resolve(&ctx.scope(UPDATE), update)
                    .and_then(|u| u_symbols.lookup(&u.full_name)),
            );
        let Some((o_def, u_def)) = definitions else {
            if original != update {
                ctx.add(DiffKind::FIELD_NAMED_TYPE_CHANGED);
            }
            return Ok(());
        };
        if o_def.local_name() != u_def.local_name() {
            ctx.add(DiffKind::FIELD_NAMED_TYPE_CHANGED);
            return Ok(());
        }
        // Types of the schema itself are compared where they are declared.
        if o_def.origin == Origin::Root && u_def.origin == Origin::Root {
            return Ok(());
        }
        let (Body::Message(o_message), Body::Message(u_message)) = (o_def.body, u_def.body) else {
            return Ok(());
        };
        let mut sub = ctx.sub(
            [o_def.package.to_owned(), u_def.package.to_owned()],
            o_def.local_name(),
        );
        self.enter()?;
        self.compare_message(&mut sub, o_message, u_message)?;
        self.leave();
        let incompatible = !sub.is_compatible();
        ctx.diffs.append(&mut sub.diffs);
        if incompatible {
            ctx.add(DiffKind::FIELD_NAMED_TYPE_CHANGED);
        }
        Ok(())
    }
}
