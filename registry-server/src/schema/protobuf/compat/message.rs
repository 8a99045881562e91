//! Messages and enums: matched by name within a scope (messages also by position), fields
//! by tag, enum constants by number.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{Ctx, DiffKind, Engine, ORIGINAL};
use crate::schema::limits::CheckAborted;
use crate::schema::protobuf::ast::{Enum, Field, Label, Message, ProtoFile};
use crate::schema::protobuf::resolve::is_map_entry;

/// The messages and enums declared in one scope.
#[derive(Clone, Copy)]
pub(super) struct Types<'a> {
    messages: &'a [Message],
    enums: &'a [Enum],
}

impl<'a> Types<'a> {
    pub(super) fn of_file(file: &'a ProtoFile) -> Self {
        Types {
            messages: &file.messages,
            enums: &file.enums,
        }
    }

    fn of_message(message: &'a Message) -> Self {
        Types {
            messages: &message.messages,
            enums: &message.enums,
        }
    }
}

/// Items by name (the last of a repeated name wins) and the names in first-seen order over
/// both sides.
struct ByName<'a, T> {
    original: HashMap<&'a str, (usize, &'a T)>,
    update: HashMap<&'a str, (usize, &'a T)>,
    names: Vec<&'a str>,
}

impl<'a, T> ByName<'a, T> {
    fn new(original: &'a [T], update: &'a [T], name: impl Fn(&'a T) -> &'a str) -> Self {
        let mut names = Vec::new();
        let mut index = |items: &'a [T]| {
            let mut map = HashMap::new();
            for (i, item) in items.iter().enumerate() {
                let key = name(item);
                if map.insert(key, (i, item)).is_none() && !names.contains(&key) {
                    names.push(key);
                }
            }
            map
        };
        let original = index(original);
        let update = index(update);
        ByName {
            original,
            update,
            names,
        }
    }
}

/// Fields by tag, the last of a repeated tag winning.
pub(super) fn by_tag(fields: &[Field]) -> BTreeMap<i32, &Field> {
    fields.iter().map(|f| (f.number, f)).collect()
}

impl<'a> Engine<'a> {
    /// Compares the messages and enums declared in one scope.
    pub(super) fn compare_types(
        &mut self,
        ctx: &mut Ctx,
        original: Types<'a>,
        update: Types<'a>,
    ) -> Result<(), CheckAborted> {
        self.enter()?;
        let messages = ByName::new(original.messages, update.messages, |m| m.name.as_str());
        for name in &messages.names {
            self.budget.charge(1)?;
            ctx.push_name(name);
            match (messages.original.get(name), messages.update.get(name)) {
                (Some((_, o)), None) if !is_map_entry(o) => ctx.add(DiffKind::MESSAGE_REMOVED),
                (None, Some((_, u))) if !is_map_entry(u) => ctx.add(DiffKind::MESSAGE_ADDED),
                (Some((o_index, o)), Some((u_index, u))) => {
                    self.compare_message(ctx, o, u)?;
                    // Indexes count messages only; a move changes data's message indexes,
                    // which always refer to the writer's own schema, so it is compatible.
                    if o_index != u_index {
                        ctx.add(DiffKind::MESSAGE_MOVED);
                    }
                }
                _ => {}
            }
            ctx.pop_name();
        }
        let enums = ByName::new(original.enums, update.enums, |e| e.name.as_str());
        for name in &enums.names {
            self.budget.charge(1)?;
            ctx.push_name(name);
            match (enums.original.get(name), enums.update.get(name)) {
                (Some(_), None) => ctx.add(DiffKind::ENUM_REMOVED),
                (None, Some(_)) => ctx.add(DiffKind::ENUM_ADDED),
                (Some((_, o)), Some((_, u))) => self.compare_enum(ctx, o, u)?,
                (None, None) => {}
            }
            ctx.pop_name();
        }
        self.leave();
        Ok(())
    }

    /// Compares two messages of one name; `ctx` has entered that name.
    pub(super) fn compare_message(
        &mut self,
        ctx: &mut Ctx,
        original: &'a Message,
        update: &'a Message,
    ) -> Result<(), CheckAborted> {
        self.enter()?;
        let key = ctx.scope(ORIGINAL);
        let fresh = !ctx.in_progress.contains(&key);
        if fresh {
            ctx.in_progress.push(key);
            self.compare_members(ctx, original, update)?;
        }
        self.compare_types(ctx, Types::of_message(original), Types::of_message(update))?;
        if fresh {
            ctx.in_progress.pop();
        }
        self.leave();
        Ok(())
    }

    fn compare_members(
        &mut self,
        ctx: &mut Ctx,
        original: &'a Message,
        update: &'a Message,
    ) -> Result<(), CheckAborted> {
        let mut original_plain = by_tag(&original.fields);
        let update_plain = by_tag(&update.fields);
        self.check_moved_into_oneofs(ctx, original, update, &mut original_plain)?;
        self.compare_oneofs(ctx, original, update)?;
        let tags: BTreeSet<i32> = original_plain
            .keys()
            .chain(update_plain.keys())
            .copied()
            .collect();
        for tag in tags {
            self.budget.charge(1)?;
            ctx.push_path(tag.to_string());
            match (original_plain.get(&tag), update_plain.get(&tag)) {
                (Some(o), None) => ctx.add(if o.label == Some(Label::Required) {
                    DiffKind::REQUIRED_FIELD_REMOVED
                } else {
                    DiffKind::FIELD_REMOVED
                }),
                (None, Some(u)) => ctx.add(if u.label == Some(Label::Required) {
                    DiffKind::REQUIRED_FIELD_ADDED
                } else {
                    DiffKind::FIELD_ADDED
                }),
                (Some(o), Some(u)) => self.compare_field(ctx, o, u)?,
                (None, None) => {}
            }
            ctx.pop_path();
        }
        Ok(())
    }

    fn compare_enum(
        &mut self,
        ctx: &mut Ctx,
        original: &Enum,
        update: &Enum,
    ) -> Result<(), CheckAborted> {
        let original: BTreeMap<i32, &str> = original
            .values
            .iter()
            .map(|v| (v.number, v.name.as_str()))
            .collect();
        let update: BTreeMap<i32, &str> = update
            .values
            .iter()
            .map(|v| (v.number, v.name.as_str()))
            .collect();
        let numbers: BTreeSet<i32> = original.keys().chain(update.keys()).copied().collect();
        for number in numbers {
            self.budget.charge(1)?;
            let kind = match (original.get(&number), update.get(&number)) {
                (Some(_), None) => DiffKind::ENUM_CONST_REMOVED,
                (None, Some(_)) => DiffKind::ENUM_CONST_ADDED,
                (Some(o), Some(u)) if o != u => DiffKind::ENUM_CONST_CHANGED,
                _ => continue,
            };
            ctx.push_path(number.to_string());
            ctx.add(kind);
            ctx.pop_path();
        }
        Ok(())
    }
}
