// Implementation of xbuild/platform.hpp.
#pragma once

#include <sys/utsname.h>

#include <algorithm>

#include "../strings.hpp"

namespace xbuild {

inline std::string Platform::str() const {
    std::string s = os + "/" + arch;
    if (!variant.empty()) s += "/" + variant;
    return s;
}

inline std::vector<std::string_view> known_oses() {
    std::vector<std::string_view> out;
    for (const Target& t : targets())
        if (std::find(out.begin(), out.end(), t.os) == out.end()) out.push_back(t.os);
    return out;
}

inline std::vector<std::string_view> known_arches() {
    std::vector<std::string_view> out;
    for (const Target& t : targets())
        if (std::find(out.begin(), out.end(), t.arch) == out.end()) out.push_back(t.arch);
    return out;
}

namespace detail {

// The table's spellings of `name` as an arch: the canonical name, or an alias that may also pin
// the variant (armhf -> arm/v7). Returns the row that defines it, or nullptr.
inline const Target* arch_row(std::string_view name) {
    for (const Target& t : targets())
        if (t.arch == name) return &t;
    for (const Target& t : targets())
        if (in_word_list(t.arch_aliases, name)) return &t;
    return nullptr;
}

inline bool arch_has_variant(std::string_view arch, std::string_view variant) {
    return std::any_of(targets().begin(), targets().end(),
                       [&](const Target& t) { return t.arch == arch && t.variant == variant; });
}

inline std::string_view default_variant(std::string_view arch) {
    for (const Target& t : targets())
        if (t.arch == arch && t.default_variant) return t.variant;
    return {};
}

inline std::string known_variants(std::string_view arch) {
    std::vector<std::string_view> vs;
    for (const Target& t : targets())
        if (t.arch == arch && !t.variant.empty() && std::find(vs.begin(), vs.end(), t.variant) == vs.end())
            vs.push_back(t.variant);
    std::sort(vs.begin(), vs.end());
    return vs.empty() ? std::string("none") : join(vs, ", ");
}

inline std::string platforms_of_os(std::string_view os) {
    std::vector<std::string> names;
    for (const Target& t : targets())
        if (t.os == os) names.push_back(platform_of(t).str().substr(os.size() + 1));
    return join(names, ", ");
}

// containerd spells variants with or without the leading v ("7", "v7"); a variant that is the
// arch's baseline (amd64/v1, arm64/v8) means no variant.
inline std::string normalize_variant(std::string_view arch, std::string_view variant) {
    std::string v = to_lower(variant);
    if (!v.empty() && v.front() >= '0' && v.front() <= '9') v.insert(v.begin(), 'v');
    for (const Target& t : targets())
        if (t.arch == arch && !v.empty() && t.implied_variant == v) return {};
    return v;
}

[[noreturn]] inline void bad_platform(std::string msg) { throw PlatformError(std::move(msg)); }

}  // namespace detail

inline Platform platform_of(const Target& t) {
    return {std::string(t.os), std::string(t.arch), std::string(t.variant)};
}

inline const Target& target_of(const Platform& p) {
    if (const Target* t = find_target(p.os, p.arch, p.variant)) return *t;
    throw PlatformError("unsupported platform '" + p.str() + "'; known for " + p.os + ": " +
                        detail::platforms_of_os(p.os));
}

inline Platform platform_for_machine(std::string_view machine) {
    if (const Target* t = find_target_by_uname(machine)) return platform_of(*t);
    return {"linux", "", ""};
}

inline Platform host_platform() {
    utsname u {};
    if (uname(&u) == 0) {
        Platform p = platform_for_machine(u.machine);
        if (!p.arch.empty()) return p;
    }
    // The kernel named a CPU the table does not know: fall back to what this program was built for.
    if (const Target* t = compiled_for_target()) return platform_of(*t);
    return {"linux", "", ""};
}

inline Platform parse_platform(std::string_view spec) {
    using namespace detail;
    const std::string original(trim(spec));
    const std::string s = to_lower(original);
    const std::string expect = "expected os/arch[/variant], e.g. linux/arm64 or linux/arm/v7";
    if (s.empty()) bad_platform("empty platform; " + expect);
    if (s == "local") return host_platform();

    std::vector<std::string_view> parts = split(s, '/');
    if (parts.size() > 3) bad_platform("too many parts in '" + original + "'; " + expect);
    for (auto part : parts)
        if (part.empty()) bad_platform("empty part in '" + original + "'; " + expect);

    auto is_os = [](std::string_view name) {
        auto oses = known_oses();
        return std::find(oses.begin(), oses.end(), name) != oses.end();
    };
    std::string os(parts[0] == "macos" ? "darwin" : parts[0]);
    std::string_view arch_name, variant_name;
    if (parts.size() == 1) {
        // A bare word is an arch (linux) or an OS (the host's arch), as in containerd.
        if (arch_row(os)) {
            arch_name = parts[0];
            os = "linux";
        } else if (is_os(os)) {
            Platform host = host_platform();
            host.os = os;
            if (!find_target(host.os, host.arch, host.variant))
                bad_platform("no " + os + " platform for this machine's architecture " + host.arch + "; known for " +
                             os + ": " + platforms_of_os(os));
            return host;
        } else {
            bad_platform("unknown operating system or architecture '" + original + "'; known operating systems: " +
                         join(known_oses(), ", ") + "; known architectures: " + join(known_arches(), ", "));
        }
    } else {
        arch_name = parts[1];
        if (parts.size() == 3) variant_name = parts[2];
        if (!is_os(os))
            bad_platform("unknown operating system '" + std::string(parts[0]) + "' in '" + original +
                         "'; known: " + join(known_oses(), ", "));
    }

    const Target* row = arch_row(arch_name);
    if (!row)
        bad_platform("unknown architecture '" + std::string(arch_name) + "' in '" + original +
                     "'; known: " + join(known_arches(), ", "));
    Platform p {os, std::string(row->arch), {}};
    if (row->arch != arch_name && !row->variant.empty()) {
        p.variant = row->variant;  // armhf, armel: the alias names the variant
    } else {
        p.variant = normalize_variant(p.arch, variant_name);
        if (!p.variant.empty() && !arch_has_variant(p.arch, p.variant))
            bad_platform("unknown variant '" + std::string(variant_name) + "' for " + p.arch + " in '" + original +
                         "'; known: " + known_variants(p.arch));
        if (p.variant.empty()) p.variant = default_variant(p.arch);
    }
    if (!find_target(p.os, p.arch, p.variant))
        bad_platform("unsupported platform '" + original + "'; known for " + p.os + ": " + platforms_of_os(p.os));
    return p;
}

inline std::vector<Platform> parse_platform_list(std::string_view specs) {
    std::vector<Platform> out;
    if (trim(specs).empty()) detail::bad_platform("empty platform list; expected os/arch[/variant],...");
    for (std::string_view item : split(specs, ',')) {
        if (trim(item).empty()) detail::bad_platform("empty item in platform list '" + std::string(specs) + "'");
        Platform p = parse_platform(item);
        if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(std::move(p));
    }
    return out;
}

inline bool runs_on(const Platform& host, const Platform& p) {
    if (host.os != p.os) return false;
    // Variants of one arch order as their names do: "" < v2 < v3 < v4, v5 < v6 < v7 < v8.
    if (host.arch == p.arch) return p.variant <= host.variant;
    // The 32-bit sibling, every variant of it: amd64 runs 386, arm64 runs arm/v8 and below.
    const Target* h = find_target(host.os, host.arch, host.variant);
    return h && !h->runs_32bit.empty() && h->runs_32bit == p.arch;
}

inline bool matches_strict(const Platform& want, const Platform& p) { return want == p; }

}  // namespace xbuild
