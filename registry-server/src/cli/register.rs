//! `schema-registry register`: schema files into their subjects; prints ids and versions.

use std::path::PathBuf;

use anyhow::Context as _;
use serde_json::{Value, json};

use super::check::references;
use super::client::{ClientError, ConnectionArgs, RegistryClient, segment};
use super::output::ListFormat;
use super::project;
use super::target::{Target, parse_type, read_schema};

/// Register schema files under subjects (FILE... --subject S, or the project file's entries).
#[derive(Debug, clap::Args)]
pub struct RegisterArgs {
    /// Schema files, registered in order; none registers every entry of the project file.
    pub files: Vec<PathBuf>,
    /// The subject to register the files under (with FILE arguments).
    #[arg(long)]
    pub subject: Option<String>,
    /// Schema type, AVRO or JSON (default from the extension).
    #[arg(long = "type", value_name = "TYPE")]
    pub schema_type: Option<String>,
    /// A reference: NAME=SUBJECT[@VERSION] (default latest).
    #[arg(long = "reference-subject", value_name = "NAME=SUBJECT[@VERSION]")]
    pub reference_subjects: Vec<String>,
    /// Ask the registry to normalize the schemas.
    #[arg(long)]
    pub normalize: bool,
    /// Project file (default: schemas.toml in the current directory).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: ListFormat,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// Runs `register`; answers 0, or 1 when the registry refuses a schema as incompatible.
///
/// # Errors
/// Usage, file, schema and registry errors (exit code 2).
pub async fn run(args: RegisterArgs) -> anyhow::Result<i32> {
    let targets = targets(&args)?;
    let client = RegistryClient::new(&args.connection)?;
    let mut registered = Vec::new();
    for target in &targets {
        match register(&client, target, args.normalize).await? {
            Registered::Stored(entry) => registered.push(entry),
            Registered::Incompatible(message) => {
                print_registered(&registered, args.format);
                eprintln!(
                    "schema-registry: {} is incompatible with subject {}: {message}",
                    target.file.display(),
                    target.subject.as_deref().unwrap_or_default()
                );
                return Ok(1);
            }
        }
    }
    print_registered(&registered, args.format);
    Ok(0)
}

/// What the registry did with one file.
enum Registered {
    /// `{subject, file, id, version}`.
    Stored(Value),
    /// Refused (409) with this message.
    Incompatible(String),
}

async fn register(
    client: &RegistryClient,
    target: &Target,
    normalize: bool,
) -> anyhow::Result<Registered> {
    let subject = target.subject.as_deref().unwrap_or_default();
    let text = read_schema(&target.file)?;
    let mut body = json!({ "schema": text, "schemaType": target.schema_type.as_str() });
    let refs = target
        .references
        .iter()
        .map(super::target::ReferenceSpec::to_request)
        .collect::<anyhow::Result<Vec<_>>>()?;
    if !refs.is_empty() {
        body["references"] = Value::Array(refs);
    }
    let query = if normalize { "?normalize=true" } else { "" };
    let path = format!("/subjects/{}/versions{query}", segment(subject));
    let answer = match client.post(&path, &body).await {
        Ok(answer) => answer,
        Err(ClientError::Api {
            status, message, ..
        }) if status.as_u16() == 409 => return Ok(Registered::Incompatible(message)),
        Err(ClientError::Api {
            code: Some(42201),
            message,
            ..
        }) => anyhow::bail!(
            "{} is not a valid {} schema: {message}",
            target.file.display(),
            target.schema_type
        ),
        Err(e) => {
            return Err(
                anyhow::Error::new(e).context(format!("registering {}", target.file.display()))
            );
        }
    };
    let id = answer
        .get("id")
        .and_then(Value::as_i64)
        .with_context(|| format!("registry answered no id: {answer}"))?;
    let version = match answer.get("version").and_then(Value::as_i64) {
        Some(version) => version,
        // Older registries answer only the id: look the version up.
        None => client
            .post(&format!("/subjects/{}{query}", segment(subject)), &body)
            .await
            .with_context(|| format!("looking up the version of {}", target.file.display()))?
            .get("version")
            .and_then(Value::as_i64)
            .unwrap_or_default(),
    };
    Ok(Registered::Stored(json!({
        "subject": subject,
        "file": target.file.display().to_string(),
        "id": id,
        "version": version,
    })))
}

fn print_registered(registered: &[Value], format: ListFormat) {
    match format {
        ListFormat::Json => println!("{}", Value::Array(registered.to_vec())),
        ListFormat::Text => {
            for entry in registered {
                println!(
                    "registered {} as subject {} version {} id {}",
                    entry["file"].as_str().unwrap_or_default(),
                    entry["subject"].as_str().unwrap_or_default(),
                    entry["version"],
                    entry["id"]
                );
            }
        }
    }
}

fn targets(args: &RegisterArgs) -> anyhow::Result<Vec<Target>> {
    if args.files.is_empty() {
        let Some(path) = project::locate(args.config.as_deref()) else {
            anyhow::bail!(
                "nothing to register: pass schema FILEs with --subject, or run where a {} is (or pass --config PATH)",
                project::DEFAULT_PROJECT_FILE
            );
        };
        return project::load(&path);
    }
    let Some(subject) = &args.subject else {
        anyhow::bail!("--subject is required with FILE arguments");
    };
    let references = references(&[], &args.reference_subjects)?;
    args.files
        .iter()
        .map(|file| {
            Ok(Target {
                subject: Some(subject.clone()),
                file: file.clone(),
                schema_type: parse_type(args.schema_type.as_deref(), file)?,
                level: None,
                references: references.clone(),
                against: Vec::new(),
            })
        })
        .collect()
}
