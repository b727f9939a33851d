// Tests of xbuild/objfile.hpp on Mach-O (impl/objfile_macho.inl): thin and universal binaries
// of the darwin rows, and hostile headers.
#include "xbuild/objfile.hpp"

#include <doctest/doctest.h>

#include "objfile_samples.hpp"

using namespace objfile_test;

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
