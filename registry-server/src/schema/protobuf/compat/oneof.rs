//! Oneofs, as the released versions compare them: per update oneof, how many of its members
//! were plain fields before (moved) or members of some original oneof (existing); then
//! oneofs matched by name, members by tag (a oneof added or removed is not looked into).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::message::by_tag;
use super::{Ctx, DiffKind, Engine};
use crate::schema::limits::CheckAborted;
use crate::schema::protobuf::ast::{Field, Message, Oneof};

impl<'a> Engine<'a> {
    /// Flags update oneofs that took in more than one plain field, or one plain field next
    /// to members of an original oneof. The moved fields leave `original_plain`, so they are
    /// not also reported as removed.
    pub(super) fn check_moved_into_oneofs(
        &mut self,
        ctx: &mut Ctx,
        original: &'a Message,
        update: &'a Message,
        original_plain: &mut BTreeMap<i32, &'a Field>,
    ) -> Result<(), CheckAborted> {
        let in_original_oneofs: HashSet<i32> = original
            .oneofs
            .iter()
            .flat_map(|o| o.fields.iter().map(|f| f.number))
            .collect();
        for oneof in &update.oneofs {
            let (mut moved, mut existing) = (0_usize, 0_usize);
            for field in &oneof.fields {
                self.budget.charge(1)?;
                if original_plain.remove(&field.number).is_some() {
                    moved += 1;
                } else if in_original_oneofs.contains(&field.number) {
                    existing += 1;
                }
            }
            let kind = if moved > 1 {
                DiffKind::MULTIPLE_FIELDS_MOVED_TO_ONEOF
            } else if moved == 1 && existing > 0 {
                DiffKind::FIELD_MOVED_TO_EXISTING_ONEOF
            } else {
                continue;
            };
            ctx.push_path(oneof.name.clone());
            ctx.add(kind);
            ctx.pop_path();
        }
        Ok(())
    }

    /// Oneofs by name: added, removed, or members compared by tag.
    pub(super) fn compare_oneofs(
        &mut self,
        ctx: &mut Ctx,
        original: &'a Message,
        update: &'a Message,
    ) -> Result<(), CheckAborted> {
        let mut names: Vec<&str> = Vec::new();
        for oneof in original.oneofs.iter().chain(&update.oneofs) {
            if !names.contains(&oneof.name.as_str()) {
                names.push(&oneof.name);
            }
        }
        let last = |oneofs: &'a [Oneof], name: &str| oneofs.iter().rev().find(|o| o.name == name);
        for name in names {
            self.budget.charge(1)?;
            ctx.push_path(name.to_owned());
            match (last(&original.oneofs, name), last(&update.oneofs, name)) {
                (Some(_), None) => ctx.add(DiffKind::ONEOF_REMOVED),
                (None, Some(_)) => ctx.add(DiffKind::ONEOF_ADDED),
                (Some(o), Some(u)) => self.compare_members_of(ctx, o, u)?,
                (None, None) => {}
            }
            ctx.pop_path();
        }
        Ok(())
    }

    fn compare_members_of(
        &mut self,
        ctx: &mut Ctx,
        original: &'a Oneof,
        update: &'a Oneof,
    ) -> Result<(), CheckAborted> {
        let original = by_tag(&original.fields);
        let update = by_tag(&update.fields);
        let tags: BTreeSet<i32> = original.keys().chain(update.keys()).copied().collect();
        for tag in tags {
            self.budget.charge(1)?;
            ctx.push_path(tag.to_string());
            match (original.get(&tag), update.get(&tag)) {
                (Some(_), None) => ctx.add(DiffKind::ONEOF_FIELD_REMOVED),
                (None, Some(_)) => ctx.add(DiffKind::ONEOF_FIELD_ADDED),
                (Some(o), Some(u)) => self.compare_field(ctx, o, u)?,
                (None, None) => {}
            }
            ctx.pop_path();
        }
        Ok(())
    }
}
