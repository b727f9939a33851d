// xbuild/oci/layer.hpp: image layers (tar, tar+gzip) written from a directory and unpacked into one.
//
//   using namespace xbuild::oci;
//   LayerInfo l = write_layer("out/rootfs", "blobs/layer.tar.gz", {.prefix = "app"});
//   manifest.layers.push_back(l.descriptor());            // oci_layer_gzip, digest, size
//   config.rootfs.diff_ids.push_back(l.diff_id);          // sha256 of the uncompressed tar
//
//   ExtractResult r = extract_layer("blobs/layer.tar.gz", "rootfs", {.expected_digest = desc.digest});
//   for (const std::string& note : r.notes) ...           // device nodes skipped, ...
//   for (const LayerEntry& e : list_layer("blobs/layer.tar.gz")) ...   // path, type, size, mode
//
// Writing is reproducible: one tree gives one digest whoever writes it, wherever and whenever.
// Entries are sorted by their full path bytewise (so a parent comes before its children), owned
// by 0:0 with no user or group names, dated SOURCE_DATE_EPOCH (or 0, or LayerWriteOptions::mtime),
// in libarchive's restricted pax format (a plain ustar header unless a path or size needs a pax
// record; never atime or ctime) and not padded to a 10240-byte record: the tar ends with its two
// zero blocks, as Go's archive/tar (docker, BuildKit) writes it. Names are stored as UTF-8 pax
// records (under C.UTF-8 for the writing thread, whatever the process's locale); only bytes that
// are not UTF-8 get hdrcharset=BINARY. The gzip header is fixed too:
// no name, mtime 0, OS byte 255 ("unknown", what Go's compress/gzip writes). Everything streams
// (files are read in 64 KiB chunks), and the digest of the compressed bytes and the diff_id of
// the tar come out of the same pass. The file appears at its destination only when complete.
//
// Extraction treats the layer as hostile: a path is taken relative to the root (a leading '/'
// is dropped, as containerd does) and refused when it has a '..' component; symlinks met on the
// way to an entry are followed only inside the root (an absolute target means root-relative, as
// the container sees it; one that climbs above the root is refused); the entry's own name is
// never followed (an existing symlink there is replaced, never written through), files are
// created fresh (O_EXCL), and hardlink targets obey the same rules. OCI whiteouts are applied:
// `.wh.NAME` removes NAME and `.wh..wh..opq` empties its directory, of what lower layers put
// there only; what this layer writes stays, whatever the order of its entries. Device nodes are
// skipped with a note (an unprivileged build cannot make them and needs none); FIFOs are made.
// Ownership is kept only with ExtractOptions::preserve_owner; extended attributes are not kept.
//
// Verification: with expected_digest the blob is hashed before anything is written, so a blob
// that does not match leaves the root untouched. The diff_id is known only once the tar is
// unpacked: a mismatch with expected_diff_id throws after the files are written, so a caller that
// needs all-or-nothing extracts into a scratch directory and renames it into place.
//
// Errors are LayerError, naming the layer file, the entry and what would be valid.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "digest.hpp"
#include "gzip_stream.hpp"
#include "image.hpp"
#include "media_types.hpp"

namespace xbuild::oci {

class LayerError : public std::runtime_error {
   public:
    using std::runtime_error::runtime_error;
};

enum class LayerCompression { none, gzip, zstd };  // zstd: read only

// Which family's media type a layer descriptor gets.
enum class MediaTypeFamily { oci, docker };

struct LayerWriteOptions {
    LayerCompression compression = LayerCompression::gzip;  // gzip or none
    // zlib level 0..9; 6 is zlib's and gzip(1)'s default, a good size/speed middle for layers.
    int level = 6;
    // Every entry's mtime (seconds since the epoch). Unset: $SOURCE_DATE_EPOCH, else 0.
    std::optional<std::int64_t> mtime;
    // Where the tree goes inside the layer: "app" puts source/x at app/x (with directory entries
    // for app/, mode 0755). "" is the layer's root; the source directory itself gets no entry.
    std::string prefix;
    MediaTypeFamily family = MediaTypeFamily::oci;  // the media type LayerInfo carries
};

// What a layer is, for its descriptor and the config's rootfs.diff_ids.
struct LayerInfo {
    Digest digest;          // of the blob as stored (compressed)
    std::int64_t size = 0;  // of the blob as stored
    Digest diff_id;         // sha256 of the uncompressed tar
    std::int64_t uncompressed_size = 0;
    LayerCompression compression = LayerCompression::gzip;
    std::string media_type;  // oci_layer_gzip, oci_layer, docker_layer_gzip, ...

    Descriptor descriptor() const;  // media_type, digest, size
};

// Writes `source_dir` as a layer to `dest` (through a temporary file beside it, renamed into place
// when complete and removed on error). Regular files, directories, symlinks (targets kept as they
// are) and hardlinks within the tree (the first path in sort order carries the data, later ones
// are link entries); permission bits are kept, setuid/setgid/sticky included. Device nodes,
// FIFOs and sockets are refused: a LayerError names the path.
LayerInfo write_layer(const std::filesystem::path& source_dir, const std::filesystem::path& dest,
                      const LayerWriteOptions& options = {});

// The media type of a layer in a family: LayerError for a combination Docker has no type for.
std::string layer_media_type(LayerCompression compression, MediaTypeFamily family = MediaTypeFamily::oci);

enum class EntryType { file, directory, symlink, hardlink, char_device, block_device, fifo, socket, other };
std::string_view to_string(EntryType type);  // "file", "directory", "symlink", ...

struct LayerEntry {
    std::string path;  // as stored in the tar ("./" and trailing '/' included if present)
    EntryType type = EntryType::file;
    std::int64_t size = 0;    // data bytes (0 for all but files)
    std::uint32_t mode = 0;   // permission bits, 07777
    std::string link_target;  // symlink target, or the path a hardlink points at
    std::int64_t mtime = 0;
    std::int64_t uid = 0, gid = 0;
    std::string uname, gname;
};

// Entries of a layer (tar, gzip or zstd, found by content), in archive order.
std::vector<LayerEntry> list_layer(const std::filesystem::path& layer);

// The digests and sizes of a layer blob, read in one pass (for checking a blob against its
// descriptor and the config's diff_ids without unpacking it).
LayerInfo inspect_layer(const std::filesystem::path& layer, MediaTypeFamily family = MediaTypeFamily::oci);

struct ExtractOptions {
    std::optional<Digest> expected_digest;   // checked before anything is written
    std::optional<Digest> expected_diff_id;  // checked after (see the top of this file)
    bool preserve_owner = false;             // chown entries to their uid/gid (needs root)
};

struct ExtractResult {
    LayerInfo info;                  // what the blob turned out to be
    std::size_t entries = 0;         // tar entries read, whiteouts included
    std::vector<std::string> notes;  // "dev/null: character device not created", ...
};

// Unpacks `layer` over `root` (created when missing), applying whiteouts to what is there.
ExtractResult extract_layer(const std::filesystem::path& layer, const std::filesystem::path& root,
                            const ExtractOptions& options = {});

}  // namespace xbuild::oci

#include "impl/layer.inl"
#include "impl/layer_read.inl"
#include "impl/layer_extract.inl"
