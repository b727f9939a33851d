// Tests of xbuild/emulation/run.hpp: the steps xx-run and `xbuild run` share, on real files in a
// temporary folder (synthetic ELF binaries, a script, a text file) and a fake machine (RunProbe):
// lookup on PATH, the head read for binfmt_misc, scripts, platform check and detection, and the
// statuses and messages of each failure.
#include "xbuild/emulation/run.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "objfile_samples.hpp"
#include "test_support.hpp"

namespace em = xbuild::emulation;
using objfile_test::make_elf;
using objfile_test::row;
using xbuild::Platform;

namespace {

const Platform amd64_host {"linux", "amd64", ""};

// A fresh folder, removed at the end of scope.
struct Folder {
    std::filesystem::path path;
    Folder() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "xbuild-run-test-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~Folder() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::string write(const std::string& name, const std::vector<std::byte>& bytes) const {
        const std::string file = (path / name).string();
        std::ofstream(file, std::ios::binary)
            .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
        return file;
    }
    std::string write(const std::string& name, std::string_view text) const {
        return write(name, objfile_test::text(text));
    }
};

// A machine with the given programs (name -> path), no binfmt_misc handlers, no other files.
em::RunProbe probe_with(std::map<std::string, std::string> programs) {
    em::RunProbe p;
    p.find_program = [programs](std::string_view name) -> std::optional<std::string> {
        auto it = programs.find(std::string(name));
        if (it == programs.end()) return std::nullopt;
        return it->second;
    };
    p.exists = [](const std::string&) { return false; };
    p.binfmt_entries = [] { return std::vector<em::BinfmtEntry> {}; };
    p.runs_natively = [](const xbuild::Target&) { return false; };
    p.getenv = [](std::string_view) { return std::string(); };
    return p;
}

// A static executable of the platform's row.
std::vector<std::byte> static_binary(std::string_view platform) {
    const auto& t = row(platform);
    return make_elf({.bits = t.bits, .big = t.endian == xbuild::Endian::big, .machine = t.elf_machine});
}

std::string error_of(auto&& f, int* status = nullptr) { return test_support::error_status_of<em::RunError>(f, status); }

}  // namespace

TEST_CASE("resolve_program: a path as it is, a bare name on PATH, 127 when it is not there") {
    auto probe = probe_with({{"tool", "/opt/bin/tool"}});
    CHECK(em::resolve_program("./hello", probe) == "./hello");
    CHECK(em::resolve_program("/usr/bin/hello", probe) == "/usr/bin/hello");
    CHECK(em::resolve_program("tool", probe) == "/opt/bin/tool");
    int status = 0;
    CHECK(error_of([&] { em::resolve_program("missing", probe); }, &status) == "missing: command not found");
    CHECK(status == em::not_found_status);
}

TEST_CASE("read_head: the first bytes binfmt_misc sees; 127 for a missing file") {
    Folder dir;
    const std::string small = dir.write("small", "#!/bin/sh\n");
    CHECK(em::read_head(small, "./small").size() == 10);
    const std::string big = dir.write("big", std::string(1000, 'x'));
    CHECK(em::read_head(big, "./big").size() == em::binfmt_buffer_size);
    int status = 0;
    CHECK(error_of([&] { em::read_head((dir.path / "nothing").string(), "./nothing"); }, &status) ==
          "./nothing: no such file");
    CHECK(status == em::not_found_status);
    CHECK(error_of([&] { em::read_head(small + "/under", "./small/under"); }, &status) ==
          "./small/under: no such file");
    CHECK(status == em::not_found_status);
}

TEST_CASE("prepare_run: a script runs as it is, with the name typed as argv[0]") {
    Folder dir;
    const std::string script = dir.write("script.sh", "#!/bin/sh\necho hi\n");
    em::PreparedRun run = em::prepare_run({script, {"a", "b c"}, "", "./script.sh"}, std::nullopt, probe_with({}));
    CHECK_FALSE(run.platform);
    CHECK(run.plan.via == em::RunVia::native);
    CHECK(run.plan.command.program == script);
    CHECK(run.plan.command.argv == std::vector<std::string> {"./script.sh", "a", "b c"});
    CHECK(run.plan.command.env.empty());
}

TEST_CASE("prepare_run: the platform from the headers, or --platform checked against them") {
    Folder dir;
    const std::string hello = dir.write("hello", static_binary("linux/arm64"));
    auto probe = probe_with({{"qemu-aarch64-static", "/usr/bin/qemu-aarch64-static"}});
    const em::RunRequest req {hello, {"x"}, "", "./hello"};

    em::PreparedRun detected = em::prepare_run(req, std::nullopt, probe, "", amd64_host);
    REQUIRE(detected.platform);
    CHECK(detected.platform->str() == "linux/arm64");
    CHECK(detected.plan.via == em::RunVia::qemu);
    CHECK(detected.plan.command.argv == std::vector<std::string> {"qemu-aarch64-static", hello, "x"});

    em::PreparedRun given = em::prepare_run(req, xbuild::parse_platform("aarch64"), probe, "", amd64_host);
    REQUIRE(given.platform);
    CHECK(given.platform->str() == "linux/arm64");
    CHECK(given.plan.command.argv == detected.plan.command.argv);

    int status = 0;
    const std::string wrong = error_of(
        [&] { em::prepare_run(req, xbuild::parse_platform("linux/riscv64"), probe, "", amd64_host); }, &status);
    CHECK(status == em::cannot_run_status);
    CHECK(wrong.starts_with("cannot run ./hello as linux/riscv64: it is built for linux/arm64 ("));
}

TEST_CASE("prepare_run: a binary of this machine runs as it is") {
    Folder dir;
    const std::string tool = dir.write("tool", static_binary("linux/amd64"));
    em::PreparedRun run = em::prepare_run({tool, {}, "", "tool"}, std::nullopt, probe_with({}), "", amd64_host);
    CHECK(run.plan.via == em::RunVia::native);
    CHECK(run.plan.command.program == tool);
    CHECK(run.plan.command.argv == std::vector<std::string> {"tool"});
    CHECK_FALSE(run.plan.linux32);
}

TEST_CASE("prepare_run: the failures, with their statuses, name the program as typed") {
    Folder dir;
    auto probe = probe_with({});
    int status = 0;
    const std::string notes = dir.write("notes.txt", "just text\n");
    CHECK(error_of(
              [&] {
                  em::prepare_run({notes, {}, "", "./notes.txt"}, std::nullopt, probe);
              },
              &status)
              .starts_with("./notes.txt: not an ELF, PE or Mach-O binary"));
    CHECK(status == em::cannot_run_status);
    const std::string missing = (dir.path / "missing").string();
    CHECK(error_of(
              [&] {
                  em::prepare_run({missing, {}, "", "./missing"}, std::nullopt, probe);
              },
              &status) == "./missing: no such file");
    CHECK(status == em::not_found_status);
    // An emulator that is not there: 127 (plan_run's message, tested in emulation_qemu_test.cpp).
    const std::string hello = dir.write("hello", static_binary("linux/riscv64"));
    error_of([&] { em::prepare_run({hello, {}, "", "./hello"}, std::nullopt, probe, "", amd64_host); }, &status);
    CHECK(status == em::not_found_status);
}

TEST_CASE("environment_arm_variant: TARGETPLATFORM's variant when its arch has variants") {
    const char* saved = std::getenv("TARGETPLATFORM");
    const std::string before = saved ? saved : "";
    ::setenv("TARGETPLATFORM", "linux/arm/v6", 1);
    CHECK(em::environment_arm_variant() == "v6");
    ::setenv("TARGETPLATFORM", "linux/arm64", 1);
    CHECK(em::environment_arm_variant() == "");
    if (saved) ::setenv("TARGETPLATFORM", before.c_str(), 1);
    else ::unsetenv("TARGETPLATFORM");
}
