// Who builds for `xbuild build`, and the commands it is given for one platform.
//
//   docker    the Docker Engine (DOCKER_HOST or the default socket) through a `docker` client
//             whose `docker build` is BuildKit's: Docker 19.03..22 with DOCKER_BUILDKIT=1, or
//             Docker 23+ with the buildx plugin. Docker 23+ clients without buildx fall back to
//             the legacy builder (no BuildKit, no frontends): they are refused, naming the client.
//   buildkit  a BuildKit daemon at an address (tcp://, unix://, docker-container://...) through
//             `buildctl build --frontend dockerfile.v0`.
//
// Either way the build's frontend is the Dockerfile's own `# syntax=` line, or the image given as
// BuildKit's BUILDKIT_SYNTAX build argument (what `--frontend` sets), which BuildKit's Dockerfile
// frontend runs in its place.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "xbuild/platform.hpp"
#include "xbuild/process.hpp"

namespace xbuild::cli {

// No usable engine client: the message says what was tried and what to install or pass.
class EngineError : public std::runtime_error {
   public:
    using std::runtime_error::runtime_error;
};

struct Engine {
    enum class Kind { docker, buildkit };
    Kind kind = Kind::docker;
    std::string program;  // the docker client or buildctl, a path
    std::string version;  // "20.10.24" (docker), "" when unknown
    std::string address;  // buildkit only
    std::string host;     // docker only: -H HOST (a builder's node), "" for DOCKER_HOST or the default
    std::vector<std::string> client() const;  // the program, with -H HOST when there is one
    std::string describe() const;  // "docker 20.10.24 (/usr/bin/docker)", "buildctl (/usr/bin/buildctl) at tcp://..."
};

// The docker client to use: `explicit_path` (--docker, else XBUILD_DOCKER) when given, which must
// pass the check below; else the first `docker` on PATH that does. Throws EngineError.
Engine find_docker(const std::string& explicit_path);
// buildctl on PATH, talking to `address`. Throws EngineError when it is missing.
Engine find_buildctl(const std::string& address);

// Empty when the client at `path` builds with BuildKit, else why it does not
// ("Docker 28.2.2 without the buildx plugin: its docker build is the legacy builder").
std::string docker_client_problem(const std::string& path, std::string* version);

// --cache-from / --cache-to, in the engine's own terms.
struct CacheFlags {
    std::vector<std::string> from;  // docker: --cache-from REF; buildctl: --import-cache CSV
    std::vector<std::string> to;    // buildctl: --export-cache CSV
    bool inline_cache = false;      // docker: BUILDKIT_INLINE_CACHE=1 (type=inline)
};

// buildx's spellings ("type=registry,ref=REF", a bare REF, "type=inline", "type=local,dest=DIR")
// translated for the engine. The Docker Engine's builder imports registry caches and exports
// inline only; anything else throws std::invalid_argument naming what it supports.
CacheFlags cache_flags(const Engine& engine, const std::vector<std::string>& from, const std::vector<std::string>& to);

// One platform's build as the user asked for it.
struct BuildRequest {
    std::string context;     // folder
    std::string dockerfile;  // path
    xbuild::Platform platform;
    std::vector<std::string> tags;        // this platform's image names (NAME:TAG-linux-arm64)
    std::vector<std::string> build_args;  // KEY=VALUE
    std::string target;                   // stage, "" for the last
    std::string syntax;                   // frontend image for BUILDKIT_SYNTAX, "" for none
    bool no_cache = false;
    bool push = false;
    std::string iidfile;  // docker: where the image ID is written
    std::string output;   // the engine's --output ("type=local,dest=..."), "" for an image
    CacheFlags cache;
};

// The commands for one platform, run in order: the build, then (docker with --push) a
// `docker push` per tag. buildctl pushes as part of its build (--output ...,push=true).
std::vector<xbuild::Command> build_commands(const Engine& engine, const BuildRequest& request);

}  // namespace xbuild::cli
