//! Config and mode inside write transactions.
//!
//! A settings write takes its scope's lock exclusively, reads the stored value inside the
//! transaction (never through the cache), writes, records a `settings` event (announced to
//! other nodes with the commit) and commits. A registration or delete takes the scopes it
//! obeys shared and reads them inside its own transaction, so it is decided wholly before
//! or wholly after any settings change.

use serde_json::{Map, Value};

use super::RegistryError;
use super::config::merged_config;
use super::{
    Caller, GLOBAL_CONTEXT_SCOPE, Registry, WriteError, mode_in_force, scopes_of,
    settings_scopes_of,
};
use crate::domain::{Mode, SubjectName};
use crate::store::{Event, GLOBAL_SCOPE, ScopeSettings, StoreError, WriteTx, settings_lock_key};

impl Registry {
    /// Opens a transaction holding `scope`'s settings lock exclusively.
    pub(crate) async fn begin_settings_write(
        &self,
        scope: &str,
    ) -> Result<Box<dyn WriteTx>, WriteError> {
        // The two top scopes read each other's settings (a global READONLY_OVERRIDE, the
        // global context's fall-back): a write to either takes both, so two such writers
        // never wait on each other's shared locks.
        if scope == GLOBAL_SCOPE || scope == GLOBAL_CONTEXT_SCOPE {
            let keys = [
                settings_lock_key(GLOBAL_SCOPE),
                settings_lock_key(GLOBAL_CONTEXT_SCOPE),
            ];
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            return Ok(self.store.begin_write(&keys).await?);
        }
        Ok(self.store.begin_write(&[&settings_lock_key(scope)]).await?)
    }

    /// Records the change (`kind`: config or mode) of `scope` by `caller` and commits;
    /// answers the event to apply to caches.
    pub(crate) async fn commit_settings_write(
        mut tx: Box<dyn WriteTx>,
        caller: &Caller,
        kind: &'static str,
        scope: &str,
    ) -> Result<Event, WriteError> {
        let event = super::audit::event(caller, kind, Some(scope.to_owned()), None, None, None);
        tx.append_event(&event).await?;
        tx.commit().await?;
        Ok(event)
    }

    /// Takes the settings scopes of `subject` shared and answers the mode and the effective
    /// config as this transaction sees them.
    pub(crate) async fn settings_in_tx(
        &self,
        tx: &mut dyn WriteTx,
        subject: &SubjectName,
    ) -> Result<(Mode, Map<String, Value>), WriteError> {
        let scopes = scopes_of(Some(subject));
        let mut settings = tx.obey_settings(&settings_scopes_of(Some(subject))).await?;
        let mode = first_mode(&scopes, &settings)?;
        let stored = scopes
            .iter()
            .rev()
            .map(|scope| settings.configs.remove(scope));
        Ok((
            mode,
            merged_config(self.settings.default_compatibility, stored),
        ))
    }

    /// 42205 unless `subject` (or the registry, for `None`) is writable: takes its settings
    /// scopes shared, then reads their modes inside the transaction.
    pub(crate) async fn ensure_writable_in_tx(
        &self,
        tx: &mut dyn WriteTx,
        subject: Option<&SubjectName>,
    ) -> Result<(), WriteError> {
        let scopes = scopes_of(subject);
        let settings = tx.obey_settings(&settings_scopes_of(subject)).await?;
        if first_mode(&scopes, &settings)?.is_read_only() {
            return Err(read_only(subject).into());
        }
        Ok(())
    }
}

/// The mode in force along `scopes` as the transaction read them (see [`mode_in_force`]).
fn first_mode(scopes: &[String], settings: &ScopeSettings) -> Result<Mode, WriteError> {
    let parse = |mode: &String| -> Result<Mode, WriteError> {
        mode.parse()
            .map_err(|_| StoreError::Corrupt(format!("mode {mode}")).into())
    };
    let global = settings.modes.get(GLOBAL_SCOPE).map(parse).transpose()?;
    let first = scopes
        .iter()
        .find_map(|scope| settings.modes.get(scope))
        .map(parse)
        .transpose()?;
    Ok(mode_in_force(global, first))
}

/// Confluent's 42205 for a write to a read-only subject (or registry), in 7.9's words.
pub(crate) fn read_only(subject: Option<&SubjectName>) -> RegistryError {
    let name = subject.map_or("__GLOBAL", SubjectName::as_str);
    RegistryError::operation_not_permitted(format!("Subject {name} is in read-only mode"))
}
