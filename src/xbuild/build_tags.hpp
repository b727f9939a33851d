// The per-platform image names of `xbuild build -t NAME`.
//
// The 20.10 engine's image store holds one platform per tag, so each platform's image gets its
// own tag: the platform joined with '-' is appended to NAME's tag (or is the tag when NAME has none):
//
//   platform_tag("registry:5000/app", linux/arm/v7)       -> "registry:5000/app:linux-arm-v7"
//   platform_tag("registry:5000/app:1.2", linux/arm64)    -> "registry:5000/app:1.2-linux-arm64"
//
// Tags allow [A-Za-z0-9_.-], start with a letter, digit or '_', and are at most 128 characters;
// repositories are lowercase. Names breaking that, or naming a digest, throw std::invalid_argument.
#pragma once

#include <stdexcept>
#include <string>

#include "xbuild/platform.hpp"

namespace xbuild::cli {

struct ImageName {
    std::string repository;  // "registry:5000/app"
    std::string tag;         // "1.2", or "" when NAME has none
};

// Splits NAME at its tag's ':' (one after the last '/': a registry's port is not a tag).
inline ImageName split_image_name(const std::string& name) {
    if (name.empty()) throw std::invalid_argument("empty image name (-t NAME)");
    if (name.find('@') != std::string::npos)
        throw std::invalid_argument("image name '" + name + "' names a digest; give NAME or NAME:TAG");
    const auto slash = name.rfind('/');
    const auto colon = name.rfind(':');
    ImageName out {name, ""};
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
        out.repository = name.substr(0, colon);
        out.tag = name.substr(colon + 1);
        if (out.tag.empty()) throw std::invalid_argument("image name '" + name + "' ends with ':' and no tag");
    }
    // The path after the registry host (the first component counts as a host when it has a '.',
    // a ':' or is localhost) must be lowercase [a-z0-9._/-].
    const auto first = out.repository.find('/');
    std::string path = out.repository;
    if (first != std::string::npos) {
        const std::string host = out.repository.substr(0, first);
        if (host.find_first_of(".:") != std::string::npos || host == "localhost")
            path = out.repository.substr(first + 1);
    }
    if (path.empty() || path.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._-/") != std::string::npos ||
        path.front() == '/' || path.back() == '/')
        throw std::invalid_argument(
            "image name '" + name +
            "': the repository must be lowercase letters, digits and . _ - / (like registry:5000/team/app)");
    return out;
}

// "linux/arm/v7" -> "linux-arm-v7": the platform as tag characters.
inline std::string platform_suffix(const xbuild::Platform& p) {
    std::string s = p.str();
    for (char& c : s)
        if (c == '/') c = '-';
    return s;
}

// NAME's tag for platform p (see the top of this file).
inline std::string platform_tag(const std::string& name, const xbuild::Platform& p) {
    const auto n = split_image_name(name);
    const std::string tag = n.tag.empty() ? platform_suffix(p) : n.tag + "-" + platform_suffix(p);
    const bool valid_start = (tag[0] >= 'A' && tag[0] <= 'Z') || (tag[0] >= 'a' && tag[0] <= 'z') ||
                             (tag[0] >= '0' && tag[0] <= '9') || tag[0] == '_';
    if (!valid_start || tag.size() > 128 ||
        tag.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") != std::string::npos)
        throw std::invalid_argument("image name '" + name + "': the tag '" + tag +
                                    "' is not valid (letters, digits, _ . -, at most 128, not starting with . or -)");
    return n.repository + ":" + tag;
}

}  // namespace xbuild::cli
