//! Building and running the server: store → registry → router → listener (an accept loop
//! with a connection cap and a header read timeout, over TLS when configured), with
//! graceful shutdown that finishes in-flight requests.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio_rustls::TlsAcceptor;

use crate::api::{self, AppState, Limits};
use crate::config::ServeArgs;
use crate::registry::{Registry, RegistrySettings, RequestLimits};
use crate::store;
use crate::tls::{self, ClientCertPrincipal, Tls};

mod coarse_timer;
mod front;

pub use front::{Connection, Front};

/// What the server serves (the API, and the UI unless `--ui false`) over a connected store.
///
/// # Errors
/// The store cannot be opened or migrated.
pub async fn build(args: &ServeArgs) -> anyhow::Result<Front> {
    crate::domain::set_max_subject_bytes(args.max_subject_bytes);
    let store = store::connect(&args.database_url, args.database_max_connections)
        .await
        .map_err(|e| anyhow::anyhow!("opening {}: {e}", redact(&args.database_url)))?;
    let settings = RegistrySettings {
        default_compatibility: args.default_compatibility,
        incompatible_error_code: args.incompatible_error_code,
        cpu_workers: args.cpu_workers,
        cache_bytes: args.cache_bytes,
        limits: RequestLimits {
            max_schema_bytes: args.max_schema_bytes,
            max_references: args.max_references,
            max_list_items: usize::try_from(args.max_list_items).unwrap_or(usize::MAX),
        },
    };
    let registry = Arc::new(Registry::new(Arc::clone(&store), settings));
    // Other nodes' hard deletes reach this node's caches (PostgreSQL only). The task lives
    // as long as the runtime.
    let _listener =
        store.spawn_change_listener(Arc::clone(&registry) as Arc<dyn crate::store::ChangeSink>);
    // Mirrors a schemas topic in the background when `--follow-kafka` names brokers.
    let follow = crate::topic::follow::spawn(Arc::clone(&registry), &args.follow);
    let auth = crate::auth::Authenticator::from_args(&args.auth)
        .await
        .map_err(|e| anyhow::anyhow!("setting up authentication: {e}"))?;
    let state = AppState {
        registry,
        metrics: crate::telemetry::metrics_handle(),
        auth,
        follow,
    };
    let limits = Limits {
        max_body_bytes: args.max_body_bytes,
        request_timeout: args.request_timeout(),
    };
    let api = api::router(state.clone(), limits);
    let ui = args.ui.then(|| crate::ui::router(state, limits));
    Ok(Front::new(api, ui))
}

/// How many connections the server holds at once, and how long a client may take to send
/// a request's headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Connections served at once; over it, new ones wait in the listen backlog.
    pub max_connections: u32,
    /// Time to receive a request's complete headers: on a new connection, and between
    /// requests on a kept-alive one. Then the connection is closed.
    pub header_read_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            max_connections: 1024,
            header_read_timeout: Duration::from_secs(10),
        }
    }
}

/// Serves `router` over HTTP/1.1 on `listener` until `shutdown` completes, then drains
/// in-flight requests.
///
/// # Errors
/// Never in practice: accept errors are logged and retried.
pub async fn serve(
    listener: TcpListener,
    front: impl Into<Front>,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    serve_with_tls(listener, front, limits, None, shutdown).await
}

/// As [`serve`], over HTTPS when `tls` is given (its files are watched and reloaded while
/// serving).
///
/// An accept loop of its own rather than `axum::serve`, which can set neither limit. A
/// connection slot is taken *before* `accept`: over the cap, clients are not refused but
/// wait in the kernel's listen backlog until a connection closes, and the header read
/// timeout guarantees that idle or half-sent connections close, so the cap cannot be
/// held forever. A TLS handshake holds its slot too and has the same time limit.
///
/// # Errors
/// Never in practice: accept errors are logged and retried.
pub async fn serve_with_tls(
    listener: TcpListener,
    front: impl Into<Front>,
    limits: ConnectionLimits,
    tls: Option<Tls>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let front = front.into();
    let max = limits
        .max_connections
        .clamp(1, u32::try_from(Semaphore::MAX_PERMITS).unwrap_or(u32::MAX));
    let slots = Arc::new(Semaphore::new(max as usize));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut http = http1::Builder::new();
    // The sweeper it starts ends when the last connection holding the timer has ended.
    http.timer(coarse_timer::CoarseTimer::start())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    let _reload = tls.as_ref().map(Tls::watch);
    let mut shutdown = pin!(shutdown);
    loop {
        let slot = tokio::select! {
            () = &mut shutdown => break,
            slot = Arc::clone(&slots).acquire_owned() => slot?,
        };
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = accept(&listener) => accepted,
        };
        let acceptor = tls.as_ref().map(Tls::acceptor);
        let (http, front, stop) = (http.clone(), front.clone(), stop_rx.clone());
        tokio::spawn(async move {
            connection(&http, stream, peer, acceptor, front, stop, limits).await;
            drop(slot);
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // Every open connection holds a slot: all of them back means every connection is done.
    let _all = slots.acquire_many(max).await?;
    Ok(())
}

/// One accepted connection: the TLS handshake when `tls` is given (bounded by the header
/// read timeout), then HTTP.
async fn connection(
    http: &http1::Builder,
    stream: TcpStream,
    peer: std::net::SocketAddr,
    tls: Option<TlsAcceptor>,
    front: Front,
    stop: watch::Receiver<bool>,
    limits: ConnectionLimits,
) {
    let Some(acceptor) = tls else {
        return serve_connection(http, stream, peer, front, None, stop).await;
    };
    match tls::handshake(acceptor, stream, limits.header_read_timeout).await {
        Ok((stream, principal)) => {
            serve_connection(http, stream, peer, front, principal, stop).await;
        }
        Err(error) => tracing::debug!(error = %format!("{error:#}"), "tls handshake failed"),
    }
}

/// Serves one connection until it ends, shutting it down gracefully when `stop` turns true.
/// Every request is served knowing its peer's address (the audit trail records it) and
/// `principal` (a client certificate's name).
async fn serve_connection<I>(
    http: &http1::Builder,
    io: I,
    peer: std::net::SocketAddr,
    front: Front,
    principal: Option<ClientCertPrincipal>,
    mut stop: watch::Receiver<bool>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = front.over(Connection { peer, principal });
    let connection = http.serve_connection(TokioIo::new(io), TowerToHyperService::new(service));
    let mut connection = pin!(connection);
    let mut stopping = false;
    loop {
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(error) = result {
                    tracing::debug!(%error, "connection ended with an error");
                }
                break;
            }
            // Also when the sender is gone: `serve` was dropped.
            _ = stop.wait_for(|stop| *stop), if !stopping => {
                stopping = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    }
}

/// The next accepted connection; errors are logged and retried, after a pause when they are
/// not about one connection (e.g. out of file descriptors).
async fn accept(listener: &TcpListener) -> (TcpStream, std::net::SocketAddr) {
    loop {
        match listener.accept().await {
            Ok(accepted) => return accepted,
            Err(error) => {
                use std::io::ErrorKind;
                if matches!(
                    error.kind(),
                    ErrorKind::ConnectionAborted
                        | ErrorKind::ConnectionReset
                        | ErrorKind::ConnectionRefused
                ) {
                    continue;
                }
                tracing::warn!(%error, "accepting a connection failed; retrying in 1 s");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
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
