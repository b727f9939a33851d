// xbuild/oci/gzip_stream.hpp: the one gzip every blob we compress goes through (layers written by
// write_layer, layers imported from `docker save` archives), hashing both sides in the same pass.
//
//   detail::HashedGzip<LayerError> gz([&](const void* p, std::size_t n) { write_all(fd, p, n); }, 6, "layer x");
//   gz.write(tar_bytes, n); ...
//   HashedGzipSums s = gz.finish();   // s.digest, s.size: the blob; s.diff_id, s.uncompressed_size: the input
//
// Reproducible: the gzip header has no name, mtime 0 and OS byte 255 ("unknown", as Go's
// compress/gzip writes it), zlib fills XFL from the level, and deflate's output does not depend on
// how the input is cut into writes; so the bytes depend on the input, the level and zlib only.
// Level 6 is zlib's and gzip(1)'s default, and both callers' default. With compress = false the
// input passes through unchanged (a plain tar: digest == diff_id).
//
// The caller's error type is a template parameter, so each API keeps throwing its own (LayerError,
// DockerArchiveError); what the output callback throws passes through as it is.
#pragma once

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "digest.hpp"

namespace xbuild::oci::detail {

struct HashedGzipSums {
    Digest digest;                       // of the output (the blob)
    std::int64_t size = 0;               // output bytes
    Digest diff_id;                      // of the input (the uncompressed tar)
    std::int64_t uncompressed_size = 0;  // input bytes
};

template <class Error>
class HashedGzip {
   public:
    using Output = std::function<void(const void* data, std::size_t size)>;

    // `what` names the stream in errors ("layer out.tar.gz").
    HashedGzip(Output out, int level, std::string what, bool compress = true);
    ~HashedGzip();
    HashedGzip(const HashedGzip&) = delete;  // not movable either: zlib's state points at z_
    HashedGzip& operator=(const HashedGzip&) = delete;

    void write(const void* data, std::size_t size);
    HashedGzipSums finish();  // ends the stream (the gzip trailer); once

   private:
    void deflate_until(int flush);

    Output out_;
    std::string what_;
    bool compress_;
    bool open_ = false;
    z_stream z_ {};
    gz_header header_ {};
    std::unique_ptr<Bytef[]> buf_;
    Hasher in_, out_hash_;
};

}  // namespace xbuild::oci::detail

#include "impl/gzip_stream.inl"
