// Tests of xbuild/objfile.hpp on ELF (impl/objfile_elf.inl): synthetic files of every linux row,
// ARM attributes, the OS notes, errors, and hostile counts and offsets.
#include "xbuild/objfile.hpp"

#include <doctest/doctest.h>

#include "objfile_samples.hpp"

using namespace objfile_test;

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
    auto with = [&](std::size_t off, std::uint64_t v, int n) { return patched(good, off, v, n); };
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
