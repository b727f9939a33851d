// xbuild/project/config.hpp: xbuild.toml, the project file of a standalone cross-build
// (`xbuild --platform LIST [PATH]` reads <PATH>/xbuild.toml when there is one).
//
// Every key is optional; the command line overrides the file. A full example:
//
//   platforms = ["linux/amd64", "linux/arm64", "windows/amd64"]
//   jobs = 4                    # platforms built at once (>= 1)
//   fail-fast = true            # stop the other platforms after the first failure
//   kind = "go"                 # go cargo cmake meson configure make command; auto-detected when absent
//   command = ["make", "dist"]  # the argv to run for kind = "command" (which command alone implies)
//   output = ["type=local,dest=out"]   # -o values as buildx spells them, a string or an array;
//                                      # a relative dest is inside the project folder
//
//   [go]
//   packages = ["./cmd/app"]    # default: every main package (./...)
//   ldflags = "-s -w"
//   tags = ["netgo"]
//   cgo = true                  # CGO_ENABLED; absent: off (static programs, as ko builds them)
//   flags = ["-trimpath"]       # extra `go build` flags
//
//   [rust]
//   profile = "release"         # default release
//   features = ["tls"]
//   all-features = false
//   no-default-features = true
//   bins = ["app"]
//   flags = ["--locked"]        # extra cargo flags
//
//   [cmake]
//   args = ["-DWITH_TESTS=OFF"] # extra configure arguments
//   build-type = "MinSizeRel"   # default Release
//   [meson]                     # [configure] and [make] the same: extra arguments
//   args = ["-Dtests=false"]
//
//   [artifacts]                 # glob patterns, relative to each platform's output folder
//   include = ["bin/*"]
//   exclude = ["*.debug"]
//
//   [image]                     # an image per platform, from the artifacts
//   base = "debian:bookworm-slim"
//   path = "/usr/local/bin"     # where the artifacts go in the image
//   entrypoint = ["/usr/local/bin/app"]   # a string is one argument (not split); cmd the same
//   cmd = ["--help"]
//   env = { APP_MODE = "prod" } # strings; kept in file order
//   labels = { "org.opencontainers.image.title" = "app" }   # quote keys that hold dots
//   user = "1000:1000"
//   workdir = "/data"
//   ports = [8080, "53/udp"]    # integers mean "N/tcp"
//
// Keys are kebab-case. Errors are ConfigErrors with the line and column of the bad key or value:
// TOML syntax (toml++'s description), unknown keys and tables (with the valid keys of that
// table), wrong types ("go.tags: expected an array of strings, got integer") and bad values
// (jobs < 1, an unknown kind, a platform parse_platform rejects, with its message). Non-ASCII text
// is read as TOML says; the characters toml++ 3.3 cannot classify never reach it
// (impl/config_toml_shield.inl). Code points U+F0000-U+FFFFF are refused.
//
//   auto cfg = xbuild::project::load_config(dir);   // nullopt: no xbuild.toml in dir
//   if (cfg && !cfg->platforms.empty()) platforms = cfg->platforms;
//
//   xbuild::project::parse_config("jobs = 0\n");
//   // throws ConfigError: "xbuild.toml:1:8: jobs: must be at least 1, got 0"
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xbuild::project {

// [go]: how `go build` runs.
struct GoSettings {
    std::vector<std::string> packages;  // empty: every main package (./...)
    std::string ldflags;                // -ldflags; "" = none
    std::vector<std::string> tags;      // -tags
    std::optional<bool> cgo;            // CGO_ENABLED; nullopt: not set in the file
    std::vector<std::string> flags;     // extra `go build` flags
};

// [rust]: how cargo builds.
struct RustSettings {
    std::string profile;                // --profile; "" = release
    std::vector<std::string> features;  // --features
    bool all_features = false;          // --all-features
    bool no_default_features = false;   // --no-default-features
    std::vector<std::string> bins;      // --bin each; empty: every binary
    std::vector<std::string> flags;     // extra cargo flags
};

// [cmake], [meson], [configure], [make]: extra arguments for the tool.
struct ToolSettings {
    std::vector<std::string> args;
};

// [artifacts]: which built files count, as glob patterns on relative paths.
struct ArtifactSettings {
    std::vector<std::string> include, exclude;
};

// [image]: the image made from the artifacts. "" / empty = not set in the file.
struct ImageSettings {
    std::string base;                                      // base image reference
    std::string path;                                      // where the artifacts go
    std::vector<std::string> entrypoint, cmd;              // a string in the file: one element
    std::vector<std::pair<std::string, std::string>> env;  // in file order
    std::map<std::string, std::string> labels;
    std::string user, workdir;
    std::vector<std::string> ports;  // "8080/tcp", "53/udp"
};

// The whole file. Defaults are what an absent key means.
struct Config {
    std::vector<std::string> platforms;  // as written ("linux/arm64"); each parses with parse_platform
    std::optional<unsigned> jobs;        // >= 1
    std::optional<bool> fail_fast;       // `fail-fast`: stop the other platforms after a failure
    std::string kind;                    // "" (auto) or one of config_kinds()
    std::vector<std::string> command;    // argv for kind = "command" (required then; alone, it sets that kind)
    std::vector<std::string> outputs;    // `output`: -o values as buildx spells them
    GoSettings go;
    RustSettings rust;
    ToolSettings cmake, meson, configure, make;
    std::string cmake_build_type;  // [cmake] build-type; "" = Release
    ArtifactSettings artifacts;
    ImageSettings image;
};

// A file that cannot be read or does not describe a build. what() is
// "<source>:<line>:<column>: <message>", "<source>: <message>" when line is 0 (no position).
class ConfigError : public std::runtime_error {
   public:
    ConfigError(std::string source, unsigned line, unsigned column, std::string message);
    unsigned line() const;               // 1-based; 0 when the error has no position
    unsigned column() const;             // 1-based; 0 when the error has no position
    const std::string& source() const;   // "xbuild.toml", or the path it was read from
    const std::string& message() const;  // without the position

   private:
    std::string source_, message_;
    unsigned line_, column_;
};

// The values `kind` accepts: go cargo cmake meson configure make command.
const std::vector<std::string_view>& config_kinds();

// Parses a project file's text; source_name prefixes the messages. Throws ConfigError.
Config parse_config(std::string_view text, std::string_view source_name = "xbuild.toml");

// <project_dir>/xbuild.toml parsed, nullopt when there is none. Errors name the file's path;
// one that cannot be read is a ConfigError at line 0.
std::optional<Config> load_config(const std::filesystem::path& project_dir);

}  // namespace xbuild::project

#include "impl/config.inl"
