//! Links zlib, asking pkg-config where it is (no crates, so no downloads).
//!
//! The pkg-config program is chosen the way the `pkg-config` crate does it,
//! so that xx-cargo (or a hand-written cross setup) can point it at the
//! *target's* zlib rather than the build machine's.

use std::env;
use std::process::Command;

/// Reads an environment variable and tells cargo to rerun if it changes.
fn var(name: &str) -> Option<String> {
    println!("cargo:rerun-if-env-changed={}", name);
    env::var(name).ok().filter(|v| !v.is_empty())
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let target = env::var("TARGET").expect("TARGET is set by cargo");
    let host = env::var("HOST").expect("HOST is set by cargo");

    // PKG_CONFIG_<target>, PKG_CONFIG_<target_with_underscores>,
    // TARGET_PKG_CONFIG (cross) or HOST_PKG_CONFIG (native), PKG_CONFIG.
    let kind = if target == host { "HOST" } else { "TARGET" };
    let pkg_config = var(&format!("PKG_CONFIG_{}", target))
        .or_else(|| var(&format!("PKG_CONFIG_{}", target.replace('-', "_"))))
        .or_else(|| var(&format!("{}_PKG_CONFIG", kind)))
        .or_else(|| var("PKG_CONFIG"))
        .unwrap_or_else(|| "pkg-config".to_string());
    // pkg-config itself reads these; a change must rerun the build script.
    for v in [
        "PKG_CONFIG_PATH",
        "PKG_CONFIG_LIBDIR",
        "PKG_CONFIG_SYSROOT_DIR",
    ] {
        var(v);
    }

    let fail = |why: String| -> ! {
        panic!(
            "\n\ncould not find zlib for {target} with `{pkg_config} --libs zlib`: {why}\n\
             Install the target's zlib (e.g. `xx-apt-get install -y zlib1g-dev`) and build with \
             xx-cargo, which sets PKG_CONFIG for the target.\n\n"
        )
    };
    let out = Command::new(&pkg_config)
        .args(["--libs", "zlib"])
        .output()
        .unwrap_or_else(|e| fail(e.to_string()));
    if !out.status.success() {
        fail(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }

    for flag in String::from_utf8_lossy(&out.stdout).split_whitespace() {
        if let Some(dir) = flag.strip_prefix("-L") {
            println!("cargo:rustc-link-search=native={}", dir);
        } else if let Some(lib) = flag.strip_prefix("-l") {
            println!("cargo:rustc-link-lib={}", lib);
        }
    }
}
