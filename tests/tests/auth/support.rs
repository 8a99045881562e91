//! A server with authentication on, its users, and a client that sends their credentials.

use registry_server::auth::{KarapaceAlgorithm, argon2id_hash, karapace_hash, karapace_salt};
use registry_tests::app::Answer;
use registry_tests::{Backend, TestApp, spawn_app_with};
use reqwest::Method;
use serde_json::Value;

/// Who a request is sent as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum As {
    Anonymous,
    /// A known user with the wrong password.
    WrongPassword,
    /// Read on subjects starting with `a`.
    Reader,
    /// Write on subjects starting with `b`, nothing else.
    Writer,
    /// Write on `Config:` and on every subject.
    Admin,
}

pub const EVERYONE: [As; 5] = [
    As::Anonymous,
    As::WrongPassword,
    As::Reader,
    As::Writer,
    As::Admin,
];

impl As {
    fn credentials(self) -> Option<(&'static str, &'static str)> {
        match self {
            As::Anonymous => None,
            As::WrongPassword => Some(("admin", "not-the-password")),
            As::Reader => Some(("reader", "reader-pw")),
            As::Writer => Some(("writer", "writer-pw")),
            As::Admin => Some(("admin", "admin-pw")),
        }
    }
}

/// The native TOML authfile of [`As`]'s users (argon2id hashes).
#[must_use]
pub fn toml_authfile() -> String {
    let user = |name: &str, password: &str| {
        let hash = argon2id_hash(password).expect("argon2id hash");
        format!("[[users]]\nusername = \"{name}\"\npassword_hash = \"{hash}\"\n\n")
    };
    let mut out = String::new();
    out.push_str(&user("reader", "reader-pw"));
    out.push_str(&user("writer", "writer-pw"));
    out.push_str(&user("admin", "admin-pw"));
    out.push_str(
        r#"[[permissions]]
username = "reader"
operation = "Read"
prefix = "a"

[[permissions]]
username = "writer"
operation = "Write"
prefix = "b"

[[permissions]]
username = "admin"
operation = "Write"
config = true

[[permissions]]
username = "admin"
operation = "Write"
prefix = ""
"#,
    );
    out
}

/// A Karapace `registry_authfile`: `users` of (name, password, algorithm) and `permissions`
/// of (name, operation, resource regex), hashed as Karapace hashes.
#[must_use]
pub fn karapace_authfile(
    users: &[(&str, &str, KarapaceAlgorithm)],
    permissions: &[(&str, &str, &str)],
) -> String {
    let users: Vec<Value> = users
        .iter()
        .map(|(name, password, algorithm)| {
            let salt = karapace_salt();
            serde_json::json!({
                "username": name,
                "algorithm": algorithm.name(),
                "salt": salt,
                "password_hash": karapace_hash(*algorithm, &salt, password),
            })
        })
        .collect();
    let permissions: Vec<Value> = permissions
        .iter()
        .map(|(name, operation, resource)| {
            serde_json::json!({"username": name, "operation": operation, "resource": resource})
        })
        .collect();
    serde_json::json!({"users": users, "permissions": permissions}).to_string()
}

/// A running server with authentication on, and the directory holding its authfile.
pub struct Secured {
    pub app: TestApp,
    authfile: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Secured {
    /// A server over a fresh `backend` database reading `authfile` (named `file_name`).
    pub async fn start_with(backend: Backend, file_name: &str, authfile: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(file_name);
        std::fs::write(&path, authfile).expect("write authfile");
        let app = spawn_app_with(backend, |args| args.auth.auth_file = Some(path.clone())).await;
        Secured {
            app,
            authfile: path,
            _dir: dir,
        }
    }

    /// Where the server reads its authfile (rewrite it to reload).
    #[must_use]
    pub fn authfile(&self) -> &std::path::Path {
        &self.authfile
    }

    /// A server with [`toml_authfile`].
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, "auth.toml", &toml_authfile()).await
    }

    /// Sends a request as `who`, with an optional JSON body.
    pub async fn call(&self, who: As, method: Method, path: &str, body: Option<&Value>) -> Answer {
        self.call_basic(who.credentials(), method, path, body).await
    }

    /// Sends a request with HTTP Basic credentials (none: anonymous).
    pub async fn call_basic(
        &self,
        credentials: Option<(&str, &str)>,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Answer {
        let mut request = self
            .app
            .client
            .request(method, format!("{}{path}", self.app.base));
        if let Some((user, password)) = credentials {
            request = request.basic_auth(user, Some(password));
        }
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .body(body.to_string());
        }
        let response = request.send().await.expect("server reachable");
        let challenge = response.headers().get("www-authenticate").cloned();
        let answer = TestApp::answer(response).await;
        if answer.status == reqwest::StatusCode::UNAUTHORIZED {
            assert!(challenge.is_some(), "a 401 names its schemes: {path}");
        }
        answer
    }

    pub async fn get(&self, who: As, path: &str) -> Answer {
        self.call(who, Method::GET, path, None).await
    }

    pub async fn post(&self, who: As, path: &str, body: &Value) -> Answer {
        self.call(who, Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, who: As, path: &str, body: &Value) -> Answer {
        self.call(who, Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, who: As, path: &str) -> Answer {
        self.call(who, Method::DELETE, path, None).await
    }

    /// Registers `schema` under `subject` as `who`, asserting success; answers the id.
    pub async fn register(&self, who: As, subject: &str, schema: &str) -> i64 {
        let answer = self
            .post(
                who,
                &format!("/subjects/{subject}/versions"),
                &serde_json::json!({ "schema": schema }),
            )
            .await;
        answer.assert_ok()["id"].as_i64().expect("id")
    }
}

/// Asserts Confluent's 401 body.
#[track_caller]
pub fn assert_unauthorized(answer: &Answer, what: &str) {
    assert_eq!(answer.status.as_u16(), 401, "{what}: {}", answer.text);
    assert_eq!(
        answer.body,
        serde_json::json!({"error_code": 401, "message": "Unauthorized"}),
        "{what}"
    );
}
