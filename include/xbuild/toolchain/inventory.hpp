// xbuild/toolchain/inventory.hpp: which toolchains this machine has for a platform, and what to
// install for the ones it lacks. The model behind `xbuild platforms`.
//
// A platform is cross-built by whichever of its toolchains are here:
//  - Go: a `go` on PATH whose `go tool dist list` has the platform's GOOS/GOARCH (pure Go; cgo
//    also needs the C toolchain, as xx-go does);
//  - Rust: a rustc whose sysroot holds the target's standard library (libstd-*.rlib under
//    lib/rustlib/<triple>/lib), and the C toolchain to link with;
//  - C/C++: what xx-cc would run (clang with a linker, or Debian's <triple>-gcc; cc.hpp) and
//    the target's C library (glibc's crt1.o, mingw's folder, a macOS SDK).
// A missing part comes with the command that adds it: the Debian package (libstd-rust-dev:arm64,
// gcc-aarch64-linux-gnu, libc6-dev-arm64-cross), or `rustup target add` for a rustup rustc.
//
//   xbuild::toolchain::Inventory inventory;                 // looks at this machine, lazily
//   auto tools = inventory.cross_tools(*xbuild::find_target("linux", "arm64", ""));
//   if (!tools.rust.found) std::puts(tools.rust.install.c_str());
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "../targets.hpp"
#include "cc.hpp"

namespace xbuild::toolchain {

// One toolchain's verdict for one platform.
struct Finding {
    bool found = false;
    std::string detail;   // found: what serves ("go1.19.8"); else what is missing and why
    std::string install;  // not found: the command that adds it; "" when none is known
};

// The three toolchains a standalone cross-build uses.
struct CrossTools {
    Finding go, rust, c;
    bool any() const { return go.found || rust.found || c.found; }
};

// What the inventory looks at. `files` is cc.hpp's probe (programs on PATH, files, folders,
// variables); `capture` runs a program and gives its standard output, nullopt when it fails;
// `os_release` and `machine` are the build machine's (Alpine and Debian differ in libc and sysroot).
struct InventoryProbe {
    Probe files;
    OsRelease os_release;
    std::string machine;
    std::function<std::optional<std::string>(const std::vector<std::string>& argv)> capture;
    static InventoryProbe system();
};

class Inventory {
   public:
    explicit Inventory(InventoryProbe probe = InventoryProbe::system());

    // The toolchains for `row`, read as xx-go, xx-cargo and xx-cc would find them. Programs run
    // once per Inventory (go version, go tool dist list, rustc --print sysroot), not per row.
    CrossTools cross_tools(const Target& row) const;

   private:
    Finding go(const Target& row) const;
    Finding rust(const Target& row, const Finding& c) const;
    Finding c(const Target& row) const;
    const std::optional<std::string>& run_once(const std::vector<std::string>& argv) const;

    InventoryProbe probe_;
    mutable std::map<std::vector<std::string>, std::optional<std::string>> runs_;
};

}  // namespace xbuild::toolchain

#include "impl/inventory.inl"
