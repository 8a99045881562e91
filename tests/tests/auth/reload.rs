//! A changed authfile applies to the next requests, without a restart.

use std::time::{Duration, Instant};

use registry_tests::app::record;

use super::support::{As, Secured, toml_authfile};

async fn start(backend: registry_tests::Backend) -> Secured {
    Secured::start(backend).await
}

async fn a_changed_authfile_takes_effect_without_a_restart(app: Secured) {
    app.register(As::Admin, "a1", &record("A1", &[])).await;
    app.get(As::Reader, "/subjects/a1/versions")
        .await
        .assert_ok();
    // The reader loses its rule: a1 now looks missing to it.
    let narrowed = toml_authfile().replace("prefix = \"a\"", "prefix = \"zz\"");
    std::fs::write(app.authfile(), narrowed).expect("rewrite authfile");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let answer = app.get(As::Reader, "/subjects/a1/versions").await;
        if answer.error_code() == Some(40401) {
            break;
        }
        answer.assert_ok();
        assert!(Instant::now() < deadline, "the authfile was not reloaded");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    app.get(As::Admin, "/subjects/a1/versions")
        .await
        .assert_ok();
}

crate::secured_tests!(start; a_changed_authfile_takes_effect_without_a_restart);
