// The PE/COFF reader of objfile.hpp: COFF and optional headers, sections, imported DLLs.
#pragma once

#include <algorithm>
#include <cstring>

#include "objfile_bytes.inl"

namespace xbuild {
namespace detail::obj {

inline constexpr std::size_t max_imports = 1024;        // PE import descriptors looked at
inline constexpr std::uint32_t max_pe_sections = 4096;  // more: malformed (Windows loads 96)

inline constexpr std::uint16_t PE32_MAGIC = 0x10b, PE32PLUS_MAGIC = 0x20b;
inline constexpr std::uint16_t IMAGE_FILE_DLL = 0x2000;

inline ObjectInfo parse_pe(Bytes b) {
    ObjectInfo info;
    info.format = ObjectFormat::pe;
    info.os = "windows";
    if (b.size < 64) fail(Reason::truncated, "truncated DOS header (" + std::to_string(b.size) + " bytes, need 64)");
    const std::uint64_t pe = b.u32(0x3c);
    if (!b.has(pe, 4)) fail(Reason::truncated, "PE header beyond end of file");
    if (std::memcmp(b.data + pe, "PE\0\0", 4) != 0)
        fail(Reason::not_an_object, "not an ELF, PE or Mach-O binary (an MS-DOS executable without a PE header)");
    const std::uint64_t coff = pe + 4;
    if (!b.has(coff, 20)) fail(Reason::truncated, "truncated COFF header");
    info.machine = b.u16(coff);
    const std::uint32_t nsections = b.u16(coff + 2);
    const std::uint16_t opt_size = b.u16(coff + 16);
    info.flags = b.u16(coff + 18);
    info.kind = info.flags & IMAGE_FILE_DLL ? ObjectKind::shared_library : ObjectKind::executable;

    const std::uint64_t opt = coff + 20;
    if (opt_size < 2 || !b.has(opt, opt_size)) fail(Reason::truncated, "truncated PE optional header");
    const std::uint16_t magic = b.u16(opt);
    if (magic != PE32_MAGIC && magic != PE32PLUS_MAGIC)
        fail(Reason::malformed, "unknown PE optional header magic " + hex(magic));
    info.bits = magic == PE32PLUS_MAGIC ? 64 : 32;
    const std::uint64_t dirs = opt + (info.bits == 64 ? 112 : 96);  // the data directories
    if (opt_size < dirs - opt)
        fail(Reason::malformed, "PE optional header too small (" + std::to_string(opt_size) + " bytes)");
    info.pe_subsystem = b.u16(opt + 68);
    const std::uint32_t ndirs = b.u32(dirs - 4);

    if (nsections > max_pe_sections) fail(Reason::malformed, "PE file with " + std::to_string(nsections) + " sections");
    const std::uint64_t sections = opt + opt_size;
    if (!b.has(sections, std::uint64_t(nsections) * 40)) fail(Reason::truncated, "PE section table beyond end of file");
    for (std::uint32_t i = 0; i < nsections; ++i) {
        const std::uint64_t s = sections + i * 40ull;
        const std::uint32_t raw_size = b.u32(s + 16), raw_off = b.u32(s + 20);
        if (raw_size != 0 && !b.has(raw_off, raw_size))
            fail(Reason::truncated, "PE section " + std::to_string(i) + " beyond end of file");
    }
    // File offset of an RVA through the sections, and the end of that section's raw data.
    struct Place {
        std::uint64_t off, end;
    };
    auto place = [&](std::uint32_t rva) -> std::optional<Place> {
        for (std::uint32_t i = 0; i < nsections; ++i) {
            const std::uint64_t s = sections + i * 40ull;
            const std::uint32_t vsize = b.u32(s + 8), va = b.u32(s + 12), raw_size = b.u32(s + 16),
                                raw_off = b.u32(s + 20);
            const std::uint32_t span = std::max(vsize, raw_size);
            if (rva >= va && rva - va < span) {
                if (rva - va >= raw_size) return std::nullopt;  // uninitialized data
                return Place {std::uint64_t(raw_off) + (rva - va), std::uint64_t(raw_off) + raw_size};
            }
        }
        return std::nullopt;
    };

    // Data directory 1: the import table, an array of 20-byte descriptors ending in a zero one.
    if (ndirs > 1 && opt_size >= dirs - opt + 16) {
        const std::uint32_t rva = b.u32(dirs + 8), size = b.u32(dirs + 12);
        if (rva != 0 && size != 0) {
            auto at = place(rva);
            if (!at) fail(Reason::malformed, "import table outside the PE sections");
            for (std::size_t k = 0; k < max_imports; ++k) {
                const std::uint64_t d = at->off + k * 20;
                if (d + 20 > at->end) fail(Reason::malformed, "unterminated PE import table");
                const std::uint32_t name_rva = b.u32(d + 12);
                if (name_rva == 0) break;
                auto name_at = place(name_rva);
                auto name = name_at ? b.cstr(name_at->off, name_at->end) : std::nullopt;
                if (!name) fail(Reason::malformed, "PE import name outside the sections");
                if (info.needed.size() < max_needed) info.needed.push_back(std::move(*name));
            }
        }
    }
    info.is_static = std::all_of(info.needed.begin(), info.needed.end(),
                                 [](const std::string& n) { return is_windows_system_dll(n); });
    return info;
}

// DLL names as Windows compares them: ASCII letters without case.
inline bool eq_nocase(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = char(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = char(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

inline bool starts_nocase(std::string_view s, std::string_view prefix) noexcept {
    return s.size() >= prefix.size() && eq_nocase(s.substr(0, prefix.size()), prefix);
}

}  // namespace detail::obj

inline bool is_windows_system_dll(std::string_view name) noexcept {
    using detail::obj::eq_nocase;
    using detail::obj::starts_nocase;
    if (name.size() > 4 && eq_nocase(name.substr(name.size() - 4), ".dll")) name.remove_suffix(4);
    if (starts_nocase(name, "api-ms-win-") || starts_nocase(name, "ext-ms-")) return true;
    static constexpr std::string_view system[] = {
        "kernel32",
        "kernelbase",
        "ntdll",
        "msvcrt",
        "ucrtbase",
        "user32",
        "gdi32",
        "gdiplus",
        "advapi32",
        "ws2_32",
        "wsock32",
        "mswsock",
        "shell32",
        "shlwapi",
        "ole32",
        "oleaut32",
        "comctl32",
        "comdlg32",
        "bcrypt",
        "ncrypt",
        "crypt32",
        "secur32",
        "sspicli",
        "userenv",
        "version",
        "winmm",
        "iphlpapi",
        "psapi",
        "dbghelp",
        "rpcrt4",
        "setupapi",
        "cfgmgr32",
        "winhttp",
        "wininet",
        "dnsapi",
        "netapi32",
        "imm32",
        "uxtheme",
        "dwmapi",
        "winspool.drv",
        "opengl32",
        "d3d9",
        "d3d11",
        "d3d12",
        "dxgi",
        "dwrite",
        "d2d1",
        "mpr",
        "powrprof",
        "wtsapi32",
        "hid",
        "credui",
        "msimg32",
        "winusb",
        "wintrust",
        "normaliz",
        "propsys",
        "bcryptprimitives",
        "synchronization",
        "ntoskrnl.exe",
        "hal",
    };
    for (std::string_view s : system)
        if (eq_nocase(name, s)) return true;
    return false;
}

}  // namespace xbuild
