//! Links the MMDB C++ library.
//!
//! - `MMDB_LIB_DIR` set: link the `libmmdb.a` already built there (a CMake
//!   build directory of this repository; CTest passes its own).
//! - Otherwise: configure and build the library with CMake (static, release,
//!   no tests) from this repository into `OUT_DIR`, then link it.
//!
//! Either way the system libraries the engine uses (lz4, zstd, deflate,
//! xxhash) and the C++ runtime are linked dynamically.
use std::env;
use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=MMDB_LIB_DIR");
    println!("cargo:rerun-if-changed=build.rs");
    let lib_dir = match env::var_os("MMDB_LIB_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            let lib = dir.join("libmmdb.a");
            if !lib.is_file() {
                panic!(
                    "MMDB_LIB_DIR={}: no libmmdb.a there (build the mmdb_static target first)",
                    dir.display()
                );
            }
            println!("cargo:rerun-if-changed={}", lib.display());
            dir
        }
        None => build_with_cmake(),
    };
    println!("cargo:rustc-link-search=native={}", lib_dir.display());
    println!("cargo:rustc-link-lib=static=mmdb");
    for lib in ["lz4", "zstd", "deflate", "xxhash", "stdc++"] {
        println!("cargo:rustc-link-lib=dylib={lib}");
    }
}

/// Builds `mmdb_static` from the repository that holds this crate and returns
/// the directory of `libmmdb.a`.
fn build_with_cmake() -> PathBuf {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let repo = manifest.join("../..");
    let repo = repo.canonicalize().unwrap_or(repo);
    if !repo.join("include/mmdb/c.h").is_file() {
        panic!(
            "{}: not the MMDB repository; set MMDB_LIB_DIR to a directory holding libmmdb.a",
            repo.display()
        );
    }
    for dir in ["src", "include", "cmake", "CMakeLists.txt"] {
        println!("cargo:rerun-if-changed={}", repo.join(dir).display());
    }
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR")).join("cmake-build");
    let jobs = env::var("NUM_JOBS").unwrap_or_else(|_| "2".to_string());
    run(Command::new("cmake")
        .arg("-S")
        .arg(&repo)
        .arg("-B")
        .arg(&out)
        .arg("-DCMAKE_BUILD_TYPE=Release")
        .arg("-DMMDB_BUILD_TESTS=OFF")
        .arg("-DMMDB_INVARIANTS=OFF"));
    run(Command::new("cmake")
        .arg("--build")
        .arg(&out)
        .arg("--target")
        .arg("mmdb_static")
        .arg("-j")
        .arg(jobs));
    out
}

fn run(cmd: &mut Command) {
    let status =
        cmd.status().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e} (is cmake installed?)"));
    if !status.success() {
        panic!("{cmd:?} failed: {status}");
    }
}
