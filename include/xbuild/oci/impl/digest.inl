// Implementation of xbuild/oci/digest.hpp.
#pragma once

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace xbuild::oci {

namespace detail {

// Hex digits an algorithm's encoded part has; 0 for an algorithm we do not verify.
inline std::size_t digest_hex_length(std::string_view algorithm) {
    if (algorithm == "sha256") return 64;
    if (algorithm == "sha512") return 128;
    return 0;
}

inline const EVP_MD* digest_md(std::string_view algorithm) {
    if (algorithm == "sha256") return EVP_sha256();
    if (algorithm == "sha512") return EVP_sha512();
    return nullptr;
}

}  // namespace detail

inline Digest Digest::parse(std::string_view text) {
    const auto colon = text.find(':');
    const std::string shown = text.size() > 80 ? std::string(text.substr(0, 80)) + "..." : std::string(text);
    if (colon == std::string_view::npos || colon == 0)
        throw DigestError("malformed digest '" + shown + "': expected ALGORITHM:HEX, e.g. sha256:<64 hex digits>");
    const std::string_view algorithm = text.substr(0, colon), encoded = text.substr(colon + 1);
    const std::size_t want = detail::digest_hex_length(algorithm);
    if (want == 0)
        throw DigestError("unsupported digest algorithm '" + std::string(algorithm) + "' in '" + shown +
                          "': sha256 and sha512 are supported");
    if (encoded.size() != want)
        throw DigestError("malformed digest '" + shown + "': " + std::string(algorithm) + " takes " +
                          std::to_string(want) + " hex digits, not " + std::to_string(encoded.size()));
    for (char c : encoded)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            throw DigestError("malformed digest '" + shown + "': the encoded part must be lower-case hex");
    return Digest {std::string(algorithm), std::string(encoded)};
}

struct Hasher::State {
    EVP_MD_CTX* ctx = nullptr;
    ~State() { EVP_MD_CTX_free(ctx); }
};

inline Hasher::Hasher(std::string_view algorithm) : state_(std::make_unique<State>()), algorithm_(algorithm) {
    const EVP_MD* md = detail::digest_md(algorithm);
    if (!md) throw DigestError("unsupported digest algorithm '" + algorithm_ + "': sha256 and sha512 are supported");
    state_->ctx = EVP_MD_CTX_new();
    if (!state_->ctx || EVP_DigestInit_ex(state_->ctx, md, nullptr) != 1)
        throw std::runtime_error("OpenSSL could not start a " + algorithm_ + " digest");
}

inline Hasher::Hasher(Hasher&&) noexcept = default;
inline Hasher& Hasher::operator=(Hasher&&) noexcept = default;
inline Hasher::~Hasher() = default;

inline void Hasher::update(const void* data, std::size_t size) {
    if (!state_) throw std::logic_error("Hasher::update after finish");
    if (size && EVP_DigestUpdate(state_->ctx, data, size) != 1)
        throw std::runtime_error("OpenSSL digest update failed");
    size_ += size;
}

inline Digest Hasher::finish() {
    if (!state_) throw std::logic_error("Hasher::finish called twice");
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(state_->ctx, out, &len) != 1) throw std::runtime_error("OpenSSL digest final failed");
    state_.reset();
    static constexpr char hex[] = "0123456789abcdef";
    std::string encoded(std::size_t(len) * 2, '0');
    for (unsigned int i = 0; i < len; ++i) {
        encoded[2 * i] = hex[out[i] >> 4];
        encoded[2 * i + 1] = hex[out[i] & 15];
    }
    return Digest {algorithm_, std::move(encoded)};
}

inline Digest sha256_of(std::string_view bytes) {
    Hasher h;
    h.update(bytes);
    return h.finish();
}

inline Digest digest_like(const Digest& like, std::string_view bytes) {
    Hasher h(like.algorithm);
    h.update(bytes);
    return h.finish();
}

inline Digest digest_file(const std::filesystem::path& file, std::string_view algorithm) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(file.c_str(), "rb"), &std::fclose);
    if (!f) throw std::runtime_error("cannot read " + file.string() + ": " + std::strerror(errno));
    Hasher h(algorithm);
    std::string buf(1 << 16, '\0');
    while (const std::size_t n = std::fread(buf.data(), 1, buf.size(), f.get())) h.update(buf.data(), n);
    if (std::ferror(f.get())) throw std::runtime_error("cannot read " + file.string() + ": " + std::strerror(errno));
    return h.finish();
}

}  // namespace xbuild::oci
