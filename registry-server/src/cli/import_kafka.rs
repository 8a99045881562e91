//! `schema-registry import --from-kafka`: a Confluent or Karapace schemas topic, read from
//! its start to its end as it is when the read begins, folded as Confluent folds it, and
//! reproduced in a database (`--database-url`, through the registry's mirror use-cases)
//! or in a running registry (IMPORT mode over REST, as an export file is imported).

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::Context as _;
use serde_json::Value;

use super::client::RegistryClient;
use super::dump::{ContextDump, Dump, FORMAT, ReferenceDump, SubjectDump, VersionDump};
use super::import::{ImportArgs, import_in_import_mode};
use crate::domain::SubjectName;
use crate::registry::{Registry, RegistrySettings};
use crate::store::GLOBAL_SCOPE;
use crate::topic::apply::{mirror_caller, write_all};
use crate::topic::fold::Folded;
use crate::topic::kafka::TopicReader;
use crate::topic::replay::{Replayed, Warnings, read_until};

/// Runs `import --from-kafka`.
///
/// # Errors
/// The brokers or the target cannot be reached, or the target refuses a step.
pub async fn run(args: ImportArgs) -> anyhow::Result<i32> {
    let Some(brokers) = args.from_kafka.as_deref() else {
        anyhow::bail!("give an export file, or --from-kafka BROKERS to read a schemas topic");
    };
    let topic = &args.kafka.topic;
    let started = Instant::now();
    let reader = TopicReader::connect(brokers, &args.kafka).await?;
    let end = reader.end_offset().await?;
    let mut replayed = read_until(&reader, end)
        .await
        .with_context(|| format!("reading topic {topic}"))?;
    eprintln!(
        "read {} record(s) of {topic} up to offset {end} in {:.1} s: {} version(s)",
        replayed.records,
        started.elapsed().as_secs_f64(),
        replayed.folded.version_count()
    );
    let target = match &args.database_url {
        Some(url) => into_database(url, topic, &mut replayed).await?,
        None => into_registry(&args, brokers, &replayed.folded).await?,
    };
    report(&replayed.warnings);
    eprintln!(
        "imported {} version(s) from {topic} into {target} in {:.1} s",
        replayed.folded.version_count(),
        started.elapsed().as_secs_f64()
    );
    Ok(0)
}

fn report(warnings: &Warnings) {
    for message in &warnings.messages {
        eprintln!("warning: {message}");
    }
    if warnings.count > 0 {
        eprintln!("warning: {} record(s) skipped", warnings.count);
    }
}

/// Writes the folded topic into the database at `url`; answers its redacted name.
async fn into_database(url: &str, topic: &str, replayed: &mut Replayed) -> anyhow::Result<String> {
    let shown = crate::server::redact(url);
    let store = crate::store::connect(url, 4)
        .await
        .with_context(|| format!("opening {shown}"))?;
    let registry = Registry::new(store, RegistrySettings::default());
    let mut warnings = std::mem::take(&mut replayed.warnings);
    let written = write_all(
        &registry,
        &mirror_caller(topic),
        &replayed.folded,
        &mut warnings,
    )
    .await;
    replayed.warnings = warnings;
    written?;
    Ok(shown)
}

/// Imports the folded topic into a running registry over REST; answers its URL.
async fn into_registry(
    args: &ImportArgs,
    brokers: &str,
    folded: &Folded,
) -> anyhow::Result<String> {
    let dump = dump_of(folded, format!("kafka://{brokers}/{}", args.kafka.topic));
    let client = RegistryClient::new(&args.connection)?;
    // The topic's global mode when it has one, else the registry's own.
    import_in_import_mode(&client, &dump, dump.mode.clone()).await?;
    Ok(client.base().to_owned())
}

/// The folded topic as an export file holds it.
pub(super) fn dump_of(folded: &Folded, source: String) -> Dump {
    let mut subjects: BTreeMap<String, SubjectDump> = BTreeMap::new();
    let subject_entry = |subjects: &mut BTreeMap<String, SubjectDump>, name: &str| {
        subjects
            .entry(name.to_owned())
            .or_insert_with(|| SubjectDump {
                subject: name.to_owned(),
                config: None,
                mode: None,
                versions: Vec::new(),
            });
    };
    for (subject, version, entry) in folded.versions() {
        subject_entry(&mut subjects, subject);
        let value = &entry.value;
        if let Some(dumped) = subjects.get_mut(subject) {
            dumped.versions.push(VersionDump {
                version,
                id: value.id,
                schema_type: value.schema_type.clone(),
                schema: value.schema.clone(),
                references: value
                    .references
                    .iter()
                    .map(|r| ReferenceDump {
                        name: r.name.clone(),
                        subject: r.subject.clone(),
                        version: r.version,
                    })
                    .collect(),
                metadata: value.metadata.clone(),
                rule_set: value.rule_set.clone(),
                deleted: value.deleted,
            });
        }
    }
    let mut dump = Dump {
        format: FORMAT.to_owned(),
        source,
        config: None,
        mode: None,
        subjects: Vec::new(),
        contexts: Vec::new(),
    };
    let mut contexts: BTreeMap<String, ContextDump> = BTreeMap::new();
    let settings = folded
        .configs()
        .map(|(scope, config)| (scope, Some(Value::Object(config.clone())), None))
        .chain(
            folded
                .modes()
                .map(|(scope, mode)| (scope, None, Some(mode.to_owned()))),
        );
    for (scope, config, mode) in settings {
        if scope == GLOBAL_SCOPE {
            dump.config = config.or(dump.config.take());
            dump.mode = mode.or(dump.mode.take());
            continue;
        }
        let Ok(name) = SubjectName::parse_lenient(scope) else {
            continue;
        };
        if name.is_context_scope() {
            let context = contexts
                .entry(name.context().to_owned())
                .or_insert_with(|| ContextDump {
                    context: name.context().to_owned(),
                    config: None,
                    mode: None,
                });
            context.config = config.or(context.config.take());
            context.mode = mode.or(context.mode.take());
        } else {
            subject_entry(&mut subjects, scope);
            if let Some(subject) = subjects.get_mut(scope) {
                subject.config = config.or(subject.config.take());
                subject.mode = mode.or(subject.mode.take());
            }
        }
    }
    dump.subjects = subjects.into_values().collect();
    dump.contexts = contexts.into_values().collect();
    dump
}
