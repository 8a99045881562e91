//! Schema identity: Confluent's MD5 over the canonical string, references and metadata,
//! and the GUID rendered from it (spec §4.2).
