// Small helpers the unit tests share: reading environment-change lists (NAME=value entries, as
// the toolchain models return them), naming table rows, and the ELF heads and binfmt_misc
// entries of table rows (emulation tests).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <string>
#include <vector>

#include "xbuild/targets.hpp"

namespace test_support {

// True when some change sets NAME (NAME=...).
inline bool sets(const std::vector<std::string>& changes, const std::string& name) {
    return std::any_of(changes.begin(), changes.end(),
                       [&](const std::string& c) { return c.rfind(name + "=", 0) == 0; });
}

// The value a change gives NAME, "" when none does.
inline std::string value_of(const std::vector<std::string>& changes, const std::string& name) {
    for (const std::string& c : changes)
        if (c.rfind(name + "=", 0) == 0) return c.substr(name.size() + 1);
    return "";
}

// The message of the `Error` that `f` throws, "no error" when it throws none; its status() is
// stored through `status` when given (xx-run's RunError: 126, 127).
template <class Error, class F>
std::string error_status_of(F&& f, int* status = nullptr) {
    try {
        f();
    } catch (const Error& e) {
        if (status) *status = e.status();
        return e.what();
    }
    return "no error";
}

// os/arch[/variant] of a table row.
inline std::string platform_name(const xbuild::Target& t) {
    std::string p = std::string(t.os) + "/" + std::string(t.arch);
    if (!t.variant.empty()) p += "/" + std::string(t.variant);
    return p;
}

// The first bytes of a binary of row `t`: ELF ident and e_type/e_machine (ET_DYN: a PIE).
inline std::vector<std::byte> elf_head(const xbuild::Target& t, std::uint16_t e_type = 3) {
    std::vector<std::byte> h(64, std::byte {0});
    const unsigned char ident[] = {0x7f,
                                   'E',
                                   'L',
                                   'F',
                                   static_cast<unsigned char>(t.bits == 64 ? 2 : 1),
                                   static_cast<unsigned char>(t.endian == xbuild::Endian::big ? 2 : 1),
                                   1};
    for (std::size_t i = 0; i < sizeof ident; ++i) h[i] = std::byte(ident[i]);
    auto put16 = [&](std::size_t at, std::uint16_t v) {
        const bool big = t.endian == xbuild::Endian::big;
        h[at + (big ? 1 : 0)] = std::byte(v & 0xff);
        h[at + (big ? 0 : 1)] = std::byte(v >> 8);
    };
    put16(16, e_type);
    put16(18, t.elf_machine);
    return h;
}

// The first `n` bytes of `b` in lower-case hex.
inline std::string hex(const std::vector<std::byte>& b, std::size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        auto v = static_cast<unsigned>(b[i]);
        s += digits[v >> 4];
        s += digits[v & 15];
    }
    return s;
}

// A binfmt_misc entry for row `t` the way qemu-binfmt-conf.sh registers it: the first 20 ELF
// bytes, ignoring the OS ABI byte and ET_EXEC/ET_DYN's low bit.
inline std::string qemu_binfmt_text(const xbuild::Target& t, std::string_view flags = "POCF", bool enabled = true) {
    std::string mask = t.endian == xbuild::Endian::big ? "ffffffffffffff00fffffffffffffffffffeffff"
                                                       : "ffffffffffffff00fffffffffffffffffeffffff";
    auto magic = elf_head(t, 2);
    magic[7] = std::byte {0};
    return std::string(enabled ? "enabled" : "disabled") + "\ninterpreter /usr/libexec/qemu-binfmt/" +
           std::string(t.qemu) + "-binfmt-P\nflags: " + std::string(flags) + "\noffset 0\nmagic " + hex(magic, 20) +
           "\nmask " + mask + "\n";
}

}  // namespace test_support
