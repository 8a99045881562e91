//! Hostile schemas against the engines (issue 9): deep `$ref` chains and nesting, `$ref`
//! cycles, huge combined schemas. Every case runs on a thread with a 2 MiB stack (tokio's
//! worker and blocking threads have that much), so a recursion that is not bounded shows up as
//! a failed test rather than passing on the big main-thread stack, and under a generous
//! liveness timeout, so unbounded CPU shows up as a failure too.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use registry_server::domain::{CompatibilityLevel, SchemaType};
use registry_server::schema::compat::{self, CheckOptions, PreviousVersion};
use registry_server::schema::json::Policy;
use registry_server::schema::limits::DEFAULT_MAX_DEPTH;
use registry_server::schema::{
    CheckAborted, Dependency, Labels, ParseOptions, ParsedSchema, SchemaError, SchemaLimits,
};

const STACK: usize = 2 * 1024 * 1024;
const LIVENESS: Duration = Duration::from_secs(120);

const LOOKUP: ParseOptions = ParseOptions {
    validate: false,
    normalize: false,
};
const VALIDATE: ParseOptions = ParseOptions {
    validate: true,
    normalize: false,
};
const NORMALIZE: ParseOptions = ParseOptions {
    validate: true,
    normalize: true,
};
const BACKWARD: Labels<'static> = Labels {
    reader: "new",
    writer: "old",
};

/// Runs `f` on a 2 MiB-stack thread and waits at most [`LIVENESS`] for it.
fn on_small_stack<T: Send + 'static>(name: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    run_with_stack(name, STACK, f)
}

fn run_with_stack<T: Send + 'static>(
    name: &str,
    stack: usize,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    let handle = thread::Builder::new()
        .name(name.to_owned())
        .stack_size(stack)
        .spawn(move || {
            let _ = tx.send(f());
        })
        .expect("spawns");
    match rx.recv_timeout(LIVENESS) {
        Ok(value) => {
            handle.join().expect("joins");
            value
        }
        Err(_) => panic!("{name}: no answer within {LIVENESS:?} (or the thread panicked)"),
    }
}

fn parse(
    schema_type: SchemaType,
    text: &str,
    options: ParseOptions,
) -> Result<ParsedSchema, SchemaError> {
    ParsedSchema::parse(schema_type, text, &[], options)
}

fn deep_limits(max_depth: usize) -> SchemaLimits {
    SchemaLimits {
        max_depth,
        ..SchemaLimits::default()
    }
}

// ---------------------------------------------------------------------------------------
// Generated schemas
// ---------------------------------------------------------------------------------------

/// `root → d0 → d1 → … → d{hops-1}`, each definition only a `$ref` to the next; the last
/// one is `leaf`. Parsing it nests `hops + 1` levels.
fn json_ref_chain(hops: usize, leaf: &str) -> String {
    let mut defs = Vec::with_capacity(hops);
    for i in 0..hops {
        let body = if i + 1 == hops {
            leaf.to_owned()
        } else {
            format!(r##"{{"$ref":"#/definitions/d{}"}}"##, i + 1)
        };
        defs.push(format!(r#""d{i}":{body}"#));
    }
    format!(
        r##"{{"$ref":"#/definitions/d0","definitions":{{{}}}}}"##,
        defs.join(",")
    )
}

/// Objects nested through `$ref`s: `d_i = {type: object, properties: {next: $ref d_{i+1}}}`;
/// the model nests `levels` object levels, the last holding `leaf` as its `next`.
fn json_object_chain(levels: usize, leaf: &str) -> String {
    json_chain(levels, leaf, |_, next| {
        format!(r#"{{"type":"object","properties":{{"next":{next}}}}}"#)
    })
}

/// `d_i = wrap(i, $ref d_{i+1})`, the last wrapping `leaf`; the root is a `$ref` to `d0`.
fn json_chain(levels: usize, leaf: &str, wrap: impl Fn(usize, &str) -> String) -> String {
    let mut defs = Vec::with_capacity(levels);
    for i in 0..levels {
        let next = if i + 1 == levels {
            leaf.to_owned()
        } else {
            format!(r##"{{"$ref":"#/definitions/d{}"}}"##, i + 1)
        };
        defs.push(format!(r#""d{i}":{}"#, wrap(i, &next)));
    }
    format!(
        r##"{{"$ref":"#/definitions/d0","definitions":{{{}}}}}"##,
        defs.join(",")
    )
}

/// `{"items":{"items":…}}` nested `depth` deep, in plain JSON.
fn json_items_nesting(depth: usize) -> String {
    let mut text = String::with_capacity(depth * 12);
    for _ in 0..depth {
        text.push_str(r#"{"items":"#);
    }
    text.push_str("{}");
    for _ in 0..depth {
        text.push('}');
    }
    text
}

/// A `keyword` combination of `n` object branches, each with its own required property.
fn json_combined(keyword: &str, n: usize, extra: &str) -> String {
    let branches: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"type":"object","properties":{{"p{i}":{{"type":"string"}}{extra}}},"required":["p{i}"]}}"#
            )
        })
        .collect();
    format!(r#"{{"{keyword}":[{}]}}"#, branches.join(","))
}

fn avro_nested_arrays(depth: usize) -> String {
    let mut text = String::new();
    for _ in 0..depth {
        text.push_str(r#"{"type":"array","items":"#);
    }
    text.push_str(r#""int""#);
    for _ in 0..depth {
        text.push('}');
    }
    text
}

fn avro_nested_records(depth: usize) -> String {
    let mut text = String::new();
    for i in 0..depth {
        text.push_str(&format!(
            r#"{{"type":"record","name":"R{i}","fields":[{{"name":"f","type":"#
        ));
    }
    text.push_str(r#""int""#);
    for _ in 0..depth {
        text.push_str("}]}");
    }
    text
}

fn avro_nested_unions(depth: usize) -> String {
    let mut text = String::new();
    for _ in 0..depth {
        text.push_str(r#"["null",{"type":"map","values":"#);
    }
    text.push_str(r#""int""#);
    for _ in 0..depth {
        text.push_str("}]");
    }
    text
}

/// Records nested through named types defined as fields of the root (their JSON is shallow,
/// their graph is `depth` deep).
fn avro_named_chain(depth: usize, leaf: &str) -> String {
    let fields: Vec<String> = (1..=depth)
        .map(|i| {
            let next = if i == depth {
                format!(r#"{{"name":"v","type":"{leaf}"}}"#)
            } else {
                format!(r#"{{"name":"next","type":"R{}"}}"#, i + 1)
            };
            format!(
                r#"{{"name":"f{i}","type":{{"type":"record","name":"R{i}","fields":[{next}]}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"type":"record","name":"R0","fields":[{{"name":"head","type":"R1"}},{}]}}"#,
        fields.join(",")
    )
}

/// Records defined last-first as fields of the root, each field `next` defaulting to `{}`,
/// so checking the root's default follows `depth` defaults of defaults.
fn avro_default_chain(depth: usize) -> String {
    let mut fields = vec![format!(
        r#"{{"name":"f{depth}","type":{{"type":"record","name":"R{depth}","fields":[{{"name":"g","type":"int","default":1}}]}}}}"#
    )];
    for i in (1..depth).rev() {
        fields.push(format!(
            r#"{{"name":"f{i}","type":{{"type":"record","name":"R{i}","fields":[{{"name":"next","type":"R{}","default":{{}}}}]}}}}"#,
            i + 1
        ));
    }
    fields.push(r#"{"name":"head","type":"R1","default":{}}"#.to_owned());
    format!(
        r#"{{"type":"record","name":"R0","fields":[{}]}}"#,
        fields.join(",")
    )
}

/// A default `{"a":{"a":…{"a":5}}}` for a record whose field is a union of the record and a
/// map of it: both branches match every level but the last, so an unmemoized check tries
/// 2^depth paths.
fn avro_branching_default(depth: usize) -> String {
    let mut value = String::new();
    for _ in 0..depth {
        value.push_str(r#"{"a":"#);
    }
    value.push('5');
    for _ in 0..depth {
        value.push('}');
    }
    format!(
        r#"{{"type":"record","name":"Root","fields":[{{"name":"t","type":{{"type":"record","name":"T","fields":[{{"name":"a","type":["null","T",{{"type":"map","values":"T"}}]}}]}},"default":{value}}}]}}"#
    )
}

/// A union of `n` distinct records.
fn avro_union_of_records(n: usize, field_type: &str) -> String {
    let branches: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"type":"record","name":"B{i}","fields":[{{"name":"x","type":"{field_type}"}}]}}"#
            )
        })
        .collect();
    format!("[{}]", branches.join(","))
}

// ---------------------------------------------------------------------------------------
// Parsing: every deep input answers a clean 42201 message
// ---------------------------------------------------------------------------------------

mod budgets;
mod depth;
mod random;
