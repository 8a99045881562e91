//! `schema-registry check`: the CI gate. Exit 0 compatible, 1 incompatible, 2 anything else.
//!
//! Previous versions come from `--against` files (one per occurrence, oldest first), from git
//! (`--against-git REF`: each file's own content at REF), from the project file, or from a
//! registry.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::client::{ConnectionArgs, RegistryClient};
use super::git::{GitReader, GitRef};
use super::offline::Previous;
use super::output::{CheckOutcome, Format, render};
use super::target::{ReferenceSpec, Target, parse_level, parse_type};
use super::{offline, online, project};

/// Check schema files for compatibility, offline or against a registry.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Schema files to check; none checks every entry of the project file.
    pub files: Vec<PathBuf>,
    /// The subject the files are checked against (with FILE arguments).
    #[arg(long)]
    pub subject: Option<String>,
    /// A previous version as a file (repeat for more, oldest first): checks offline.
    /// `check --against OLD NEW` checks NEW against OLD.
    #[arg(long, value_name = "FILE")]
    pub against: Vec<PathBuf>,
    /// Check each file against its own content at this git ref (e.g. `origin/main`), read
    /// with `git`; a file absent there is reported as new. Offline.
    #[arg(long = "against-git", value_name = "REF", conflicts_with_all = ["against", "against_version"])]
    pub against_git: Option<String>,
    /// Compatibility level (offline default BACKWARD; online default the subject's level).
    #[arg(long)]
    pub level: Option<String>,
    /// Schema type, AVRO or JSON (default from the extension: .avsc AVRO, .json JSON).
    #[arg(long = "type", value_name = "TYPE")]
    pub schema_type: Option<String>,
    /// A reference's text for offline checks: NAME=FILE.
    #[arg(long = "reference", value_name = "NAME=FILE")]
    pub references: Vec<String>,
    /// Where a registry resolves a reference: NAME=SUBJECT[@VERSION] (default latest).
    #[arg(long = "reference-subject", value_name = "NAME=SUBJECT[@VERSION]")]
    pub reference_subjects: Vec<String>,
    /// Online: check against this version only (a number or `latest`).
    #[arg(long = "against-version", value_name = "VERSION")]
    pub against_version: Option<String>,
    /// Project file (default: schemas.toml in the current directory).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Never contact a registry, even when SCHEMA_REGISTRY_URL is set.
    #[arg(long)]
    pub offline: bool,
    /// Output: text (plain explanations), json, github (workflow annotations), junit, sarif.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// Runs `check`; answers 0 when every file is compatible, 1 otherwise.
///
/// # Errors
/// Usage, file, schema and registry errors (exit code 2).
pub async fn run(args: CheckArgs) -> anyhow::Result<i32> {
    let (targets, project) = targets(&args)?;
    let git_ref = args.against_git.as_deref().map(GitRef::parse).transpose()?;
    let online = !args.offline
        && args.against.is_empty()
        && git_ref.is_none()
        && args.connection.url.is_some();
    let mut outcomes = Vec::with_capacity(targets.len());
    if let Some(git_ref) = git_ref {
        let mut reader = GitReader::new(git_ref.clone());
        for target in &targets {
            outcomes.push(against_git(&mut reader, &git_ref, target, &project)?);
        }
    } else if online {
        let client = RegistryClient::new(&args.connection)?;
        for target in &targets {
            outcomes.push(online::check(&client, target, args.against_version.as_deref()).await?);
        }
    } else {
        if args.against_version.is_some() {
            anyhow::bail!("--against-version needs a registry (--url or SCHEMA_REGISTRY_URL)");
        }
        for target in &targets {
            outcomes.push(offline::check(target, &project)?);
        }
    }
    print!("{}", render(&outcomes, args.format));
    Ok(i32::from(!outcomes.iter().all(|o| o.compatible)))
}

/// Checks `target` against its own content at `git_ref`; a file absent there is new.
fn against_git(
    reader: &mut GitReader,
    git_ref: &GitRef,
    target: &Target,
    project: &[Target],
) -> anyhow::Result<CheckOutcome> {
    let against = format!("git {}", git_ref.as_str());
    let Some(text) = reader.show(&target.file)? else {
        let mut outcome = offline::compare(target, project, &[], &against)?;
        outcome.compared = "nothing".to_owned();
        outcome.note = Some(format!("new file: not at {}", git_ref.as_str()));
        return Ok(outcome);
    };
    let previous = Previous {
        source: format!("{} at {}", target.file.display(), git_ref.as_str()),
        text,
    };
    offline::compare(target, project, &[previous], &against)
}

/// The targets named on the command line, else the project file's; and the project entries
/// (for resolving references by subject).
fn targets(args: &CheckArgs) -> anyhow::Result<(Vec<Target>, Vec<Target>)> {
    let level = args.level.as_deref().map(parse_level).transpose()?;
    if args.files.is_empty() {
        if let [only] = args.against.as_slice() {
            anyhow::bail!(
                "nothing to check: --against {} names the old version; pass the new one after it, e.g. `check --against {} NEW`",
                only.display(),
                only.display()
            );
        }
        if args.against.len() > 1 {
            anyhow::bail!(
                "nothing to check: every --against names an old version; did you mean `--against OLD NEW` (the new file without --against)?"
            );
        }
        let Some(path) = project::locate(args.config.as_deref()) else {
            anyhow::bail!(
                "nothing to check: pass schema FILEs (e.g. `check --against OLD NEW`), or run where a {} is (or pass --config PATH)",
                project::DEFAULT_PROJECT_FILE
            );
        };
        let mut entries = project::load(&path)?;
        if level.is_some() {
            for entry in &mut entries {
                entry.level = level;
            }
        }
        return Ok((entries.clone(), entries));
    }
    // Without --subject, a FILE the project file maps is checked as its entry says.
    let project = match project::locate(args.config.as_deref()) {
        Some(path) if args.config.is_some() || args.subject.is_none() => project::load(&path)?,
        _ => Vec::new(),
    };
    let references = references(&args.references, &args.reference_subjects)?;
    let mut targets = Vec::with_capacity(args.files.len());
    for file in &args.files {
        if args.subject.is_none()
            && let Some(entry) = project.iter().find(|e| same_file(&e.file, file))
        {
            let mut target = entry.clone();
            target.level = level.or(target.level);
            if !args.against.is_empty() {
                target.against.clone_from(&args.against);
            }
            targets.push(target);
            continue;
        }
        targets.push(Target {
            subject: args.subject.clone(),
            file: file.clone(),
            schema_type: parse_type(args.schema_type.as_deref(), file)?,
            level,
            references: references.clone(),
            against: args.against.clone(),
        });
    }
    Ok((targets, project))
}

/// Whether two paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// `--reference NAME=FILE` and `--reference-subject NAME=SUBJECT[@VERSION]`, merged by name.
///
/// # Errors
/// When a flag is malformed.
pub fn references(files: &[String], subjects: &[String]) -> anyhow::Result<Vec<ReferenceSpec>> {
    let mut out: Vec<ReferenceSpec> = Vec::new();
    for raw in files {
        out.push(ReferenceSpec::parse_flag(raw)?);
    }
    for raw in subjects {
        let Some((name, target)) = raw
            .split_once('=')
            .filter(|(n, t)| !n.trim().is_empty() && !t.trim().is_empty())
        else {
            anyhow::bail!("--reference-subject {raw}: expected NAME=SUBJECT[@VERSION]");
        };
        let (subject, version) = match target.rsplit_once('@') {
            Some((subject, version)) => {
                let version = version.trim().parse::<i32>().with_context(|| {
                    format!("--reference-subject {raw}: version {version} is not a number")
                })?;
                (subject.trim(), Some(version))
            }
            None => (target.trim(), None),
        };
        let name = name.trim();
        match out.iter_mut().find(|r| r.name == name) {
            Some(existing) => {
                existing.subject = Some(subject.to_owned());
                existing.version = version;
            }
            None => out.push(ReferenceSpec {
                name: name.to_owned(),
                subject: Some(subject.to_owned()),
                version,
                file: None,
            }),
        }
    }
    Ok(out)
}
