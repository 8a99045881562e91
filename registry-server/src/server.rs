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

/// A database URL without its password, for logs.
#[must_use]
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}
