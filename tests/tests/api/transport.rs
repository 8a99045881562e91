//! Transport: media types, framework errors in Confluent's shape, limits, health (checklist 1–9).

use registry_tests::app::record;
use registry_tests::{TestApp, both_backends};
use serde_json::json;

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> registry_tests::app::Answer {
    let mut request = app.client.request(method, format!("{}{path}", app.base));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.body(body.to_owned());
    }
    TestApp::answer(request.send().await.expect("reachable")).await
}

async fn media_types_are_negotiated(app: TestApp) {
    let default = app.get("/subjects").await;
    assert_eq!(
        default.content_type.as_deref(),
        Some("application/vnd.schemaregistry.v1+json")
    );
    let json = send(
        &app,
        reqwest::Method::GET,
        "/subjects",
        &[("Accept", "application/json")],
        None,
    )
    .await;
    assert_eq!(json.content_type.as_deref(), Some("application/json"));
    let refused = send(
        &app,
        reqwest::Method::GET,
        "/subjects",
        &[("Accept", "text/html")],
        None,
    )
    .await;
    refused.assert_error(406);
    let body = json!({"schema": record("A", &[])}).to_string();
    for content_type in [
        "application/vnd.schemaregistry.v1+json",
        "application/vnd.schemaregistry+json",
        "application/json",
        "application/octet-stream",
        "application/json; charset=utf-8",
    ] {
        let answer = send(
            &app,
            reqwest::Method::POST,
            "/subjects/s/versions",
            &[("Content-Type", content_type)],
            Some(&body),
        )
        .await;
        answer.assert_ok();
    }
    let no_type = send(
        &app,
        reqwest::Method::POST,
        "/subjects/s/versions",
        &[],
        Some(&body),
    )
    .await;
    no_type.assert_ok();
    let text = send(
        &app,
        reqwest::Method::POST,
        "/subjects/s/versions",
        &[("Content-Type", "text/plain")],
        Some(&body),
    )
    .await;
    text.assert_error(415);
}

async fn framework_errors_are_confluent_shaped(app: TestApp) {
    let unknown = app.get("/no/such/route").await;
    unknown.assert_error(404);
    assert_eq!(unknown.message(), "HTTP 404 Not Found");
    app.call(reqwest::Method::PUT, "/subjects", Some(&json!({})))
        .await
        .assert_error(405);
    let json_type = [("Content-Type", "application/json")];
    let malformed = send(
        &app,
        reqwest::Method::POST,
        "/subjects/s/versions",
        &json_type,
        Some("{bad"),
    )
    .await;
    malformed.assert_error(400);
    let empty = send(
        &app,
        reqwest::Method::POST,
        "/subjects/s/versions",
        &json_type,
        Some(""),
    )
    .await;
    empty.assert_error(422);
    let wrong_shape = send(
        &app,
        reqwest::Method::POST,
        "/subjects/s/versions",
        &json_type,
        Some("[1,2]"),
    )
    .await;
    wrong_shape.assert_error(400);
    // Checklist 8: unknown fields are ignored.
    let extra =
        json!({"schema": record("A", &[]), "somethingNew": {"x": 1}, "schemaTagsToAdd": []});
    app.post("/subjects/s/versions", &extra).await.assert_ok();
    // Oversized bodies (the test server allows 1 MiB) are refused before parsing; nothing is written.
    let huge = json!({"schema": format!("\"{}\"", "x".repeat(2 * 1024 * 1024))}).to_string();
    let too_big = send(
        &app,
        reqwest::Method::POST,
        "/subjects/big/versions",
        &json_type,
        Some(&huge),
    )
    .await;
    too_big.assert_error(413);
    app.get("/subjects/big/versions").await.assert_error(40401);
}

async fn root_health_and_metrics(app: TestApp) {
    assert_eq!(app.get("/").await.assert_ok(), &json!({}));
    assert_eq!(
        app.post("/", &json!({"anything": 1})).await.assert_ok(),
        &json!({})
    );
    assert_eq!(app.get("/health/live").await.assert_ok()["status"], "UP");
    assert_eq!(app.get("/health/ready").await.assert_ok()["status"], "UP");
    app.get("/v1/metadata/id").await.assert_ok();
    assert!(app.get("/v1/metadata/version").await.assert_ok()["version"].is_string());
    let metrics = app.get("/metrics").await;
    assert_eq!(metrics.status, reqwest::StatusCode::OK);
    assert!(
        metrics.text.contains("http_requests_total"),
        "{}",
        metrics.text
    );
    assert!(
        !metrics.text.contains("subjects/s/"),
        "routes are labelled by pattern, not by subject"
    );
}

/// A plain `GET /schemas/ids/{id}` is answered by the edge without the router; the same
/// read with a query (here one the handler ignores) goes through the router to the route's
/// handler. Both answer alike: status, media type and body, hit or miss.
async fn a_plain_read_by_id_answers_as_its_routed_form(app: TestApp) {
    let kept = app.register_id("s", &record("Kept", &[])).await;
    let deleted = app.register_id("gone", &record("Gone", &[])).await;
    app.delete("/subjects/gone").await.assert_ok();
    app.delete("/subjects/gone?permanent=true")
        .await
        .assert_ok();
    let accepts: [&[(&str, &str)]; 4] = [
        &[],
        &[("Accept", "application/json")],
        &[(
            "Accept",
            "application/vnd.schemaregistry+json; q=0.9, */*; q=0.1",
        )],
        &[("Accept", "text/html")],
    ];
    for id in [
        kept.to_string(),
        format!("00{kept}"),
        deleted.to_string(),
        "999".into(),
        "2147483648".into(),
    ] {
        for headers in accepts {
            let (plain, with_query) = (
                format!("/schemas/ids/{id}"),
                format!("/schemas/ids/{id}?ignored=1"),
            );
            let direct = send(&app, reqwest::Method::GET, &plain, headers, None).await;
            let routed = send(&app, reqwest::Method::GET, &with_query, headers, None).await;
            assert_eq!(
                (direct.status, &direct.content_type, &direct.text),
                (routed.status, &routed.content_type, &routed.text),
                "id {id}, headers {headers:?}"
            );
        }
    }
    let hit = app.get(&format!("/schemas/ids/{kept}")).await;
    assert_eq!(hit.assert_ok()["schema"], json!(record("Kept", &[])));
    app.get(&format!("/schemas/ids/{deleted}"))
        .await
        .assert_error(40403);
}

both_backends!(
    media_types_are_negotiated,
    framework_errors_are_confluent_shaped,
    root_health_and_metrics,
    a_plain_read_by_id_answers_as_its_routed_form
);
