// Tests of xbuild/targets.hpp: every row of the platform table is complete and consistent.
#include "xbuild/targets.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <tuple>

#include "xbuild/platform.hpp"

using xbuild::Target;
using xbuild::targets;

TEST_CASE("the table has the targets the project promises") {
    const char* wanted[] = {
        "linux/amd64",    "linux/amd64/v2", "linux/amd64/v3", "linux/amd64/v4", "linux/386",
        "linux/arm64",    "linux/arm/v5",   "linux/arm/v6",   "linux/arm/v7",   "linux/riscv64",
        "linux/ppc64le",  "linux/s390x",    "linux/loong64",  "linux/mips",     "linux/mipsle",
        "linux/mips64",   "linux/mips64le", "windows/amd64",  "windows/386",    "windows/arm64",
        "windows/arm/v7", "darwin/amd64",   "darwin/arm64",   "freebsd/amd64",  "freebsd/arm64",
    };
    for (const char* name : wanted) {
        CAPTURE(name);
        auto parts = xbuild::split(name, '/');
        CHECK(xbuild::find_target(parts[0], parts[1], parts.size() > 2 ? parts[2] : "") != nullptr);
    }
}

TEST_CASE("every row is unique and complete") {
    std::set<std::tuple<std::string_view, std::string_view, std::string_view>> seen;
    for (const Target& t : targets()) {
        CAPTURE(xbuild::platform_of(t).str());
        CHECK(seen.insert({t.os, t.arch, t.variant}).second);
        CHECK(!t.uname.empty());
        CHECK(!t.debian.empty());
        CHECK(!t.alpine.empty());
        CHECK(!t.rhel.empty());
        CHECK(!t.triple_arch.empty());
        CHECK(!t.triple_arch_alpine.empty());
        CHECK(!t.go_arch.empty());
        CHECK(!t.rust_gnu.empty());
        CHECK(!t.machine_name.empty());
        CHECK((t.bits == 32 || t.bits == 64));
        CHECK(t.go_value.empty() == t.go_var.empty());
        if (t.os == "linux") {
            CHECK(!t.multiarch.empty());
            CHECK(!t.qemu.empty());
            CHECK(!t.rust_musl.empty());
            CHECK(t.elf_machine != 0);
            CHECK(t.pe_machine == 0);
            CHECK(t.macho_cpu == 0);
        }
        if (t.os == "freebsd") CHECK(t.elf_machine != 0);
        if (t.os == "windows") {
            CHECK(t.pe_machine != 0);
            CHECK(!t.coff_machine.empty());
            CHECK(t.elf_machine == 0);
        }
        if (t.os == "darwin") {
            CHECK(t.macho_cpu != 0);
            CHECK(!t.macos_min.empty());
        }
    }
}

TEST_CASE("each arch has at most one default variant, and rows of an arch are adjacent") {
    std::set<std::string_view> finished;
    std::string_view current;
    for (const Target& t : targets()) {
        if (t.os != "linux") continue;
        if (t.arch != current) {
            CHECK(finished.count(t.arch) == 0);
            finished.insert(current);
            current = t.arch;
        }
    }
    for (std::string_view arch : xbuild::known_arches()) {
        int defaults = 0;
        for (const Target& t : targets())
            if (t.os == "linux" && t.arch == arch && t.default_variant) ++defaults;
        CAPTURE(arch);
        CHECK(defaults <= 1);
    }
}

TEST_CASE("ARM variants: Tag_CPU_arch ranges cover 0..255 without overlap") {
    int owner[256] = {};
    for (const Target& t : targets()) {
        if (t.os != "linux" || t.elf_arm_arch_max == 0) continue;
        for (int a = t.elf_arm_arch_min; a <= t.elf_arm_arch_max; ++a) ++owner[a];
    }
    for (int a = 0; a < 256; ++a) {
        CAPTURE(a);
        CHECK(owner[a] == 1);
    }
}

TEST_CASE("uname -m finds the row that prints it") {
    for (const Target& t : targets()) {
        if (t.os != "linux") continue;
        const Target* found = xbuild::find_target_by_uname(t.uname);
        REQUIRE(found != nullptr);
        CHECK(found->uname == t.uname);
        CHECK(found->arch == t.arch);
    }
    CHECK(xbuild::find_target_by_uname("i686")->arch == "386");
    CHECK(xbuild::find_target_by_uname("armv8l")->variant == "v8");
    CHECK(xbuild::find_target_by_uname("sparc64") == nullptr);
}

TEST_CASE("in_word_list") {
    CHECK(xbuild::in_word_list("a bb c", "bb"));
    CHECK(xbuild::in_word_list("a bb c", "c"));
    CHECK_FALSE(xbuild::in_word_list("a bb c", "b"));
    CHECK_FALSE(xbuild::in_word_list("", ""));
}

TEST_CASE("platforms only recognized in binaries: found for xx-verify, not for building") {
    CHECK(xbuild::find_target("linux", "ppc64", "") == nullptr);
    CHECK(xbuild::find_target("netbsd", "amd64", "") == nullptr);
    const xbuild::Target* ppc64 = xbuild::find_recognized_target("linux", "ppc64", "");
    REQUIRE(ppc64 != nullptr);
    CHECK(ppc64->endian == xbuild::Endian::big);
    CHECK(ppc64->bits == 64);
    const xbuild::Target* netbsd = xbuild::find_recognized_target("netbsd", "amd64", "");
    REQUIRE(netbsd != nullptr);
    CHECK(netbsd->elf_machine == xbuild::find_target("linux", "amd64", "")->elf_machine);
    // A table row is found the same way.
    CHECK(xbuild::find_recognized_target("linux", "arm64", "") == xbuild::find_target("linux", "arm64", ""));
    CHECK(xbuild::find_recognized_target("plan9", "amd64", "") == nullptr);
}

TEST_CASE("wine runs the x86 windows rows; Debian's Rust std for windows is on the amd64 row alone") {
    for (const Target& t : targets()) {
        if (t.os != "windows") CHECK_FALSE(t.runs_under_wine);
        if (t.os == "linux") CHECK(t.debian_rust_std.empty());  // linux's is libstd-rust-dev:<debian>
    }
    CHECK(xbuild::find_target("windows", "amd64", "")->runs_under_wine);
    CHECK(xbuild::find_target("windows", "386", "")->runs_under_wine);
    CHECK_FALSE(xbuild::find_target("windows", "arm64", "")->runs_under_wine);
    CHECK(xbuild::find_target("windows", "amd64", "")->debian_rust_std == "libstd-rust-dev-windows");
}

TEST_CASE("debian_go: Debian's golang-go arches on the linux rows; arm/v6 reads armhf's") {
    for (const Target& t : targets()) {
        CAPTURE(t.os);
        CAPTURE(t.arch);
        if (t.os != "linux") CHECK(t.debian_go.empty());
    }
    CHECK(xbuild::find_target("linux", "amd64", "")->debian_go == "amd64");
    // Debian's std is built for one GO* value each (GOAMD64=v1, GO386=softfloat, GOARM=6 for
    // armhf): go takes it as stale for the rows with another, so they have none.
    CHECK(xbuild::find_target("linux", "amd64", "v3")->debian_go.empty());
    CHECK(xbuild::find_target("linux", "386", "")->debian_go.empty());
    CHECK(xbuild::find_target("linux", "arm", "v7")->debian_go.empty());
    CHECK(xbuild::find_target("linux", "arm", "v8")->debian_go.empty());
    CHECK(xbuild::find_target("linux", "arm", "v6")->debian_go == "armhf");
    CHECK(xbuild::find_target("linux", "arm", "v5")->debian_go == "armel");
    CHECK(xbuild::find_target("linux", "ppc64le", "")->debian_go == "ppc64el");
    CHECK(xbuild::find_target("linux", "loong64", "")->debian_go.empty());
    CHECK(xbuild::find_target("linux", "mips64", "")->debian_go.empty());
}

TEST_CASE("compiled_for_target: the linux row of this program's own CPU") {
    const Target* t = xbuild::compiled_for_target();
#if defined(__x86_64__) || defined(__aarch64__)
    REQUIRE(t != nullptr);
    CHECK(t->os == "linux");
    CHECK(t->variant.empty());
    CHECK(t->bits == 8 * sizeof(void*));
#else
    CHECK(t == nullptr);
#endif
}
