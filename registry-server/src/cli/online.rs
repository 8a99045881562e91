//! `check` against a subject on a running registry.
//!
//! At the subject's own level the registry's compatibility endpoint answers (so the verdict
//! is the registry's, whatever engine it runs). With `--level` the live versions are fetched
//! and the server's engine runs here at that level, since the endpoint takes no level.

use std::future::Future;
use std::pin::Pin;

use anyhow::Context as _;
use serde_json::{Value, json};

use super::client::{ClientError, RegistryClient, segment};
use super::judge::judge;
use super::offline::parse_text;
use super::output::{CheckOutcome, issues_from_messages, locate};
use super::target::{Target, read_schema};
use crate::domain::{CompatibilityLevel, SchemaType};
use crate::schema::Dependency;

const SUBJECT_NOT_FOUND: i64 = 40401;
const VERSION_NOT_FOUND: i64 = 40402;

/// Checks `target` against its subject on `client`'s registry (`version`: one version only).
///
/// # Errors
/// No subject, an unreadable file, an invalid schema, a registry error or an unreachable one.
pub async fn check(
    client: &RegistryClient,
    target: &Target,
    version: Option<&str>,
) -> anyhow::Result<CheckOutcome> {
    let Some(subject) = target.subject.as_deref() else {
        anyhow::bail!(
            "{}: --subject is required to check against a registry",
            target.file.display()
        );
    };
    if target.level.is_some() && version.is_some() {
        anyhow::bail!(
            "--level and --against-version cannot be combined: the registry checks one version at the subject's level"
        );
    }
    let text = read_schema(&target.file)?;
    if target.references.is_empty() {
        // A local parse gives a clear message before any request.
        parse_text(target.schema_type, &text, &[], true).with_context(|| {
            format!(
                "{} is not a valid {} schema",
                target.file.display(),
                target.schema_type
            )
        })?;
    }
    let mut outcome = CheckOutcome {
        subject: Some(subject.to_owned()),
        file: target.file.display().to_string(),
        schema_type: target.schema_type.to_string(),
        level: target.level.map(|l| l.to_string()),
        against: client.base().to_owned(),
        compared: version.map_or_else(
            || "the versions its level names".to_owned(),
            |v| format!("version {v}"),
        ),
        compatible: true,
        old_version: None,
        incompatibilities: Vec::new(),
        messages: Vec::new(),
        explanations: Vec::new(),
        note: None,
    };
    if let Some(level) = target.level {
        return locally(client, target, subject, level, &text, outcome).await;
    }
    outcome.level = Some(effective_level(client, subject).await?);
    let mut body = json!({ "schema": text, "schemaType": target.schema_type.as_str() });
    let references = request_references(target)?;
    if !references.is_empty() {
        body["references"] = Value::Array(references);
    }
    let path = match version {
        Some(v) => format!(
            "/compatibility/subjects/{}/versions/{}?verbose=true",
            segment(subject),
            segment(v)
        ),
        None => format!(
            "/compatibility/subjects/{}/versions?verbose=true",
            segment(subject)
        ),
    };
    let answer = match client.post(&path, &body).await {
        Ok(answer) => answer,
        Err(e) if e.code() == Some(SUBJECT_NOT_FOUND) && version.is_none() => {
            outcome.compared = "nothing (the subject has no versions yet)".to_owned();
            return Ok(outcome);
        }
        Err(e) => return Err(describe(e, target)),
    };
    let compatible = answer
        .get("is_compatible")
        .and_then(Value::as_bool)
        .with_context(|| {
            format!(
                "{} answered a compatibility check without is_compatible: {answer}",
                client.base()
            )
        })?;
    let messages: Vec<String> = answer
        .get("messages")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let (issues, old_version) = issues_from_messages(&messages);
    outcome.compatible = compatible;
    outcome.old_version = old_version;
    outcome.incompatibilities = issues;
    outcome.messages = messages;
    if let (false, Some(version)) = (compatible, old_version) {
        // The registry's verdict stands; the plain words are extra, so a failure to fetch or
        // parse the failing version leaves Confluent's messages alone.
        let level = outcome.level.as_deref().and_then(|l| l.parse().ok());
        if let Some(level) = level
            && let Ok(explained) =
                explain_version(client, target, subject, version, level, &text).await
        {
            outcome.explanations = locate(explained, &text);
        }
    }
    Ok(outcome)
}

/// The incompatibilities of `text` with `subject` version `version` under `level`, explained
/// by the local engine.
async fn explain_version(
    client: &RegistryClient,
    target: &Target,
    subject: &str,
    version: i32,
    level: CompatibilityLevel,
    text: &str,
) -> anyhow::Result<Vec<crate::schema::explain::Explanation>> {
    let old = fetch_version(client, subject, i64::from(version), target.schema_type).await?;
    let dependencies = resolve(client, &request_references(target)?).await?;
    let new = parse_text(target.schema_type, text, &dependencies, false)?;
    Ok(crate::schema::explain::explain(&old, &new, level))
}

/// `--level` online: the live versions fetched and checked here with the server's engine.
async fn locally(
    client: &RegistryClient,
    target: &Target,
    subject: &str,
    level: CompatibilityLevel,
    text: &str,
    mut outcome: CheckOutcome,
) -> anyhow::Result<CheckOutcome> {
    let history = live_history(client, subject, target.schema_type).await?;
    let references = request_references(target)?;
    let dependencies = resolve(client, &references).await?;
    let new = parse_text(target.schema_type, text, &dependencies, true).with_context(|| {
        format!(
            "{} is not a valid {} schema",
            target.file.display(),
            target.schema_type
        )
    })?;
    let verdict = judge(level, &new, &history);
    outcome.compared = format!("{} live version(s), checked locally", history.len());
    outcome.compatible = verdict.compatible;
    outcome.old_version = verdict.old_version;
    outcome.incompatibilities = verdict.issues;
    outcome.messages = verdict.messages;
    outcome.explanations = locate(verdict.explanations, text);
    Ok(outcome)
}

/// An error of a check request, named after the file; 42201 is an invalid schema.
fn describe(error: ClientError, target: &Target) -> anyhow::Error {
    match &error {
        ClientError::Api {
            code: Some(42201),
            message,
            ..
        } => {
            anyhow::anyhow!(
                "{} is not a valid {} schema: {message}",
                target.file.display(),
                target.schema_type
            )
        }
        _ => anyhow::Error::new(error).context(format!("checking {}", target.file.display())),
    }
}

/// The subject's effective compatibility level.
///
/// # Errors
/// When the registry cannot be asked.
pub async fn effective_level(client: &RegistryClient, subject: &str) -> anyhow::Result<String> {
    let config = client
        .get(&format!(
            "/config/{}?defaultToGlobal=true",
            segment(subject)
        ))
        .await
        .with_context(|| format!("reading the compatibility level of {subject}"))?;
    Ok(config
        .get("compatibilityLevel")
        .and_then(Value::as_str)
        .unwrap_or("BACKWARD")
        .to_owned())
}

fn request_references(target: &Target) -> anyhow::Result<Vec<Value>> {
    target
        .references
        .iter()
        .map(super::target::ReferenceSpec::to_request)
        .collect()
}

/// The live versions of `subject` parsed with their references, oldest first.
async fn live_history(
    client: &RegistryClient,
    subject: &str,
    schema_type: SchemaType,
) -> anyhow::Result<Vec<(i32, crate::schema::ParsedSchema)>> {
    let listed = client
        .get_optional(
            &format!("/subjects/{}/versions", segment(subject)),
            &[SUBJECT_NOT_FOUND],
        )
        .await
        .with_context(|| format!("listing the versions of {subject}"))?
        .unwrap_or_else(|| json!([]));
    let numbers: Vec<i64> = listed
        .as_array()
        .map(|l| l.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    let mut history = Vec::with_capacity(numbers.len());
    for number in numbers {
        let parsed = fetch_version(client, subject, number, schema_type).await?;
        history.push((
            i32::try_from(number).context("version number out of range")?,
            parsed,
        ));
    }
    Ok(history)
}

/// One version of `subject`, parsed with its references.
async fn fetch_version(
    client: &RegistryClient,
    subject: &str,
    number: i64,
    schema_type: SchemaType,
) -> anyhow::Result<crate::schema::ParsedSchema> {
    let version = client
        .get(&format!("/subjects/{}/versions/{number}", segment(subject)))
        .await
        .with_context(|| format!("reading {subject} version {number}"))?;
    let references = version
        .get("references")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let dependencies = resolve(client, &references).await?;
    let stored_type = version
        .get("schemaType")
        .and_then(Value::as_str)
        .and_then(|t| t.parse().ok())
        .unwrap_or(SchemaType::Avro);
    let text = version
        .get("schema")
        .and_then(Value::as_str)
        .unwrap_or_default();
    parse_text(stored_type, text, &dependencies, false)
        .with_context(|| format!("parsing {subject} version {number} as {schema_type}"))
}

/// The texts `references` (request shape) resolve to, in dependency order.
fn resolve<'a>(
    client: &'a RegistryClient,
    references: &'a [Value],
) -> Pin<Box<dyn Future<Output = anyhow::Result<Vec<Dependency>>> + Send + 'a>> {
    Box::pin(async move {
        let mut out: Vec<Dependency> = Vec::new();
        for reference in references {
            let name = reference
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let subject = reference
                .get("subject")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let version = match reference.get("version").and_then(Value::as_i64) {
                Some(v) if v > 0 => v.to_string(),
                _ => "latest".to_owned(),
            };
            let found = client
                .get_optional(
                    &format!("/subjects/{}/versions/{version}", segment(subject)),
                    &[SUBJECT_NOT_FOUND, VERSION_NOT_FOUND],
                )
                .await
                .with_context(|| format!("resolving reference {name}"))?
                .with_context(|| {
                    format!("reference {name}: {subject} version {version} is not in the registry")
                })?;
            let nested = found
                .get("references")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for dependency in resolve(client, &nested).await? {
                if !out.iter().any(|d| d.name == dependency.name) {
                    out.push(dependency);
                }
            }
            let schema = found
                .get("schema")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            if !out.iter().any(|d| d.name == name) {
                out.push(Dependency {
                    name: name.to_owned(),
                    schema,
                });
            }
        }
        Ok(out)
    })
}
