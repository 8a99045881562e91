//! Turns the presence of test infrastructure into cfgs, so tests that need it are reported
//! as ignored (not as passed) when it is absent.
//!
//! - `TEST_DATABASE_URL` set → `cfg(postgres_tests)`: PostgreSQL tests run.
//! - `INTEROP_PYTHON` set (a Python with `confluent-kafka`) → `cfg(python_interop)`.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(postgres_tests)");
    println!("cargo::rustc-check-cfg=cfg(python_interop)");
    println!("cargo::rerun-if-env-changed=TEST_DATABASE_URL");
    println!("cargo::rerun-if-env-changed=INTEROP_PYTHON");
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=postgres_tests");
    }
    if std::env::var("INTEROP_PYTHON").is_ok_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=python_interop");
    }
}
