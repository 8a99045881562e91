//! Included by the build scripts of `registry-server` and `registry-tests`: finds the
//! third-party conformance data the replay tests read at run time (it is not in this
//! repository) and turns its presence into `cfg(shared_conformance)`.
//!
//! - The directory is `SHARED_CONFORMANCE_DIR` if set, else `../shared/conformance` next to the
//!   workspace root (CI clones the repository beside `shared/`). Its path reaches the tests as
//!   the compile-time variable `SHARED_CONFORMANCE_DIR_RESOLVED`.
//! - It exists, or `REQUIRE_SHARED=1` → `cfg(shared_conformance)`: the replay tests run (and
//!   fail, never skip, when the data is missing). Otherwise they are reported as ignored.

use std::path::{Path, PathBuf};

/// Emits the cfg, the resolved path and the rerun triggers. `workspace_root` is the
/// directory holding the workspace `Cargo.toml`.
pub fn configure(workspace_root: &Path) {
    println!("cargo::rustc-check-cfg=cfg(shared_conformance)");
    println!("cargo::rerun-if-env-changed=SHARED_CONFORMANCE_DIR");
    println!("cargo::rerun-if-env-changed=REQUIRE_SHARED");
    let workspace_root = lexical(workspace_root);
    let dir = match std::env::var_os("SHARED_CONFORMANCE_DIR").filter(|v| !v.is_empty()) {
        Some(dir) => lexical(Path::new(&dir)),
        None => workspace_root.join("../shared/conformance"),
    };
    let dir = lexical(&dir);
    println!(
        "cargo::rustc-env=SHARED_CONFORMANCE_DIR_RESOLVED={}",
        dir.display()
    );
    let present = dir.is_dir();
    if present {
        // Cargo scans a directory recursively: new or edited data reruns the script.
        println!("cargo::rerun-if-changed={}", dir.display());
    } else if let Some(ancestor) = nearest_existing_ancestor(&dir)
        && !workspace_root.starts_with(&ancestor)
    {
        // Creating the directory changes this ancestor. An ancestor that holds the workspace
        // is not watched: cargo would scan every file under it (build output included) on
        // each build. A missing path is not watched either: cargo treats it as always
        // changed and would rebuild the crate every time.
        println!("cargo::rerun-if-changed={}", ancestor.display());
    }
    if present || is_set("REQUIRE_SHARED") {
        println!("cargo::rustc-cfg=shared_conformance");
    }
}

/// `path` made absolute with `.` and `..` removed, so ancestors compare by name.
fn lexical(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for part in absolute.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn nearest_existing_ancestor(path: &Path) -> Option<PathBuf> {
    path.ancestors()
        .skip(1)
        .find(|p| p.is_dir())
        .map(Path::to_path_buf)
}

fn is_set(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0")
}
