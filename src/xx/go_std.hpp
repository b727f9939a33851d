// xx-go with XX_AUTO_INSTALL=1: Debian's precompiled standard library for the target, fetched
// before a cross build instead of compiled by it (the rules: xbuild/toolchain/go_std.hpp).
#pragma once

#include <string>
#include <vector>

#include "helpers.hpp"

namespace xbuild::xx {

// Before running `go_program args...` with `env_changes` (xx-go's GOOS/GOARCH/...): when the
// rules say so, fetches golang-1.NN-go:<arch> and unpacks its pkg/<goos>_<goarch> into GOROOT,
// saying so on stderr. Never fails: every problem is a warning, and the build goes on.
void ensure_go_std(const std::string& go_program, const std::vector<std::string>& env_changes, Args args);

}  // namespace xbuild::xx
