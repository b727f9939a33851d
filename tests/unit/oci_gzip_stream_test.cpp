// Tests of xbuild/oci/gzip_stream.hpp: the gzip every blob goes through inflates back to its
// input, both sides' digests and sizes are right, and the bytes are reproducible.
#include "xbuild/oci/gzip_stream.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

using xbuild::oci::sha256_of;
using xbuild::oci::detail::HashedGzip;
using xbuild::oci::detail::HashedGzipSums;

namespace {

struct TestError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Everything the stream writes, and its sums; `input` is given in writes of `piece` bytes.
struct Gzipped {
    std::string bytes;
    HashedGzipSums sums;
};
Gzipped gzip(const std::string& input, std::size_t piece, int level = 6, bool compress = true) {
    Gzipped g;
    HashedGzip<TestError> gz([&](const void* p, std::size_t n) { g.bytes.append(static_cast<const char*>(p), n); },
                             level, "test stream", compress);
    for (std::size_t at = 0; at < input.size(); at += piece)
        gz.write(input.data() + at, std::min(piece, input.size() - at));
    g.sums = gz.finish();
    return g;
}

std::string gunzip(const std::string& gz) {
    z_stream z {};
    REQUIRE(inflateInit2(&z, 15 + 16) == Z_OK);
    std::string out;
    char buf[4096];
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
    z.avail_in = static_cast<uInt>(gz.size());
    int rc = Z_OK;
    while (rc == Z_OK) {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        rc = inflate(&z, Z_NO_FLUSH);
        out.append(buf, sizeof buf - z.avail_out);
    }
    inflateEnd(&z);
    CHECK(rc == Z_STREAM_END);
    return out;
}

// Some text that compresses, longer than the 64 KiB output buffer even compressed.
std::string sample() {
    std::string s;
    for (int i = 0; s.size() < 400000; ++i) s += std::to_string(i * 7919 % 100003) + (i % 13 ? " " : "\n");
    return s;
}

}  // namespace

TEST_CASE("HashedGzip: inflates back to the input; digests and sizes of both sides") {
    const std::string input = sample();
    const Gzipped g = gzip(input, 10000);
    CHECK(gunzip(g.bytes) == input);
    CHECK(g.sums.digest == sha256_of(g.bytes));
    CHECK(g.sums.size == std::int64_t(g.bytes.size()));
    CHECK(g.sums.diff_id == sha256_of(input));
    CHECK(g.sums.uncompressed_size == std::int64_t(input.size()));
    CHECK(g.bytes.size() < input.size());
}

TEST_CASE("HashedGzip: reproducible header, bytes independent of how the input is cut") {
    const std::string input = sample();
    const Gzipped whole = gzip(input, input.size());
    CHECK(gzip(input, 1 << 12).bytes == whole.bytes);
    CHECK(gzip(input, 777).bytes == whole.bytes);
    REQUIRE(whole.bytes.size() > 10);
    CHECK(static_cast<unsigned char>(whole.bytes[0]) == 0x1f);
    CHECK(static_cast<unsigned char>(whole.bytes[1]) == 0x8b);
    CHECK(whole.bytes[3] == 0);                                // FLG: no name, no comment
    CHECK(whole.bytes.substr(4, 4) == std::string(4, '\0'));   // MTIME 0
    CHECK(static_cast<unsigned char>(whole.bytes[9]) == 255);  // OS unknown, as Go writes it
    CHECK(gzip(input, input.size(), 9).bytes != whole.bytes);  // the level does matter
}

TEST_CASE("HashedGzip: an empty input is a valid gzip of nothing") {
    const Gzipped g = gzip("", 1);
    CHECK(gunzip(g.bytes).empty());
    CHECK(g.sums.uncompressed_size == 0);
    CHECK(g.sums.diff_id == sha256_of(""));
}

TEST_CASE("HashedGzip: compress = false passes the input through, digest == diff_id") {
    const std::string input = "a plain tar, say";
    const Gzipped g = gzip(input, 3, 6, false);
    CHECK(g.bytes == input);
    CHECK(g.sums.digest == g.sums.diff_id);
    CHECK(g.sums.size == g.sums.uncompressed_size);
}

TEST_CASE("HashedGzip: a bad level throws the caller's error naming the stream; output errors pass through") {
    CHECK_THROWS_WITH_AS(gzip("x", 1, 42), doctest::Contains("level 42 for test stream"), TestError);
    // The output's own exception, not the caller's type: from write (the gzip header goes out at
    // once) or, for a stream that holds its input back, from finish.
    HashedGzip<TestError> gz([](const void*, std::size_t) { throw std::length_error("disk full"); }, 6, "s");
    CHECK_THROWS_WITH_AS(
        [&] {
            gz.write("abc", 3);
            (void)gz.finish();
        }(),
        "disk full", std::length_error);
}
