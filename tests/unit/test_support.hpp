// Small helpers the unit tests share: reading environment-change lists (NAME=value entries, as
// the toolchain models return them) and naming table rows.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "xbuild/targets.hpp"

namespace test_support {

// True when some change sets NAME (NAME=...).
inline bool sets(const std::vector<std::string>& changes, const std::string& name) {
    return std::any_of(changes.begin(), changes.end(),
                       [&](const std::string& c) { return c.rfind(name + "=", 0) == 0; });
}

// The value a change gives NAME, "" when none does.
inline std::string value_of(const std::vector<std::string>& changes, const std::string& name) {
    for (const std::string& c : changes)
        if (c.rfind(name + "=", 0) == 0) return c.substr(name.size() + 1);
    return "";
}

// os/arch[/variant] of a table row.
inline std::string platform_name(const xbuild::Target& t) {
    std::string p = std::string(t.os) + "/" + std::string(t.arch);
    if (!t.variant.empty()) p += "/" + std::string(t.variant);
    return p;
}

}  // namespace test_support
