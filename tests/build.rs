//! Turns the presence of test infrastructure into cfgs, so tests that need it are reported
//! as ignored (not as passed) when it is absent.
//!
//! - `TEST_DATABASE_URL` set, or `REQUIRE_POSTGRES=1` → `cfg(postgres_tests)`: PostgreSQL
//!   tests run (and fail, never skip, when the database is missing).
//! - `INTEROP_PYTHON` set (a Python with `confluent-kafka`), or `REQUIRE_INTEROP=1` →
//!   `cfg(python_interop)`.
//! - `INTEROP_NODE=1` (npm packages installed in `tests/node`), or `REQUIRE_INTEROP=1` →
//!   `cfg(npm_interop)`.
//! - `INTEROP_KAFKA=1` (a `tansu` broker binary on PATH or in `TANSU`, the `kafka` feature of
//!   this crate, and a Python with `confluent-kafka` in `INTEROP_PYTHON`), or `REQUIRE_INTEROP=1`
//!   → `cfg(kafka_pipeline)`.
//! - `UI_BROWSER=1` (npm packages installed in `tests/browser`, Debian's `chromium`), or
//!   `REQUIRE_INTEROP=1` → `cfg(ui_browser)`: the web UI's browser test.
//! - `INTEROP_KAFKA=1` (a `tansu` binary; no feature needed: the tests produce with the
//!   server's own pure-Rust client), or `REQUIRE_INTEROP=1` → `cfg(kafka_broker)`: the
//!   `_schemas` topic import and follow tests.
//! - The shared third-party conformance data present, or `REQUIRE_SHARED=1` →
//!   `cfg(shared_conformance)` (see `build-support/shared_conformance.rs`).

#[path = "../build-support/shared_conformance.rs"]
mod shared_conformance;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=../build-support/shared_conformance.rs");
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    shared_conformance::configure(&std::path::Path::new(&manifest).join(".."));
    println!("cargo::rustc-check-cfg=cfg(postgres_tests)");
    println!("cargo::rustc-check-cfg=cfg(python_interop)");
    println!("cargo::rustc-check-cfg=cfg(npm_interop)");
    println!("cargo::rustc-check-cfg=cfg(kafka_pipeline)");
    println!("cargo::rustc-check-cfg=cfg(ui_browser)");
    println!("cargo::rerun-if-env-changed=UI_BROWSER");
    println!("cargo::rustc-check-cfg=cfg(kafka_broker)");
    println!("cargo::rerun-if-env-changed=INTEROP_KAFKA");
    println!("cargo::rerun-if-env-changed=INTEROP_NODE");
    println!("cargo::rerun-if-env-changed=TEST_DATABASE_URL");
    println!("cargo::rerun-if-env-changed=INTEROP_PYTHON");
    println!("cargo::rerun-if-env-changed=REQUIRE_POSTGRES");
    println!("cargo::rerun-if-env-changed=REQUIRE_INTEROP");
    if is_set("TEST_DATABASE_URL") || is_set("REQUIRE_POSTGRES") {
        println!("cargo::rustc-cfg=postgres_tests");
    }
    if is_set("INTEROP_PYTHON") || is_set("REQUIRE_INTEROP") {
        println!("cargo::rustc-cfg=python_interop");
    }
    if is_set("INTEROP_NODE") || is_set("REQUIRE_INTEROP") {
        println!("cargo::rustc-cfg=npm_interop");
    }
    if is_set("UI_BROWSER") || is_set("REQUIRE_INTEROP") {
        println!("cargo::rustc-cfg=ui_browser");
    }
    if is_set("INTEROP_KAFKA") || is_set("REQUIRE_INTEROP") {
        println!("cargo::rustc-cfg=kafka_pipeline");
        println!("cargo::rustc-cfg=kafka_broker");
    }
}

fn is_set(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0")
}
