//! What a scoped [`Caller`] may see: subjects by name, ids through the subjects using them,
//! and listings paged over what is left once the hidden entries are taken out.
//!
//! An id is visible when a version (live or soft-deleted) of a readable subject carries it.
//! The subjects using an id are cached by (context, id) so the consumers' by-id reads stay
//! a map lookup with authentication on; a registration or hard delete naming the id drops
//! its entry (here, or on another node through its notification), and fills are ordered
//! against those drops by a [`FillGate`](super::fill::FillGate).

use std::future::Future;
use std::sync::Arc;

use super::{Caller, Registry, RegistryError};
use crate::domain::{Page, SubjectName};
use crate::store::{StoreError, VersionRecord};

/// Rows read per round trip when a listing must skip hidden entries.
const CHUNK: usize = 500;

impl Registry {
    /// The version records of `subject`, or none when `caller` may not read it (so every
    /// use-case answers as for a missing subject).
    pub(crate) async fn versions_for(
        &self,
        caller: &Caller,
        subject: &SubjectName,
    ) -> Result<Vec<VersionRecord>, RegistryError> {
        if !caller.may_read(subject.as_str()) {
            return Ok(Vec::new());
        }
        Ok(self.store.versions(subject.as_str()).await?)
    }

    /// [`Registry::versions_for`] through the subject's cache entry (taken before the read:
    /// a write to the subject detaches it, so a stale read never lands in the live cache).
    pub(crate) async fn cached_versions(
        &self,
        caller: &Caller,
        subject: &SubjectName,
    ) -> Result<Arc<[VersionRecord]>, RegistryError> {
        if !caller.may_read(subject.as_str()) {
            return Ok(Arc::from(Vec::new()));
        }
        let entry = self.subject_lookups(subject.as_str());
        if let Some(versions) = entry.versions() {
            return Ok(versions);
        }
        let versions: Arc<[VersionRecord]> =
            Arc::from(self.store.versions(subject.as_str()).await?);
        entry.put_versions(Arc::clone(&versions));
        Ok(versions)
    }

    /// Whether schema `id` of `context` is visible to `caller`: used by a subject it may
    /// read. Always true for a caller that sees everything (nothing is read).
    pub(crate) async fn id_visible(
        &self,
        caller: &Caller,
        context: &str,
        id: i32,
    ) -> Result<bool, RegistryError> {
        if caller.sees_everything() {
            return Ok(true);
        }
        let users = self.id_users(context, id).await?;
        Ok(users.iter().any(|subject| caller.may_read(subject)))
    }

    /// The subjects with a version carrying `id` of `context`, through the cache.
    async fn id_users(&self, context: &str, id: i32) -> Result<Arc<[String]>, RegistryError> {
        let read = async {
            let mut subjects: Vec<String> = self
                .store
                .usages(context, id)
                .await?
                .into_iter()
                .map(|v| v.subject)
                .collect();
            subjects.dedup();
            Ok::<Arc<[String]>, RegistryError>(subjects.into())
        };
        self.users_gate
            .get_or_fill(&self.id_users, &(context.to_owned(), id), read)
            .await
    }

    /// Drops the cached users of `id` in `context`, or of every id when either is unnamed.
    pub(crate) fn forget_id_users(&self, context: Option<&str>, id: Option<i32>) {
        self.users_gate.invalidate(|| match (context, id) {
            (Some(context), Some(id)) => self.id_users.invalidate(&(context.to_owned(), id)),
            _ => self.id_users.invalidate_all(),
        });
    }

    /// Drops every cached id user (notifications may have been missed).
    pub(crate) fn forget_all_id_users(&self) {
        self.users_gate
            .invalidate(|| self.id_users.invalidate_all());
    }
}

/// One page of the rows `fetch` pages through, counting only those `keep` accepts: the
/// rows are read [`CHUNK`] at a time until the page is full or the rows end.
pub(crate) async fn filtered_page<T, F, Fut>(
    page: Page,
    mut fetch: F,
    mut keep: impl FnMut(&T) -> bool,
) -> Result<Vec<T>, RegistryError>
where
    F: FnMut(Page) -> Fut,
    Fut: Future<Output = Result<Vec<T>, StoreError>>,
{
    let mut out = Vec::new();
    let mut skip = page.offset;
    let mut offset = 0usize;
    while out.len() < page.limit {
        let rows = fetch(Page {
            offset,
            limit: CHUNK,
        })
        .await?;
        let exhausted = rows.len() < CHUNK;
        for row in rows {
            if out.len() == page.limit {
                break;
            }
            if !keep(&row) {
                continue;
            }
            if skip > 0 {
                skip -= 1;
            } else {
                out.push(row);
            }
        }
        if exhausted {
            break;
        }
        offset = offset.saturating_add(CHUNK);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_filtered_page_skips_hidden_rows_across_chunks() {
        let rows: Vec<usize> = (0..1_234).collect();
        let fetch = |p: Page| {
            let chunk = p.apply(rows.clone());
            async move { Ok::<_, StoreError>(chunk) }
        };
        let odd = |n: &usize| n % 2 == 1;
        let page = Page {
            offset: 300,
            limit: 5,
        };
        let got = filtered_page(page, fetch, odd).await.expect("page");
        assert_eq!(got, vec![601, 603, 605, 607, 609]);
        let tail = Page {
            offset: 615,
            limit: 10,
        };
        let got = filtered_page(tail, fetch, odd).await.expect("page");
        assert_eq!(got, vec![1231, 1233]);
    }
}
