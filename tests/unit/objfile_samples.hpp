// Synthetic ELF, PE and Mach-O files built in memory for the tests of xbuild/objfile.hpp
// (objfile_test.cpp and its per-format objfile_{elf,pe,macho}_test.cpp), and the checks they
// share: errors, platforms, and hostile prefixes and bytes.
//
//   Bytes elf = make_elf({.bits = 64, .machine = row("linux/arm64").elf_machine});
//   CHECK(platforms(parse(elf)) == std::vector<std::string> {"linux/arm64"});
#pragma once

#include "xbuild/objfile.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <fstream>
#include <string>
#include <vector>

#include "xbuild/platform.hpp"

namespace objfile_test {

using xbuild::Endian;
using xbuild::ObjectFileError;
using xbuild::ObjectFormat;
using xbuild::ObjectInfo;
using xbuild::ObjectKind;
using xbuild::Target;
using Bytes = std::vector<std::byte>;
using Reason = ObjectFileError::Reason;

// Machines come from the table, as in the code under test.
inline const Target& row(std::string_view platform) {
    xbuild::Platform p = xbuild::parse_platform(platform);
    return xbuild::target_of(p);
}

// A growable byte buffer written in one byte order.
struct Writer {
    std::vector<unsigned char> b;
    bool big = false;

    std::size_t size() const { return b.size(); }
    void put(std::size_t off, std::uint64_t v, int n) {
        if (b.size() < off + n) b.resize(off + n);
        for (int i = 0; i < n; ++i) b[off + (big ? n - 1 - i : i)] = static_cast<unsigned char>(v >> (8 * i));
    }
    std::size_t add(std::uint64_t v, int n) {
        std::size_t at = b.size();
        put(at, v, n);
        return at;
    }
    std::size_t add_bytes(std::string_view s) {
        std::size_t at = b.size();
        b.insert(b.end(), s.begin(), s.end());
        return at;
    }
    std::size_t add_str(std::string_view s) {  // NUL-terminated
        std::size_t at = add_bytes(s);
        b.push_back(0);
        return at;
    }
    void align(std::size_t n) {
        while (b.size() % n) b.push_back(0);
    }
    Bytes bytes() const {
        Bytes out(b.size());
        std::memcpy(out.data(), b.data(), b.size());
        return out;
    }
};

// A copy of `sample` with the n-byte little-endian value v written at off (a header field broken
// on purpose).
inline Bytes patched(const Bytes& sample, std::size_t off, std::uint64_t v, int n) {
    Writer w;
    w.b.assign(reinterpret_cast<const unsigned char*>(sample.data()),
               reinterpret_cast<const unsigned char*>(sample.data()) + sample.size());
    w.put(off, v, n);
    return w.bytes();
}

inline std::string uleb(std::uint64_t v) {
    std::string out;
    do {
        unsigned char c = v & 0x7f;
        v >>= 7;
        if (v) c |= 0x80;
        out += char(c);
    } while (v);
    return out;
}

// An .ARM.attributes section body: a "gnu" subsection to skip, then "aeabi" with Tag_File holding
// string and numeric attributes around Tag_CPU_arch (6) and Tag_ABI_VFP_args (28).
inline std::string arm_attributes(bool big, std::optional<unsigned> cpu_arch, std::optional<unsigned> vfp_args = {}) {
    auto u32 = [big](std::uint32_t v) {
        std::string s(4, '\0');
        for (int i = 0; i < 4; ++i) s[big ? 3 - i : i] = char(v >> (8 * i));
        return s;
    };
    std::string attrs;
    attrs += uleb(5) + std::string("7-A") + '\0';          // Tag_CPU_name (NTBS)
    attrs += uleb(67) + std::string("2.09") + '\0';        // Tag_conformance (NTBS)
    attrs += uleb(32) + uleb(0) + std::string("") + '\0';  // Tag_compatibility: flag, then vendor
    if (cpu_arch) attrs += uleb(6) + uleb(*cpu_arch);
    attrs += uleb(7) + uleb('A');                 // Tag_CPU_arch_profile
    attrs += uleb(65) + std::string("x") + '\0';  // odd tag above 32: NTBS
    attrs += uleb(66) + uleb(300);                // even tag above 32: ULEB
    if (vfp_args) attrs += uleb(28) + uleb(*vfp_args);
    std::string file_block = uleb(1) + u32(std::uint32_t(attrs.size() + 5)) + attrs;
    std::string aeabi = std::string("aeabi") + '\0' + file_block;
    std::string gnu = std::string("gnu") + '\0' + "\x01\x09\x00\x00\x00\x04\x01\x05\x02";
    return "A" + u32(std::uint32_t(gnu.size() + 4)) + gnu + u32(std::uint32_t(aeabi.size() + 4)) + aeabi;
}

struct ElfSpec {
    unsigned bits = 64;
    bool big = false;
    std::uint16_t machine = 0;
    std::uint8_t osabi = 0;
    std::uint16_t type = 2;  // ET_EXEC
    std::uint32_t flags = 0;
    std::string interp;
    std::vector<std::string> needed;
    bool dynamic = false;  // a PT_DYNAMIC even without DT_NEEDED (static-pie)
    bool pie_flag = false;
    bool freebsd_note = false;
    std::optional<std::string> arm_attrs;
    std::uint32_t arm_attrs_type = 0x70000003;  // SHT_ARM_ATTRIBUTES
    bool sections = true;
};

// An ELF file: header, program headers, one PT_LOAD over the whole file, interpreter, dynamic
// section and its strings, a note, section contents, and the section headers last.
inline Bytes make_elf(const ElfSpec& s) {
    const bool is64 = s.bits == 64;
    const std::size_t ehsize = is64 ? 64 : 52, phentsize = is64 ? 56 : 32, shentsize = is64 ? 64 : 40;
    const std::uint64_t base = 0x400000;
    const bool has_dyn = s.dynamic || !s.needed.empty();
    const std::size_t nph = 1 + !s.interp.empty() + has_dyn + s.freebsd_note;
    Writer w;
    w.big = s.big;
    w.b.resize(ehsize + nph * phentsize);
    std::size_t interp_off = 0, dyn_off = 0, dyn_size = 0, note_off = 0, note_size = 0;
    if (!s.interp.empty()) interp_off = w.add_str(s.interp);
    std::size_t dynstr = w.add_str("");
    std::vector<std::size_t> names;
    for (const auto& n : s.needed) names.push_back(w.add_str(n) - dynstr);
    const std::size_t dynstr_size = w.size() - dynstr;
    w.align(8);
    if (has_dyn) {
        dyn_off = w.size();
        auto dyn = [&](std::uint64_t tag, std::uint64_t val) {
            w.add(tag, is64 ? 8 : 4);
            w.add(val, is64 ? 8 : 4);
        };
        for (std::size_t n : names) dyn(1, n);
        dyn(5, base + dynstr);
        dyn(10, dynstr_size);
        if (s.pie_flag) dyn(0x6ffffffb, 0x08000000);
        dyn(0, 0);
        dyn_size = w.size() - dyn_off;
    }
    if (s.freebsd_note) {
        note_off = w.add(8, 4);
        w.add(4, 4);
        w.add(1, 4);
        w.add_bytes(std::string("FreeBSD") + '\0');
        w.add(1300000, 4);
        note_size = w.size() - note_off;
    }
    std::size_t attrs_off = 0, shstr = 0, shstr_size = 0;
    if (s.arm_attrs) attrs_off = w.add_bytes(*s.arm_attrs);
    if (s.sections) {
        shstr = w.add_str("");
        w.add_str(".shstrtab");
        w.add_str(".ARM.attributes");
        shstr_size = w.size() - shstr;
    }
    w.align(8);
    const std::size_t shoff = s.sections ? w.size() : 0;
    const std::size_t shnum = s.sections ? (s.arm_attrs ? 3 : 2) : 0;
    w.b.resize(w.size() + shnum * shentsize);
    const std::size_t total = w.size();

    // ELF header
    std::memcpy(w.b.data(),
                "\x7f"
                "ELF",
                4);
    w.b[4] = is64 ? 2 : 1;
    w.b[5] = s.big ? 2 : 1;
    w.b[6] = 1;
    w.b[7] = s.osabi;
    w.put(16, s.type, 2);
    w.put(18, s.machine, 2);
    w.put(20, 1, 4);
    w.put(is64 ? 32 : 28, ehsize, is64 ? 8 : 4);  // e_phoff
    w.put(is64 ? 40 : 32, shoff, is64 ? 8 : 4);   // e_shoff
    w.put(is64 ? 48 : 36, s.flags, 4);
    w.put(is64 ? 52 : 40, ehsize, 2);
    w.put(is64 ? 54 : 42, phentsize, 2);
    w.put(is64 ? 56 : 44, nph, 2);
    w.put(is64 ? 58 : 46, shentsize, 2);
    w.put(is64 ? 60 : 48, shnum, 2);
    w.put(is64 ? 62 : 50, s.sections ? 1 : 0, 2);

    std::size_t ph = ehsize;
    auto phdr = [&](std::uint32_t type, std::uint64_t off, std::uint64_t size) {
        w.put(ph, type, 4);
        if (is64) {
            w.put(ph + 8, off, 8);
            w.put(ph + 16, base + off, 8);
            w.put(ph + 32, size, 8);
            w.put(ph + 40, size, 8);
            w.put(ph + 48, type == 1 ? 0x1000 : 8, 8);
        } else {
            w.put(ph + 4, off, 4);
            w.put(ph + 8, base + off, 4);
            w.put(ph + 16, size, 4);
            w.put(ph + 20, size, 4);
            w.put(ph + 28, type == 1 ? 0x1000 : 4, 4);
        }
        ph += phentsize;
    };
    phdr(1, 0, total);
    if (!s.interp.empty()) phdr(3, interp_off, s.interp.size() + 1);
    if (has_dyn) phdr(2, dyn_off, dyn_size);
    if (s.freebsd_note) phdr(4, note_off, note_size);

    auto shdr = [&](std::size_t i, std::uint32_t name, std::uint32_t type, std::uint64_t off, std::uint64_t size) {
        std::size_t sh = shoff + i * shentsize;
        w.put(sh, name, 4);
        w.put(sh + 4, type, 4);
        w.put(sh + (is64 ? 24 : 16), off, is64 ? 8 : 4);
        w.put(sh + (is64 ? 32 : 20), size, is64 ? 8 : 4);
    };
    if (s.sections) {
        shdr(1, 1, 3, shstr, shstr_size);  // .shstrtab, SHT_STRTAB
        if (s.arm_attrs) shdr(2, 11, s.arm_attrs_type, attrs_off, s.arm_attrs->size());
    }
    return w.bytes();
}

struct PeSpec {
    std::uint16_t machine = 0;
    bool plus = true;
    std::vector<std::string> imports;
    std::uint16_t characteristics = 0x22;  // executable, large address aware
    std::uint16_t subsystem = 3;           // console
};

// A PE image: DOS header, PE signature, COFF header, optional header with 16 data directories,
// one section (.idata) at the end of the file holding the import descriptors and DLL names.
inline Bytes make_pe(const PeSpec& s) {
    Writer w;
    const std::size_t pe = 0x80, opt = pe + 24, opt_size = s.plus ? 240 : 224, sections = opt + opt_size;
    const std::size_t raw = 0x200;
    const std::uint32_t va = 0x1000;
    w.b.resize(raw);
    w.b[0] = 'M';
    w.b[1] = 'Z';
    w.put(0x3c, pe, 4);
    std::memcpy(w.b.data() + pe, "PE\0\0", 4);
    w.put(pe + 4, s.machine, 2);
    w.put(pe + 6, 1, 2);  // one section
    w.put(pe + 20, opt_size, 2);
    w.put(pe + 22, s.characteristics, 2);
    w.put(opt, s.plus ? 0x20b : 0x10b, 2);
    w.put(opt + 68, s.subsystem, 2);
    const std::size_t dirs = opt + (s.plus ? 112 : 96);
    w.put(dirs - 4, 16, 4);  // NumberOfRvaAndSizes
    std::memcpy(w.b.data() + sections, ".idata\0", 8);

    // Section contents: descriptors (and a zero one), then the names.
    const std::size_t ndesc = s.imports.size() + 1;
    w.b.resize(raw + ndesc * 20);
    for (std::size_t i = 0; i < s.imports.size(); ++i) {
        std::size_t name = w.add_str(s.imports[i]);
        w.put(raw + i * 20 + 12, va + (name - raw), 4);
        w.put(raw + i * 20 + 16, va, 4);  // FirstThunk (not read)
    }
    w.align(16);
    const std::size_t raw_size = w.size() - raw;
    if (!s.imports.empty()) {
        w.put(dirs + 8, va, 4);
        w.put(dirs + 12, ndesc * 20, 4);
    }
    w.put(sections + 8, raw_size, 4);   // VirtualSize
    w.put(sections + 12, va, 4);        // VirtualAddress
    w.put(sections + 16, raw_size, 4);  // SizeOfRawData
    w.put(sections + 20, raw, 4);       // PointerToRawData
    return w.bytes();
}

struct MachoSpec {
    std::uint32_t cpu = 0;
    bool is64 = true;
    bool big = false;
    std::uint32_t filetype = 2;  // MH_EXECUTE
    std::string dylinker;
    std::vector<std::string> dylibs;
};

// A thin Mach-O file: header, a segment over the whole file, the dylinker and dylib commands,
// then some "text".
inline Bytes make_macho(const MachoSpec& s) {
    Writer w;
    w.big = s.big;
    const std::size_t hsize = s.is64 ? 32 : 28;
    w.b.resize(hsize);
    w.put(0, s.is64 ? 0xfeedfacf : 0xfeedface, 4);
    w.put(4, s.cpu, 4);
    w.put(12, s.filetype, 4);
    std::uint32_t ncmds = 0;
    const std::size_t seg = w.size();
    w.b.resize(seg + (s.is64 ? 72 : 56));
    w.put(seg, s.is64 ? 0x19 : 0x1, 4);
    w.put(seg + 4, s.is64 ? 72 : 56, 4);
    std::memcpy(w.b.data() + seg + 8, "__TEXT", 6);
    ++ncmds;
    auto name_cmd = [&](std::uint32_t cmd, std::size_t fixed, const std::string& name) {
        std::size_t at = w.size(), size = (fixed + name.size() + 1 + 7) / 8 * 8;
        w.b.resize(at + size);
        w.put(at, cmd, 4);
        w.put(at + 4, size, 4);
        w.put(at + 8, fixed, 4);
        std::memcpy(w.b.data() + at + fixed, name.data(), name.size());
        ++ncmds;
    };
    if (!s.dylinker.empty()) name_cmd(0xe, 12, s.dylinker);
    for (const auto& d : s.dylibs) name_cmd(0xc, 24, d);
    const std::size_t cmds_end = w.size();
    w.add_bytes("\x1f\x20\x03\xd5 some text for the segment");
    w.align(8);
    w.put(16, ncmds, 4);
    w.put(20, cmds_end - hsize, 4);
    if (s.is64) {
        w.put(seg + 40, 0, 8);
        w.put(seg + 48, w.size(), 8);
    } else {
        w.put(seg + 32, 0, 4);
        w.put(seg + 36, w.size(), 4);
    }
    return w.bytes();
}

inline Bytes make_fat(const std::vector<Bytes>& slices, bool fat64 = false) {
    Writer w;
    w.big = true;
    w.add(fat64 ? 0xcafebabf : 0xcafebabe, 4);
    w.add(slices.size(), 4);
    const std::size_t entsize = fat64 ? 32 : 20;
    std::size_t off = (8 + slices.size() * entsize + 15) / 16 * 16;
    w.b.resize(off);
    for (std::size_t i = 0; i < slices.size(); ++i) {
        off = w.size();
        std::size_t e = 8 + i * entsize;
        // the slice's cputype, in its own byte order (little here)
        std::uint32_t cpu = std::uint32_t(slices[i][4]) | std::uint32_t(slices[i][5]) << 8 |
                            std::uint32_t(slices[i][6]) << 16 | std::uint32_t(slices[i][7]) << 24;
        w.put(e, cpu, 4);
        if (fat64) {
            w.put(e + 8, off, 8);
            w.put(e + 16, slices[i].size(), 8);
            w.put(e + 24, 4, 4);
        } else {
            w.put(e + 8, off, 4);
            w.put(e + 12, slices[i].size(), 4);
            w.put(e + 16, 4, 4);
        }
        for (std::byte c : slices[i]) w.b.push_back(static_cast<unsigned char>(c));
        if (i + 1 < slices.size()) w.align(16);
    }
    return w.bytes();
}

inline Bytes text(std::string_view s) {
    Bytes out(s.size());
    std::memcpy(out.data(), s.data(), s.size());
    return out;
}

inline ObjectInfo parse(const Bytes& b) { return xbuild::parse_object(b); }

inline std::string error_of(const Bytes& b) {
    try {
        (void)parse(b);
    } catch (const ObjectFileError& e) { return e.what(); }
    return "(no error)";
}

inline std::vector<std::string> platforms(const ObjectInfo& info) {
    std::vector<std::string> out;
    for (const Target* t : xbuild::targets_of(info)) out.push_back(xbuild::platform_of(*t).str());
    return out;
}

// Every proper prefix must fail cleanly (those of at least `headers` bytes may parse: a file
// without section headers whose PT_LOAD runs past its end is read as file(1) reads it); and every
// byte, set to a few values, must either parse or fail with ObjectFileError (under ASan this also
// proves no read goes out of bounds).
inline void check_hostile(const Bytes& good, std::size_t headers = SIZE_MAX) {
    for (std::size_t n = 0; n < std::min(good.size(), headers); ++n) {
        Bytes prefix(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
        CAPTURE(n);
        CHECK_THROWS_AS((void)parse(prefix), ObjectFileError);
    }
    for (std::size_t i = 0; i < good.size(); ++i) {
        for (unsigned v : {0x00u, 0x01u, 0x7fu, 0x80u, 0xffu}) {
            Bytes bad = good;
            bad[i] = std::byte(v);
            try {
                ObjectInfo info = parse(bad);
                (void)info.description();
                (void)xbuild::platforms_of(info);
            } catch (const ObjectFileError&) {}
        }
    }
}

}  // namespace objfile_test
