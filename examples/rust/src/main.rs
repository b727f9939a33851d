//! zhello: prints the linked zlib's version and the platform, after checking
//! that a compress/uncompress round-trip restores a fixed string.

use std::env::consts::{ARCH, OS};
use std::process::exit;

fn main() {
    let data = "xbuild cross-compiles Rust with a C dependency. ".repeat(8);
    match zhello::roundtrip(data.as_bytes()) {
        Ok((m, out)) if out == data.as_bytes() => {
            println!(
                "zlib {} on {}/{}: {} bytes -> {} bytes",
                zhello::zlib_version(),
                OS,
                ARCH,
                data.len(),
                m
            );
        }
        Ok(_) => {
            eprintln!("zhello: round-trip mismatch");
            exit(1);
        }
        Err(rc) => {
            eprintln!("zhello: zlib error {}", rc);
            exit(1);
        }
    }
}
