// xbuild/toolchain/go_std.hpp: when xx-go may fetch Debian's precompiled standard library for
// the target (XX_AUTO_INSTALL=1).
//
// Debian's Go (golang-1.NN-go, GOROOT /usr/lib/go-1.NN) ships the standard library compiled for
// its own architecture only, in GOROOT/pkg/linux_<arch>. A build for the machine's own
// architecture, native or under QEMU, starts with it; a cross build compiles it first (for
// examples/go, most of the build's time). Debian's package for the target architecture holds
// the target's copy, and Go takes those .a files as up to date when the same Go release built
// them (`go list -f {{.Stale}} std` says false), so xx-go can fetch it instead of compiling:
//   xx-apt-get download golang-1.NN-go:<arch>=<the installed version>, then only
//   ./usr/lib/go-1.NN/pkg/<goos>_<goarch> unpacked (without cmd/, which builds do not use)
//   into GOROOT/pkg through a temporary folder and a rename.
// Only for a cross build of a Debian GOROOT whose target folder is missing, as root with
// apt-get and dpkg-deb; the exact installed version, so the files match the compiler; and only
// when Debian built its std for the target's GO* variant value (the table's debian_go: armhf's
// is GOARM=6's, which go takes as stale for GOARM=7, so arm/v7 compiles it). Each failure only
// warns: the build then compiles the standard library as it would have.
//
// The cache: the unpacked folder is kept in
//   ${XDG_CACHE_HOME:-$HOME/.cache}/xx/go-std/golang-1.NN-go_<version>_<arch>/<goos>_<goarch>
// (put there whole by a rename, so a concurrent xx-go sees it complete or not at all), and the
// next build copies it into GOROOT/pkg instead of apt-get update, download and unpack: a layer
// rebuilt with a cache mount on the cache folder (BuildKit keeps those) pays no fetch. When the
// cache folder cannot be written, xx-go unpacks beside the destination as without it.
//
//   auto plan = xbuild::toolchain::plan_go_std(facts);
//   if (plan.action == GoStdAction::fetch) ... plan.package, plan.member, plan.destination
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../targets.hpp"

namespace xbuild::toolchain {

// What xx-go knows before deciding (from `go env` and dpkg-query, see src/xx/go_std.cpp).
struct GoStdFacts {
    bool enabled = false;      // XX_AUTO_INSTALL=1
    bool compiles = false;     // the go command builds packages (build, install, run, test)
    std::string goroot;        // go env GOROOT
    std::string goos, goarch;  // the target, as go sees it (the user's GOOS/GOARCH win)
    // The value of goarch's GO* variant variable (go_variant_variable: GOARM=7, GOAMD64=v1, ...),
    // as go sees it; "" for a goarch without one.
    std::string go_variant;
    std::string gohostos, gohostarch;
    bool target_pkg_exists = false;  // GOROOT/pkg/<goos>_<goarch> is there
    std::string installed_version;   // dpkg's version of golang-1.NN-go ("" = not Debian's package)
    bool root = false, apt_get = false, dpkg_deb = false;
    std::string cache_home;  // go_std_cache_home(): the user's cache folder, "" for none
    bool cached = false;     // the plan's cache_entry is there (xx-go plans again once it looked)
};

enum class GoStdAction {
    none,   // nothing to do, nothing to say (not asked, not cross, not Debian's Go, already there)
    warn,   // it would help, but cannot be done here: `reason` says why
    fetch,  // fetch `package` and unpack `member` to `destination` (and keep it in `cache_entry`)
    copy,   // copy `cache_entry` (a fetch of an earlier build) to `destination`
};

struct GoStdPlan {
    GoStdAction action = GoStdAction::none;
    std::string reason;   // why none/warn; for fetch, what is fetched (for the message)
    std::string package;  // golang-1.19-go:arm64=1.19.8-2
    // The TARGETPLATFORM xx-apt-get downloads it for: a linux platform whose Debian architecture
    // is the package's (linux/arm/v7 for armhf's, which arm/v6 uses while its own is armel).
    std::string apt_platform;
    std::string member;       // ./usr/lib/go-1.19/pkg/linux_arm64 (a path in the package)
    std::string destination;  // <GOROOT>/pkg/linux_arm64
    // <cache_home>/xx/go-std/golang-1.19-go_1.19.8-2_arm64/linux_arm64; "" without cache_home.
    std::string cache_entry;
};

// "1.19" when `goroot` is Debian's layout, a path ending in /usr/lib/go-1.NN; else nullopt.
std::optional<std::string> debian_go_release(std::string_view goroot);

// The GO* variable that selects goarch's variant (the table's go_var: "GOARM" for arm), "" for none.
std::string_view go_variant_variable(std::string_view goarch);

// Every such variable once, in the table's order: the names xx-go asks `go env` for.
std::vector<std::string_view> go_variant_variables();

// The Debian architecture that ships Go's standard library built for GOOS=linux/`goarch` with
// `variant` as its GO* variable (arm: armel for GOARM=5, armhf for GOARM=6): the debian_go column
// of the linux row with that go_arch and go_value; nullopt when Debian has none go would take.
std::optional<std::string> debian_arch_for_go(std::string_view goarch, std::string_view variant);

// The user's cache folder: `xdg_cache_home` when it is an absolute path, else `home`/.cache when
// `home` is one, else "" (either may be null: the unset variable).
std::string go_std_cache_home(const char* xdg_cache_home, const char* home);

GoStdPlan plan_go_std(const GoStdFacts& facts);

}  // namespace xbuild::toolchain

#include "impl/go_std.inl"
