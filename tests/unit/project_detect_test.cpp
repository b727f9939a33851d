// xbuild/project/detect.hpp: which build system a folder's files name.
#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>

#include "xbuild/project/detect.hpp"

namespace fs = std::filesystem;
using namespace xbuild::project;

namespace {

struct TempDir {
    fs::path path = fs::temp_directory_path() / ("xbuild-detect-" + std::to_string(::getpid()));
    TempDir() { fs::create_directories(path); }
    ~TempDir() { fs::remove_all(path); }
    void touch(const std::string& name) const { std::ofstream(path / name) << ""; }
};

}  // namespace

TEST_CASE("detect_kind: each marker file, and the first of several wins") {
    const std::pair<const char*, ProjectKind> cases[] = {
        {"go.mod", ProjectKind::go},
        {"Cargo.toml", ProjectKind::cargo},
        {"CMakeLists.txt", ProjectKind::cmake},
        {"meson.build", ProjectKind::meson},
        {"configure", ProjectKind::configure},
        {"Makefile", ProjectKind::make},
    };
    for (const auto& [file, kind] : cases) {
        TempDir dir;
        dir.touch(file);
        CHECK(detect_kind(dir.path) == kind);
    }
    TempDir both;
    both.touch("Makefile");
    both.touch("CMakeLists.txt");
    CHECK(detect_kind(both.path) == ProjectKind::cmake);  // CMake projects often ship a wrapper Makefile
}

TEST_CASE("detect_kind: an empty folder, a folder named like a marker, no folder") {
    TempDir dir;
    CHECK_THROWS_WITH_AS(detect_kind(dir.path), doctest::Contains("nothing to build in"), NothingToBuild);
    fs::create_directory(dir.path / "go.mod");  // a folder is not the file
    CHECK_THROWS_AS(detect_kind(dir.path), NothingToBuild);
    CHECK_THROWS_WITH(detect_kind(dir.path / "missing"), doctest::Contains("not a folder"));
}

TEST_CASE("kinds: names round-trip, unknown names are refused") {
    for (auto kind : {ProjectKind::go, ProjectKind::cargo, ProjectKind::cmake, ProjectKind::meson,
                      ProjectKind::configure, ProjectKind::make, ProjectKind::command}) {
        CHECK(parse_kind(to_string(kind)) == kind);
        CHECK(std::string(kind_names()).find(to_string(kind)) != std::string::npos);
    }
    CHECK_FALSE(parse_kind("rust"));
    CHECK_FALSE(parse_kind(""));
    CHECK(installs_into_prefix(ProjectKind::cmake));
    CHECK_FALSE(installs_into_prefix(ProjectKind::go));
}
