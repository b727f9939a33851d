// xbuild/project/artifacts.hpp: a platform's results, gathered, filtered and checked.
//
// After a platform's steps ran, its stage folder holds what the build made (steps.hpp). Here:
//  - collect_programs: cargo's profile folder -> the stage (programs and shared libraries at its
//    top, not the build's bookkeeping: *.d, .fingerprint/, deps/, ...);
//  - collect_objects: a Makefile without `install` -> every program and library of the tree,
//    keeping relative paths (object files *.o and static archives are not results, nor what
//    CMakeFiles/, meson-*/ and hidden folders hold);
//  - filter_artifacts: `[artifacts] include/exclude` of xbuild.toml, fnmatch(3) patterns on the
//    path relative to the stage, where `*` also crosses folders ("bin/*", "*.a");
//  - verify_artifacts: every object file is built for the platform, as xx-verify checks it; a
//    program built for the wrong architecture (a hard-coded GOARCH, a native CC) fails the
//    platform.
//
//   collect_programs(build / "target/aarch64-unknown-linux-gnu/release", stage);
//   auto listing = verify_artifacts(stage, parse_platform("linux/arm64"));
//   if (!listing.problems.empty()) ... // "hello: ELF 64-bit LSB x86-64 is for linux/amd64, not linux/arm64"
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "../platform.hpp"

namespace xbuild::project {

// One file of a platform's results.
struct Artifact {
    std::string path;         // relative to the stage: "hello", "usr/local/bin/hello"
    std::string description;  // "ELF 64-bit LSB ARM aarch64, static" for object files; "" otherwise
    std::uintmax_t size = 0;
    bool executable = false;  // any x bit
};

struct ArtifactListing {
    std::vector<Artifact> files;        // every regular file, sorted by path
    std::vector<std::string> problems;  // object files built for another platform
};

// Copies the programs and shared libraries at the top of `from` into `stage`. Returns how many.
std::size_t collect_programs(const std::filesystem::path& from, const std::filesystem::path& stage);

// Copies every program and shared library under `from` (object files the table knows, not *.o
// and not static archives) into `stage`, keeping relative paths. Returns how many.
std::size_t collect_objects(const std::filesystem::path& from, const std::filesystem::path& stage);

// Removes from `stage` the files `include` does not match (when not empty) and those `exclude`
// matches, then folders left empty.
void filter_artifacts(const std::filesystem::path& stage, const std::vector<std::string>& include,
                      const std::vector<std::string>& exclude);

// Lists the stage and checks its object files against `platform`.
ArtifactListing verify_artifacts(const std::filesystem::path& stage, const xbuild::Platform& platform);

}  // namespace xbuild::project

#include "impl/artifacts.inl"
