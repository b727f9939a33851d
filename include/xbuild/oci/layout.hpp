// xbuild/oci/layout.hpp: OCI image layouts, as a folder and as one tar file.
//
//   auto layout = xbuild::oci::Layout::create("out/img");          // oci-layout + empty index.json
//   Descriptor cfg = layout.put_blob(config_json, std::string(media_type::oci_config));
//   Descriptor man = layout.put_blob(manifest_json, std::string(media_type::oci_manifest));
//   layout.tag(man, "v1");                                         // index.json entry, ref.name=v1
//   for (const std::string& problem : layout.verify()) ...        // empty: every blob is there and right
//   xbuild::oci::write_layout_tar(layout, "img.tar");              // docker buildx -o type=oci,dest=
//   auto again = xbuild::oci::read_layout_tar("img.tar", "unpacked");
//
// The layout (image-spec image-layout.md): `oci-layout` ({"imageLayoutVersion":"1.0.0"}),
// `index.json` (an image index), and content-addressed `blobs/<algorithm>/<encoded>`. Every file
// is written to a temp file, fsync'd and renamed, so a crash never leaves a half-written blob under
// its digest's name nor a torn index.json. Temp files are dot-files in the layout (so rename never
// crosses a filesystem) and are left out of the tar form. Blobs are verified when read: the folder
// may have been touched by other tools (skopeo, umoci, buildx write the same format).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "digest.hpp"
#include "image.hpp"

namespace xbuild::oci {

// A layout that is missing, malformed or inconsistent, a blob that does not match its digest, or
// a file that cannot be read or written (the message names the path).
class LayoutError : public std::runtime_error {
   public:
    using std::runtime_error::runtime_error;
};

// The annotation that names an index.json entry ("v1", or a full reference): what
// `skopeo ... oci:DIR:v1` and `umoci ... --image DIR:v1` look up.
inline constexpr std::string_view ref_name_annotation = "org.opencontainers.image.ref.name";

class Layout {
   public:
    // Makes the folder (which must be absent or empty) with oci-layout and an empty index.json.
    static Layout create(const std::filesystem::path& dir);
    // Opens an existing layout: oci-layout must say 1.0.0 and index.json must exist.
    static Layout open(const std::filesystem::path& dir);

    const std::filesystem::path& dir() const { return dir_; }

    bool has_blob(const Digest& d) const;
    std::filesystem::path blob_path(const Digest& d) const;  // dir/blobs/<algorithm>/<encoded>

    // Stores bytes under their sha256. A blob already present (with the right size) is left as is.
    Descriptor put_blob(std::string_view bytes, std::string media_type);
    // Copies a file in, hashing as it goes (never a hard link: a later write to the original would
    // corrupt the blob behind our back). With `expected`, a mismatch throws and nothing is stored.
    Descriptor put_blob_file(const std::filesystem::path& file, std::string media_type,
                             const std::optional<Digest>& expected = {});
    // Moves a file we wrote ourselves (from temp_path()) in under a digest computed while writing
    // it; the file is fsync'd and renamed, not re-read.
    Descriptor adopt_blob_file(const std::filesystem::path& tmp, std::string media_type, const Digest& digest);
    // A blob's bytes, checked against the digest. LayoutError when missing, larger than
    // max_bytes (manifests and configs are small; a layer should be streamed), or mismatched.
    std::string read_blob(const Digest& d, std::size_t max_bytes = 64 << 20) const;

    Index index() const;           // index.json
    void set_index(const Index&);  // written atomically

    // An index.json entry named `name` (annotation ref_name_annotation); an entry of the same name
    // is replaced, so a tag moves the way `docker tag` moves it. The name must follow the spec's
    // grammar (components of [A-Za-z0-9] joined by - . _ : @ + or --, separated by /) and the blob
    // must be in the layout. Concurrent tag() calls on one layout are serialized (flock).
    void tag(const Descriptor& d, const std::string& name);
    std::optional<Descriptor> find(const std::string& name) const;

    // Everything reachable from index.json (nested indexes, manifests, configs, layers) exists and
    // matches its digest and size; image configs parse and list one diff_id per layer. The problems
    // found, one line each naming the blob; empty = valid.
    std::vector<std::string> verify() const;

    // A fresh temp file name inside the layout (same filesystem as the blobs, so rename works).
    std::filesystem::path temp_path() const;

   private:
    explicit Layout(std::filesystem::path dir) : dir_(std::move(dir)) {}
    std::filesystem::path dir_;
};

// The layout as one tar: oci-layout, index.json, then blobs/ sorted by path, each with mtime 0,
// uid/gid 0 and fixed modes, so the same layout gives the same bytes. Written to a temp file beside
// `out` and renamed when complete. A symlink or special file under blobs/ is refused.
void write_layout_tar(const Layout& layout, const std::filesystem::path& out);

// Unpacks an OCI layout tar (plain, gzip, bzip2, xz or zstd) into `dir` (absent or empty) and opens
// it. Entries with absolute paths, "..", links or device files are refused (LayoutError), as the
// tar may come from anywhere. Unpacked beside `dir` first and renamed into place once it opens as
// a layout, so a refused or truncated tar leaves nothing behind.
Layout read_layout_tar(const std::filesystem::path& tar, const std::filesystem::path& dir);

}  // namespace xbuild::oci

#include "impl/layout.inl"
