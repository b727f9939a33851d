// `xbuild build -o/--output`: where the built images go besides the engine, in buildx's syntax.
//
//   -o type=oci,dest=app.tar          an OCI layout tar of every platform, one index (buildx's oci)
//   -o type=oci,dest=app,tar=false    the same as a layout folder
//   -o type=docker,dest=app.tar       a `docker load` archive (one platform: docker load keeps one
//                                     platform per tag, as buildx's docker exporter does)
//   -o type=local,dest=out            the final stage's files; several platforms: out/linux_arm64/...
//                                     (platform-split=false: all in out/)
//   -o type=tar,dest=out.tar          the same as one tar (one platform)
//   -o type=image,name=REF[,push=true]  the same as -t REF [--push]
//   -o out                            short for type=local,dest=out
//
// local and tar are BuildKit's own exporters; oci and docker are made by xbuild from the engine's
// images (`docker save`, or buildctl's oci exporter) with the image library, so the result is one
// multi-platform index that skopeo, crane and `docker buildx imagetools` read. Every output is
// made in a staging place beside dest (removed on failure and on Ctrl-C) and renamed into place
// once complete: a failed or interrupted build leaves dest as it was.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "interrupt.hpp"
#include "xbuild/oci/image.hpp"
#include "xbuild/oci/layout.hpp"
#include "xbuild/platform.hpp"

namespace xbuild::cli {

struct OutputSpec {
    enum class Type { local, tar, oci, docker, image };
    Type type = Type::local;
    std::string dest;
    bool tar = true;                     // oci: false writes a layout folder
    std::optional<bool> platform_split;  // local: a folder per platform (default: when several)
    std::vector<std::string> names;      // name=a;b: image names (default: the -t names)
    bool push = false;                   // image: push=true
};

// Parses one -o value. Throws std::invalid_argument naming the bad key or value and what is valid.
OutputSpec parse_output(std::string_view text);

// The checks made before anything is built (a platform count an output cannot hold, --push with
// files, a folder that is in the way). Throws std::invalid_argument with the message for the user.
void check_output(const OutputSpec& spec, std::size_t platforms, bool push);

// True for the outputs xbuild assembles from the engine's images after the builds.
inline bool assembled(const OutputSpec& spec) {
    return spec.type == OutputSpec::Type::oci || spec.type == OutputSpec::Type::docker;
}

// A platform's folder in a local output of several, as buildx names it: linux_arm64, linux_arm_v7.
std::string platform_folder(const xbuild::Platform& platform);

// The staging place of one output: a hidden folder beside dest, removed unless commit() moved the
// result into place.
class OutputStage {
   public:
    explicit OutputStage(const OutputSpec& spec);
    ~OutputStage();
    OutputStage(const OutputStage&) = delete;
    OutputStage& operator=(const OutputStage&) = delete;

    const std::filesystem::path& dir() const { return dir_; }
    // The engine's --output for one platform (local and tar, written into the stage); "" for the
    // assembled outputs.
    std::string engine_output(const xbuild::Platform& platform, bool several_platforms) const;
    // Moves the finished output to dest (an old dest is replaced only now).
    void commit();

   private:
    const OutputSpec& spec_;
    std::filesystem::path dest_, dir_;
    std::optional<RemoveOnInterrupt> guard_;
    bool committed_ = false;
};

// One platform's image, as the engine handed it over.
struct PlatformImage {
    xbuild::Platform platform;
    std::filesystem::path archive;  // a `docker save` archive, or an OCI layout tar
    bool oci_layout_tar = false;
};

// Makes the oci or docker output of the platforms' images in the stage (then commit() it).
// Throws (std::runtime_error and the image library's errors).
void assemble_output(const OutputSpec& spec, const std::vector<PlatformImage>& images, OutputStage& stage);

// The two halves of assemble_output, for callers that make the images themselves (cross_image.hpp):
// the empty layout of an oci or docker output in the stage, to put the platforms' images in; then
// the output of those images (`entries`: their manifests' descriptors, platform set): an index
// tagged with the names (the tag part of each; none: one unnamed entry) and the tar, or the docker
// archive. Returns the index's digest ("" for docker, which has no index).
xbuild::oci::Layout output_layout(const OutputSpec& spec, OutputStage& stage);
std::string finish_output(const OutputSpec& spec, xbuild::oci::Layout& layout,
                          const std::vector<xbuild::oci::Descriptor>& entries, OutputStage& stage);

}  // namespace xbuild::cli
