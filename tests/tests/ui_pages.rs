//! The web UI over HTTP without a browser, every test on SQLite and on PostgreSQL: pages
//! render with their security headers, hostile subject names and schema texts come out
//! escaped, listings are paged, decode input is bounded and malformed input answered
//! plainly, `--ui false` removes the UI, and with authentication on a reader neither sees
//! a subject it may not read nor can write, while a writer's change needs the token, a
//! same-origin request and a confirmation.

use registry_server::auth::argon2id_hash;
use registry_tests::{Backend, TestApp, both_backends, spawn_app, spawn_app_with};
use reqwest::{Method, StatusCode, redirect};
use serde_json::{Value, json};

const ORDER_V1: &str = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}"#;
const ORDER_V2: &str = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"},{"name":"note","type":"string","default":""}]}"#;

/// A page as the browser gets it.
struct Html {
    status: StatusCode,
    csp: Option<String>,
    content_type: Option<String>,
    location: Option<String>,
    text: String,
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .expect("client")
}

async fn send(request: reqwest::RequestBuilder) -> Html {
    let response = request.send().await.expect("server reachable");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (csp, content_type, location) = (
        header("content-security-policy"),
        header("content-type"),
        header("location"),
    );
    Html {
        status: response.status(),
        csp,
        content_type,
        location,
        text: response.text().await.expect("body"),
    }
}

async fn get(app: &TestApp, path: &str) -> Html {
    send(client().get(format!("{}{path}", app.base))).await
}

async fn post_form(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> Html {
    let body: String = form_body(fields);
    send(
        client()
            .post(format!("{}{path}", app.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body),
    )
    .await
}

fn form_body(fields: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (n, (name, value)) in fields.iter().enumerate() {
        if n > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.extend(form_urlencoded::byte_serialize(value.as_bytes()));
    }
    out
}

fn q(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn register(app: &TestApp, subject: &str, body: Value) -> i64 {
    let answer = app
        .call(
            Method::POST,
            &format!("/subjects/{}/versions", urlencode_path(subject)),
            Some(&body),
        )
        .await;
    answer.assert_ok()["id"].as_i64().expect("id")
}

fn urlencode_path(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

async fn pages_render_with_headers_and_escape_hostile_names(app: TestApp) {
    let hostile = "<script>alert('s')</script>\"x";
    let doc = r#"{"type":"record","name":"H","doc":"</pre><script>alert(1)</script>","fields":[{"name":"a","type":"int"}]}"#;
    let id = register(&app, hostile, json!({"schema": doc})).await;
    register(&app, "orders-value", json!({"schema": ORDER_V1})).await;
    register(&app, "orders-value", json!({"schema": ORDER_V2})).await;
    let list = get(&app, "/ui/").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert_eq!(
        list.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    let csp = list.csp.as_deref().expect("a CSP");
    assert!(csp.starts_with("default-src 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!list.text.contains("<script>alert"), "{}", list.text);
    assert!(
        list.text
            .contains("&lt;script&gt;alert(&#39;s&#39;)&lt;/script&gt;&quot;x")
    );
    assert!(list.text.contains("orders-value"));
    // Only our own script, by a relative URL.
    assert_eq!(count(&list.text, "<script"), 1, "{}", list.text);
    assert!(
        list.text
            .contains("<script src=\"assets/app.js\" defer></script>")
    );

    for path in [
        format!("/ui/subject?s={}", q(hostile)),
        format!("/ui/schema?id={id}"),
        format!("/ui/check?s={}", q(hostile)),
    ] {
        let page = get(&app, &path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.text);
        assert_eq!(count(&page.text, "<script"), 1, "{path}: {}", page.text);
        assert!(!page.text.contains("</pre><script"), "{path}");
        assert!(page.csp.is_some(), "{path}");
    }
    let subject = get(&app, "/ui/subject?s=orders-value").await;
    assert!(subject.text.contains("Version 2"), "{}", subject.text);
    assert!(
        subject
            .text
            .contains("<span class=\"k\">&quot;fields&quot;</span>")
    );
    let diff = get(&app, "/ui/diff?s=orders-value&a=1&b=2").await;
    assert_eq!(diff.status, StatusCode::OK, "{}", diff.text);
    assert!(
        diff.text.contains("v2 is compatible with v1"),
        "{}",
        diff.text
    );
    assert!(diff.text.contains("class=\"add\""), "{}", diff.text);
    // Versions registered under NONE, read under BACKWARD: the diff says what breaks.
    register(&app, "flip", json!({"schema": ORDER_V1})).await;
    app.call(
        Method::PUT,
        "/config/flip",
        Some(&json!({"compatibility": "NONE"})),
    )
    .await
    .assert_ok();
    let string_id = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}"#;
    register(&app, "flip", json!({"schema": string_id})).await;
    app.call(
        Method::PUT,
        "/config/flip",
        Some(&json!({"compatibility": "BACKWARD"})),
    )
    .await
    .assert_ok();
    let broken = get(&app, "/ui/diff?s=flip&a=1&b=2").await;
    assert!(
        broken.text.contains("v2 is not compatible with v1"),
        "{}",
        broken.text
    );
    assert!(broken.text.contains("TYPE_MISMATCH"), "{}", broken.text);
    // In plain words, with a fix, and the declaration that changed.
    assert!(
        broken.text.contains("<strong>Fix:</strong>"),
        "{}",
        broken.text
    );
    assert!(broken.text.contains("changes-h"), "{}", broken.text);
    assert!(
        broken.text.contains("<span class=\"badge\">changed</span>"),
        "{}",
        broken.text
    );
    for (path, status) in [
        ("/ui/subject?s=missing", StatusCode::NOT_FOUND),
        ("/ui/subject", StatusCode::BAD_REQUEST),
        ("/ui/subject?s=orders-value&v=9", StatusCode::NOT_FOUND),
        ("/ui/subject?s=orders-value&v=x", StatusCode::BAD_REQUEST),
        ("/ui/diff?s=orders-value&a=1", StatusCode::BAD_REQUEST),
        ("/ui/schema?id=999", StatusCode::NOT_FOUND),
        ("/ui/schema?id=99999999999", StatusCode::BAD_REQUEST),
        ("/ui/no/such/page", StatusCode::NOT_FOUND),
    ] {
        let page = get(&app, path).await;
        assert_eq!(page.status, status, "{path}: {}", page.text);
        assert!(page.csp.is_some(), "{path}");
        assert!(page.text.contains("<main"), "{path}: an HTML page");
    }
    let redirect = get(&app, "/ui").await;
    assert_eq!(redirect.location.as_deref(), Some("/ui/"));
    let css = get(&app, "/ui/assets/app.css").await;
    assert_eq!(css.content_type.as_deref(), Some("text/css; charset=utf-8"));
    assert!(css.text.contains("prefers-color-scheme: dark"));
    // The API is untouched: its own error shape for unknown paths, no CSP.
    let api = get(&app, "/subjects").await;
    assert_eq!(api.status, StatusCode::OK);
    assert!(api.csp.is_none());
}

async fn listings_are_paged(app: TestApp) {
    for n in 0..120 {
        let schema = format!(r#"{{"type":"record","name":"R{n}","fields":[]}}"#);
        register(&app, &format!("s-{n:03}"), json!({"schema": schema})).await;
    }
    register(&app, "other", json!({"schema": ORDER_V1})).await;
    let first = get(&app, "/ui/").await;
    assert_eq!(count(&first.text, "class=\"subject-link\""), 50);
    assert!(first.text.contains("rel=\"next\""));
    assert!(!first.text.contains("rel=\"prev\""));
    let last = get(&app, "/ui/?q=s-&offset=100").await;
    assert_eq!(
        count(&last.text, "class=\"subject-link\""),
        20,
        "{}",
        last.text
    );
    assert!(!last.text.contains("rel=\"next\""));
    assert!(last.text.contains("s-119"));
    assert!(!last.text.contains(">other<"));
    let none = get(&app, "/ui/?q=zzz").await;
    assert_eq!(count(&none.text, "class=\"subject-link\""), 0);
    assert!(none.text.contains("No subjects here"));
    let past = get(&app, "/ui/?offset=5000").await;
    assert_eq!(past.status, StatusCode::OK);
    assert_eq!(count(&past.text, "class=\"subject-link\""), 0);
    for bad in ["/ui/?offset=-1", "/ui/?offset=x", "/ui/?offset=99999999999"] {
        assert_eq!(
            get(&app, bad).await.status,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }
    let long = format!("/ui/?q={}", "a".repeat(5000));
    let page = get(&app, &long).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(count(&page.text, "class=\"subject-link\""), 0);
}

async fn decode_input_is_bounded_and_explained(app: TestApp) {
    let id = register(&app, "orders-value", json!({"schema": ORDER_V2})).await;
    let framed = |payload: &[u8]| {
        let mut bytes = vec![0u8];
        bytes.extend(i32::try_from(id).expect("id").to_be_bytes());
        bytes.extend(payload);
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    // id 21 (zig-zag 42), note "hi"
    let ok = post_form(
        &app,
        "/ui/decode",
        &[("message", &framed(&[42, 4, b'h', b'i']))],
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert!(
        ok.text
            .contains("<span class=\"k\">&quot;id&quot;</span>: <span class=\"n\">21</span>"),
        "{}",
        ok.text
    );
    assert!(ok.text.contains("&quot;hi&quot;"), "{}", ok.text);
    let cases: [(&str, &str); 6] = [
        ("zz-not-hex!", "neither hex nor base64"),
        ("7b2261223a317d", "plain JSON"),
        ("0000", "the frame alone takes 5"),
        ("0000000999", "Schema 2457 not found"),
        ("", "paste a message"),
        (&framed(&[42, 40]), "does not decode"),
    ];
    for (text, expected) in cases {
        let page = post_form(&app, "/ui/decode", &[("message", text)]).await;
        assert_eq!(page.status, StatusCode::OK, "{text}: {}", page.text);
        assert!(
            page.text.contains(expected),
            "{text}: expected {expected}: {}",
            page.text
        );
    }
    // Past the body limit of the test server (1 MiB): refused before any parsing.
    let over = "0".repeat(1100 * 1024);
    let page = post_form(&app, "/ui/decode", &[("message", &over)]).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    // A draft check with an incompatibility, and a broken draft.
    let incompatible =
        r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}"#;
    let checked = post_form(
        &app,
        "/ui/check",
        &[
            ("s", "orders-value"),
            ("type", "AVRO"),
            ("level", ""),
            ("schema", incompatible),
        ],
    )
    .await;
    assert!(
        checked.text.contains("Incompatible under BACKWARD"),
        "{}",
        checked.text
    );
    assert!(checked.text.contains("TYPE_MISMATCH"), "{}", checked.text);
    let none = post_form(
        &app,
        "/ui/check",
        &[
            ("s", "orders-value"),
            ("level", "NONE"),
            ("schema", incompatible),
        ],
    )
    .await;
    assert!(none.text.contains("Compatible under NONE"), "{}", none.text);
    let broken = post_form(&app, "/ui/check", &[("s", "orders-value"), ("schema", "{")]).await;
    assert!(broken.text.contains("Not checked"), "{}", broken.text);
    // Nothing was registered by the checks.
    let versions = app
        .call(Method::GET, "/subjects/orders-value/versions", None)
        .await;
    assert_eq!(versions.assert_ok(), &json!([1]));
}

both_backends!(
    pages_render_with_headers_and_escape_hostile_names,
    listings_are_paged,
    decode_input_is_bounded_and_explained,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ui_false_leaves_only_the_api() {
    let app = spawn_app_with(Backend::Sqlite, |args| args.ui = false).await;
    for path in ["/ui/", "/ui", "/ui/assets/app.css"] {
        let page = get(&app, path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.csp.is_none(), "{path}: the API's 404, not a UI page");
    }
    let on = spawn_app(Backend::Sqlite).await;
    assert_eq!(get(&on, "/ui/").await.status, StatusCode::OK);
}

/// Read on `a…`, and a writer of `b…` subjects, and an admin.
fn authfile() -> String {
    let user = |name: &str, password: &str| {
        let hash = argon2id_hash(password).expect("hash");
        format!("[[users]]\nusername = \"{name}\"\npassword_hash = \"{hash}\"\n\n")
    };
    let mut out =
        user("reader", "reader-pw") + &user("writer", "writer-pw") + &user("admin", "admin-pw");
    out.push_str(
        "[[permissions]]\nusername = \"reader\"\noperation = \"Read\"\nprefix = \"a\"\n\n\
         [[permissions]]\nusername = \"writer\"\noperation = \"Write\"\nprefix = \"b\"\n\n\
         [[permissions]]\nusername = \"admin\"\noperation = \"Write\"\nprefix = \"\"\n\n\
         [[permissions]]\nusername = \"admin\"\noperation = \"Write\"\nconfig = true\n",
    );
    out
}

async fn secured(backend: Backend) -> (TestApp, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("auth.toml");
    std::fs::write(&path, authfile()).expect("write");
    let app = spawn_app_with(backend, |args| args.auth.auth_file = Some(path.clone())).await;
    (app, dir)
}

async fn as_user(app: &TestApp, user: &str, request: reqwest::RequestBuilder) -> Html {
    let _ = app;
    send(request.basic_auth(user, Some(format!("{user}-pw")))).await
}

fn hidden_token(page: &str) -> String {
    let marker = "name=\"token\" value=\"";
    let at = page.find(marker).expect("a token field") + marker.len();
    page[at..at + 32].to_owned()
}

async fn authorization_applies_to_pages_and_writes(backend: Backend) {
    let (app, _dir) = secured(backend).await;
    for subject in ["a-visible", "b-writable", "c-secret"] {
        let answer = app
            .client
            .post(format!("{}/subjects/{subject}/versions", app.base))
            .basic_auth("admin", Some("admin-pw"))
            .header("content-type", "application/vnd.schemaregistry.v1+json")
            .body(json!({"schema": ORDER_V1}).to_string())
            .send()
            .await
            .expect("register");
        assert!(answer.status().is_success());
    }
    let c = client();
    let url = |path: &str| format!("{}{path}", app.base);
    // Anonymous: the API's 401 with a challenge (the browser asks for credentials).
    let anonymous = get(&app, "/ui/").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    // The reader sees only its subjects, and no write forms.
    let list = as_user(&app, "reader", c.get(url("/ui/"))).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text.contains("a-visible"));
    assert!(!list.text.contains("c-secret") && !list.text.contains("b-writable"));
    let secret = as_user(&app, "reader", c.get(url("/ui/subject?s=c-secret"))).await;
    assert_eq!(secret.status, StatusCode::NOT_FOUND);
    assert!(!secret.text.contains("Order"));
    let visible = as_user(&app, "reader", c.get(url("/ui/subject?s=a-visible"))).await;
    assert_eq!(visible.status, StatusCode::OK);
    assert!(
        !visible.text.contains("set-level"),
        "no write forms for a reader"
    );
    let hidden_id = as_user(&app, "reader", c.get(url("/ui/diff?s=c-secret&a=1&b=1"))).await;
    assert_eq!(hidden_id.status, StatusCode::NOT_FOUND);
    // The writer gets forms for its subject, with a token.
    let writable = as_user(&app, "writer", c.get(url("/ui/subject?s=b-writable"))).await;
    assert!(
        writable.text.contains("action=\"set-level\""),
        "{}",
        writable.text
    );
    let token = hidden_token(&writable.text);
    let post =
        |user: &'static str, fields: Vec<(&'static str, String)>, origin: Option<&'static str>| {
            let body = form_body(
                &fields
                    .iter()
                    .map(|(k, v)| (*k, v.as_str()))
                    .collect::<Vec<_>>(),
            );
            let mut request = c
                .post(url("/ui/set-level"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body);
            if let Some(origin) = origin {
                request = request.header("origin", origin);
            }
            as_user(&app, user, request)
        };
    let fields = |token: &str, confirm: bool| {
        let mut fields = vec![
            ("s", "b-writable".to_owned()),
            ("level", "FULL".to_owned()),
            ("token", token.to_owned()),
        ];
        if confirm {
            fields.push(("confirm", "yes".to_owned()));
        }
        fields
    };
    // No token, a wrong token, another site: refused, nothing changed.
    for (fields, origin) in [
        (fields("", true), None),
        (fields(&"0".repeat(32), true), None),
        (fields(&token, true), Some("http://evil.example")),
    ] {
        let refused = post("writer", fields, origin).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    }
    // The reader, even with the writer's token, and a reader's own subject: refused.
    let refused = post("reader", fields(&token, true), None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let level = app
        .client
        .get(url("/config/b-writable"))
        .basic_auth("admin", Some("admin-pw"))
        .send()
        .await
        .expect("config");
    assert_eq!(level.status(), StatusCode::NOT_FOUND, "no level was set");
    // The first POST asks; the confirmed one changes the level and goes back.
    let asked = post("writer", fields(&token, false), None).await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(
        asked.text.contains("name=\"confirm\" value=\"yes\""),
        "{}",
        asked.text
    );
    let host_origin = format!("http://{}", app.addr);
    let done = as_user(
        &app,
        "writer",
        c.post(url("/ui/set-level"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", host_origin)
            .body(form_body(&[
                ("s", "b-writable"),
                ("level", "FULL"),
                ("token", &token),
                ("confirm", "yes"),
            ])),
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    assert_eq!(
        done.location.as_deref(),
        Some("subject?s=b-writable&done=level")
    );
    let level: Value = app
        .client
        .get(url("/config/b-writable"))
        .basic_auth("admin", Some("admin-pw"))
        .send()
        .await
        .expect("config")
        .json()
        .await
        .expect("json");
    assert_eq!(level["compatibilityLevel"], "FULL");
    // The writer's token does not let it write outside its prefix.
    let other = as_user(
        &app,
        "writer",
        c.post(url("/ui/delete-version"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(&[
                ("s", "c-secret"),
                ("v", "1"),
                ("token", &token),
                ("confirm", "yes"),
            ])),
    )
    .await;
    assert!(
        other.status == StatusCode::FORBIDDEN || other.status == StatusCode::NOT_FOUND,
        "{}",
        other.status
    );
    let versions = app
        .client
        .get(url("/subjects/c-secret/versions"))
        .basic_auth("admin", Some("admin-pw"))
        .send()
        .await
        .expect("versions");
    assert_eq!(versions.text().await.expect("body"), "[1]");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_authorization_applies_to_pages_and_writes() {
    authorization_applies_to_pages_and_writes(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "set TEST_DATABASE_URL to run PostgreSQL tests"
)]
async fn postgres_authorization_applies_to_pages_and_writes() {
    authorization_applies_to_pages_and_writes(Backend::Postgres).await;
}
