// xx-go and xx-cargo fetch a piece of a Debian package for the target (Go's std, Rust's rlibs)
// without installing it: both start by downloading the .deb through xx-apt-get, which adds the
// architecture and updates its lists when needed.
//
//   fs::path deb = download_deb(tmp, "libstd-rust-dev:arm64=1.63.0+dfsg1-2");
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace xbuild::xx {

// `xx-apt-get -q download PACKAGE` run in `dir` (apt-get writes into the current folder), with
// `env_changes` (TARGETPLATFORM=... picks the architecture's lists); returns the .deb it left.
// Throws std::runtime_error naming the package when the download fails or leaves no .deb.
std::filesystem::path download_deb(const std::filesystem::path& dir, const std::string& package,
                                   const std::vector<std::string>& env_changes = {});

}  // namespace xbuild::xx
