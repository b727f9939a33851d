// xbuild/oci/docker_archive.hpp: the `docker save` / `docker load` archive, read into an OCI
// layout and written from one.
//
//   using namespace xbuild::oci;
//   for (const DockerArchiveImage& i : read_docker_archive_manifest("app.tar")) ...  // i.repo_tags
//   Layout layout = Layout::create("out/img");
//   std::vector<ImportedImage> got = import_docker_archive("app.tar", layout);   // tags app:1 in index.json
//   // skopeo inspect oci:out/img:app:1 ... ; then back, for `docker load -i again.tar`:
//   write_docker_archive(layout, {{got[0].manifest, {"app:1"}}}, "again.tar");
//
// The archive is a tar whose manifest.json lists the images:
//   [{"Config": "<hex>.json", "RepoTags": ["app:1"], "Layers": ["<id>/layer.tar", ...]}]
// Docker before 25 (`docker save` of 20.10) writes that legacy form: uncompressed layer tars in
// <id>/ folders (a layer two images share is a symlink to the first copy), <id>/json and VERSION,
// the config as <hex>.json and a `repositories` file. Docker 25+ writes an OCI layout inside the
// tar (oci-layout, index.json, blobs/sha256/...) and points manifest.json into blobs/, where a
// layer may also be gzip or zstd compressed. Both are read through manifest.json alone; symlinks
// are resolved inside the archive, never on disk, and paths leaving the archive are refused.
//
// Importing streams: a layer is never held in memory. Its entry is decompressed when it is
// compressed, hashed (that digest must equal the config's rootfs.diff_ids[i], or the import fails
// naming the layer and both digests) and gzipped into a temp file of the layout, hashing the
// compressed bytes on the way; the blob appears only once every image of the archive checked out.
// The gzip is reproducible (no name, mtime 0, OS byte 255), so one archive always gives one
// manifest digest. The config is stored byte for byte: its digest, the Docker image ID, is kept.
//
// Writing produces the legacy form, which every `docker load` since 1.10 reads (Docker 20.10's
// reads manifest.json, opens Config and Layers by path and decompresses any layer it finds):
// <config hex>.json, <diff_id hex>/layer.tar uncompressed, manifest.json; sorted entries, mtime
// 0, root-owned, written beside `out` and renamed when complete.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "gzip_stream.hpp"
#include "image.hpp"
#include "layout.hpp"

namespace xbuild::oci {

// An archive that is not a docker archive, is inconsistent, or whose layer does not match its
// diff_id. A LayoutError, so one handler covers the layout the archive goes into as well.
class DockerArchiveError : public LayoutError {
   public:
    using LayoutError::LayoutError;
};

// One manifest.json entry, as listed.
struct DockerArchiveImage {
    std::string config;                               // "Config": a path in the archive
    std::vector<std::string> repo_tags;               // "RepoTags" ("name:tag"); null or absent -> empty
    std::vector<std::string> layers;                  // "Layers": paths in the archive, base layer first
    nlohmann::json extra = nlohmann::json::object();  // "Parent", "LayerSources", ...
};

// manifest.json of a docker archive (plain or compressed tar). Throws DockerArchiveError when it
// is missing (archives of Docker before 1.10 have none) or malformed, naming the field.
std::vector<DockerArchiveImage> read_docker_archive_manifest(const std::filesystem::path& tar);

// The media types of what is written into a layout: OCI (the default; the config blob is the same
// bytes either way) or Docker schema 2 (docker_manifest, docker_config, docker_layer_gzip).
enum class ImageFormat { oci, docker };

struct ImportOptions {
    ImageFormat format = ImageFormat::oci;
    // Each RepoTag becomes an index.json entry of that ref.name ("app:1"), moving an older one; an
    // untagged image gets an unnamed entry. false: index.json is left alone (the caller tags).
    bool tag = true;
    int gzip_level = 6;  // zlib's 1..9; the digest depends on it
};

struct ImportedImage {
    Descriptor manifest;  // platform (os, architecture, variant) from the config
    Descriptor config;
    std::vector<Descriptor> layers;
    std::vector<std::string> repo_tags;
};

// Every image of the archive, in manifest.json's order.
std::vector<ImportedImage> import_docker_archive(const std::filesystem::path& tar, Layout& into,
                                                 const ImportOptions& options = {});

// Writes the images (a manifest descriptor in `from` each, with the RepoTags to give it, "name:tag")
// as an archive `docker load` reads. An index is refused (pick one platform's manifest), as is a
// layer whose uncompressed content does not match the config's diff_id.
void write_docker_archive(const Layout& from,
                          const std::vector<std::pair<Descriptor, std::vector<std::string>>>& images,
                          const std::filesystem::path& out);

}  // namespace xbuild::oci

#include "impl/docker_archive.inl"
