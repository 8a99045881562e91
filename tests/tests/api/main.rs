//! REST API behaviour, every test on SQLite and on PostgreSQL (spec checklist items cited).

mod admin_flow;
mod admin_replay;
mod aliases;
mod avro_compat;
mod avro_replay;
mod concurrent_writes;
mod config;
mod contexts;
mod contracts;
mod deletes;
mod fidelity;
mod json_schemas;
mod mode;
mod openapi;
mod protobuf;
mod reads;
mod register;
mod repeats;
mod request_limits;
mod settings_races;
mod transport;
