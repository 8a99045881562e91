//! What a scoped principal sees: filtered listings (paged after filtering), ids only
//! through readable subjects, references and `?subject=` to hidden subjects as missing,
//! contexts and their URL-prefix form. The authfile is Karapace's JSON.

use registry_server::auth::KarapaceAlgorithm;
use registry_tests::Backend;
use registry_tests::app::record;
use reqwest::Method;
use serde_json::{Value, json};

use super::support::{Secured, karapace_authfile};

const ALICE: Option<(&str, &str)> = Some(("alice", "alice-pw"));
const ADMIN: Option<(&str, &str)> = Some(("admin", "admin-pw"));

async fn start(backend: Backend) -> Secured {
    let authfile = karapace_authfile(
        &[
            ("alice", "alice-pw", KarapaceAlgorithm::Sha512),
            ("admin", "admin-pw", KarapaceAlgorithm::Scrypt),
        ],
        &[
            ("alice", "Write", r"Subject:(a|c|:\.pub:)"),
            ("admin", "Write", ".*"),
        ],
    );
    Secured::start_with(backend, "registry_authfile.json", &authfile).await
}

async fn get(app: &Secured, who: Option<(&str, &str)>, path: &str) -> registry_tests::app::Answer {
    app.call_basic(who, Method::GET, path, None).await
}

async fn post(
    app: &Secured,
    who: Option<(&str, &str)>,
    path: &str,
    body: &Value,
) -> registry_tests::app::Answer {
    app.call_basic(who, Method::POST, path, Some(body)).await
}

async fn register(app: &Secured, who: Option<(&str, &str)>, subject: &str, schema: &str) -> i64 {
    post(
        app,
        who,
        &format!("/subjects/{subject}/versions"),
        &json!({ "schema": schema }),
    )
    .await
    .assert_ok()["id"]
        .as_i64()
        .expect("id")
}

/// a1, a2, b1, b2, c1, c2 (b* hidden from alice, sorting between the readable ones).
async fn seed(app: &Secured) {
    app.call_basic(
        ADMIN,
        Method::PUT,
        "/config",
        Some(&json!({"compatibility": "NONE"})),
    )
    .await
    .assert_ok();
    for subject in ["a1", "a2", "b1", "b2", "c1", "c2"] {
        register(app, ADMIN, subject, &record(&subject.to_uppercase(), &[])).await;
    }
}

async fn listings_hold_only_readable_subjects_and_page_after_filtering(app: Secured) {
    seed(&app).await;
    assert_eq!(
        get(&app, ALICE, "/subjects").await.body,
        json!(["a1", "a2", "c1", "c2"])
    );
    assert_eq!(
        get(&app, ALICE, "/subjects?offset=1&limit=2").await.body,
        json!(["a2", "c1"]),
        "the page is of the filtered list"
    );
    assert_eq!(
        get(&app, ADMIN, "/subjects?offset=1&limit=2").await.body,
        json!(["a2", "b1"])
    );
    let schemas = get(&app, ALICE, "/schemas?offset=1&limit=2").await;
    let subjects: Vec<&str> = schemas
        .assert_ok()
        .as_array()
        .expect("list")
        .iter()
        .map(|s| s["subject"].as_str().expect("subject"))
        .collect();
    assert_eq!(subjects, ["a2", "c1"]);
    let all = get(&app, ALICE, "/schemas").await;
    assert_eq!(all.assert_ok().as_array().map(Vec::len), Some(4));
}

async fn an_id_is_visible_only_through_a_readable_subject(app: Secured) {
    seed(&app).await;
    let hidden = record("Shared", &[("x", r#""int""#)]);
    let id = register(&app, ADMIN, "b1", &hidden).await;
    let missing = get(&app, ALICE, "/schemas/ids/99999").await;
    missing.assert_error(40403);
    for tail in ["", "/schema", "/subjects", "/versions"] {
        let answer = get(&app, ALICE, &format!("/schemas/ids/{id}{tail}")).await;
        let expected = get(&app, ALICE, &format!("/schemas/ids/99999{tail}")).await;
        assert_eq!(
            (answer.status, answer.text.clone()),
            (
                expected.status,
                expected.text.replace("99999", &id.to_string())
            ),
            "{tail}"
        );
    }
    let guid = get(&app, ADMIN, &format!("/schemas/ids/{id}")).await.body["guid"]
        .as_str()
        .expect("guid")
        .to_owned();
    get(&app, ALICE, &format!("/schemas/guids/{guid}"))
        .await
        .assert_error(40403);
    assert_eq!(
        get(&app, ALICE, &format!("/schemas/guids/{guid}/ids"))
            .await
            .body,
        json!([])
    );
    // The fetchMaxId and ?subject= forms are no way round.
    get(&app, ALICE, &format!("/schemas/ids/{id}?fetchMaxId=true"))
        .await
        .assert_error(40403);
    get(&app, ALICE, &format!("/schemas/ids/{id}?subject=b1"))
        .await
        .assert_error(40403);

    // Once a readable subject uses it too, it is visible, but only through that subject.
    let again = register(&app, ALICE, "a3", &hidden).await;
    assert_eq!(again, id, "the same schema keeps its id");
    assert_eq!(
        get(&app, ALICE, &format!("/schemas/ids/{id}"))
            .await
            .assert_ok()["schema"],
        json!(hidden)
    );
    assert_eq!(
        get(&app, ALICE, &format!("/schemas/ids/{id}/subjects"))
            .await
            .body,
        json!(["a3"])
    );
    assert_eq!(
        get(&app, ADMIN, &format!("/schemas/ids/{id}/subjects"))
            .await
            .body,
        json!(["a3", "b1"])
    );
    assert_eq!(
        get(&app, ALICE, &format!("/schemas/ids/{id}/versions"))
            .await
            .body,
        json!([{"subject": "a3", "version": 1}])
    );
    assert_eq!(
        get(&app, ALICE, &format!("/schemas/guids/{guid}/ids"))
            .await
            .body,
        json!([{"context": ".", "id": id}])
    );
    // `?subject=` naming a hidden subject answers as for a subject without that id.
    let named = get(&app, ALICE, &format!("/schemas/ids/{id}?subject=b1")).await;
    let unknown = get(&app, ALICE, &format!("/schemas/ids/{id}?subject=zz")).await;
    assert_eq!(named.body, unknown.body);
    assert!(named.body.get("subject").is_none(), "{}", named.text);
}

async fn references_to_hidden_subjects_are_missing(app: Secured) {
    seed(&app).await;
    let referring = |subject: &str| {
        json!({
            "schema": r#"{"type":"record","name":"R","fields":[{"name":"b","type":"B1"}]}"#,
            "references": [{"name": "B1", "subject": subject, "version": 1}],
        })
    };
    let hidden = post(&app, ALICE, "/subjects/a9/versions", &referring("b1")).await;
    let missing = post(&app, ALICE, "/subjects/a9/versions", &referring("zz")).await;
    hidden.assert_error(42201);
    assert_eq!(hidden.text, missing.text.replace("zz", "b1"));
    for path in ["/subjects/a1", "/compatibility/subjects/a1/versions"] {
        let hidden = post(&app, ALICE, path, &referring("b1")).await;
        let missing = post(&app, ALICE, path, &referring("zz")).await;
        hidden.assert_error(42201);
        assert_eq!(hidden.text, missing.text.replace("zz", "b1"), "{path}");
    }
    post(&app, ADMIN, "/subjects/a9/versions", &referring("b1"))
        .await
        .assert_ok();
    // The referring schema's id is seen through a9; b1's referencedby is hidden entirely.
    get(&app, ALICE, "/subjects/b1/versions/1/referencedby")
        .await
        .assert_error(40401);
}

async fn contexts_and_their_prefix_form_show_only_readable_subjects(app: Secured) {
    seed(&app).await;
    register(&app, ADMIN, ":.pub:x", &record("X", &[])).await;
    let private = register(&app, ADMIN, ":.priv:y", &record("Y", &[])).await;
    register(&app, ADMIN, ":.priv:z", &record("Z", &[])).await;
    assert_eq!(
        get(&app, ALICE, "/contexts").await.body,
        json!([".", ".pub"])
    );
    assert_eq!(
        get(&app, ADMIN, "/contexts").await.body,
        json!([".", ".priv", ".pub"])
    );
    assert_eq!(
        get(&app, ALICE, "/contexts/.priv/subjects").await.body,
        json!([])
    );
    assert_eq!(
        get(&app, ALICE, "/contexts/.pub/subjects").await.body,
        json!([":.pub:x"])
    );
    get(&app, ALICE, "/contexts/.priv/subjects/y/versions")
        .await
        .assert_error(40401);
    get(&app, ALICE, "/contexts/.priv/subjects/y/versions/1")
        .await
        .assert_error(40401);
    assert_eq!(
        get(&app, ALICE, "/contexts/.pub/subjects/x/versions")
            .await
            .body,
        json!([1])
    );
    get(&app, ALICE, "/contexts/.priv/config/y")
        .await
        .assert_error(40408);
    // Id 2 of .priv is z's; the default context's id 2 (a2) is what a missing id there
    // falls back to.
    let prefixed = get(
        &app,
        ALICE,
        &format!("/contexts/.priv/schemas/ids/{}", private + 1),
    )
    .await;
    let fallback = get(&app, ALICE, &format!("/schemas/ids/{}", private + 1)).await;
    assert_eq!(prefixed.body, fallback.body);
    assert_eq!(fallback.assert_ok()["schema"], json!(record("A2", &[])));
    let deleted = app
        .call_basic(ALICE, Method::DELETE, "/contexts/.priv/subjects/y", None)
        .await;
    deleted.assert_error(40401);
    get(&app, ADMIN, "/subjects/:.priv:y/versions")
        .await
        .assert_ok();
}

crate::secured_tests!(
    start;
    listings_hold_only_readable_subjects_and_page_after_filtering,
    an_id_is_visible_only_through_a_readable_subject,
    references_to_hidden_subjects_are_missing,
    contexts_and_their_prefix_form_show_only_readable_subjects,
);
