//! Build-time cfgs for the integration tests: `cfg(shared_conformance)` when the third-party
//! conformance data is available (see `build-support/shared_conformance.rs`).

#[path = "../build-support/shared_conformance.rs"]
mod shared_conformance;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=../build-support/shared_conformance.rs");
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    shared_conformance::configure(&std::path::Path::new(&manifest).join(".."));
}
