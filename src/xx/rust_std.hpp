// xx-cargo, Debian's rustc: the target's Rust standard library fetched as rlibs only, instead of
// `apt-get install libstd-rust-dev:<arch>` (which drags in libstd-rust-1.NN:<arch>, libllvm:<arch>,
// the target's libc6, libicu, ...: ~70 MB to download, ~425 MB unpacked, for ~25 MB of rlibs).
//
// As xx-go does for Go's std (go_std.hpp): `xx-apt-get download libstd-rust-dev:<arch>=<the
// installed rustc's version>` (xx-apt-get adds the architecture and fetches its lists when
// needed), then only ./usr/lib/rustlib/<triple>/lib/*.rlib unpacked with dpkg-deb into a folder
// beside the destination and renamed into /usr/lib/rustlib/<triple>/lib, where Debian's rustc
// looks (no half-written state). A plain static link needs nothing else: the libstd-*.so links
// beside them (for -C prefer-dynamic) would point into libstd-rust-1.NN:<arch>, not fetched.
// dpkg does not know the files: installing libstd-rust-dev:<arch> later replaces them.
//
//   if (fetch_rust_std(env, "aarch64-unknown-linux-gnu", "/usr/lib/rustlib/aarch64-unknown-linux-gnu/lib"))
//       ... the std is there
#pragma once

#include <string>

#include "xbuild/target_env.hpp"

namespace xbuild::xx {

// Fetches the rlibs of `triple` into `libdir` when this is Debian's rustc (libdir is
// /usr/lib/rustlib/<triple>/lib, rustc a Debian package), a linux gnu target with a Debian
// architecture, as root with apt-get, dpkg-deb and dpkg-query. Returns true when they are in
// place; false, saying nothing, when the route does not apply, and false with a warning on
// stderr when a step failed (the caller then installs libstd-rust-dev with apt).
bool fetch_rust_std(const xbuild::TargetEnv& env, const std::string& triple, const std::string& libdir);

}  // namespace xbuild::xx
