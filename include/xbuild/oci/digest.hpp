// xbuild/oci/digest.hpp: content digests ("sha256:<64 hex>"), computed while the bytes stream by.
//
//   auto d = xbuild::oci::Digest::parse("sha256:e3b0c442...");    // throws DigestError
//   xbuild::oci::Hasher h;                                       // sha256 unless told
//   h.update(chunk); ...; xbuild::oci::Digest got = h.finish();
//   if (got != d) ...                                            // refuse the blob
//   auto d2 = xbuild::oci::sha256_of(text);
//
// The OCI image spec's grammar: `algorithm ":" encoded`. sha256 (64 lower-case hex digits) is
// what we write; sha512 (128) is accepted when verifying what others wrote. Hashing is OpenSSL's
// EVP API, so large blobs never need to be in memory at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace xbuild::oci {

// A digest string that is malformed or uses an algorithm we cannot verify.
class DigestError : public std::invalid_argument {
   public:
    using std::invalid_argument::invalid_argument;
};

struct Digest {
    std::string algorithm;  // "sha256" or "sha512"
    std::string encoded;    // lower-case hex

    // Parses "sha256:<hex>". Throws DigestError naming the bad part and what is valid.
    static Digest parse(std::string_view text);
    std::string str() const { return algorithm + ":" + encoded; }
    bool empty() const { return encoded.empty(); }
    friend bool operator==(const Digest&, const Digest&) = default;
};

// Streaming hash: update() as often as needed, then finish() once.
class Hasher {
   public:
    explicit Hasher(std::string_view algorithm = "sha256");  // throws DigestError for others
    Hasher(Hasher&&) noexcept;
    Hasher& operator=(Hasher&&) noexcept;
    ~Hasher();

    void update(const void* data, std::size_t size);
    void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
    Digest finish();                              // the digest of everything given; the hasher is spent afterwards
    std::uint64_t size() const { return size_; }  // bytes given so far

   private:
    struct State;
    std::unique_ptr<State> state_;
    std::string algorithm_;
    std::uint64_t size_ = 0;
};

Digest sha256_of(std::string_view bytes);
// The digest of `bytes` in the same algorithm as `like` (to check a blob against its descriptor).
Digest digest_like(const Digest& like, std::string_view bytes);
// A file's digest, read in chunks. Throws std::runtime_error when it cannot be read.
Digest digest_file(const std::filesystem::path& file, std::string_view algorithm = "sha256");

}  // namespace xbuild::oci

#include "impl/digest.inl"
