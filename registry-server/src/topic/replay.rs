//! Reading the schemas topic into a [`Folded`] state: every record decoded and applied
//! in offset order, malformed ones skipped with a warning naming their offset.

use super::fold::{Folded, Touched};
use super::kafka::{RawRecord, TopicReader};
use super::record::decode;

/// Warnings kept word for word; past them only the count grows.
const KEPT_WARNINGS: usize = 100;

/// Records skipped while reading (malformed, unsupported, refused by the fold or by the
/// registry), with the first [`KEPT_WARNINGS`] messages.
#[derive(Debug, Default, Clone)]
pub struct Warnings {
    pub count: u64,
    pub messages: Vec<String>,
}

impl Warnings {
    /// Counts a skipped record, keeps its message if there is room, and logs it.
    pub fn push(&mut self, message: String) {
        tracing::warn!(%message, "schemas topic record skipped");
        self.count += 1;
        if self.messages.len() < KEPT_WARNINGS {
            self.messages.push(message);
        }
    }
}

/// Decodes and applies one record; answers the keys it touched (none when skipped).
pub fn fold_record(
    folded: &mut Folded,
    record: RawRecord,
    warnings: &mut Warnings,
) -> Vec<Touched> {
    let offset = record.offset;
    match decode(record.key.as_deref(), record.value.as_deref()) {
        Ok(decoded) => match folded.apply(decoded, record.timestamp) {
            Ok(touched) => touched,
            Err(refused) => {
                warnings.push(format!("offset {offset}: {refused}"));
                Vec::new()
            }
        },
        Err(malformed) => {
            warnings.push(format!("offset {offset}: {malformed}"));
            Vec::new()
        }
    }
}

/// The topic read from its first kept record up to `end` (exclusive).
#[derive(Debug, Default)]
pub struct Replayed {
    pub folded: Folded,
    pub warnings: Warnings,
    /// Records read.
    pub records: u64,
    /// The offset after the last record read (where following goes on).
    pub next_offset: i64,
}

/// Reads the topic from its first kept record up to `end` (the high watermark when the
/// read began), folding as it goes.
///
/// # Errors
/// The broker fails to answer.
pub async fn read_until(reader: &TopicReader, end: i64) -> anyhow::Result<Replayed> {
    let mut replayed = Replayed {
        next_offset: reader.start_offset().await?,
        ..Replayed::default()
    };
    read_more(reader, &mut replayed, end).await?;
    Ok(replayed)
}

/// Reads on from `replayed.next_offset` up to `end` (exclusive), folding as it goes.
///
/// # Errors
/// The broker fails to answer.
pub async fn read_more(
    reader: &TopicReader,
    replayed: &mut Replayed,
    end: i64,
) -> anyhow::Result<Vec<Touched>> {
    let mut touched = Vec::new();
    let mut empty_fetches = 0;
    while replayed.next_offset < end {
        let (records, high_watermark) = reader.fetch(replayed.next_offset, 500).await?;
        if records.is_empty() {
            if high_watermark <= replayed.next_offset {
                // Nothing more is there (the end moved back: a truncated topic).
                break;
            }
            // An offset holding no data record (a transaction marker): step over it.
            empty_fetches += 1;
            if empty_fetches >= 2 {
                replayed.next_offset += 1;
                empty_fetches = 0;
            }
            continue;
        }
        empty_fetches = 0;
        let last = fold_batch(replayed, records, end, &mut touched);
        if last {
            break;
        }
    }
    Ok(touched)
}

/// Folds `records` (one fetch) into `replayed`, up to `end` (exclusive), adding the keys
/// they touched to `touched`; answers whether a record at or past `end` was met.
pub fn fold_batch(
    replayed: &mut Replayed,
    records: Vec<RawRecord>,
    end: i64,
    touched: &mut Vec<Touched>,
) -> bool {
    for record in records {
        if record.offset >= end {
            return true;
        }
        replayed.next_offset = record.offset + 1;
        replayed.records += 1;
        touched.extend(fold_record(
            &mut replayed.folded,
            record,
            &mut replayed.warnings,
        ));
    }
    false
}
