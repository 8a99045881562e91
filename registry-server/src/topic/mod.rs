//! A Confluent or Karapace schemas topic (`_schemas`) as a source: `import --from-kafka`
//! reads it once, `serve --follow-kafka` keeps following it.
//!
//! - [`record`]: one record's key and value decoded (pure, bounded, fuzzed).
//! - [`fold`]: records applied in offset order into the state they describe (pure).
//! - [`kafka`]: the broker connection (rskafka; SASL and TLS options as Kafka names them).
//! - [`replay`]: reading the topic into a fold, counting skipped records.
//! - [`apply`]: folded state written through the registry's mirror use-cases.
//! - [`follow`]: the follower task and the status the API reads.

pub mod apply;
pub mod fold;
pub mod follow;
pub mod kafka;
mod order;
pub mod record;
pub mod replay;

#[cfg(test)]
mod tests;
