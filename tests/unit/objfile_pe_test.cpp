// Tests of xbuild/objfile.hpp on PE (impl/objfile_pe.inl): machines, bits and imports of every
// windows row, errors, and which DLLs are Windows' own.
#include "xbuild/objfile.hpp"

#include <doctest/doctest.h>

#include "objfile_samples.hpp"

using namespace objfile_test;

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
    auto with = [&](std::size_t off, std::uint64_t v, int n) { return patched(good, off, v, n); };
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
