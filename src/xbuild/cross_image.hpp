// The images of a standalone cross-build (`xbuild --platform linux/amd64,linux/arm64 examples/go`,
// no engine): each platform's build ends with a folder of files (its root); this makes one image
// per platform of a base and that root, and one multi-platform index of them.
//
//   ImageRecipe recipe;
//   recipe.base = "oci-layout://base:1";              // or "scratch", or "reg:5000/debian:12"
//   recipe.path = "/usr/local/bin";                   // hello -> /usr/local/bin/hello
//   recipe.entrypoint = {"/usr/local/bin/hello"};
//   recipe.created = source_date_epoch;               // 0 = 1970-01-01T00:00:00Z
//   std::vector<PlatformRoot> roots = {{parse_platform("linux/amd64"), "out/linux_amd64"},
//                                      {parse_platform("linux/arm64"), "out/linux_arm64"}};
//   CrossImageResult r = write_cross_image(parse_output("type=oci,dest=app.tar"), recipe, roots, client);
//   r.index_digest;                                   // "sha256:..."
//   for (auto& [platform, digest] : r.platforms) ...  // {"linux/amd64", "sha256:..."}
//
// Each platform's image is the base's image of that platform (picked from the base's index,
// attestation entries skipped; a base that is one image must be of that platform) plus one gzip
// layer of the root's files under recipe.path, and a config that is the base's with:
// os/architecture/variant of the platform; created = recipe.created (RFC 3339, UTC); Env entries of
// recipe.env replacing the base's of the same name, others appended (scratch gets Docker's default
// PATH unless recipe.env sets one); Entrypoint and Cmd set when given (an Entrypoint given without a
// Cmd clears the base's Cmd, as a Dockerfile's ENTRYPOINT does); Labels merged over the base's;
// User and WorkingDir set when given; ports added to ExposedPorts ("8080" means 8080/tcp); one
// history entry for the layer. Everything else of the base's config is kept as it was.
//
// Reproducible: the same inputs give the same bytes and digests run after run, wherever they run.
// The layer is made by oci::write_layer (entries sorted, uid/gid 0 without names, every mtime =
// recipe.created, fixed gzip header), the JSON is deterministic, the index lists the platforms in
// the order of `roots`, and nothing names the build machine, user or time of the build.
//
// Outputs (spec, as parse_output made it and check_output accepts it):
//   type=oci      an OCI layout (tar, or a folder with tar=false): the images, the base's layers
//                 copied in, and the index, tagged with each name's tag (no names: one unnamed
//                 entry), the form buildx writes. Made in the stage beside dest (OutputStage) and
//                 renamed into place once complete: a failure or Ctrl-C leaves dest as it was.
//   type=docker   a `docker load` archive of the one platform (check_output refuses several).
//   type=image    push=true: pushed to every name (registry, or oci-layout://DIR:TAG) through
//                 `client`; the base's layers are mounted from the base's repository when it is in
//                 the same registry, else copied. The index is written last, so the tag moves only
//                 once everything it names is there. Without push=true: refused (there is no engine
//                 to load the image into: add push=true, or use type=oci/docker).
//
// Errors: std::invalid_argument for a bad recipe field (the message names the field and what is
// valid), an output that holds no image, a platform given twice, a root that is not a folder, and a
// base without an image of a platform (the message names the platform and lists the base's);
// the image library's errors (RegistryError, LayoutError, LayerError) as they come.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "build_output.hpp"
#include "xbuild/platform.hpp"
#include "xbuild/registry/client.hpp"

namespace xbuild::cli {

// One platform's build result: the folder of files that goes into its image.
struct PlatformRoot {
    xbuild::Platform platform;
    std::filesystem::path root;
};

// What the images are made of, besides the roots.
struct ImageRecipe {
    std::string base = "scratch";  // "scratch", a registry reference (reg:5000/debian:12), or oci-layout://DIR[:TAG]
    std::string path = "/";        // absolute: where each root's files go inside the image (e.g. /usr/local/bin)
    std::vector<std::string> entrypoint, cmd;              // empty = keep the base's
    std::vector<std::pair<std::string, std::string>> env;  // added/replacing the base's (PATH default for scratch)
    std::map<std::string, std::string> labels;             // merged over the base's
    std::string user, workdir;                             // empty = keep the base's; workdir absolute
    std::vector<std::string> ports;                        // "8080/tcp", "53/udp", "8080" (= tcp)
    std::int64_t created = 0;  // seconds since the epoch for config.created and every file's mtime (SOURCE_DATE_EPOCH)
};

// What was written, for the build's summary.
struct CrossImageResult {
    std::string index_digest;                                    // "" for type=docker (no index)
    std::vector<std::pair<std::string, std::string>> platforms;  // {"linux/arm64", manifest digest}, in roots' order
};

// Writes one image per root and their index to `spec` (see the top of this file). Throws as
// described there.
CrossImageResult write_cross_image(const OutputSpec& spec, const ImageRecipe& recipe,
                                   const std::vector<PlatformRoot>& roots, xbuild::registry::Client& client);

}  // namespace xbuild::cli
