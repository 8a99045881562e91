//! The Protobuf file model every step works on: a `.proto` file as written (names as the
//! author spelled them, labels only where written, options in order), whether it came from
//! text or from a serialized `FileDescriptorProto`.
//!
//! Grouping follows how Confluent prints a file: messages and enums kept apart (each in
//! source order), a message's plain fields apart from its oneofs. Nothing here resolves a
//! name; see `resolve` for that.

/// `syntax = "...";` when the file declares one (no declaration means proto2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Proto2,
    Proto3,
}

/// How an `import` line is qualified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Plain,
    Public,
    Weak,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The imported path exactly as written (`google/protobuf/timestamp.proto`).
    pub path: String,
    pub kind: ImportKind,
}

/// One parsed `.proto` file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProtoFile {
    pub syntax: Option<Syntax>,
    /// The package (`acme.v1`), without a leading dot.
    pub package: Option<String>,
    /// In source order.
    pub imports: Vec<Import>,
    pub options: Vec<OptionEntry>,
    /// Top-level messages in source order (map-entry messages of text input are not here:
    /// a `map<K, V>` field stands for them).
    pub messages: Vec<Message>,
    /// Top-level enums in source order.
    pub enums: Vec<Enum>,
    /// Top-level `extend` blocks in source order.
    pub extends: Vec<Extend>,
    pub services: Vec<Service>,
}

/// An option: `name = value`.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionEntry {
    /// The name as written, parentheses included for extensions: `java_package`,
    /// `(acme.sensitive)`, `(acme.rule).min`.
    pub name: String,
    pub value: OptionValue,
}

impl OptionEntry {
    /// Whether this is a custom (extension) option, i.e. its name starts with `(`.
    #[must_use]
    pub fn is_custom(&self) -> bool {
        self.name.starts_with('(')
    }
}

/// An option's value.
#[derive(Debug, Clone, PartialEq)]
pub enum OptionValue {
    /// An identifier: `true`, `false`, an enum constant (`SPEED`), `inf`, `nan`.
    Identifier(String),
    /// A string literal, already unescaped (may hold any bytes).
    String(Vec<u8>),
    /// An integer: the sign, and the magnitude in decimal.
    Int { negative: bool, magnitude: u64 },
    /// A floating-point literal.
    Float(f64),
    /// A message literal `{ key: value ... }`, entries in written order.
    Aggregate(Vec<AggregateEntry>),
}

/// One `key: value` inside an aggregate option value.
#[derive(Debug, Clone, PartialEq)]
pub struct AggregateEntry {
    /// The field name, or `[ext.name]` for an extension.
    pub key: String,
    pub value: AggregateValue,
}

/// A value inside an aggregate.
#[derive(Debug, Clone, PartialEq)]
pub enum AggregateValue {
    Scalar(OptionValue),
    /// `key: [a, b]`
    List(Vec<AggregateValue>),
}

/// A field label, kept only where the file writes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Optional,
    Required,
    Repeated,
}

/// The 15 scalar types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scalar {
    Double,
    Float,
    Int32,
    Int64,
    Uint32,
    Uint64,
    Sint32,
    Sint64,
    Fixed32,
    Fixed64,
    Sfixed32,
    Sfixed64,
    Bool,
    String,
    Bytes,
}

impl Scalar {
    /// The keyword as written in `.proto` text.
    #[must_use]
    pub fn keyword(self) -> &'static str {
        match self {
            Scalar::Double => "double",
            Scalar::Float => "float",
            Scalar::Int32 => "int32",
            Scalar::Int64 => "int64",
            Scalar::Uint32 => "uint32",
            Scalar::Uint64 => "uint64",
            Scalar::Sint32 => "sint32",
            Scalar::Sint64 => "sint64",
            Scalar::Fixed32 => "fixed32",
            Scalar::Fixed64 => "fixed64",
            Scalar::Sfixed32 => "sfixed32",
            Scalar::Sfixed64 => "sfixed64",
            Scalar::Bool => "bool",
            Scalar::String => "string",
            Scalar::Bytes => "bytes",
        }
    }

    /// The scalar a keyword names, if it is one.
    #[must_use]
    pub fn from_keyword(word: &str) -> Option<Self> {
        Some(match word {
            "double" => Scalar::Double,
            "float" => Scalar::Float,
            "int32" => Scalar::Int32,
            "int64" => Scalar::Int64,
            "uint32" => Scalar::Uint32,
            "uint64" => Scalar::Uint64,
            "sint32" => Scalar::Sint32,
            "sint64" => Scalar::Sint64,
            "fixed32" => Scalar::Fixed32,
            "fixed64" => Scalar::Fixed64,
            "sfixed32" => Scalar::Sfixed32,
            "sfixed64" => Scalar::Sfixed64,
            "bool" => Scalar::Bool,
            "string" => Scalar::String,
            "bytes" => Scalar::Bytes,
            _ => return None,
        })
    }
}

/// A field's type as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    Scalar(Scalar),
    /// A message or enum name as written: `Inner`, `acme.v1.Order`, `.acme.v1.Order`.
    Named(String),
    /// `map<K, V>`; the key is always a scalar.
    Map {
        key: Scalar,
        value: Box<FieldType>,
    },
}

/// A field of a message, a oneof or an `extend` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub label: Option<Label>,
    pub field_type: FieldType,
    pub name: String,
    pub number: i32,
    /// Options other than `default` and `json_name`, in written order.
    pub options: Vec<OptionEntry>,
    /// `[default = ...]` as its literal text would print (strings unescaped).
    pub default: Option<OptionValue>,
    /// `[json_name = "..."]` when written (or present in a descriptor).
    pub json_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Oneof {
    pub name: String,
    pub options: Vec<OptionEntry>,
    /// Members in source order.
    pub fields: Vec<Field>,
}

/// A proto2 `group`: a field and the message it declares at once.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub label: Option<Label>,
    /// The group's name as written (capitalised; the field is its lower-case form).
    pub name: String,
    pub number: i32,
    pub options: Vec<OptionEntry>,
    pub body: Message,
}

/// A range of field or enum numbers, `end` inclusive (`9 to 11`; `to max` is `end ==
/// i32::MAX` for enums and 536_870_911 for fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberRange {
    pub start: i32,
    pub end: i32,
}

/// One `reserved` statement: ranges or names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reserved {
    Ranges(Vec<NumberRange>),
    Names(Vec<String>),
}

/// One `extensions` statement.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtensionRanges {
    pub ranges: Vec<NumberRange>,
    pub options: Vec<OptionEntry>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Message {
    pub name: String,
    pub options: Vec<OptionEntry>,
    pub reserved: Vec<Reserved>,
    /// Fields not in a oneof, in source order.
    pub fields: Vec<Field>,
    /// Written oneofs only (never proto3 `optional`'s synthetic ones), in source order.
    pub oneofs: Vec<Oneof>,
    pub groups: Vec<Group>,
    pub extension_ranges: Vec<ExtensionRanges>,
    pub extends: Vec<Extend>,
    /// Nested messages in source order (for text input: without map entries).
    pub messages: Vec<Message>,
    pub enums: Vec<Enum>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    pub name: String,
    pub number: i32,
    pub options: Vec<OptionEntry>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Enum {
    pub name: String,
    pub options: Vec<OptionEntry>,
    pub reserved: Vec<Reserved>,
    pub values: Vec<EnumValue>,
}

/// `extend Target { ... }`
#[derive(Debug, Clone, PartialEq)]
pub struct Extend {
    /// The extended message's name as written.
    pub extendee: String,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rpc {
    pub name: String,
    pub input: String,
    pub input_stream: bool,
    pub output: String,
    pub output_stream: bool,
    pub options: Vec<OptionEntry>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub name: String,
    pub options: Vec<OptionEntry>,
    pub rpcs: Vec<Rpc>,
}

/// The largest field number (`to max` in a field range).
pub const MAX_FIELD_NUMBER: i32 = 536_870_911;

/// Whether a resolved type name is a message or an enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamedKind {
    Message,
    Enum,
}

/// What a type name as written resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedName {
    /// The fully qualified name with a leading dot: `.acme.v1.Order.Line`.
    pub full_name: String,
    pub kind: NamedKind,
}

/// Resolves a type name as written (`Line`, `v1.Order`, `.acme.v1.Order`) from a scope: the
/// fully qualified name, without a leading dot, of the message whose body names it (or of
/// the package for file-level names such as rpc types and extendees; `""` for no package),
/// following protobuf's scoping rules across the file, its imports and the built-ins.
pub type NameResolver<'a> = dyn Fn(&str, &str) -> Option<ResolvedName> + 'a;
