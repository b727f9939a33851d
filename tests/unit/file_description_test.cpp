// file_description.hpp: file(1) descriptions judged against rows of the platform table, as the
// xx shell helper's xx-verify judges them (XX_VERIFY_FILE_CMD_OUTPUT).
#include "xbuild/file_description.hpp"

#include <doctest/doctest.h>

#include <string>

#include "xbuild/platform.hpp"

namespace {

// Rows of the table, or of the platforms only recognized in binaries (netbsd/amd64, linux/ppc64),
// which parse_platform refuses: those are split by hand.
const xbuild::Target& row(const char* platform) {
    std::string s = platform;
    xbuild::Platform p;
    if (s.starts_with("netbsd/") || s.starts_with("openbsd/") || s == "linux/ppc64")
        p = {s.substr(0, s.find('/')), s.substr(s.find('/') + 1), ""};
    else p = xbuild::parse_platform(platform);
    const xbuild::Target* t = xbuild::find_recognized_target(p.os, p.arch, p.variant);
    REQUIRE(t != nullptr);
    return *t;
}

std::string judge(const char* description, const char* platform, bool want_static = false) {
    return xbuild::file_description_problem(description, row(platform), want_static);
}

// What file(1) 5.44 prints for binaries of each kind (shapes as Debian's file prints them).
constexpr const char* elf_amd64_dyn =
    "ELF 64-bit LSB pie executable, x86-64, version 1 (SYSV), dynamically linked, interpreter "
    "/lib64/ld-linux-x86-64.so.2, BuildID[sha1]=0f0e, for GNU/Linux 3.2.0, stripped";
constexpr const char* elf_arm64_static =
    "ELF 64-bit LSB executable, ARM aarch64, version 1 (SYSV), statically linked, not stripped";
constexpr const char* elf_arm64_musl_dyn =
    "ELF 64-bit LSB pie executable, ARM aarch64, version 1 (SYSV), dynamically linked, interpreter "
    "/lib/ld-musl-aarch64.so.1";
constexpr const char* elf_armhf =
    "ELF 32-bit LSB executable, ARM, EABI5 version 1 (SYSV), statically linked, Go BuildID=x";
constexpr const char* elf_386 = "ELF 32-bit LSB executable, Intel 80386, version 1 (SYSV), statically linked";
constexpr const char* elf_386_new = "ELF 32-bit LSB executable, Intel i386, version 1 (SYSV), statically linked";
constexpr const char* elf_s390x = "ELF 64-bit MSB executable, IBM S/390, version 1 (SYSV), statically linked";
constexpr const char* elf_mips64le = "ELF 64-bit LSB executable, MIPS, MIPS-III version 1 (SYSV), statically linked";
constexpr const char* elf_freebsd = "ELF 64-bit LSB executable, x86-64, version 1 (FreeBSD), statically linked";
constexpr const char* pe_amd64 = "PE32+ executable (console) x86-64, for MS Windows, 19 sections";
constexpr const char* pe_arm64 = "PE32+ executable (console) Aarch64, for MS Windows";
constexpr const char* pe_armv7 = "PE32 executable (console) ARMv7 Thumb, for MS Windows";
constexpr const char* macho_arm64 = "Mach-O 64-bit arm64 executable, flags:<NOUNDEFS|DYLDLINK|TWOLEVEL|PIE>";

}  // namespace

TEST_CASE("a description of the target's binary is accepted; of another, named by what differs") {
    CHECK(judge(elf_amd64_dyn, "linux/amd64") == "");
    CHECK(judge(elf_amd64_dyn, "linux/amd64/v3") == "");  // the variant is not in file(1)'s text
    CHECK(judge(elf_amd64_dyn, "linux/arm64") == "does not match expected target architecture arm64");
    CHECK(judge(elf_amd64_dyn, "windows/amd64") == "does not match expected target OS windows");
    CHECK(judge(elf_amd64_dyn, "darwin/amd64") == "does not match expected target OS darwin");
    CHECK(judge(elf_amd64_dyn, "freebsd/amd64") == "does not match expected target OS freebsd");
    CHECK(judge(elf_freebsd, "freebsd/amd64") == "");
    CHECK(judge(elf_freebsd, "linux/amd64") == "does not match expected target OS linux");
    CHECK(judge(elf_freebsd, "netbsd/amd64") == "does not match expected target OS netbsd");
    const char* elf_netbsd = "ELF 64-bit LSB executable, x86-64, version 1 (NetBSD), statically linked, for NetBSD 7.0";
    CHECK(judge(elf_netbsd, "netbsd/amd64") == "");
    CHECK(judge(elf_netbsd, "freebsd/amd64") == "does not match expected target OS freebsd");
    CHECK(judge(elf_netbsd, "openbsd/amd64") == "does not match expected target OS openbsd");
    CHECK(judge(elf_netbsd, "linux/amd64") == "does not match expected target OS linux");
    const char* elf_ppc64 =
        "ELF 64-bit MSB executable, 64-bit PowerPC or cisco 7500, version 1 (SYSV), statically linked";
    CHECK(judge(elf_ppc64, "linux/ppc64") == "");
    CHECK(judge(elf_ppc64, "linux/ppc64le") == "does not match expected endianness for ppc64le");

    CHECK(judge(elf_arm64_static, "linux/arm64") == "");
    CHECK(judge(elf_arm64_static, "linux/arm/v7") == "does not match expected target architecture arm");
    CHECK(judge(elf_armhf, "linux/arm/v7") == "");
    CHECK(judge(elf_armhf, "linux/arm/v6") == "");
    CHECK(judge(elf_armhf, "linux/arm64") == "does not match expected target architecture arm64");
    CHECK(judge(elf_386, "linux/386") == "");
    CHECK(judge(elf_386_new, "linux/386") == "");  // newer file(1) says i386
    CHECK(judge(elf_386, "linux/amd64") == "does not match expected target architecture amd64");
    CHECK(judge(elf_s390x, "linux/s390x") == "");
    CHECK(judge(elf_mips64le, "linux/mips64le") == "");
    CHECK(judge(elf_mips64le, "linux/mips64") == "does not match expected endianness for mips64");
    CHECK(judge(elf_mips64le, "linux/mipsle") == "does not match expected endianness for mipsle");

    CHECK(judge(pe_amd64, "windows/amd64") == "");
    CHECK(judge(pe_amd64, "windows/arm64") == "does not match expected target architecture arm64");
    CHECK(judge(pe_arm64, "windows/arm64") == "");
    CHECK(judge("PE32+ executable (console) ARM64, for MS Windows", "windows/arm64") == "");
    CHECK(judge(pe_armv7, "windows/arm/v7") == "");
    CHECK(judge(pe_armv7, "linux/arm/v7") == "does not match expected target OS linux");
    CHECK(judge("PE32 executable (console) Intel 80386, for MS Windows", "windows/386") == "");

    CHECK(judge(macho_arm64, "darwin/arm64") == "");
    CHECK(judge(macho_arm64, "darwin/amd64") == "does not match expected target architecture amd64");
    CHECK(judge("Mach-O 64-bit x86_64 executable", "darwin/amd64") == "");
}

TEST_CASE("static: statically linked, static-pie, or a pie with no interpreter; only for ELF") {
    CHECK(judge(elf_arm64_static, "linux/arm64", true) == "");
    CHECK(judge(elf_arm64_musl_dyn, "linux/arm64", true) == "is not statically linked");
    CHECK(judge(elf_amd64_dyn, "linux/amd64", true) == "is not statically linked");
    CHECK(judge("ELF 64-bit LSB pie executable, x86-64, version 1 (SYSV), static-pie linked", "linux/amd64", true) ==
          "");
    CHECK(judge("ELF 64-bit LSB pie executable, x86-64, version 1 (SYSV), dynamically linked, not stripped",
                "linux/amd64",
                true) == "");  // a pie with no interpreter: what older file(1) says of a static-pie
    CHECK(judge(pe_amd64, "windows/amd64", true) == "");  // PE: not judged from the text
}
