//! Compatibility tests: tables of schema pairs (original, update, verdict, every difference
//! as `KIND #/path`), exact messages, labels per direction, and limits.

mod cases_fields;
mod cases_oneofs;
mod cases_refs;
mod cases_types;
mod messages;

use std::sync::Arc;

use super::differences;
use crate::schema::limits::SchemaLimits;
use crate::schema::protobuf::ast::ProtoFile;
use crate::schema::protobuf::resolve::Symbols;
use crate::schema::protobuf::text;

/// One row: `original` is the writer's (older, for BACKWARD) schema, `update` the reader's.
pub(super) struct Case {
    pub name: &'static str,
    pub original: String,
    pub update: String,
    pub original_deps: Vec<(&'static str, String)>,
    pub update_deps: Vec<(&'static str, String)>,
    pub compatible: bool,
    pub changes: Vec<&'static str>,
}

/// A row without imported files.
pub(super) fn case(
    name: &'static str,
    original: String,
    update: String,
    compatible: bool,
    changes: &[&'static str],
) -> Case {
    Case {
        name,
        original,
        update,
        original_deps: Vec::new(),
        update_deps: Vec::new(),
        compatible,
        changes: changes.to_vec(),
    }
}

impl Case {
    /// Adds the imported files (path, text) each side is linked with.
    pub(super) fn deps(
        mut self,
        original: &[(&'static str, String)],
        update: &[(&'static str, String)],
    ) -> Self {
        self.original_deps = original.to_vec();
        self.update_deps = update.to_vec();
        self
    }
}

pub(super) fn p3(body: &str) -> String {
    format!("syntax = \"proto3\";\n{body}\n")
}

pub(super) fn p2(body: &str) -> String {
    format!("syntax = \"proto2\";\n{body}\n")
}

pub(super) fn load(text: &str, deps: &[(&str, String)]) -> (ProtoFile, Symbols) {
    let parse = |t: &str| text::parse(t, 256).unwrap_or_else(|e| panic!("{e}\n{t}"));
    let root = parse(text);
    let deps: Vec<(String, Arc<ProtoFile>)> = deps
        .iter()
        .map(|(path, t)| ((*path).to_owned(), Arc::new(parse(t))))
        .collect();
    let symbols = Symbols::new(&root, &deps);
    (root, symbols)
}

/// Runs every row, then fails listing each row that did not match.
pub(super) fn run(cases: &[Case]) {
    let mut failures = Vec::new();
    for c in cases {
        let original = load(&c.original, &c.original_deps);
        let update = load(&c.update, &c.update_deps);
        let diffs = differences(
            (&original.0, &original.1),
            (&update.0, &update.1),
            &SchemaLimits::default(),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", c.name));
        let mut got: Vec<String> = diffs
            .iter()
            .map(|d| format!("{} {}", d.kind.as_str(), d.path))
            .collect();
        got.sort();
        let mut want: Vec<String> = c.changes.iter().map(|s| (*s).to_owned()).collect();
        want.sort();
        let compatible = diffs.iter().all(|d| d.kind.is_compatible());
        if got != want || compatible != c.compatible {
            failures.push(format!(
                "{}: got {got:?} (compatible {compatible}), want {want:?} (compatible {})",
                c.name, c.compatible
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
