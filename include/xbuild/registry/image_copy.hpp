// xbuild/registry/image_copy.hpp: copying images between stores and joining them into one
// multi-platform index: what `xbuild imagetools create`, `xbuild manifest push` and
// `xbuild build --push` do.
//
//   auto src = open_store(parse_image_ref("127.0.0.1:5000/app:1.0-linux-arm64"), client);
//   StoredManifest m = src->manifest(src->default_object());
//   std::vector<oci::Descriptor> entries = index_entries(*src, m);   // one, platform from its config
//   oci::Index index = make_index(entries, IndexFamily::automatic);
//   copy_tree(*src, *dst, m, "");                                     // the image and its blobs
//   dst->put_manifest(oci::to_json(index), oci::media_type_of(index), "1.0");
//
// Blobs are copied only when the destination lacks them; between repositories of one registry
// they are mounted (no bytes move), from a layout they are read in place, otherwise streamed
// through a temp file, verified on both sides.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "image_store.hpp"

namespace xbuild::registry {

struct CopyStats {
    int blobs_sent = 0;     // uploaded or mounted
    int blobs_present = 0;  // already there
    int manifests = 0;      // manifests and indexes written
};

// Copies one blob unless `to` has it.
void copy_blob(ImageStore& from, ImageStore& to, const oci::Descriptor& desc, CopyStats* stats = nullptr);

// Copies manifest or index `m` (read from `from`) and everything it references into `to`: children
// by digest, then `m` itself under `tag` ("" = by digest only). Nested indexes are followed.
void copy_tree(ImageStore& from, ImageStore& to, const StoredManifest& m, const std::string& tag,
               CopyStats* stats = nullptr);

// The index entries `m` stands for: an index's own entries (attestations included, as buildx keeps
// them), or one entry for an image manifest with the platform its config names. A manifest that is
// not an image (an artifact: its config is not an image config) throws std::invalid_argument.
std::vector<oci::Descriptor> index_entries(ImageStore& store, const StoredManifest& m);

enum class IndexFamily {
    automatic,  // a Docker manifest list when every entry is a Docker manifest and there are no
                // annotations (a list has none), else an OCI index
    oci,
    docker,
};

// An index of `entries`, in their order. Throws std::invalid_argument when two image entries have
// the same platform (naming it), or when a Docker list is asked for and an entry has no platform or
// there are annotations.
oci::Index make_index(const std::vector<oci::Descriptor>& entries, IndexFamily family,
                      const std::map<std::string, std::string>& annotations = {});

}  // namespace xbuild::registry

#include "impl/image_copy.inl"
