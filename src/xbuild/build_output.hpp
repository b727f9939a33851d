// `xbuild build -o/--output`: where the built images go besides the engine, in buildx's syntax.
//
//   -o type=oci,dest=app.tar          an OCI layout tar of every platform, one index (buildx's oci)
//   -o type=oci,dest=app,tar=false    the same as a layout folder
//   -o type=docker,dest=app.tar       a `docker load` archive (one platform: docker load keeps one
//                                     platform per tag, as buildx's docker exporter does)
//   -o type=local,dest=out            the final stage's files; several platforms: out/linux_arm64/...
//   -o type=tar,dest=out.tar          the same as one tar (one platform)
//   -o out                            short for type=local,dest=out
//
// local and tar are BuildKit's own exporters (the engine writes them). oci and docker are made by
// xbuild from the engine's images (`docker save`, or buildctl's oci exporter) with the image
// library, so the result is one multi-platform index that skopeo, crane and `docker buildx imagetools`
// read. Written beside dest and renamed into place when complete.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "xbuild/platform.hpp"

namespace xbuild_cli {

struct OutputSpec {
    enum class Type { local, tar, oci, docker };
    Type type = Type::local;
    std::string dest;
    bool tar = true;           // oci: false writes a layout folder
    std::vector<std::string> names;  // name=a,b: the image names (default: the -t names)
};

// Parses one -o value. Throws std::invalid_argument naming the bad key or value and what is valid.
OutputSpec parse_output(std::string_view text);

// What the engine's --output gets for one platform (local and tar), "" for oci and docker, which
// xbuild assembles after the builds.
std::string engine_output(const OutputSpec& spec, const xbuild::Platform& platform, bool several_platforms);

// One platform's image, as the engine handed it over.
struct PlatformImage {
    xbuild::Platform platform;
    std::filesystem::path archive;  // a `docker save` archive, or an OCI layout tar
    bool oci_layout_tar = false;
};

// Makes the oci or docker output of the platforms' images. `work` is a private temp folder.
// Throws (std::runtime_error and the image library's errors) with nothing left at dest.
void write_output(const OutputSpec& spec, const std::vector<PlatformImage>& images, const std::filesystem::path& work);

}  // namespace xbuild_cli
