// The Mach-O reader of objfile.hpp: thin files' load commands, and universal (fat) binaries.
#pragma once

#include "objfile_bytes.inl"

namespace xbuild {
namespace detail::obj {

inline constexpr std::uint32_t max_fat_arches = 30;  // more: not Mach-O (Java class files)

inline constexpr std::uint32_t MH_MAGIC = 0xfeedface, MH_MAGIC_64 = 0xfeedfacf, MH_CIGAM = 0xcefaedfe,
                               MH_CIGAM_64 = 0xcffaedfe, FAT_MAGIC = 0xcafebabe, FAT_MAGIC_64 = 0xcafebabf;
inline constexpr std::uint32_t LC_SEGMENT = 0x1, LC_LOAD_DYLIB = 0xc, LC_LOAD_DYLINKER = 0xe,
                               LC_LOAD_WEAK_DYLIB = 0x80000018, LC_SEGMENT_64 = 0x19, LC_REEXPORT_DYLIB = 0x8000001f,
                               LC_LAZY_LOAD_DYLIB = 0x20, LC_LOAD_UPWARD_DYLIB = 0x80000023;

inline ObjectInfo parse_macho(Bytes b) {
    ObjectInfo info;
    info.format = ObjectFormat::macho;
    info.os = "darwin";
    b.big = false;
    const std::uint32_t magic = b.u32(0);
    const bool is64 = magic == MH_MAGIC_64 || magic == MH_CIGAM_64;
    b.big = magic == MH_CIGAM || magic == MH_CIGAM_64;
    const std::size_t hsize = is64 ? 32 : 28;
    if (b.size < hsize)
        fail(Reason::truncated,
             "truncated Mach-O header (" + std::to_string(b.size) + " bytes, need " + std::to_string(hsize) + ")");
    info.bits = is64 ? 64 : 32;
    info.endian = b.big ? Endian::big : Endian::little;
    info.machine = b.u32(4);
    const std::uint32_t filetype = b.u32(12), ncmds = b.u32(16), sizeofcmds = b.u32(20);
    info.flags = b.u32(24);
    switch (filetype) {
        case 1: info.kind = ObjectKind::relocatable; break;  // MH_OBJECT
        case 2: info.kind = ObjectKind::executable; break;   // MH_EXECUTE
        case 4: info.kind = ObjectKind::core; break;         // MH_CORE
        case 6:
        case 8: info.kind = ObjectKind::shared_library; break;  // MH_DYLIB, MH_BUNDLE
        default: info.kind = ObjectKind::other;
    }
    if (!b.has(hsize, sizeofcmds)) fail(Reason::truncated, "Mach-O load commands beyond end of file");
    if (ncmds > sizeofcmds / 8)
        fail(Reason::malformed, std::to_string(ncmds) + " load commands in " + std::to_string(sizeofcmds) + " bytes");
    const std::uint64_t end = hsize + std::uint64_t(sizeofcmds);
    std::uint64_t pos = hsize;
    for (std::uint32_t i = 0; i < ncmds; ++i) {
        if (end - pos < 8) fail(Reason::malformed, "load command " + std::to_string(i) + " beyond the load commands");
        const std::uint32_t cmd = b.u32(pos), cmdsize = b.u32(pos + 4);
        if (cmdsize < 8 || cmdsize > end - pos)
            fail(Reason::malformed, "load command " + std::to_string(i) + " has size " + std::to_string(cmdsize));
        auto lc_str = [&]() {  // the string a dylib/dylinker command names, at an offset in it
            if (cmdsize < 12) fail(Reason::malformed, "load command " + std::to_string(i) + " too small");
            const std::uint32_t at = b.u32(pos + 8);
            auto s = at < cmdsize ? b.cstr(pos + at, pos + cmdsize) : std::nullopt;
            if (!s) fail(Reason::malformed, "load command " + std::to_string(i) + " has a bad name");
            return std::move(*s);
        };
        if (cmd == LC_LOAD_DYLINKER) {
            info.interpreter = lc_str();
        } else if (cmd == LC_LOAD_DYLIB || cmd == LC_LOAD_WEAK_DYLIB || cmd == LC_REEXPORT_DYLIB ||
                   cmd == LC_LAZY_LOAD_DYLIB || cmd == LC_LOAD_UPWARD_DYLIB) {
            std::string name = lc_str();
            if (info.needed.size() < max_needed) info.needed.push_back(std::move(name));
        } else if (cmd == LC_SEGMENT || cmd == LC_SEGMENT_64) {
            const bool s64 = cmd == LC_SEGMENT_64;
            if (cmdsize < (s64 ? 72u : 56u))
                fail(Reason::malformed, "segment command " + std::to_string(i) + " too small");
            const std::uint64_t fileoff = s64 ? b.u64(pos + 40) : b.u32(pos + 32);
            const std::uint64_t filesize = s64 ? b.u64(pos + 48) : b.u32(pos + 36);
            if (filesize != 0 && !b.has(fileoff, filesize))
                fail(Reason::truncated, "Mach-O segment " + std::to_string(i) + " beyond end of file");
        }
        pos += cmdsize;
    }
    info.is_static = info.interpreter.empty() && info.needed.empty();
    return info;
}

// Universal binary: big-endian header, nfat_arch entries (20 bytes, 32 for the 64-bit form).
// Returns nullopt when the header does not look like one (a Java class file shares its magic).
inline std::optional<ObjectInfo> parse_fat(Bytes b) {
    b.big = true;
    const bool is64 = b.u32(0) == FAT_MAGIC_64;
    if (b.size < 8)
        fail(Reason::truncated, "truncated Mach-O universal header (" + std::to_string(b.size) + " bytes, need 8)");
    const std::uint32_t n = b.u32(4);
    if (n == 0 || n > max_fat_arches) return std::nullopt;
    const std::uint64_t entsize = is64 ? 32 : 20, table_end = 8 + n * entsize;
    if (!b.has(8, n * entsize)) fail(Reason::truncated, "Mach-O universal header beyond end of file");
    ObjectInfo info;
    info.format = ObjectFormat::macho;
    info.os = "darwin";
    info.endian = Endian::big;
    info.bits = 0;
    info.is_static = true;
    for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint64_t e = 8 + i * entsize;
        const std::uint32_t cpu = b.u32(e);
        const std::uint64_t off = is64 ? b.u64(e + 8) : b.u32(e + 8);
        const std::uint64_t size = is64 ? b.u64(e + 16) : b.u32(e + 12);
        const std::string which = "universal binary slice " + std::to_string(i);
        if (off < table_end) fail(Reason::malformed, which + " overlaps the header");
        if (!b.has(off, size)) fail(Reason::truncated, which + " beyond end of file");
        Bytes slice {b.data + off, static_cast<std::size_t>(size), false};
        const std::uint32_t magic = size >= 4 ? slice.u32(0) : 0;
        if (magic != MH_MAGIC && magic != MH_MAGIC_64 && magic != MH_CIGAM && magic != MH_CIGAM_64)
            fail(Reason::malformed, which + " is not a Mach-O file");
        ObjectInfo s = parse_macho(slice);
        if (s.machine != cpu)
            fail(Reason::malformed, which + " is for cpu type " + hex(s.machine) + ", the header says " + hex(cpu));
        if (i == 0) info.kind = s.kind;
        info.is_static = info.is_static && s.is_static;
        info.slices.push_back(std::move(s));
    }
    return info;
}

}  // namespace detail::obj
}  // namespace xbuild
