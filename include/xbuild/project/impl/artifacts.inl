// Implementation of xbuild/project/artifacts.hpp.
#pragma once

#include <fnmatch.h>

#include <algorithm>
#include <system_error>

#include "../../objfile.hpp"

namespace xbuild::project {

namespace detail {

namespace fs = std::filesystem;

// A program or shared library the table knows; nullopt for anything else (scripts, .o, .a, data).
inline std::optional<ObjectInfo> program_info(const fs::path& file) {
    try {
        ObjectInfo info = read_object(file.string());
        if (info.kind == ObjectKind::executable || info.kind == ObjectKind::shared_library) return info;
    } catch (const ObjectFileError&) {}
    return std::nullopt;
}

// Folders where build systems keep their own probes and bookkeeping (CMake's compiler checks,
// Meson's sanity-check programs), and hidden ones (.git): never results.
inline bool build_system_folder(const std::string& name) {
    return name.empty() || name.front() == '.' || name == "CMakeFiles" || name.rfind("meson-", 0) == 0;
}

inline void copy_into(const fs::path& file, const fs::path& to) {
    fs::create_directories(to.parent_path());
    fs::copy_file(file, to, fs::copy_options::overwrite_existing);
}

inline bool matches_any(const std::vector<std::string>& patterns, const std::string& path) {
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string& p) { return ::fnmatch(p.c_str(), path.c_str(), 0) == 0; });
}

}  // namespace detail

inline std::size_t collect_programs(const std::filesystem::path& from, const std::filesystem::path& stage) {
    std::size_t count = 0;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(from, ec)) {
        if (!entry.is_regular_file() || !detail::program_info(entry.path())) continue;
        detail::copy_into(entry.path(), stage / entry.path().filename());
        ++count;
    }
    return count;
}

inline std::size_t collect_objects(const std::filesystem::path& from, const std::filesystem::path& stage) {
    std::size_t count = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(from, ec);
         it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_directory() && detail::build_system_folder(it->path().filename().string())) {
            it.disable_recursion_pending();
            continue;
        }
        if (!it->is_regular_file() || !detail::program_info(it->path())) continue;
        detail::copy_into(it->path(), stage / std::filesystem::relative(it->path(), from));
        ++count;
    }
    return count;
}

inline void filter_artifacts(const std::filesystem::path& stage, const std::vector<std::string>& include,
                             const std::vector<std::string>& exclude) {
    if (include.empty() && exclude.empty()) return;
    std::vector<std::filesystem::path> drop, folders;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(stage)) {
        if (entry.is_directory()) {
            folders.push_back(entry.path());
            continue;
        }
        const std::string rel = std::filesystem::relative(entry.path(), stage).generic_string();
        if ((!include.empty() && !detail::matches_any(include, rel)) || detail::matches_any(exclude, rel))
            drop.push_back(entry.path());
    }
    for (const auto& file : drop) std::filesystem::remove(file);
    // Deepest first, so a folder emptied by its children's removal goes too.
    std::sort(folders.begin(), folders.end(), [](const auto& a, const auto& b) { return a.native() > b.native(); });
    for (const auto& dir : folders)
        if (std::filesystem::is_empty(dir)) std::filesystem::remove(dir);
}

inline ArtifactListing verify_artifacts(const std::filesystem::path& stage, const xbuild::Platform& platform) {
    ArtifactListing listing;
    const Target& target = target_of(platform);
    for (const auto& entry : std::filesystem::recursive_directory_iterator(stage)) {
        if (!entry.is_regular_file() || entry.is_symlink()) continue;
        Artifact a;
        a.path = std::filesystem::relative(entry.path(), stage).generic_string();
        a.size = entry.file_size();
        a.executable =
            (entry.status().permissions() & std::filesystem::perms::owner_exec) != std::filesystem::perms::none;
        try {
            const ObjectInfo info = read_object(entry.path().string());
            a.description = info.description();
            if (info.kind != ObjectKind::relocatable && !built_for(info, target)) {
                const std::string actual = platforms_of(info);
                listing.problems.push_back(a.path + ": " + a.description + " is for " +
                                           (actual.empty() ? "no platform xbuild knows" : actual) + ", not " +
                                           platform.str());
            }
        } catch (const ObjectFileError&) {}
        listing.files.push_back(std::move(a));
    }
    std::sort(listing.files.begin(), listing.files.end(),
              [](const Artifact& x, const Artifact& y) { return x.path < y.path; });
    return listing;
}

}  // namespace xbuild::project
