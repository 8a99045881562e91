//! `schema-registry import`: an export file into a registry, preserving ids and versions.
//!
//! The registry is put in IMPORT mode (`PUT /mode?force=true`, and the same for the global
//! context `:.__GLOBAL:`, which named contexts fall back to), every version is registered
//! with its `id` and `version` (referenced versions first, otherwise by id), soft-deleted ones
//! are then deleted again, configs and subject modes are restored, and finally the global
//! modes the registry had before — also when the import fails half way.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::path::PathBuf;

use anyhow::Context as _;
use serde_json::{Map, Value, json};

use super::client::{ConnectionArgs, RegistryClient, segment};
use super::dump::{Dump, FORMAT, SubjectDump, VersionDump};

const VERSION_SOFT_DELETED: i64 = 40406;

/// The scope of the global context: the mode named contexts fall back to.
const GLOBAL_CONTEXT_SCOPE: &str = ":.__GLOBAL:";

/// Import an export file, or a Confluent/Karapace schemas topic, into a registry,
/// preserving ids and versions.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The file `schema-registry export` wrote.
    #[arg(required_unless_present = "from_kafka", conflicts_with = "from_kafka")]
    pub file: Option<PathBuf>,
    /// Read a Confluent or Karapace schemas topic from these brokers (`host:port,...`)
    /// instead of a file: from its start to its end as it is when the read begins.
    #[arg(long, value_name = "BROKERS")]
    pub from_kafka: Option<String>,
    #[command(flatten)]
    pub kafka: crate::topic::kafka::KafkaArgs,
    /// With --from-kafka: write straight into this database (`sqlite://PATH`,
    /// `postgres://...`) instead of a running registry (--url).
    #[arg(long, requires = "from_kafka", conflicts_with = "url")]
    pub database_url: Option<String>,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// Runs `import`.
///
/// # Errors
/// An unreadable file, a registry that refuses a step or cannot be reached (exit code 2).
pub async fn run(args: ImportArgs) -> anyhow::Result<i32> {
    let Some(file) = &args.file else {
        return super::import_kafka::run(args).await;
    };
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let dump: Dump = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a schema-registry export file", file.display()))?;
    if dump.format != FORMAT {
        anyhow::bail!(
            "{} has format {}, this build reads {FORMAT}",
            file.display(),
            dump.format
        );
    }
    let client = RegistryClient::new(&args.connection)?;
    let count = import_in_import_mode(&client, &dump, None).await?;
    eprintln!(
        "imported {} subject(s), {count} version(s) into {}",
        dump.subjects.len(),
        client.base()
    );
    Ok(0)
}

/// [`import_all`] with the registry in IMPORT mode: the global scope and the global context
/// (`:.__GLOBAL:`, which named contexts fall back to) are switched to IMPORT, then restored
/// to what they were (the global one to `final_global` when given) — also when the import
/// fails half way.
pub(super) async fn import_in_import_mode(
    client: &RegistryClient,
    dump: &Dump,
    final_global: Option<String>,
) -> anyhow::Result<usize> {
    let previous = client
        .get("/mode")
        .await
        .context("reading the global mode")?
        .get("mode")
        .and_then(Value::as_str)
        .unwrap_or("READWRITE")
        .to_owned();
    let previous_top = client
        .get_setting(&format!("/mode/{GLOBAL_CONTEXT_SCOPE}"))
        .await
        .context("reading the global context's mode")?
        .and_then(|m| m.get("mode").and_then(Value::as_str).map(str::to_owned));
    put_mode(client, None, "IMPORT")
        .await
        .context("switching the registry to IMPORT mode")?;
    let imported = match put_mode(client, Some(GLOBAL_CONTEXT_SCOPE), "IMPORT").await {
        Ok(()) => import_all(client, dump).await,
        Err(error) => Err(error.context("switching the global context to IMPORT mode")),
    };
    let restored_top = match &previous_top {
        Some(mode) => put_mode(client, Some(GLOBAL_CONTEXT_SCOPE), mode).await,
        None => client
            .delete(&format!("/mode/{GLOBAL_CONTEXT_SCOPE}"))
            .await
            .map(drop)
            .map_err(Into::into),
    };
    let last = final_global.unwrap_or(previous);
    let restored = put_mode(client, None, &last).await;
    let count = imported?;
    restored.with_context(|| format!("setting the global mode {last}"))?;
    restored_top.context("restoring the global context's mode")?;
    Ok(count)
}

async fn import_all(client: &RegistryClient, dump: &Dump) -> anyhow::Result<usize> {
    let order = ordered(dump);
    for &(subject, version) in &order {
        register(client, subject, version).await.with_context(|| {
            format!(
                "importing {} version {} (id {})",
                subject.subject, version.version, version.id
            )
        })?;
    }
    for &(subject, version) in order.iter().rev().filter(|(_, v)| v.deleted) {
        let path = format!(
            "/subjects/{}/versions/{}",
            segment(&subject.subject),
            version.version
        );
        match client.delete(&path).await {
            // 40406: soft-deleted already (an import run again).
            Err(e) if e.code() != Some(VERSION_SOFT_DELETED) => {
                return Err(anyhow::Error::new(e).context(format!(
                    "soft-deleting {} version {}",
                    subject.subject, version.version
                )));
            }
            _ => {}
        }
    }
    if let Some(config) = &dump.config {
        client
            .put("/config", &config_update(config))
            .await
            .context("restoring the global config")?;
    }
    for subject in &dump.subjects {
        if let Some(config) = &subject.config {
            client
                .put(
                    &format!("/config/{}", segment(&subject.subject)),
                    &config_update(config),
                )
                .await
                .with_context(|| format!("restoring the config of {}", subject.subject))?;
        }
    }
    for subject in &dump.subjects {
        if let Some(mode) = &subject.mode {
            put_mode(client, Some(&subject.subject), mode)
                .await
                .with_context(|| format!("restoring the mode of {}", subject.subject))?;
        }
    }
    for context in &dump.contexts {
        let scope = context.scope();
        if let Some(config) = &context.config {
            client
                .put(
                    &format!("/config/{}", segment(&scope)),
                    &config_update(config),
                )
                .await
                .with_context(|| format!("restoring the config of context {}", context.context))?;
        }
    }
    // Context modes last: a read-only context would refuse the steps above.
    for context in &dump.contexts {
        if let Some(mode) = &context.mode {
            put_mode(client, Some(&context.scope()), mode)
                .await
                .with_context(|| format!("restoring the mode of context {}", context.context))?;
        }
    }
    Ok(order.len())
}

async fn register(
    client: &RegistryClient,
    subject: &SubjectDump,
    version: &VersionDump,
) -> anyhow::Result<()> {
    let mut body = json!({
        "schema": version.schema,
        "schemaType": version.schema_type,
        "id": version.id,
        "version": version.version,
    });
    if !version.references.is_empty() {
        body["references"] = serde_json::to_value(&version.references)?;
    }
    if let Some(metadata) = &version.metadata {
        body["metadata"] = metadata.clone();
    }
    if let Some(rule_set) = &version.rule_set {
        body["ruleSet"] = rule_set.clone();
    }
    let answer = client
        .post(
            &format!("/subjects/{}/versions", segment(&subject.subject)),
            &body,
        )
        .await?;
    let id = answer.get("id").and_then(Value::as_i64);
    if id != Some(i64::from(version.id)) {
        anyhow::bail!(
            "the registry answered id {} instead of {}",
            id.map_or("none".to_owned(), |i| i.to_string()),
            version.id
        );
    }
    Ok(())
}

pub(super) async fn put_mode(
    client: &RegistryClient,
    subject: Option<&str>,
    mode: &str,
) -> anyhow::Result<()> {
    let path = match subject {
        Some(subject) => format!("/mode/{}?force=true", segment(subject)),
        None => "/mode?force=true".to_owned(),
    };
    client.put(&path, &json!({ "mode": mode })).await?;
    Ok(())
}

/// A config as `GET /config` answers it, as a `PUT /config` body (`compatibility`, no nulls).
fn config_update(config: &Value) -> Value {
    let mut out = Map::new();
    if let Some(fields) = config.as_object() {
        for (key, value) in fields {
            if value.is_null() {
                continue;
            }
            let key = if key == "compatibilityLevel" {
                "compatibility"
            } else {
                key.as_str()
            };
            out.insert(key.to_owned(), value.clone());
        }
    }
    Value::Object(out)
}

/// Every version in an order where referenced versions come first, otherwise by id, subject
/// and version (the order they were first registered in, for ids a registry issued).
fn ordered(dump: &Dump) -> Vec<(&SubjectDump, &VersionDump)> {
    let nodes: Vec<(&SubjectDump, &VersionDump)> = dump
        .subjects
        .iter()
        .flat_map(|s| s.versions.iter().map(move |v| (s, v)))
        .collect();
    let index: HashMap<(&str, i32), usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, (s, v))| ((s.subject.as_str(), v.version), i))
        .collect();
    let mut waiting = vec![0usize; nodes.len()];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for (i, (_, version)) in nodes.iter().enumerate() {
        for reference in &version.references {
            if let Some(&j) = index.get(&(reference.subject.as_str(), reference.version))
                && j != i
            {
                waiting[i] += 1;
                dependents[j].push(i);
            }
        }
    }
    let key = |i: usize| {
        (
            nodes[i].1.id,
            nodes[i].0.subject.as_str(),
            nodes[i].1.version,
            i,
        )
    };
    let mut ready: BinaryHeap<Reverse<_>> = (0..nodes.len())
        .filter(|&i| waiting[i] == 0)
        .map(|i| Reverse(key(i)))
        .collect();
    let mut out = Vec::with_capacity(nodes.len());
    let mut done = vec![false; nodes.len()];
    while let Some(Reverse((_, _, _, i))) = ready.pop() {
        done[i] = true;
        out.push(nodes[i]);
        for &d in &dependents[i] {
            waiting[d] -= 1;
            if waiting[d] == 0 {
                ready.push(Reverse(key(d)));
            }
        }
    }
    // A reference cycle cannot be registered in any order; let the registry say so.
    let mut rest: Vec<usize> = (0..nodes.len()).filter(|&i| !done[i]).collect();
    rest.sort_by_key(|&i| key(i));
    out.extend(rest.into_iter().map(|i| nodes[i]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::dump::ReferenceDump;

    fn version(version: i32, id: i32, references: Vec<ReferenceDump>) -> VersionDump {
        VersionDump {
            version,
            id,
            schema_type: "AVRO".to_owned(),
            schema: "\"string\"".to_owned(),
            references,
            metadata: None,
            rule_set: None,
            deleted: false,
        }
    }

    #[test]
    fn referenced_versions_come_first_then_ids() {
        let reference = ReferenceDump {
            name: "b".to_owned(),
            subject: "b".to_owned(),
            version: 1,
        };
        let dump = Dump {
            format: FORMAT.to_owned(),
            source: String::new(),
            config: None,
            mode: None,
            contexts: Vec::new(),
            subjects: vec![
                SubjectDump {
                    subject: "a".to_owned(),
                    config: None,
                    mode: None,
                    versions: vec![version(1, 1, vec![reference]), version(2, 2, vec![])],
                },
                SubjectDump {
                    subject: "b".to_owned(),
                    config: None,
                    mode: None,
                    versions: vec![version(1, 7, vec![])],
                },
            ],
        };
        let order: Vec<(String, i32)> = ordered(&dump)
            .into_iter()
            .map(|(s, v)| (s.subject.clone(), v.version))
            .collect();
        assert_eq!(
            order,
            vec![
                ("a".to_owned(), 2),
                ("b".to_owned(), 1),
                ("a".to_owned(), 1)
            ]
        );
    }

    #[test]
    fn config_update_renames_the_level_and_drops_nulls() {
        let update =
            config_update(&json!({"compatibilityLevel": "FULL", "normalize": true, "alias": null}));
        assert_eq!(update, json!({"compatibility": "FULL", "normalize": true}));
    }
}
