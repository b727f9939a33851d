// `xbuild cross` and `xbuild test`: a Go, Rust or C/C++ project built (or tested) for each
// platform with no Dockerfile and no engine, through the same cross toolchains as the xx helpers.
//
//   xbuild cross --platform linux/amd64,linux/arm64 examples/go -o type=oci,dest=app.tar
//   xbuild --platform linux/arm64 .                       (the same: the design's short form)
//   xbuild cross --platform linux/riscv64 . -- make dist  (any command, once per platform)
//   xbuild test --platform linux/arm64 examples/c         (the tests, run under QEMU)
//
// Settings come from the flags, then xbuild.toml in the project (project/config.hpp), then the
// defaults. Exit status: 0 when every platform succeeded, 1 when one failed (nothing is written
// to the outputs then), 2 for bad input (a flag, xbuild.toml, a platform, nothing to build).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "registry_flags.hpp"

namespace xbuild::cli {

struct CrossOptions {
    std::vector<std::string> platforms;  // --platform, each a comma list
    std::string path = ".";              // the project folder
    std::vector<std::string> command;    // after `--`
    std::optional<unsigned> jobs;        // -j: platforms at once (default: the cores)
    std::string progress = "auto";
    bool fail_fast = false;
    std::vector<std::string> outputs;  // -o (default: type=local,dest=<PATH>/dist)
    std::string config;                // --config FILE (default: <PATH>/xbuild.toml when there)
    std::string kind;                  // --kind (default: from xbuild.toml, else detected)
    std::string build_dir;             // --build-dir (default: $XDG_CACHE_HOME/xbuild/cross/<project>)
    bool test = false;                 // xbuild test
    RegistryFlags registry;
};

// Runs the whole command; throws CLI::RuntimeError(status) to end with a status other than 0.
void run_cross(const CrossOptions& options);

}  // namespace xbuild::cli
