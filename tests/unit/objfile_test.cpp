// Tests of xbuild/objfile.hpp: synthetic ELF, PE and Mach-O files built in memory, well-formed,
// truncated at every length, and corrupted byte by byte.
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

using xbuild::Endian;
using xbuild::ObjectFileError;
using xbuild::ObjectFormat;
using xbuild::ObjectInfo;
using xbuild::ObjectKind;
using xbuild::Target;
using Bytes = std::vector<std::byte>;
using Reason = ObjectFileError::Reason;

namespace {

// Machines come from the table, as in the code under test.
const Target& row(std::string_view platform) {
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

std::string uleb(std::uint64_t v) {
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
std::string arm_attributes(bool big, std::optional<unsigned> cpu_arch, std::optional<unsigned> vfp_args = {}) {
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
Bytes make_elf(const ElfSpec& s) {
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
Bytes make_pe(const PeSpec& s) {
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
Bytes make_macho(const MachoSpec& s) {
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

Bytes make_fat(const std::vector<Bytes>& slices, bool fat64 = false) {
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

Bytes text(std::string_view s) {
    Bytes out(s.size());
    std::memcpy(out.data(), s.data(), s.size());
    return out;
}

ObjectInfo parse(const Bytes& b) { return xbuild::parse_object(b); }

std::string error_of(const Bytes& b) {
    try {
        (void)parse(b);
    } catch (const ObjectFileError& e) { return e.what(); }
    return "(no error)";
}

std::vector<std::string> platforms(const ObjectInfo& info) {
    std::vector<std::string> out;
    for (const Target* t : xbuild::targets_of(info)) out.push_back(xbuild::platform_of(*t).str());
    return out;
}

// Every proper prefix must fail cleanly (those of at least `headers` bytes may parse: a file
// without section headers whose PT_LOAD runs past its end is read as file(1) reads it); and every
// byte, set to a few values, must either parse or fail with ObjectFileError (under ASan this also
// proves no read goes out of bounds).
void check_hostile(const Bytes& good, std::size_t headers = SIZE_MAX) {
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

}  // namespace

TEST_CASE("ELF: a dynamically linked x86-64 executable") {
    const Target& amd64 = row("linux/amd64");
    ElfSpec s;
    s.machine = amd64.elf_machine;
    s.interp = "/lib64/ld-linux-x86-64.so.2";
    s.needed = {"libm.so.6", "libc.so.6"};
    Bytes b = make_elf(s);
    ObjectInfo info = parse(b);
    CHECK(info.format == ObjectFormat::elf);
    CHECK(info.kind == ObjectKind::executable);
    CHECK(info.bits == 64);
    CHECK(info.endian == Endian::little);
    CHECK(info.machine == amd64.elf_machine);
    CHECK(info.os == "linux");
    CHECK(info.interpreter == "/lib64/ld-linux-x86-64.so.2");
    CHECK(info.needed == std::vector<std::string> {"libm.so.6", "libc.so.6"});
    CHECK_FALSE(info.is_static);
    CHECK(info.description() == "ELF 64-bit LSB x86-64");
    CHECK(platforms(info) == std::vector<std::string> {"linux/amd64"});
    CHECK(xbuild::platforms_of(info) == "linux/amd64");
    CHECK(xbuild::built_for(info, amd64));
    for (const char* v : {"linux/amd64/v2", "linux/amd64/v3", "linux/amd64/v4"}) {
        CAPTURE(v);
        CHECK(xbuild::built_for(info, row(v)));
    }
    CHECK_FALSE(xbuild::built_for(info, row("linux/386")));
    CHECK_FALSE(xbuild::built_for(info, row("linux/arm64")));
    CHECK_FALSE(xbuild::built_for(info, row("windows/amd64")));
    CHECK_FALSE(xbuild::built_for(info, row("freebsd/amd64")));
    check_hostile(b);
}

TEST_CASE("ELF: static, static-pie and shared libraries") {
    const Target& arm64 = row("linux/arm64");
    ElfSpec s;
    s.machine = arm64.elf_machine;
    SUBCASE("static executable") {
        ObjectInfo info = parse(make_elf(s));
        CHECK(info.is_static);
        CHECK(info.kind == ObjectKind::executable);
        CHECK(info.interpreter.empty());
        CHECK(info.needed.empty());
        CHECK(info.description() == "ELF 64-bit LSB ARM aarch64");
    }
    SUBCASE("static-pie: ET_DYN with a dynamic section but no interpreter nor DT_NEEDED") {
        s.type = 3;
        s.dynamic = true;
        s.pie_flag = true;
        Bytes b = make_elf(s);
        ObjectInfo info = parse(b);
        CHECK(info.is_static);
        CHECK(info.kind == ObjectKind::executable);
        CHECK(xbuild::built_for(info, arm64));
        check_hostile(b);
    }
    SUBCASE("shared library: DT_NEEDED, no interpreter") {
        s.type = 3;
        s.needed = {"libc.so.6"};
        ObjectInfo info = parse(make_elf(s));
        CHECK_FALSE(info.is_static);
        CHECK(info.kind == ObjectKind::shared_library);
        CHECK(info.needed == std::vector<std::string> {"libc.so.6"});
    }
    SUBCASE("interpreter only") {
        s.interp = "/lib/ld-musl-aarch64.so.1";
        ObjectInfo info = parse(make_elf(s));
        CHECK_FALSE(info.is_static);
        CHECK(info.needed.empty());
    }
    SUBCASE("relocatable object") {
        s.type = 1;
        s.sections = true;
        CHECK(parse(make_elf(s)).kind == ObjectKind::relocatable);
    }
}

TEST_CASE("ELF: every linux row maps back to itself (variant-less rows stand for their variants)") {
    for (const Target& t : xbuild::targets()) {
        if (t.os != "linux" || t.elf_arm_arch_max != 0) continue;
        CAPTURE(xbuild::platform_of(t).str());
        ElfSpec s;
        s.bits = t.bits;
        s.big = t.endian == Endian::big;
        s.machine = t.elf_machine;
        s.interp = "/lib/ld.so.1";
        s.needed = {"libc.so.6"};
        ObjectInfo info = parse(make_elf(s));
        CHECK(info.bits == t.bits);
        CHECK(info.endian == t.endian);
        CHECK(info.needed == std::vector<std::string> {"libc.so.6"});
        CHECK(xbuild::built_for(info, t));
        auto rows = xbuild::targets_of(info);
        REQUIRE(rows.size() == 1);
        CHECK(rows[0]->arch == t.arch);
        CHECK(rows[0]->variant.empty());
        CHECK(info.description().find(std::string(t.machine_name)) != std::string::npos);
        for (const Target& other : xbuild::targets())
            if (other.arch != t.arch || other.os != "linux") CHECK_FALSE(xbuild::built_for(info, other));
    }
}

TEST_CASE("ELF: big-endian 64-bit and 32-bit") {
    ElfSpec s;
    s.big = true;
    s.machine = row("linux/s390x").elf_machine;
    s.interp = "/lib/ld64.so.1";
    s.needed = {"libc.so.6"};
    Bytes b = make_elf(s);
    ObjectInfo info = parse(b);
    CHECK(info.description() == "ELF 64-bit MSB IBM S/390");
    CHECK(xbuild::platforms_of(info) == "linux/s390x");
    check_hostile(b);

    ElfSpec m;
    m.bits = 32;
    m.big = true;
    m.machine = row("linux/mips").elf_machine;
    m.interp = "/lib/ld.so.1";
    m.needed = {"libc.so.6"};
    Bytes mb = make_elf(m);
    ObjectInfo mips = parse(mb);
    CHECK(mips.description() == "ELF 32-bit MSB MIPS");
    CHECK(xbuild::platforms_of(mips) == "linux/mips");
    CHECK_FALSE(xbuild::built_for(mips, row("linux/mipsle")));
    CHECK_FALSE(xbuild::built_for(mips, row("linux/mips64")));
    check_hostile(mb);
}

TEST_CASE("ELF ARM: Tag_CPU_arch picks the variant") {
    const Target& v7 = row("linux/arm/v7");
    struct Case {
        unsigned tag;
        const char* platform;
        const char* name;
    } cases[] = {{3, "linux/arm/v5", "armv5t"},  {4, "linux/arm/v5", "armv5te"}, {6, "linux/arm/v6", "armv6"},
                 {9, "linux/arm/v6", "armv6k"},  {10, "linux/arm/v7", "armv7"},  {14, "linux/arm/v8", "armv8-a"},
                 {22, "linux/arm/v8", "armv9-a"}};
    for (const Case& c : cases) {
        CAPTURE(c.tag);
        ElfSpec s;
        s.bits = 32;
        s.machine = v7.elf_machine;
        s.flags = 0x05000400;
        s.interp = "/lib/ld-linux-armhf.so.3";
        s.needed = {"libc.so.6"};
        s.arm_attrs = arm_attributes(false, c.tag, 1);
        Bytes b = make_elf(s);
        ObjectInfo info = parse(b);
        REQUIRE(info.arm_cpu_arch.has_value());
        CHECK(*info.arm_cpu_arch == c.tag);
        CHECK(info.arm_vfp_args == 1u);
        CHECK(info.arm_eabi == 5);
        CHECK(info.hard_float);
        CHECK(xbuild::platforms_of(info) == c.platform);
        CHECK(info.description() == std::string("ELF 32-bit LSB ARM, EABI5, ") + c.name);
        if (c.tag == 10) check_hostile(b);
    }

    auto arm_file = [&](unsigned tag) {
        ElfSpec s;
        s.bits = 32;
        s.machine = v7.elf_machine;
        s.flags = 0x05000200;
        s.arm_attrs = arm_attributes(false, tag);
        return parse(make_elf(s));
    };
    ObjectInfo a5 = arm_file(4), a6 = arm_file(6), a7 = arm_file(10), a8 = arm_file(14);
    CHECK_FALSE(a6.hard_float);
    // Exact variants, except that arm/v8 accepts v7 code and arm/v6 v5TE code (same ABI).
    CHECK(xbuild::built_for(a5, row("linux/arm/v5")));
    CHECK(xbuild::built_for(a5, row("linux/arm/v6")));
    CHECK_FALSE(xbuild::built_for(arm_file(2), row("linux/arm/v6")));  // v4T: older than armel's baseline
    CHECK(xbuild::built_for(a6, row("linux/arm/v6")));
    CHECK_FALSE(xbuild::built_for(a6, row("linux/arm/v7")));
    CHECK_FALSE(xbuild::built_for(a6, row("linux/arm/v8")));
    CHECK_FALSE(xbuild::built_for(a6, row("linux/arm/v5")));
    CHECK(xbuild::built_for(a7, row("linux/arm/v7")));
    CHECK(xbuild::built_for(a7, row("linux/arm/v8")));
    CHECK_FALSE(xbuild::built_for(a7, row("linux/arm/v6")));
    CHECK(xbuild::built_for(a8, row("linux/arm/v8")));
    CHECK_FALSE(xbuild::built_for(a8, row("linux/arm/v7")));
    CHECK_FALSE(xbuild::built_for(a7, row("linux/arm64")));
    CHECK_FALSE(xbuild::built_for(a7, row("windows/arm/v7")));
}

TEST_CASE("ELF ARM: no attributes (Go binaries) means any variant; attributes found by name too") {
    const Target& v7 = row("linux/arm/v7");
    ElfSpec s;
    s.bits = 32;
    s.machine = v7.elf_machine;
    s.flags = 0x05000000;
    ObjectInfo go = parse(make_elf(s));
    CHECK_FALSE(go.arm_cpu_arch.has_value());
    CHECK(go.description() == "ELF 32-bit LSB ARM, EABI5");
    CHECK(xbuild::platforms_of(go) == "linux/arm (any variant)");
    for (const char* v : {"linux/arm/v5", "linux/arm/v6", "linux/arm/v7", "linux/arm/v8"}) {
        CAPTURE(v);
        CHECK(xbuild::built_for(go, row(v)));
    }
    CHECK_FALSE(xbuild::built_for(go, row("linux/arm64")));

    s.arm_attrs = arm_attributes(false, 6);
    s.arm_attrs_type = 1;  // SHT_PROGBITS: found by its name
    Bytes b = make_elf(s);
    CHECK(xbuild::platforms_of(parse(b)) == "linux/arm/v6");
    check_hostile(b);

    s.arm_attrs_type = 0x70000003;
    s.big = true;  // armeb: attributes in big-endian, and no row
    s.arm_attrs = arm_attributes(true, 10);
    ObjectInfo be = parse(make_elf(s));
    CHECK(be.arm_cpu_arch == 10u);
    CHECK(xbuild::targets_of(be).empty());
    CHECK(xbuild::platforms_of(be).empty());
}

TEST_CASE("ELF ARM: malformed attributes are errors") {
    ElfSpec s;
    s.bits = 32;
    s.machine = row("linux/arm/v7").elf_machine;
    auto err = [&](std::string attrs) {
        s.arm_attrs = attrs;
        return error_of(make_elf(s));
    };
    CHECK(err("B").find("unknown format version") != std::string::npos);
    CHECK(err(std::string("A\xff\x00\x00\x00", 5)).find("out of range") != std::string::npos);
    CHECK(err(std::string("A\x09\x00\x00\x00"
                          "aeabi",
                          10))
              .find("unterminated vendor") != std::string::npos);
    // Tag_File block claiming more than its subsection
    CHECK(err(std::string("A\x10\x00\x00\x00"
                          "aeabi\0"
                          "\x01\xff\x00\x00\x00",
                          16))
              .find("out of range") != std::string::npos);
    // A ULEB that never ends
    CHECK(err(std::string("A\x11\x00\x00\x00"
                          "aeabi\0"
                          "\x01\x07\x00\x00\x00\x06\x80",
                          18))
              .find("truncated") != std::string::npos);
    CHECK(err("A") == "(no error)");
}

TEST_CASE("ELF: the OS from EI_OSABI or a FreeBSD ABI note") {
    ElfSpec s;
    s.machine = row("linux/amd64").elf_machine;
    s.osabi = 9;
    ObjectInfo bsd = parse(make_elf(s));
    CHECK(bsd.os == "freebsd");
    CHECK(xbuild::platforms_of(bsd) == "freebsd/amd64");
    CHECK(bsd.description() == "ELF 64-bit LSB x86-64, FreeBSD");
    CHECK(xbuild::built_for(bsd, row("freebsd/amd64")));
    CHECK_FALSE(xbuild::built_for(bsd, row("linux/amd64")));

    s.osabi = 0;
    s.freebsd_note = true;
    Bytes b = make_elf(s);
    CHECK(parse(b).os == "freebsd");
    check_hostile(b);

    s.freebsd_note = false;
    s.osabi = 3;
    CHECK(parse(make_elf(s)).os == "linux");

    s.osabi = 6;  // Solaris
    ObjectInfo other = parse(make_elf(s));
    CHECK(other.os.empty());
    CHECK(xbuild::targets_of(other).empty());
    CHECK(other.description() == "ELF 64-bit LSB x86-64, OS ABI 6");
}

TEST_CASE("ELF: a machine the table does not know") {
    ElfSpec s;
    s.machine = 0x1234;
    ObjectInfo info = parse(make_elf(s));
    CHECK(info.description() == "ELF 64-bit LSB machine 0x1234");
    CHECK(xbuild::targets_of(info).empty());
    for (const Target& t : xbuild::targets()) CHECK_FALSE(xbuild::built_for(info, t));
}

TEST_CASE("ELF: errors name the problem") {
    ElfSpec s;
    s.machine = row("linux/amd64").elf_machine;
    Bytes good = make_elf(s);
    CHECK(error_of(Bytes(good.begin(), good.begin() + 40)) == "truncated ELF header (40 bytes, need 64)");
    CHECK(error_of(Bytes(good.begin(), good.end() - 1)) == "section header table beyond end of file");
    s.sections = false;
    Bytes nosec = make_elf(s);
    // No section headers: a PT_LOAD cut short is still read from the headers (as file(1) does,
    // and xx's test suite has such hand-made files); the headers themselves cut short are not.
    const ObjectInfo cut = parse(Bytes(nosec.begin(), nosec.end() - 1));
    CHECK(platforms(cut) == std::vector<std::string> {"linux/amd64"});
    CHECK(error_of(Bytes(nosec.begin(), nosec.begin() + 70)) == "program header table beyond end of file");
    check_hostile(nosec, 64 + 56);

    Bytes bad = good;
    bad[4] = std::byte(3);
    CHECK(error_of(bad) == "unknown ELF class 3");
    bad = good;
    bad[5] = std::byte(0);
    CHECK(error_of(bad) == "unknown ELF data encoding 0");
}

TEST_CASE("ELF: hostile counts and offsets") {
    ElfSpec s;
    s.machine = row("linux/amd64").elf_machine;
    s.interp = "/lib64/ld-linux-x86-64.so.2";
    s.needed = {"libc.so.6"};
    const Bytes good = make_elf(s);
    auto with = [&](std::size_t off, std::uint64_t v, int n) {
        Writer w;
        w.b.assign(reinterpret_cast<const unsigned char*>(good.data()),
                   reinterpret_cast<const unsigned char*>(good.data()) + good.size());
        w.put(off, v, n);
        return w.bytes();
    };
    {  // e_phnum PN_XNUM: the count is in section 0's sh_info
        std::uint64_t shoff = 0;
        for (int i = 0; i < 8; ++i) shoff |= std::uint64_t(std::to_integer<unsigned>(good[40 + i])) << (8 * i);
        Bytes x = with(56, 0xffff, 2);
        Writer w;
        w.b.assign(reinterpret_cast<const unsigned char*>(x.data()),
                   reinterpret_cast<const unsigned char*>(x.data()) + x.size());
        w.put(shoff + 44, 3, 4);
        ObjectInfo info = parse(w.bytes());
        CHECK(info.interpreter == s.interp);
        CHECK(info.needed == s.needed);
        w.put(shoff + 44, 0xfffff, 4);
        CHECK(error_of(w.bytes()) == "program header table beyond end of file");
    }
    CHECK(error_of(with(54, 8, 2)) == "program header size 8 too small");
    CHECK(error_of(with(32, ~0ull, 8)) == "program header table beyond end of file");
    CHECK(error_of(with(40, ~0ull - 10, 8)) == "section header table beyond end of file");
    CHECK(error_of(with(60, 0xffff, 2)) == "section header table beyond end of file");
    CHECK(error_of(with(58, 1, 2)) == "section header size 1 too small");
    // Section 0 claiming 2^32 sections (e_shnum 0)
    std::uint64_t shoff = 0;
    for (int i = 0; i < 8; ++i) shoff |= std::uint64_t(std::to_integer<unsigned>(good[40 + i])) << (8 * i);
    Bytes b = with(60, 0, 2);
    Writer w;
    w.b.assign(reinterpret_cast<const unsigned char*>(b.data()),
               reinterpret_cast<const unsigned char*>(b.data()) + b.size());
    w.put(shoff + 32, 0xffffffffffull, 8);
    CHECK_THROWS_AS((void)parse(w.bytes()), ObjectFileError);
    // A PT_INTERP segment without a NUL, a segment offset past the end
    std::size_t interp_ph = 64 + 56;
    CHECK(error_of(with(interp_ph + 32, 3, 8)) == "unterminated interpreter path");
    CHECK(error_of(with(interp_ph + 8, good.size(), 8)) == "segment 1 beyond end of file");
    // DT_NEEDED pointing past DT_STRSZ; DT_STRTAB outside every PT_LOAD: the library is still
    // needed (the file is dynamic), its name unreadable.
    std::size_t dyn_ph = 64 + 2 * 56;
    std::uint64_t dyn_off = 0;
    for (int i = 0; i < 8; ++i) dyn_off |= std::uint64_t(std::to_integer<unsigned>(good[dyn_ph + 8 + i])) << (8 * i);
    for (const Bytes& odd : {with(dyn_off + 8, 0x7fffffff, 8), with(dyn_off + 24, 0x10, 8)}) {
        const ObjectInfo info = parse(odd);
        CHECK_FALSE(info.is_static);
        CHECK(std::find(info.needed.begin(), info.needed.end(), "(a library whose name cannot be read)") !=
              info.needed.end());
    }
}

TEST_CASE("PE: machine, bits and imports") {
    const Target& win64 = row("windows/amd64");
    PeSpec s;
    s.machine = win64.pe_machine;
    s.imports = {"KERNEL32.dll", "msvcrt.dll", "api-ms-win-crt-runtime-l1-1-0.dll"};
    Bytes b = make_pe(s);
    ObjectInfo info = parse(b);
    CHECK(info.format == ObjectFormat::pe);
    CHECK(info.os == "windows");
    CHECK(info.bits == 64);
    CHECK(info.pe_subsystem == 3);
    CHECK(info.kind == ObjectKind::executable);
    CHECK(info.needed == s.imports);
    CHECK(info.is_static);
    CHECK(info.description() == "PE32+ x86-64");
    CHECK(xbuild::platforms_of(info) == "windows/amd64");
    CHECK(xbuild::built_for(info, win64));
    CHECK_FALSE(xbuild::built_for(info, row("linux/amd64")));
    CHECK_FALSE(xbuild::built_for(info, row("windows/386")));
    check_hostile(b);

    s.imports = {"KERNEL32.dll", "libstdc++-6.dll", "libgcc_s_seh-1.dll", "libwinpthread-1.dll"};
    s.characteristics = 0x2022;
    ObjectInfo dyn = parse(make_pe(s));
    CHECK_FALSE(dyn.is_static);
    CHECK(dyn.kind == ObjectKind::shared_library);
    CHECK(dyn.needed.size() == 4);

    s.imports.clear();
    CHECK(parse(make_pe(s)).is_static);
}

TEST_CASE("PE: every windows row maps back to itself") {
    for (const Target& t : xbuild::targets()) {
        if (t.os != "windows") continue;
        CAPTURE(xbuild::platform_of(t).str());
        PeSpec s;
        s.machine = t.pe_machine;
        s.plus = t.bits == 64;
        s.imports = {"kernel32.dll"};
        ObjectInfo info = parse(make_pe(s));
        CHECK(info.bits == t.bits);
        CHECK(info.description() == (t.bits == 64 ? "PE32+ " : "PE32 ") + std::string(t.machine_name));
        CHECK(xbuild::platforms_of(info) == xbuild::platform_of(t).str());
        for (const Target& other : xbuild::targets()) CHECK(xbuild::built_for(info, other) == (&other == &t));
    }
    PeSpec s;
    s.machine = 0x1234;
    CHECK(parse(make_pe(s)).description() == "PE32+ machine 0x1234");
}

TEST_CASE("PE: errors") {
    PeSpec s;
    s.machine = row("windows/386").pe_machine;
    s.plus = false;
    s.imports = {"user32.dll"};
    Bytes good = make_pe(s);
    check_hostile(good);
    CHECK(error_of(text("MZ")) == "truncated DOS header (2 bytes, need 64)");
    CHECK(error_of(Bytes(good.begin(), good.begin() + 0x70)) == "PE header beyond end of file");
    CHECK(error_of(Bytes(good.begin(), good.end() - 1)) == "PE section 0 beyond end of file");
    Bytes dos = good;
    dos[0x80] = std::byte('X');
    CHECK(error_of(dos).find("MS-DOS executable") != std::string::npos);
    auto with = [&](std::size_t off, std::uint64_t v, int n) {
        Writer w;
        w.b.assign(reinterpret_cast<const unsigned char*>(good.data()),
                   reinterpret_cast<const unsigned char*>(good.data()) + good.size());
        w.put(off, v, n);
        return w.bytes();
    };
    CHECK(error_of(with(0x3c, 0xfffffff0, 4)) == "PE header beyond end of file");
    CHECK(error_of(with(0x86, 0xfff, 2)) == "PE section table beyond end of file");  // NumberOfSections
    CHECK(error_of(with(0x86, 0xffff, 2)) == "PE file with 65535 sections");
    CHECK(error_of(with(0x98, 0x999, 2)) == "unknown PE optional header magic 0x999");
    CHECK(error_of(with(0x94, 10, 2)) == "PE optional header too small (10 bytes)");
    const std::size_t dirs = 0x98 + 96;
    CHECK(error_of(with(dirs + 8, 0x9000, 4)) == "import table outside the PE sections");
    CHECK(error_of(with(0x200 + 12, 0x1000 + 0x1000, 4)) == "PE import name outside the sections");
    // A descriptor array with no zero entry before the section ends
    Writer w;
    w.b.assign(reinterpret_cast<const unsigned char*>(good.data()),
               reinterpret_cast<const unsigned char*>(good.data()) + good.size());
    for (std::size_t off = 0x200; off + 20 <= good.size(); off += 20) w.put(off + 12, 0x1000 + 40, 4);
    CHECK(error_of(w.bytes()) == "unterminated PE import table");
}

TEST_CASE("is_windows_system_dll") {
    for (const char* dll : {"KERNEL32.dll", "kernel32", "msvcrt.dll", "ucrtbase.dll", "api-ms-win-crt-stdio-l1-1-0.dll",
                            "ext-ms-win-ntuser-window-l1-1-0.dll", "USER32.DLL", "ws2_32.dll", "bcrypt.dll",
                            "ntdll.dll", "ADVAPI32.dll", "shell32.dll"}) {
        CAPTURE(dll);
        CHECK(xbuild::is_windows_system_dll(dll));
    }
    for (const char* dll : {"libstdc++-6.dll", "libgcc_s_seh-1.dll", "libgcc_s_dw2-1.dll", "libwinpthread-1.dll",
                            "zlib1.dll", "kernel33.dll", "", ".dll", "api-ms"}) {
        CAPTURE(dll);
        CHECK_FALSE(xbuild::is_windows_system_dll(dll));
    }
}

TEST_CASE("Mach-O: thin files") {
    const Target& mac_arm = row("darwin/arm64");
    const Target& mac_x86 = row("darwin/amd64");
    MachoSpec s;
    s.cpu = mac_arm.macho_cpu;
    s.dylinker = "/usr/lib/dyld";
    s.dylibs = {"/usr/lib/libSystem.B.dylib"};
    Bytes b = make_macho(s);
    ObjectInfo info = parse(b);
    CHECK(info.format == ObjectFormat::macho);
    CHECK(info.os == "darwin");
    CHECK(info.bits == 64);
    CHECK(info.kind == ObjectKind::executable);
    CHECK(info.interpreter == "/usr/lib/dyld");
    CHECK(info.needed == s.dylibs);
    CHECK_FALSE(info.is_static);
    CHECK(info.description() == "Mach-O 64-bit arm64");
    CHECK(xbuild::platforms_of(info) == "darwin/arm64");
    CHECK(xbuild::built_for(info, mac_arm));
    CHECK_FALSE(xbuild::built_for(info, mac_x86));
    CHECK_FALSE(xbuild::built_for(info, row("linux/arm64")));
    check_hostile(b);

    MachoSpec x;
    x.cpu = mac_x86.macho_cpu;
    x.filetype = 1;
    ObjectInfo obj = parse(make_macho(x));
    CHECK(obj.is_static);
    CHECK(obj.kind == ObjectKind::relocatable);
    CHECK(obj.description() == "Mach-O 64-bit x86_64");

    MachoSpec be;  // byte-swapped magic: a big-endian (PowerPC-era) file
    be.cpu = 0x12;
    be.is64 = false;
    be.big = true;
    be.dylibs = {"/usr/lib/libSystem.B.dylib"};
    Bytes bb = make_macho(be);
    ObjectInfo ppc = parse(bb);
    CHECK(ppc.endian == Endian::big);
    CHECK(ppc.bits == 32);
    CHECK(ppc.machine == 0x12);
    CHECK(ppc.needed == be.dylibs);
    CHECK(ppc.description() == "Mach-O 32-bit machine 0x12");
    CHECK(xbuild::targets_of(ppc).empty());
    check_hostile(bb);
}

TEST_CASE("Mach-O: universal binaries") {
    const Target& mac_arm = row("darwin/arm64");
    const Target& mac_x86 = row("darwin/amd64");
    MachoSpec a, x;
    a.cpu = mac_arm.macho_cpu;
    x.cpu = mac_x86.macho_cpu;
    x.dylinker = "/usr/lib/dyld";
    for (bool fat64 : {false, true}) {
        CAPTURE(fat64);
        Bytes b = make_fat({make_macho(x), make_macho(a)}, fat64);
        ObjectInfo info = parse(b);
        CHECK(info.slices.size() == 2);
        CHECK(info.bits == 0);
        CHECK(info.description() == "Mach-O universal binary: x86_64, arm64");
        CHECK(xbuild::platforms_of(info) == "darwin/amd64, darwin/arm64");
        CHECK(xbuild::built_for(info, mac_arm));
        CHECK(xbuild::built_for(info, mac_x86));
        CHECK_FALSE(xbuild::built_for(info, row("linux/arm64")));
        CHECK_FALSE(info.is_static);  // the x86_64 slice has a dylinker
        CHECK(info.slices[1].is_static);
        check_hostile(b);
    }
}

TEST_CASE("Mach-O: hostile headers") {
    MachoSpec s;
    s.cpu = row("darwin/arm64").macho_cpu;
    s.dylibs = {"/usr/lib/libSystem.B.dylib"};
    const Bytes good = make_macho(s);
    auto with = [&](const Bytes& base, std::size_t off, std::uint64_t v, int n, bool big = false) {
        Writer w;
        w.big = big;
        w.b.assign(reinterpret_cast<const unsigned char*>(base.data()),
                   reinterpret_cast<const unsigned char*>(base.data()) + base.size());
        w.put(off, v, n);
        return w.bytes();
    };
    CHECK(error_of(Bytes(good.begin(), good.begin() + 20)) == "truncated Mach-O header (20 bytes, need 32)");
    CHECK(error_of(with(good, 16, 0xffffffff, 4)).find("load commands in") != std::string::npos);
    CHECK(error_of(with(good, 20, 0xffffff00, 4)) == "Mach-O load commands beyond end of file");
    CHECK(error_of(with(good, 32 + 4, 0, 4)) == "load command 0 has size 0");
    CHECK(error_of(with(good, 32 + 72 + 8, 0x7fff, 4)) == "load command 1 has a bad name");
    CHECK(error_of(with(good, 32 + 48, 0xffffff, 8)) == "Mach-O segment 0 beyond end of file");

    // Java class files share the universal magic: cafebabe, then minor and major version.
    CHECK(error_of(text(std::string("\xca\xfe\xba\xbe\x00\x00\x00\x34\x00\x10", 10))) ==
          "not an ELF, PE or Mach-O binary (starts with \"\\xca\\xfe\\xba\\xbe\\x00\\x00\\x004\\x00\\x10\")");
    Bytes fat = make_fat({good});
    CHECK(error_of(Bytes(fat.begin(), fat.begin() + 6)) == "truncated Mach-O universal header (6 bytes, need 8)");
    CHECK(error_of(Bytes(fat.begin(), fat.begin() + 12)) == "Mach-O universal header beyond end of file");
    CHECK(error_of(with(fat, 8 + 8, 0, 4, true)) == "universal binary slice 0 overlaps the header");
    CHECK(error_of(with(fat, 8 + 12, 0xfffffff, 4, true)) == "universal binary slice 0 beyond end of file");
    CHECK(error_of(with(fat, 8, 7, 4, true)).find("the header says 0x7") != std::string::npos);
    Bytes nested = make_fat({fat});
    CHECK(error_of(nested) == "universal binary slice 0 is not a Mach-O file");
}

TEST_CASE("not an object file") {
    CHECK(error_of({}) == "not an ELF, PE or Mach-O binary (empty file)");
    CHECK(error_of(text("#!/bin/sh\necho hi\n")) == "not an ELF, PE or Mach-O binary (starts with \"#!/bin/sh\")");
    CHECK(error_of(text("just some notes that go on and on")) ==
          "not an ELF, PE or Mach-O binary (starts with \"just some notes \"...)");
    CHECK(error_of(text("\x7f"
                        "EL")) == "not an ELF, PE or Mach-O binary (starts with \"\\x7fEL\")");
    CHECK(error_of(text("\x7f"
                        "ELF")) == "truncated ELF header (4 bytes, need 52)");
    try {
        (void)parse(text("hello"));
        FAIL("no error");
    } catch (const ObjectFileError& e) { CHECK(e.reason() == Reason::not_an_object); }
}

TEST_CASE("read_object: files") {
    char dir_template[] = "/tmp/objfile_test.XXXXXX";
    REQUIRE(::mkdtemp(dir_template) != nullptr);
    const std::string dir = dir_template;
    auto write = [&](const std::string& name, const Bytes& b) {
        std::ofstream(dir + "/" + name, std::ios::binary)
            .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
        return dir + "/" + name;
    };
    auto reason_of = [](const std::string& path) -> std::pair<Reason, std::string> {
        try {
            (void)xbuild::read_object(path);
        } catch (const ObjectFileError& e) { return {e.reason(), e.what()}; }
        return {Reason::malformed, "(no error)"};
    };

    ElfSpec s;
    s.machine = row("linux/riscv64").elf_machine;
    s.interp = "/lib/ld-linux-riscv64-lp64d.so.1";
    s.needed = {"libc.so.6"};
    ObjectInfo info = xbuild::read_object(write("hello", make_elf(s)));
    CHECK(xbuild::platforms_of(info) == "linux/riscv64");
    CHECK(info.interpreter == "/lib/ld-linux-riscv64-lp64d.so.1");

    CHECK(reason_of(dir + "/missing") == std::pair {Reason::not_found, std::string("no such file")});
    CHECK(reason_of(dir + "/hello/below") == std::pair {Reason::not_found, std::string("no such file")});
    CHECK(reason_of(dir) == std::pair {Reason::not_a_file, std::string("is a directory")});
    CHECK(reason_of(write("empty", {})) ==
          std::pair {Reason::not_an_object, std::string("not an ELF, PE or Mach-O binary (empty file)")});
    REQUIRE(::mkfifo((dir + "/fifo").c_str(), 0600) == 0);
    CHECK(reason_of(dir + "/fifo") == std::pair {Reason::not_a_file, std::string("not a regular file")});
    REQUIRE(::symlink("hello", (dir + "/link").c_str()) == 0);
    CHECK(xbuild::platforms_of(xbuild::read_object(dir + "/link")) == "linux/riscv64");

    for (const char* name : {"hello", "empty", "fifo", "link"}) ::unlink((dir + "/" + name).c_str());
    ::rmdir(dir.c_str());
}
