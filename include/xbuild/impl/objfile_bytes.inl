// The bounds-checked byte reader and the limits every object-file reader of objfile.hpp shares.
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace xbuild {
namespace detail::obj {

using Reason = ObjectFileError::Reason;

inline constexpr std::size_t max_needed = 1024;  // DT_NEEDED / imports / dylibs kept
inline constexpr std::size_t max_name = 4096;    // bytes of one library or interpreter name

[[noreturn]] inline void fail(Reason reason, const std::string& message) { throw ObjectFileError(reason, message); }

inline std::string hex(std::uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

// A bounds-checked view of the file, read in one byte order.
struct Bytes {
    const unsigned char* data = nullptr;
    std::size_t size = 0;
    bool big = false;

    // [off, off + len) lies inside the file (no overflow for any 64-bit values).
    bool has(std::uint64_t off, std::uint64_t len) const noexcept { return off <= size && len <= size - off; }
    void need(std::uint64_t off, std::uint64_t len) const {
        // Every caller checks with a precise message first: this is the backstop.
        if (!has(off, len)) fail(Reason::truncated, "read beyond end of file at offset " + hex(off));
    }
    std::uint8_t u8(std::uint64_t off) const {
        need(off, 1);
        return data[off];
    }
    std::uint16_t u16(std::uint64_t off) const {
        need(off, 2);
        const unsigned char* p = data + off;
        return big ? std::uint16_t(p[0] << 8 | p[1]) : std::uint16_t(p[1] << 8 | p[0]);
    }
    std::uint32_t u32(std::uint64_t off) const {
        need(off, 4);
        const unsigned char* p = data + off;
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v = v << 8 | p[big ? i : 3 - i];
        return v;
    }
    std::uint64_t u64(std::uint64_t off) const {
        need(off, 8);
        const unsigned char* p = data + off;
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v = v << 8 | p[big ? i : 7 - i];
        return v;
    }
    // A word of the file's class: 4 or 8 bytes.
    std::uint64_t word(std::uint64_t off, bool is64) const { return is64 ? u64(off) : u32(off); }

    // The NUL-terminated string at `off`, which must end before `end` (and the file) and be at
    // most max_name bytes; nullopt otherwise.
    std::optional<std::string> cstr(std::uint64_t off, std::uint64_t end) const {
        end = std::min<std::uint64_t>(end, size);
        if (off >= end) return std::nullopt;
        std::uint64_t limit = std::min<std::uint64_t>(end - off, max_name + 1);
        const void* nul = std::memchr(data + off, 0, limit);
        if (!nul) return std::nullopt;
        const auto len = static_cast<std::size_t>(static_cast<const unsigned char*>(nul) - (data + off));
        return std::string(reinterpret_cast<const char*>(data + off), len);
    }
};

}  // namespace detail::obj
}  // namespace xbuild
