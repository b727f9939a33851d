// The clang configuration files the xx shell helpers write, and plain `clang`/`clang++` run
// through them, so Dockerfiles written for those helpers work unchanged:
//
//   xx-clang --setup-target-triple        # writes <triple>.cfg beside the <triple>-clang links
//   clang --target=$(xx-clang --print-target-triple) -o hello hello.c   # reads it
//
// Where xx is installed in /usr/bin (`COPY --from=xx / /`), setup also does what the shell helper
// does system-wide: the real <triple>.cfg goes beside the real clang (clang 16+ reads it there by
// itself) with a link in /usr/bin, /etc/llvm/xx-default.cfg holds the native target's linker,
// and /usr/local/bin/clang and clang++ link to xx so plain `clang` finds the files. XX_ROOT
// (tests) prefixes every one of those system paths.
#pragma once

#include <string>
#include <string_view>

#include "helpers.hpp"
#include "xbuild/toolchain/cc.hpp"

namespace xbuild::xx {

// Writes the target's clang configuration (see above). Does nothing when clang is not installed.
// Returns false, and says why on stderr when `report_errors`, when a file cannot be made or no
// linker serves the target.
bool setup_clang_config(const xbuild::toolchain::CcToolchain& tc, bool report_errors);

// Whether `xx-clang --wrap` is in force: plain clang then compiles for the target environment.
bool clang_wrapped();
// `--wrap` / `--unwrap`: sets or clears that state (a marker file, /.xx-cc-autowrap, as the shell
// helper keeps it) and makes the /usr/local/bin links plain clang needs. Returns the exit status.
int wrap_clang(bool undo);

// Runs as `clang`/`clang++` (the /usr/local/bin links): wrapped, as xx-clang does, honouring an
// explicit --target; else the real clang with --config <triple>.cfg for an explicit --target, or
// /etc/llvm/xx-default.cfg without one, when that file exists.
int plain_clang_main(std::string_view invoked_as, Args args);

}  // namespace xbuild::xx
