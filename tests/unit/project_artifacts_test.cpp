// xbuild/project/artifacts.hpp: collecting, filtering and checking a platform's results.
#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>

#include "objfile_samples.hpp"
#include "xbuild/project/artifacts.hpp"

namespace fs = std::filesystem;
using namespace xbuild::project;
using objfile_test::make_elf;
using objfile_test::row;

namespace {

struct TempDir {
    fs::path path;
    explicit TempDir(const std::string& name)
        : path(fs::temp_directory_path() / ("xbuild-artifacts-" + name + std::to_string(::getpid()))) {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
};

void write(const fs::path& file, const std::vector<std::byte>& bytes) {
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

void write(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
}

std::vector<std::byte> program(std::string_view platform, std::uint16_t type = 2) {
    return make_elf({.bits = 64, .machine = row(platform).elf_machine, .type = type});
}

}  // namespace

TEST_CASE("verify_artifacts: lists every file and flags programs for another platform") {
    TempDir stage("verify");
    write(stage.path / "bin/hello", program("linux/arm64"));
    write(stage.path / "bin/native", program("linux/amd64"));
    write(stage.path / "share/readme.txt", std::string("text"));
    const auto listing = verify_artifacts(stage.path, xbuild::parse_platform("linux/arm64"));
    REQUIRE(listing.files.size() == 3);
    CHECK(listing.files[0].path == "bin/hello");
    CHECK(listing.files[0].description.find("ELF 64-bit") == 0);
    CHECK(listing.files[2].description.empty());
    REQUIRE(listing.problems.size() == 1);
    CHECK(listing.problems[0].find("bin/native: ") == 0);
    CHECK(listing.problems[0].find("is for linux/amd64, not linux/arm64") != std::string::npos);
}

TEST_CASE("collect_programs: programs and shared libraries at the top, not cargo's bookkeeping") {
    TempDir from("from"), stage("stage");
    write(from.path / "hello", program("linux/arm64"));
    write(from.path / "libplugin.so", program("linux/arm64", 3));
    write(from.path / "hello.d", std::string("hello: src/main.rs"));
    write(from.path / "libhello.rlib", std::string("!<arch>\n"));
    write(from.path / "deps/hello-1234", program("linux/arm64"));
    write(from.path / "thing.o", make_elf({.bits = 64, .machine = row("linux/arm64").elf_machine, .type = 1}));
    CHECK(collect_programs(from.path, stage.path) == 2);
    CHECK(fs::exists(stage.path / "hello"));
    CHECK(fs::exists(stage.path / "libplugin.so"));
    CHECK_FALSE(fs::exists(stage.path / "hello-1234"));
    CHECK_FALSE(fs::exists(stage.path / "thing.o"));
}

TEST_CASE("collect_objects: programs anywhere in a tree, keeping their paths") {
    TempDir from("tree"), stage("tree-stage");
    write(from.path / "src/tool", program("linux/riscv64"));
    write(from.path / "src/tool.o", make_elf({.bits = 64, .machine = row("linux/riscv64").elf_machine, .type = 1}));
    write(from.path / ".git/objects/x", program("linux/riscv64"));
    write(from.path / "CMakeFiles/3.25.1/CompilerIdC/a.out", program("linux/amd64"));
    write(from.path / "meson-private/sanitycheckc.exe", program("linux/amd64"));
    write(from.path / "Makefile", std::string("all:\n"));
    CHECK(collect_objects(from.path, stage.path) == 1);
    CHECK(fs::exists(stage.path / "src/tool"));
}

TEST_CASE("filter_artifacts: include keeps, exclude drops, emptied folders go") {
    TempDir stage("filter");
    write(stage.path / "usr/local/bin/hello", std::string("a"));
    write(stage.path / "usr/local/include/hello.h", std::string("b"));
    write(stage.path / "usr/local/lib/libhello.a", std::string("c"));
    filter_artifacts(stage.path, {"usr/local/bin/*", "usr/local/lib/*"}, {"*.a"});
    CHECK(fs::exists(stage.path / "usr/local/bin/hello"));
    CHECK_FALSE(fs::exists(stage.path / "usr/local/include"));
    CHECK_FALSE(fs::exists(stage.path / "usr/local/lib"));
    filter_artifacts(stage.path, {}, {});  // nothing asked: nothing changes
    CHECK(fs::exists(stage.path / "usr/local/bin/hello"));
}
