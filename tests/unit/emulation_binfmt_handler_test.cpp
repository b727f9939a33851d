// Tests of xbuild/emulation/binfmt_handler.hpp: the handlers' magic and mask (against the bytes
// QEMU and Debian register), the register line, which entry runs a row, and each row's probe run
// under qemu-<qemu>-static.
#include "xbuild/emulation/binfmt_handler.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "xbuild/process.hpp"
#include "xbuild/targets.hpp"

namespace em = xbuild::emulation;
using xbuild::Target;

namespace {

const Target& row(std::string_view arch, std::string_view variant = "") {
    const Target* t = xbuild::find_target("linux", arch, variant);
    REQUIRE(t != nullptr);
    return *t;
}

// Bytes as QEMU's scripts spell them: \xHH escapes, other characters as they are.
std::vector<std::uint8_t> unescape(std::string_view s) {
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() + 1 && s[i + 1] == 'x') {
            out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(s.substr(i + 2, 2)), nullptr, 16)));
            i += 3;
        } else {
            out.push_back(static_cast<std::uint8_t>(s[i]));
        }
    }
    return out;
}

// magic & mask: two handlers with the same mask match the same headers when these are equal.
std::vector<std::uint8_t> masked(std::vector<std::uint8_t> magic, const std::vector<std::uint8_t>& mask) {
    magic.resize(mask.size(), 0);
    for (std::size_t i = 0; i < mask.size(); ++i) magic[i] &= mask[i];
    return magic;
}

em::BinfmtEntry entry_of(const em::HandlerSpec& spec, bool enabled = true) {
    em::BinfmtEntry e;
    e.name = spec.name;
    e.enabled = enabled;
    e.interpreter = spec.interpreter;
    e.flags = spec.flags;
    e.magic = spec.magic;
    e.mask = spec.mask;
    return e;
}

}  // namespace

TEST_CASE("binfmt handler: magic and mask as qemu-binfmt-conf.sh registers them") {
    // Debian's /usr/share/binfmts/qemu-aarch64 and qemu-s390x (qemu-user-static 1:7.2)
    CHECK(em::elf_magic(row("arm64")) ==
          unescape(R"(\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00)"));
    CHECK(em::elf_mask(row("arm64")) ==
          unescape(R"(\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff)"));
    CHECK(em::elf_magic(row("s390x")) ==
          unescape(R"(\x7f\x45\x4c\x46\x02\x02\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x16)"));
    CHECK(em::elf_mask(row("s390x")) ==
          unescape(R"(\xff\xff\xff\xff\xff\xff\xff\xfc\xff\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff)"));
    CHECK(em::elf_magic(row("riscv64")) == unescape(R"(\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00)"
                                                    R"(\x02\x00\xf3\x00)"));
    // Every arm variant shares qemu-arm's handler.
    CHECK(em::elf_magic(row("arm", "v6")) == em::elf_magic(row("arm", "v7")));
}

TEST_CASE("binfmt handler: the same headers as Debian's qemu-user-static entries") {
    int compared = 0;
    for (const Target& t : xbuild::targets()) {
        if (!em::has_handler(t) || (!t.variant.empty() && !t.default_variant)) continue;
        std::ifstream in("/usr/share/binfmts/qemu-" + std::string(t.qemu));
        if (!in) continue;
        std::string line, magic, mask;
        while (std::getline(in, line)) {
            if (line.starts_with("magic ")) magic = line.substr(6);
            if (line.starts_with("mask ")) mask = line.substr(5);
        }
        CAPTURE(t.arch);
        CHECK(em::elf_mask(t) == unescape(mask));
        CHECK(masked(em::elf_magic(t), em::elf_mask(t)) == masked(unescape(magic), unescape(mask)));
        ++compared;
    }
    if (compared == 0) MESSAGE("no /usr/share/binfmts/qemu-* (qemu-user-static): only the embedded bytes checked");
}

TEST_CASE("binfmt handler: the register line") {
    const em::HandlerSpec spec = em::handler_spec(row("arm64"), "/usr/bin/qemu-aarch64-static");
    CHECK(spec.name == "qemu-aarch64");
    CHECK(spec.flags == "F");
    CHECK(em::registration_line(spec) ==
          ":qemu-aarch64:M:0:"
          R"(\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:)"
          R"(\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:)"
          "/usr/bin/qemu-aarch64-static:F");
}

TEST_CASE("binfmt handler: which entry runs a row") {
    std::vector<em::BinfmtEntry> entries = {entry_of(em::handler_spec(row("riscv64"), "/usr/bin/qemu-riscv64-static")),
                                            entry_of(em::handler_spec(row("arm", "v7"), "/usr/bin/qemu-arm-static")),
                                            entry_of(em::handler_spec(row("s390x"), "/x"), false)};
    const em::BinfmtEntry* e = em::handler_for(entries, row("riscv64"));
    REQUIRE(e != nullptr);
    CHECK(e->name == "qemu-riscv64");
    REQUIRE(em::handler_for(entries, row("arm", "v6")) != nullptr);
    CHECK(em::handler_for(entries, row("arm", "v6"))->name == "qemu-arm");
    CHECK(em::handler_for(entries, row("arm64")) == nullptr);
    CHECK(em::handler_for(entries, row("s390x")) == nullptr);  // disabled
    CHECK(em::handler_for(entries, *xbuild::find_target("windows", "amd64", "")) == nullptr);
    // Each row's header sample is matched by its own handler, by no other row's (mips n32 aside).
    for (const Target& t : xbuild::targets()) {
        if (!em::has_handler(t)) continue;
        std::vector<em::BinfmtEntry> own = {entry_of(em::handler_spec(t, "/x"))};
        CAPTURE(t.arch);
        CHECK(em::handler_for(own, t) != nullptr);
        for (const Target& other : xbuild::targets())
            if (em::has_handler(other) && other.qemu != t.qemu) CHECK(em::handler_for(own, other) == nullptr);
    }
}

TEST_CASE("binfmt handler: entries xbuild registers") {
    em::BinfmtEntry e = entry_of(em::handler_spec(row("arm64"), "/usr/bin/qemu-aarch64-static"));
    CHECK(em::is_xbuild_handler(e));
    e.interpreter = "/usr/libexec/qemu-binfmt/aarch64-binfmt-P";
    CHECK_FALSE(em::is_xbuild_handler(e));
    e.name = "jar";
    e.interpreter = "/usr/bin/qemu-aarch64-static";
    CHECK_FALSE(em::is_xbuild_handler(e));
}

TEST_CASE("binfmt handler: native rows") {
    if (const Target* self = xbuild::compiled_for_target()) {
        CHECK(em::runs_natively(*self));
        for (const Target& t : xbuild::targets())
            if (t.os == "linux" && t.arch == self->runs_32bit) CHECK(em::runs_natively(t));
    }
    CHECK_FALSE(em::runs_natively(row("riscv64")));
}

TEST_CASE("binfmt handler: a variant runs natively only on a CPU with its instructions") {
    const Target* self = xbuild::compiled_for_target();
    if (self == nullptr) return;
    const std::string base = "flags\t\t: fpu vme de pse tsc msr";
    for (const Target& t : xbuild::targets()) {
        if (t.os != "linux" || t.arch != self->arch) continue;
        CAPTURE(t.variant);
        // Every flag the table names: runs; one short of them: does not (when it needs any).
        CHECK(em::runs_natively(t, base + " " + std::string(t.cpu_flags)));
        if (!t.cpu_flags.empty()) CHECK_FALSE(em::runs_natively(t, base));
        else CHECK(em::runs_natively(t, base));
    }
    // Each x86-64 level needs what the one below it needs.
    for (const Target& t : xbuild::targets())
        if (!t.cpu_flags.empty())
            for (const Target& lower : xbuild::targets())
                if (lower.arch == t.arch && lower.os == t.os && lower.variant < t.variant)
                    for (std::string_view flag : xbuild::split(lower.cpu_flags, ' '))
                        if (!flag.empty()) CHECK(xbuild::in_word_list(t.cpu_flags, flag));
}

TEST_CASE("binfmt handler: every row's probe exits 0 under qemu-<qemu>-static") {
    char folder[] = "/tmp/xbuild-probe-test-XXXXXX";
    REQUIRE(::mkdtemp(folder) != nullptr);
    int ran = 0;
    for (const Target& t : xbuild::targets()) {
        if (!em::has_handler(t)) continue;
        CAPTURE(t.arch);
        CAPTURE(t.variant);
        const std::vector<std::uint8_t> bytes = em::probe_binary(t);
        REQUIRE_FALSE(bytes.empty());  // every row with a qemu column has exit0_code
        auto qemu = em::find_static_interpreter(t);
        if (!qemu) continue;
        const std::string path = std::string(folder) + "/probe";
        std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        ::chmod(path.c_str(), 0700);
        CHECK(xbuild::run_program({*qemu, path}) == 0);
        ::unlink(path.c_str());
        ++ran;
    }
    ::rmdir(folder);
    if (ran == 0) MESSAGE("no qemu-*-static (qemu-user-static): probes not run");
}
