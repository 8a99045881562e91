//! Building and running the server: store → registry → router → listener, with graceful
//! shutdown that finishes in-flight requests.

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::api::{self, AppState, Limits};
use crate::config::ServeArgs;
use crate::registry::{Registry, RegistrySettings};
use crate::store;

/// The router over a connected store.
///
/// # Errors
/// The store cannot be opened or migrated.
pub async fn build(args: &ServeArgs) -> anyhow::Result<axum::Router> {
    let store = store::connect(&args.database_url, args.database_max_connections)
        .await
        .map_err(|e| anyhow::anyhow!("opening {}: {e}", redact(&args.database_url)))?;
    let settings = RegistrySettings {
        default_compatibility: args.default_compatibility,
        incompatible_error_code: args.incompatible_error_code,
        cpu_workers: args.cpu_workers,
    };
    let registry = Arc::new(Registry::new(Arc::clone(&store), settings));
    // Other nodes' hard deletes reach this node's caches (PostgreSQL only). The task lives
    // as long as the runtime.
    let _listener =
        store.spawn_change_listener(Arc::clone(&registry) as Arc<dyn crate::store::ChangeSink>);
    let state = AppState {
        registry,
        metrics: crate::telemetry::metrics_handle(),
    };
    Ok(api::router(
        state,
        Limits {
            max_body_bytes: args.max_body_bytes,
            request_timeout: args.request_timeout(),
        },
    ))
}

/// Serves `router` on `listener` until `shutdown` completes, then drains in-flight requests.
///
/// # Errors
/// The listener fails.
pub async fn serve(
    listener: TcpListener,
    router: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

/// A database URL without its passwords, for logs: the password of `user:password@`, and
/// the value of every query parameter whose name contains `password` (`?password=`,
/// `&sslpassword=`), any case. Errs on the side of hiding: the userinfo ends at the last
/// `@` before the query.
#[must_use]
pub fn redact(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, url),
    };
    let (before_query, query) = match rest.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (rest, None),
    };
    let mut out = String::with_capacity(url.len());
    if let Some(scheme) = scheme {
        out.push_str(scheme);
        out.push_str("://");
    }
    match before_query.rsplit_once('@') {
        Some((userinfo, host)) if scheme.is_some() => {
            match userinfo.split_once(':') {
                Some((user, _password)) => {
                    out.push_str(user);
                    out.push_str(":***");
                }
                None => out.push_str(userinfo),
            }
            out.push('@');
            out.push_str(host);
        }
        _ => out.push_str(before_query),
    }
    if let Some(query) = query {
        out.push('?');
        for (i, pair) in query.split('&').enumerate() {
            if i > 0 {
                out.push('&');
            }
            match pair.split_once('=') {
                Some((key, _value)) if key.to_ascii_lowercase().contains("password") => {
                    out.push_str(key);
                    out.push_str("=***");
                }
                _ => out.push_str(pair),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redact_hides_the_userinfo_password() {
        assert_eq!(
            redact("postgres://sr:s3cret@db.example:5432/registry"),
            "postgres://sr:***@db.example:5432/registry"
        );
        // A password with `@` in it: the userinfo ends at the last `@`.
        assert_eq!(
            redact("postgres://sr:p@ss@db/registry"),
            "postgres://sr:***@db/registry"
        );
    }

    #[test]
    fn redact_hides_a_password_in_the_query() {
        assert_eq!(
            redact("postgres://sr@db/registry?password=s3cret"),
            "postgres://sr@db/registry?password=***"
        );
        assert_eq!(
            redact("postgres://db/registry?sslmode=require&password=s3cret&application_name=sr"),
            "postgres://db/registry?sslmode=require&password=***&application_name=sr"
        );
        assert_eq!(
            redact("postgres://db/registry?PASSWORD=a@b&sslpassword=k3y"),
            "postgres://db/registry?PASSWORD=***&sslpassword=***"
        );
    }

    #[test]
    fn redact_hides_both_passwords() {
        assert_eq!(
            redact("postgres://sr:one@db/registry?password=two"),
            "postgres://sr:***@db/registry?password=***"
        );
    }

    #[test]
    fn redact_keeps_urls_without_a_password() {
        for url in [
            "postgres://sr@db:5432/registry",
            "postgres://db/registry?sslmode=require&user=sr",
            "postgres://db/registry?password_hint",
            "sqlite://registry.db",
            "sqlite:///var/lib/sr/registry.db?synchronous=full",
            "sqlite://registry.db?mode=rwc",
            "registry.db",
        ] {
            assert_eq!(redact(url), url);
        }
    }
}
