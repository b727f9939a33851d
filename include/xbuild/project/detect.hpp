// xbuild/project/detect.hpp: what kind of project a folder holds, for `xbuild cross`.
//
// A standalone cross-build needs to know which build system drives the project. The files at
// the top of the folder say it, in this order (the first found wins):
//   go.mod          go        (go build of the main packages)
//   Cargo.toml      cargo     (cargo build of the bins)
//   CMakeLists.txt  cmake     (configure with our toolchain file, build, install to a staging folder)
//   meson.build     meson     (setup with our cross file, compile, install)
//   configure       configure (./configure --host, make, make install)
//   Makefile        make      (make with CC, CXX, AR, ... set; make install when it has one)
// `command` is never detected: it is the command given after `--`, or `kind`/`command` in xbuild.toml.
//
//   auto kind = xbuild::project::detect_kind("examples/go");   // ProjectKind::go
//   std::string_view name = to_string(kind);                    // "go"
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace xbuild::project {

enum class ProjectKind { go, cargo, cmake, meson, configure, make, command };

// "go", "cargo", "cmake", "meson", "configure", "make", "command".
std::string_view to_string(ProjectKind kind) noexcept;

// The kind named `name` (as to_string spells it), or nullopt.
std::optional<ProjectKind> parse_kind(std::string_view name) noexcept;

// The valid names, for messages: "go, cargo, cmake, meson, configure, make, command".
std::string_view kind_names() noexcept;

// The folder holds nothing xbuild knows how to build.
class NothingToBuild : public std::runtime_error {
   public:
    using std::runtime_error::runtime_error;
};

// The kind of the project in `dir` (the table above). Throws NothingToBuild naming the folder
// and the files looked for, or std::runtime_error when `dir` is not a folder.
ProjectKind detect_kind(const std::filesystem::path& dir);

// True for the kinds whose build installs into a staging root (cmake, meson, configure, make):
// their files land at <stage>/usr/local/..., where go's, cargo's and a command's land flat.
bool installs_into_prefix(ProjectKind kind) noexcept;

}  // namespace xbuild::project

#include "impl/detect.inl"
