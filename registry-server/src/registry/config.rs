//! Compatibility config and modes, per subject, per context and global (spec §3.5–3.6, §4.7–4.8).
//!
//! Config is stored as Confluent's GET shape (`compatibilityLevel`, `normalize`, ...); a PUT
//! body uses `compatibility` for the level and is a partial update where JSON `null`
//! clears a field. The effective config of a subject merges, field by field, the subject's
//! own over its context's over the global one over the server default.

use serde_json::{Map, Value};

use super::RegistryError;
use super::{Caller, Registry, WriteError, scopes_of, with_retries};
use crate::domain::Page;
use crate::domain::{CompatibilityLevel, Mode, SubjectName};
use crate::store::{CONFIG_CHANGED, DeletedFilter, GLOBAL_SCOPE, MODE_CHANGED, SubjectFilter};

/// The fields of a config PUT body, as sent (`compatibility` for the level).
pub type ConfigUpdate = Map<String, Value>;

const LEVEL_KEY: &str = "compatibilityLevel";

/// Config fields Confluent reads as booleans (a string `"true"`/`"false"` is coerced).
const BOOLEAN_KEYS: [&str; 2] = ["normalize", "validateFields"];

/// The level named by an effective config, or `default`.
#[must_use]
pub fn effective_level_of(
    config: &Map<String, Value>,
    default: CompatibilityLevel,
) -> CompatibilityLevel {
    config
        .get(LEVEL_KEY)
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// The refinements an effective config asks of a compatibility check: `validateFields`
/// and `compatibilityPolicy` (STRICT unless LENIENT; LOGICAL checks as STRICT).
#[must_use]
pub fn check_options_of(config: &Map<String, Value>) -> crate::schema::compat::CheckOptions {
    crate::schema::compat::CheckOptions {
        validate_fields: config.get("validateFields").and_then(Value::as_bool) == Some(true),
        policy: config
            .get("compatibilityPolicy")
            .and_then(Value::as_str)
            .and_then(|p| p.parse().ok())
            .unwrap_or_default(),
    }
}

/// Whether `subject`'s own scope is hidden from `caller` (its config and mode are then
/// missing, as for a subject that has none).
fn hidden(caller: &Caller, subject: Option<&SubjectName>) -> bool {
    subject.is_some_and(|s| !s.as_str().is_empty() && !caller.may_read(s.as_str()))
}

/// The settings scopes of `subject` that `caller` sees, most specific first.
pub(crate) fn visible_scopes(caller: &Caller, subject: Option<&SubjectName>) -> Vec<String> {
    let mut scopes = scopes_of(subject);
    if hidden(caller, subject)
        && let Some(own) = subject
    {
        scopes.retain(|scope| scope != own.as_str());
    }
    scopes
}

fn scope_key(subject: Option<&SubjectName>) -> String {
    match subject {
        Some(s) if !s.as_str().is_empty() => s.as_str().to_owned(),
        _ => GLOBAL_SCOPE.to_owned(),
    }
}

/// The PUT response shape: the stored config with `compatibility` for the level.
fn as_update_shape(stored: &Map<String, Value>) -> Value {
    let mut out = Map::new();
    for (key, value) in stored {
        let key = if key == LEVEL_KEY {
            "compatibility"
        } else {
            key.as_str()
        };
        out.insert(key.to_owned(), value.clone());
    }
    Value::Object(out)
}

/// The effective config: `default` level, then the stored configs from the least to the
/// most specific scope, field by field (nulls skipped).
pub(crate) fn merged_config(
    default: CompatibilityLevel,
    stored: impl IntoIterator<Item = Option<Value>>,
) -> Map<String, Value> {
    let mut merged = Map::new();
    merged.insert(LEVEL_KEY.to_owned(), Value::from(default.as_str()));
    for config in stored {
        if let Some(Value::Object(config)) = config {
            for (key, value) in config {
                if !value.is_null() {
                    merged.insert(key, value);
                }
            }
        }
    }
    merged
}

/// A config PUT body checked and keyed as stored: `compatibility` becomes the level key,
/// `None` clears a field, metadata and rule sets are validated and stored canonical.
fn checked_update(mut update: ConfigUpdate) -> Result<Vec<(String, Option<Value>)>, RegistryError> {
    super::contract::normalize_config_contracts(&mut update)?;
    update
        .into_iter()
        .map(|(key, value)| {
            let key = if key == "compatibility" || key == LEVEL_KEY {
                LEVEL_KEY.to_owned()
            } else {
                key
            };
            if value.is_null() {
                return Ok((key, None));
            }
            let value = if key == LEVEL_KEY {
                let level: CompatibilityLevel = value
                    .as_str()
                    .ok_or_else(RegistryError::invalid_compatibility_level)?
                    .parse()
                    .map_err(|_| RegistryError::invalid_compatibility_level())?;
                Value::from(level.as_str())
            } else if BOOLEAN_KEYS.contains(&key.as_str()) {
                let flag = super::coerce::boolean(&value).ok_or_else(|| {
                    RegistryError::MalformedRequest(format!(
                        "Cannot read {value} as the boolean {key}"
                    ))
                })?;
                Value::Bool(flag)
            } else {
                value
            };
            Ok((key, Some(value)))
        })
        .collect()
}

impl Registry {
    /// The effective config of `subject` (or the global one), server default included;
    /// cached per subject until a settings change.
    pub async fn effective_config(
        &self,
        subject: Option<&SubjectName>,
    ) -> Result<std::sync::Arc<Map<String, Value>>, RegistryError> {
        // Subject names hold no control character: NUL cannot be one.
        let key = subject.map_or("\0", SubjectName::as_str);
        self.settings_gate
            .get_or_fill(&self.effective_configs, key, async {
                let scopes = scopes_of(subject);
                self.warm_settings(&scopes).await?;
                Ok(std::sync::Arc::new(self.merged_config_of(&scopes).await?))
            })
            .await
    }

    /// The configs of `scopes` (most specific first) merged over the server default.
    async fn merged_config_of(
        &self,
        scopes: &[String],
    ) -> Result<Map<String, Value>, RegistryError> {
        let mut stored = Vec::new();
        for scope in scopes.iter().rev() {
            stored.push(self.stored_config(scope).await?);
        }
        Ok(merged_config(self.settings.default_compatibility, stored))
    }

    /// The subject `subject` stands for: the `alias` of its own config (qualified against
    /// its context when unqualified), else itself. One hop, as Confluent follows aliases.
    pub async fn resolve_alias(&self, subject: SubjectName) -> Result<SubjectName, RegistryError> {
        if subject.local_name().is_empty() {
            return Ok(subject);
        }
        let stored = match self.configs.get(subject.as_str()) {
            Some(cached) => cached,
            None => {
                // The settings the request will obey next come with the alias, in one read.
                self.warm_settings(&scopes_of(Some(&subject))).await?;
                self.stored_config(subject.as_str()).await?
            }
        };
        let alias = match stored {
            Some(Value::Object(config)) => config
                .get("alias")
                .and_then(Value::as_str)
                .filter(|a| !a.is_empty())
                .map(|a| subject.qualify_reference(a)),
            _ => None,
        };
        match alias {
            Some(alias) => SubjectName::parse_lenient(&alias)
                .map_err(|e| RegistryError::InvalidSubject(e.to_string())),
            None => Ok(subject),
        }
    }

    /// The level that applies to `subject`.
    pub async fn effective_level(
        &self,
        subject: &SubjectName,
    ) -> Result<CompatibilityLevel, RegistryError> {
        let config = self.effective_config(Some(subject)).await?;
        Ok(effective_level_of(
            &config,
            self.settings.default_compatibility,
        ))
    }

    /// `GET /config[/{subject}]`; a subject `caller` may not read has no config of its own.
    pub async fn get_config(
        &self,
        caller: &Caller,
        subject: Option<&SubjectName>,
        default_to_global: bool,
    ) -> Result<Value, RegistryError> {
        let scope = scope_key(subject);
        if scope == GLOBAL_SCOPE || default_to_global {
            let scopes = visible_scopes(caller, subject);
            return Ok(Value::Object(self.merged_config_of(&scopes).await?));
        }
        let stored = if hidden(caller, subject) {
            None
        } else {
            self.stored_config(&scope).await?
        };
        match stored {
            Some(Value::Object(mut stored)) => {
                // A subject config without a level reports the server default, as Confluent does.
                stored
                    .entry(LEVEL_KEY)
                    .or_insert_with(|| Value::from(self.settings.default_compatibility.as_str()));
                Ok(Value::Object(stored))
            }
            _ => Err(RegistryError::subject_config_not_found(&scope)),
        }
    }

    /// `PUT /config[/{subject}]`: a partial update merged inside one transaction under the
    /// scope's lock (two concurrent updates both land); answers the stored result.
    pub async fn put_config(
        &self,
        caller: &Caller,
        subject: Option<&SubjectName>,
        update: ConfigUpdate,
    ) -> Result<Value, RegistryError> {
        let update = checked_update(update)?;
        let scope = scope_key(subject);
        let (stored, event) = with_retries(|| async {
            let mut tx = self.begin_settings_write(&scope).await?;
            self.ensure_writable_in_tx(&mut *tx, subject).await?;
            let mut stored = match tx.config(&scope).await? {
                Some(Value::Object(map)) => map,
                _ => Map::new(),
            };
            for (key, value) in &update {
                match value {
                    Some(value) => stored.insert(key.clone(), value.clone()),
                    None => stored.remove(key),
                };
            }
            tx.put_config(&scope, &Value::Object(stored.clone()))
                .await?;
            let event = Self::commit_settings_write(tx, caller, CONFIG_CHANGED, &scope).await?;
            Ok::<_, WriteError>((stored, event))
        })
        .await?;
        self.committed(&event).await;
        Ok(as_update_shape(&stored))
    }

    /// `DELETE /config[/{subject}]`: answers the config that was removed. A subject
    /// `caller` may not read has none (nothing is deleted).
    pub async fn delete_config(
        &self,
        caller: &Caller,
        subject: Option<&SubjectName>,
    ) -> Result<Value, RegistryError> {
        let scope = scope_key(subject);
        let (old, event) = with_retries(|| async {
            let mut tx = self.begin_settings_write(&scope).await?;
            self.ensure_writable_in_tx(&mut *tx, subject).await?;
            if hidden(caller, subject) {
                return Err(RegistryError::subject_not_found(&scope).into());
            }
            let old = tx.config(&scope).await?;
            tx.delete_config(&scope).await?;
            let event = Self::commit_settings_write(tx, caller, CONFIG_CHANGED, &scope).await?;
            Ok::<_, WriteError>((old, event))
        })
        .await?;
        self.committed(&event).await;
        match old {
            Some(Value::Object(mut map)) => {
                map.entry(LEVEL_KEY)
                    .or_insert_with(|| Value::from(self.settings.default_compatibility.as_str()));
                Ok(Value::Object(map))
            }
            _ if scope == GLOBAL_SCOPE => {
                Ok(serde_json::json!({ LEVEL_KEY: self.settings.default_compatibility.as_str() }))
            }
            _ => Err(RegistryError::subject_not_found(&scope)),
        }
    }

    /// `GET /mode[/{subject}]`; a subject `caller` may not read has no mode of its own.
    pub async fn get_mode(
        &self,
        caller: &Caller,
        subject: Option<&SubjectName>,
        default_to_global: bool,
    ) -> Result<Mode, RegistryError> {
        let scope = scope_key(subject);
        if scope == GLOBAL_SCOPE || default_to_global {
            return self.mode_of_scopes(&visible_scopes(caller, subject)).await;
        }
        // A global READONLY_OVERRIDE is every scope's mode (Confluent 7.9).
        if let Some(Mode::ReadOnlyOverride) = self.parsed_mode(GLOBAL_SCOPE).await? {
            return Ok(Mode::ReadOnlyOverride);
        }
        let stored = if hidden(caller, subject) {
            None
        } else {
            self.stored_mode(&scope).await?
        };
        match stored {
            Some(mode) => Ok(mode.parse().unwrap_or_default()),
            None => Err(RegistryError::subject_mode_not_found(&scope)),
        }
    }

    /// `PUT /mode[/{subject}]`: `None` clears the mode of the scope.
    pub async fn put_mode(
        &self,
        caller: &Caller,
        subject: Option<&SubjectName>,
        mode: Option<&str>,
        force: bool,
    ) -> Result<(), RegistryError> {
        let scope = scope_key(subject);
        let Some(mode) = mode else {
            self.write_mode(caller, &scope, None).await?;
            return Ok(());
        };
        let mode: Mode = mode
            .parse()
            .map_err(|e: crate::domain::InvalidMode| RegistryError::invalid_mode(e.to_string()))?;
        if mode == Mode::Forward && scope != GLOBAL_SCOPE {
            return Err(RegistryError::invalid_mode(
                "Forward mode only supported on global level",
            ));
        }
        if mode.is_import_like() && !force && self.scope_has_live_subjects(subject).await? {
            return Err(RegistryError::operation_not_permitted(
                "Cannot import since found existing subjects",
            ));
        }
        self.write_mode(caller, &scope, Some(mode)).await?;
        Ok(())
    }

    /// Sets (or, with `None`, clears) the mode of `scope` under its lock; answers the mode
    /// it replaced.
    async fn write_mode(
        &self,
        caller: &Caller,
        scope: &str,
        mode: Option<Mode>,
    ) -> Result<Option<String>, RegistryError> {
        let (old, event) = with_retries(|| async {
            let mut tx = self.begin_settings_write(scope).await?;
            let old = tx.mode(scope).await?;
            match mode {
                Some(mode) => tx.put_mode(scope, mode.as_str()).await?,
                None => tx.delete_mode(scope).await?,
            }
            let event = Self::commit_settings_write(tx, caller, MODE_CHANGED, scope).await?;
            Ok::<_, WriteError>((old, event))
        })
        .await?;
        self.committed(&event).await;
        Ok(old)
    }

    /// `DELETE /mode[/{subject}]`: answers the mode that was removed. A subject `caller`
    /// may not read has none (nothing is deleted).
    pub async fn delete_mode(
        &self,
        caller: &Caller,
        subject: Option<&SubjectName>,
    ) -> Result<Mode, RegistryError> {
        let scope = scope_key(subject);
        if hidden(caller, subject) {
            return Err(RegistryError::subject_not_found(&scope));
        }
        let old = self.write_mode(caller, &scope, None).await?;
        match old {
            Some(mode) => Ok(mode.parse().unwrap_or_default()),
            None if scope == GLOBAL_SCOPE => Ok(Mode::ReadWrite),
            None => Err(RegistryError::subject_not_found(&scope)),
        }
    }

    /// Whether `subject`'s scope (the registry, a context, or one subject) has a live
    /// version: one row is read at most, whatever the size of the registry.
    async fn scope_has_live_subjects(
        &self,
        subject: Option<&SubjectName>,
    ) -> Result<bool, RegistryError> {
        let filter = match subject {
            Some(scope) if !scope.is_context_scope() => {
                let versions = self.store.versions(scope.as_str()).await?;
                return Ok(versions.iter().any(|v| !v.deleted));
            }
            Some(scope) if scope.context() != crate::domain::DEFAULT_CONTEXT => SubjectFilter {
                prefix: format!(":{}:", scope.context()),
                default_context_only: false,
                deleted: DeletedFilter::Exclude,
            },
            Some(_) => SubjectFilter {
                prefix: String::new(),
                default_context_only: true,
                deleted: DeletedFilter::Exclude,
            },
            None => SubjectFilter {
                prefix: String::new(),
                default_context_only: false,
                deleted: DeletedFilter::Exclude,
            },
        };
        let first = Page {
            offset: 0,
            limit: 1,
        };
        Ok(!self.store.subjects_page(&filter, first).await?.is_empty())
    }
}
