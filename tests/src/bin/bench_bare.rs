//! The benchmarks' baseline: a bare axum server, its own process like the registry, answering
//! fixed bytes on the registry's paths. Every `<dir>/<name>.json` beside a route below is the
//! body it answers there; it prints its address once it listens.
//!
//! `bench-bare <dir>`

use axum::Router;
use axum::routing::{get, post};
use bytes::Bytes;

/// (file name, method, path) of each route answered.
const ROUTES: [(&str, &str, &str); 4] = [
    ("by-id", "GET", "/schemas/ids/{id}"),
    ("lookup", "POST", "/subjects/{subject}"),
    ("register", "POST", "/subjects/{subject}/versions"),
    (
        "compatibility",
        "POST",
        "/compatibility/subjects/{subject}/versions/{version}",
    ),
];

type Answer = ([(&'static str, &'static str); 1], Bytes);

fn answer(body: &Bytes) -> Answer {
    (
        [("content-type", "application/vnd.schemaregistry.v1+json")],
        body.clone(),
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: bench-bare <dir>"))?;
    let mut app = Router::new();
    for (name, method, path) in ROUTES {
        let file = std::path::Path::new(&dir).join(format!("{name}.json"));
        let Ok(body) = std::fs::read(&file) else {
            continue;
        };
        let body = Bytes::from(body);
        app = match method {
            "GET" => app.route(path, get(move || std::future::ready(answer(&body)))),
            // The request body is read, as the registry reads it.
            _ => app.route(
                path,
                post(move |_request: Bytes| std::future::ready(answer(&body))),
            ),
        };
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
