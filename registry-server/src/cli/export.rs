//! `schema-registry export`: read a whole Confluent-compatible registry into one JSON file.
//!
//! Only the REST API every such registry serves is used: subjects and versions with
//! `?deleted=true` (soft-deleted versions are those missing from the plain listing), each
//! version's id, type and references, the global and per-subject config and mode.

use std::collections::HashSet;
use std::path::PathBuf;

use anyhow::Context as _;
use serde_json::Value;

use super::client::{ConnectionArgs, RegistryClient, segment};
use super::dump::{ContextDump, Dump, FORMAT, ReferenceDump, SubjectDump, VersionDump};

const SUBJECT_NOT_FOUND: i64 = 40401;

/// Export every subject, version, id, config and mode of a registry into one JSON file.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The file to write (`-` for standard output).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// Runs `export`.
///
/// # Errors
/// Registry errors, an unreachable registry, an unwritable file (exit code 2).
pub async fn run(args: ExportArgs) -> anyhow::Result<i32> {
    let client = RegistryClient::new(&args.connection)?;
    let dump = read_registry(&client).await?;
    let text = serde_json::to_string_pretty(&dump).context("rendering the export")?;
    if args.output.as_os_str() == "-" {
        println!("{text}");
    } else {
        std::fs::write(&args.output, format!("{text}\n"))
            .with_context(|| format!("writing {}", args.output.display()))?;
        let versions: usize = dump.subjects.iter().map(|s| s.versions.len()).sum();
        eprintln!(
            "exported {} subject(s), {versions} version(s) from {} to {}",
            dump.subjects.len(),
            client.base(),
            args.output.display()
        );
    }
    Ok(0)
}

/// Reads everything export keeps.
///
/// # Errors
/// When a request fails.
pub async fn read_registry(client: &RegistryClient) -> anyhow::Result<Dump> {
    let config = client
        .get("/config")
        .await
        .context("reading the global config")?;
    let mode = client
        .get_setting("/mode")
        .await
        .context("reading the global mode")?;
    let names = strings(
        &client
            .get("/subjects?deleted=true")
            .await
            .context("listing subjects")?,
    );
    let mut subjects = Vec::with_capacity(names.len());
    for subject in names {
        subjects.push(
            read_subject(client, &subject)
                .await
                .with_context(|| format!("exporting subject {subject}"))?,
        );
    }
    let contexts = read_contexts(client, &subjects).await?;
    Ok(Dump {
        format: FORMAT.to_owned(),
        source: client.base().to_owned(),
        contexts,
        config: Some(config),
        mode: mode.and_then(|m| m.get("mode").and_then(Value::as_str).map(str::to_owned)),
        subjects,
    })
}

async fn read_subject(client: &RegistryClient, subject: &str) -> anyhow::Result<SubjectDump> {
    let path = segment(subject);
    let live: HashSet<i64> = match client
        .get_optional(&format!("/subjects/{path}/versions"), &[SUBJECT_NOT_FOUND])
        .await?
    {
        Some(list) => numbers(&list).into_iter().collect(),
        None => HashSet::new(),
    };
    let all = match client
        .get_optional(
            &format!("/subjects/{path}/versions?deleted=true"),
            &[SUBJECT_NOT_FOUND],
        )
        .await?
    {
        Some(list) => numbers(&list),
        None => Vec::new(),
    };
    let mut versions = Vec::with_capacity(all.len());
    for number in all {
        let body = client
            .get(&format!("/subjects/{path}/versions/{number}?deleted=true"))
            .await
            .with_context(|| format!("reading version {number}"))?;
        versions.push(version_of(&body, number, !live.contains(&number))?);
    }
    // 40408 / 40409 (or a registry without the endpoint): the subject inherits.
    let config = client
        .get_setting(&format!("/config/{path}"))
        .await
        .context("reading its config")?;
    let mode = client
        .get_setting(&format!("/mode/{path}"))
        .await
        .context("reading its mode")?
        .and_then(|m| m.get("mode").and_then(Value::as_str).map(str::to_owned));
    Ok(SubjectDump {
        subject: subject.to_owned(),
        config,
        mode,
        versions,
    })
}

/// The non-default contexts with a config or mode of their own. `GET /contexts` names them;
/// a registry without it has only the contexts its subjects' names (`:.ctx:name`) show.
async fn read_contexts(
    client: &RegistryClient,
    subjects: &[SubjectDump],
) -> anyhow::Result<Vec<ContextDump>> {
    let mut names: Vec<String> = match client.get_setting("/contexts").await {
        Ok(Some(list)) => strings(&list),
        _ => Vec::new(),
    };
    for subject in subjects {
        if let Some((context, _)) = subject
            .subject
            .strip_prefix(':')
            .and_then(|r| r.split_once(':'))
        {
            names.push(context.to_owned());
        }
    }
    names.sort();
    names.dedup();
    let mut out = Vec::new();
    for context in names.into_iter().filter(|c| c != "." && c.starts_with('.')) {
        let mut dump = ContextDump {
            context,
            config: None,
            mode: None,
        };
        let scope = segment(&dump.scope());
        dump.config = client
            .get_setting(&format!("/config/{scope}"))
            .await
            .with_context(|| format!("reading the config of context {}", dump.context))?;
        dump.mode = client
            .get_setting(&format!("/mode/{scope}"))
            .await
            .with_context(|| format!("reading the mode of context {}", dump.context))?
            .and_then(|m| m.get("mode").and_then(Value::as_str).map(str::to_owned));
        if dump.config.is_some() || dump.mode.is_some() {
            out.push(dump);
        }
    }
    Ok(out)
}

fn version_of(body: &Value, number: i64, deleted: bool) -> anyhow::Result<VersionDump> {
    let int = |key: &str| -> anyhow::Result<i32> {
        let value = body
            .get(key)
            .and_then(Value::as_i64)
            .with_context(|| format!("version {number} has no {key}"))?;
        i32::try_from(value)
            .with_context(|| format!("version {number}: {key} {value} out of range"))
    };
    let references = body
        .get("references")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|r| serde_json::from_value::<ReferenceDump>(r.clone()))
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()
        .with_context(|| format!("version {number}: unreadable references"))?
        .unwrap_or_default();
    Ok(VersionDump {
        version: int("version")?,
        id: int("id")?,
        schema_type: body
            .get("schemaType")
            .and_then(Value::as_str)
            .unwrap_or("AVRO")
            .to_owned(),
        schema: body
            .get("schema")
            .and_then(Value::as_str)
            .with_context(|| format!("version {number} has no schema"))?
            .to_owned(),
        references,
        metadata: body.get("metadata").filter(|v| !v.is_null()).cloned(),
        rule_set: body.get("ruleSet").filter(|v| !v.is_null()).cloned(),
        deleted,
    })
}

fn strings(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn numbers(list: &Value) -> Vec<i64> {
    list.as_array()
        .map(|l| l.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default()
}
