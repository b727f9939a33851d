// xbuild/platform.hpp: OCI platform specifiers, parsed and matched the way containerd does.
//
//   Platform p = parse_platform("aarch64");        // linux/arm64
//   auto list = parse_platform_list("linux/amd64, armhf,local");
//   bool ok = runs_on(host_platform(), p);         // can this machine run p natively?
//
// Input is case-insensitive and normalized: aarch64 and arm64/v8 -> arm64, armhf -> arm/v7,
// armel -> arm/v6, bare arm -> arm/v7, x86_64/x86-64 -> amd64, amd64/v1 -> amd64, i386/i686 -> 386,
// macos -> darwin; a bare architecture means linux, a bare OS means the host's architecture, and
// `local` means the host. Only platforms with a row in the platform table (targets.hpp) parse;
// errors name the bad part and list what is valid.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "targets.hpp"

namespace xbuild {

struct Platform {
    std::string os;
    std::string arch;
    std::string variant;  // "" when none

    std::string str() const;  // "linux/arm/v7", "linux/arm64"
    friend bool operator==(const Platform&, const Platform&) = default;
};

// A platform string that does not name a known platform.
class PlatformError : public std::invalid_argument {
   public:
    using std::invalid_argument::invalid_argument;
};

// Parses and normalizes one specifier. Throws PlatformError.
Platform parse_platform(std::string_view spec);

// Comma-separated specifiers, blanks around items ignored, duplicates (after normalization) dropped.
// Throws PlatformError naming the bad item.
std::vector<Platform> parse_platform_list(std::string_view specs);

// The machine this runs on: `uname -m` read through the table (linux).
Platform host_platform();
// The same for a given `uname -m` value; nullopt-like empty arch when the table does not know it.
Platform platform_for_machine(std::string_view machine);

// The table row of a parsed platform (parse_platform only returns platforms that have one).
const Target& target_of(const Platform& p);
// The platform a table row stands for.
Platform platform_of(const Target& t);

// containerd's `Only`: can a `host` CPU run `p` natively? Same OS, and: the same platform, a lower
// variant (amd64/v3 runs v2 and v1, arm/v8 runs v7..v5), or the 32-bit sibling (amd64 runs 386,
// arm64 runs arm/v8..v5).
bool runs_on(const Platform& host, const Platform& p);
// containerd's `OnlyStrict`: the same platform after normalization, nothing else.
bool matches_strict(const Platform& want, const Platform& p);

// Every known os, and every known arch (canonical names, table order), for messages and --help.
std::vector<std::string_view> known_oses();
std::vector<std::string_view> known_arches();

}  // namespace xbuild

#include "impl/platform.inl"
