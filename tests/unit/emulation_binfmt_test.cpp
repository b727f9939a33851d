// Tests of xbuild/emulation/binfmt.hpp: binfmt_misc entries as the kernel prints them, which
// files they match, and reading them from a folder.
#include "xbuild/emulation/binfmt.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "xbuild/targets.hpp"

namespace em = xbuild::emulation;
using test_support::elf_head;
using test_support::qemu_binfmt_text;
using xbuild::Target;

TEST_CASE("binfmt: an entry as the kernel prints it") {
    // /proc/sys/fs/binfmt_misc/qemu-aarch64 on Debian bookworm with qemu-user-static.
    auto e = em::parse_binfmt_entry("qemu-aarch64",
                                    "enabled\n"
                                    "interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\n"
                                    "flags: POCF\n"
                                    "offset 0\n"
                                    "magic 7f454c460201010000000000000000000200b700\n"
                                    "mask ffffffffffffff00fffffffffffffffffeffffff\n");
    REQUIRE(e.has_value());
    CHECK(e->name == "qemu-aarch64");
    CHECK(e->enabled);
    CHECK(e->interpreter == "/usr/libexec/qemu-binfmt/aarch64-binfmt-P");
    CHECK(e->flags == "POCF");
    CHECK(e->fix_binary());
    CHECK_FALSE(e->by_extension);
    CHECK(e->offset == 0);
    CHECK(e->magic.size() == 20);
    CHECK(e->mask.size() == 20);
    CHECK(e->magic[18] == 0xb7);

    const Target& arm64 = *xbuild::find_target("linux", "arm64", "");
    CHECK(em::binfmt_matches(*e, elf_head(arm64, 2), "./hello"));          // ET_EXEC
    CHECK(em::binfmt_matches(*e, elf_head(arm64, 3), "./hello"));          // ET_DYN (PIE): the mask's fe
    CHECK_FALSE(em::binfmt_matches(*e, elf_head(arm64, 1), "./hello.o"));  // ET_REL
    CHECK_FALSE(em::binfmt_matches(*e, elf_head(*xbuild::find_target("linux", "riscv64", "")), "./hello"));
    auto freebsd = elf_head(arm64);
    freebsd[7] = std::byte {9};  // the OS ABI byte is masked out
    CHECK(em::binfmt_matches(*e, freebsd, "./hello"));
    // A file shorter than the magic reads as zeros beyond its end.
    auto short_head = elf_head(arm64);
    short_head.resize(10);
    CHECK_FALSE(em::binfmt_matches(*e, short_head, "./hello"));
}

TEST_CASE("binfmt: extension entries, masks, offsets, disabled entries") {
    auto wine = em::parse_binfmt_entry("wine", "enabled\ninterpreter /usr/bin/wine\nflags: \nextension .exe\n");
    REQUIRE(wine.has_value());
    CHECK(wine->by_extension);
    CHECK(wine->extension == "exe");
    CHECK_FALSE(wine->fix_binary());
    CHECK(em::binfmt_matches(*wine, {}, "build/hello.exe"));
    CHECK_FALSE(em::binfmt_matches(*wine, {}, "build/hello"));
    // As the kernel: the text after the last '.' of the whole path.
    CHECK_FALSE(em::binfmt_matches(*wine, {}, "./hello"));
    CHECK_FALSE(em::binfmt_matches(*wine, {}, "a.exe/hello"));

    auto mz = em::parse_binfmt_entry("mz", "disabled\ninterpreter /usr/bin/wine\nflags: F\noffset 0\nmagic 4d5a\n");
    REQUIRE(mz.has_value());
    CHECK_FALSE(mz->enabled);
    CHECK(mz->mask.empty());
    const std::vector<std::byte> pe = {std::byte {'M'}, std::byte {'Z'}, std::byte {0x90}};
    CHECK(em::binfmt_matches(*mz, pe, "x"));

    auto at4 = em::parse_binfmt_entry("at4", "enabled\ninterpreter /bin/x\nflags: \noffset 4\nmagic 0102\nmask ff0f\n");
    REQUIRE(at4.has_value());
    const std::vector<std::byte> h = {std::byte {0}, std::byte {0}, std::byte {0},
                                      std::byte {0}, std::byte {1}, std::byte {0xf2}};
    CHECK(em::binfmt_matches(*at4, h, "x"));  // 0xf2 & 0x0f == 0x02
    auto h2 = h;
    h2[5] = std::byte {0x03};
    CHECK_FALSE(em::binfmt_matches(*at4, h2, "x"));
}

TEST_CASE("binfmt: what is not an entry is ignored") {
    const char* bad[] = {
        "",                                                              // empty
        "enabled\n",                                                     // the status file
        "enabled\nflags: F\noffset 0\nmagic 7f45\n",                     // no interpreter
        "enabled\ninterpreter relative\noffset 0\nmagic 7f45\n",         // not absolute
        "enabled\ninterpreter /q\nflags: X\noffset 0\nmagic 7f45\n",     // unknown flag
        "enabled\ninterpreter /q\noffset 0\nmagic 7f4\n",                // odd hex
        "enabled\ninterpreter /q\noffset 0\nmagic 7g45\n",               // not hex
        "enabled\ninterpreter /q\noffset 0\nmagic 7f45\nmask ff\n",      // mask of another size
        "enabled\ninterpreter /q\noffset 255\nmagic 7f45\n",             // beyond 256 bytes
        "enabled\ninterpreter /q\noffset -1\nmagic 7f45\n",              // bad offset
        "enabled\ninterpreter /q\nmagic 7f45\n",                         // no offset
        "enabled\ninterpreter /q\noffset 0\n",                           // no magic
        "enabled\ninterpreter /q\nextension .exe\nmagic 7f45\n",         // both kinds
        "enabled\ninterpreter /q\nextension exe\n",                      // no dot
        "maybe\ninterpreter /q\noffset 0\nmagic 7f45\n",                 // unknown state
        "enabled\ninterpreter /q\noffset 0\nmagic 7f45\ncolour blue\n",  // unknown line
    };
    for (const char* text : bad) {
        CAPTURE(text);
        CHECK_FALSE(em::parse_binfmt_entry("x", text).has_value());
    }
}

TEST_CASE("binfmt: entries read from a folder, none when disabled or not mounted") {
    char tmpl[] = "/tmp/xbuild-binfmt-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    const std::string dir = tmpl;
    auto write = [&](const std::string& name, const std::string& text) { std::ofstream(dir + "/" + name) << text; };
    const Target& arm64 = *xbuild::find_target("linux", "arm64", "");
    const Target& riscv = *xbuild::find_target("linux", "riscv64", "");
    write("register", "");
    write("status", "enabled\n");
    write("qemu-riscv64", qemu_binfmt_text(riscv));
    write("qemu-aarch64", qemu_binfmt_text(arm64));
    write("junk", "not an entry\n");

    auto entries = em::read_binfmt_entries(dir);
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].name == "qemu-aarch64");
    CHECK(entries[1].name == "qemu-riscv64");

    write("status", "disabled\n");
    CHECK(em::read_binfmt_entries(dir).empty());
    CHECK(em::read_binfmt_entries(dir + "/nonexistent").empty());
    for (const char* n : {"register", "status", "qemu-riscv64", "qemu-aarch64", "junk"})
        ::unlink((dir + "/" + n).c_str());
    ::rmdir(dir.c_str());
}
