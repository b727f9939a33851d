// Implementation of xbuild/project/detect.hpp.
#pragma once

#include <array>
#include <string>
#include <system_error>
#include <utility>

namespace xbuild::project {

namespace detail {

// The files that give a project away, in the order they are looked for.
inline constexpr std::array<std::pair<std::string_view, ProjectKind>, 6> kind_markers {{
    {"go.mod", ProjectKind::go},
    {"Cargo.toml", ProjectKind::cargo},
    {"CMakeLists.txt", ProjectKind::cmake},
    {"meson.build", ProjectKind::meson},
    {"configure", ProjectKind::configure},
    {"Makefile", ProjectKind::make},
}};

inline constexpr std::array<std::string_view, 7> kind_spellings {"go",        "cargo", "cmake",  "meson",
                                                                 "configure", "make",  "command"};

}  // namespace detail

inline std::string_view to_string(ProjectKind kind) noexcept {
    return detail::kind_spellings[static_cast<std::size_t>(kind)];
}

inline std::optional<ProjectKind> parse_kind(std::string_view name) noexcept {
    for (std::size_t i = 0; i < detail::kind_spellings.size(); ++i)
        if (detail::kind_spellings[i] == name) return static_cast<ProjectKind>(i);
    return std::nullopt;
}

inline std::string_view kind_names() noexcept { return "go, cargo, cmake, meson, configure, make, command"; }

inline ProjectKind detect_kind(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        throw std::runtime_error(dir.string() + ": not a folder (give the project's folder)");
    for (const auto& [file, kind] : detail::kind_markers)
        if (std::filesystem::is_regular_file(dir / file, ec)) return kind;
    throw NothingToBuild("nothing to build in " + dir.string() +
                         ": no go.mod, Cargo.toml, CMakeLists.txt, meson.build, configure or Makefile there "
                         "(give the command to run after --, or kind and command in xbuild.toml)");
}

inline bool installs_into_prefix(ProjectKind kind) noexcept {
    return kind == ProjectKind::cmake || kind == ProjectKind::meson || kind == ProjectKind::configure ||
           kind == ProjectKind::make;
}

}  // namespace xbuild::project
