// Joining images into one multi-platform index and writing it where the user asked: shared by
// `xbuild imagetools create`, `xbuild manifest push` and `xbuild build --push`.
//
//   IndexRequest r;
//   r.sources = {parse_image_ref("reg:5000/app:1-linux-amd64"), parse_image_ref("reg:5000/app:1-linux-arm64")};
//   r.targets = {parse_image_ref("reg:5000/app:1")};
//   IndexResult out = write_index(client, r);   // out.digest, out.platforms
//
// Sources may be images or indexes (their entries are taken, attestations included), in a
// registry or an OCI layout; each source's images are copied to every target that is another
// repository (mounted within a registry), then the index is written under each target's tag.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "xbuild/oci/image.hpp"
#include "xbuild/platform.hpp"
#include "xbuild/registry/client.hpp"
#include "xbuild/registry/image_copy.hpp"
#include "xbuild/registry/reference.hpp"

namespace xbuild::cli {

struct IndexRequest {
    std::vector<xbuild::registry::ImageRef> sources;
    // Per source (when given): the platform its one image is listed with, instead of its config's
    // (`xbuild manifest annotate`).
    std::vector<std::optional<xbuild::oci::Platform>> source_platforms;
    std::vector<xbuild::registry::ImageRef> targets;  // tag (or nothing: "latest") each
    // Only these platforms' images (and their attestations); empty = all.
    std::vector<xbuild::Platform> platforms;
    // The index entries to start from (`--append`: the target's current entries), in order.
    std::vector<xbuild::oci::Descriptor> base_entries;
    xbuild::registry::IndexFamily family = xbuild::registry::IndexFamily::automatic;
    std::map<std::string, std::string> annotations;  // on the index
    bool dry_run = false;                            // build it, write nothing
    // One source and nothing to change: false copies an image as it is (its manifest, not an index
    // of one); an index source is always copied as it is then, byte for byte.
    bool prefer_index = true;
};

struct IndexResult {
    xbuild::oci::Index index;
    std::string bytes;  // the index as written
    xbuild::oci::Digest digest;
    std::vector<std::string> platforms;  // of its images, in order ("linux/amd64", ...)
    xbuild::registry::CopyStats stats;
};

// Throws std::invalid_argument for a request that cannot make an index (no image left after the
// platform filter, a platform twice), and the store's errors (RegistryError, LayoutError).
IndexResult write_index(xbuild::registry::Client& client, const IndexRequest& request);

// The entries of the index `ref` names now (for --append); empty when there is none yet.
std::vector<xbuild::oci::Descriptor> current_entries(xbuild::registry::Client& client,
                                                     const xbuild::registry::ImageRef& ref);

// "linux/arm64" of an entry; "unknown/unknown" for attestations; "" when it has none.
std::string platform_text(const xbuild::oci::Descriptor& d);

}  // namespace xbuild::cli
