// Implementation of xbuild/oci/gzip_stream.hpp.
#pragma once

#include <algorithm>
#include <climits>
#include <utility>

namespace xbuild::oci::detail {

inline constexpr std::size_t gzip_chunk = 1 << 16;  // the output buffer, handed to Output whole

template <class Error>
HashedGzip<Error>::HashedGzip(Output out, int level, std::string what, bool compress)
    : out_(std::move(out)), what_(std::move(what)), compress_(compress) {
    if (!compress_) return;
    // windowBits 15 + 16: a gzip wrapper around the deflate stream.
    if (deflateInit2(&z_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw Error("zlib could not start a gzip stream at level " + std::to_string(level) + " for " + what_ +
                    " (levels are 0..9)");
    open_ = true;
    header_.os = 255;
    if (deflateSetHeader(&z_, &header_) != Z_OK) throw Error("zlib refused the gzip header for " + what_);
    buf_.reset(new Bytef[gzip_chunk]);
}

template <class Error>
HashedGzip<Error>::~HashedGzip() {
    if (open_) deflateEnd(&z_);
}

template <class Error>
void HashedGzip<Error>::write(const void* data, std::size_t size) {
    in_.update(data, size);
    if (!compress_) {
        out_hash_.update(data, size);
        out_(data, size);
        return;
    }
    // avail_in is 32 bits: a larger write goes in pieces (the output does not depend on them).
    const Bytef* p = static_cast<const Bytef*>(data);
    while (size) {
        const std::size_t n = std::min<std::size_t>(size, UINT_MAX);
        z_.next_in = const_cast<Bytef*>(p);
        z_.avail_in = static_cast<uInt>(n);
        deflate_until(Z_NO_FLUSH);
        p += n;
        size -= n;
    }
}

template <class Error>
HashedGzipSums HashedGzip<Error>::finish() {
    if (compress_) deflate_until(Z_FINISH);
    HashedGzipSums s;
    s.size = std::int64_t(out_hash_.size());
    s.uncompressed_size = std::int64_t(in_.size());
    s.digest = out_hash_.finish();
    s.diff_id = in_.finish();
    return s;
}

template <class Error>
void HashedGzip<Error>::deflate_until(int flush) {
    for (;;) {
        z_.next_out = buf_.get();
        z_.avail_out = static_cast<uInt>(gzip_chunk);
        const int rc = deflate(&z_, flush);
        if (rc == Z_STREAM_ERROR) throw Error("zlib failed while compressing " + what_);
        const std::size_t n = gzip_chunk - z_.avail_out;
        if (n) {
            out_hash_.update(buf_.get(), n);
            out_(buf_.get(), n);
        }
        // Done when zlib took all the input and had room to spare (nothing is pending), or, at
        // the end, when it wrote the trailer.
        if (flush == Z_FINISH ? rc == Z_STREAM_END : (z_.avail_in == 0 && z_.avail_out != 0)) return;
    }
}

}  // namespace xbuild::oci::detail
