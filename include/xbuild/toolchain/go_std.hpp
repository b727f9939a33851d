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
// apt-get and dpkg-deb; the exact installed version, so the files match the compiler. Each
// failure only warns: the build then compiles the standard library as it would have.
//
//   auto plan = xbuild::toolchain::plan_go_std(facts);
//   if (plan.action == GoStdAction::fetch) ... plan.package, plan.member, plan.destination
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "../targets.hpp"

namespace xbuild::toolchain {

// What xx-go knows before deciding (from `go env` and dpkg-query, see src/xx/go_std.cpp).
struct GoStdFacts {
    bool enabled = false;      // XX_AUTO_INSTALL=1
    bool compiles = false;     // the go command builds packages (build, install, run, test)
    std::string goroot;        // go env GOROOT
    std::string goos, goarch;  // the target, as go sees it (the user's GOOS/GOARCH win)
    std::string goarm;         // for GOARCH=arm: 5 means Debian's armel, else armhf
    std::string gohostos, gohostarch;
    bool target_pkg_exists = false;  // GOROOT/pkg/<goos>_<goarch> is there
    std::string installed_version;   // dpkg's version of golang-1.NN-go ("" = not Debian's package)
    bool root = false, apt_get = false, dpkg_deb = false;
};

enum class GoStdAction {
    none,   // nothing to do, nothing to say (not asked, not cross, not Debian's Go, already there)
    warn,   // it would help, but cannot be done here: `reason` says why
    fetch,  // fetch `package` and unpack `member` to `destination`
};

struct GoStdPlan {
    GoStdAction action = GoStdAction::none;
    std::string reason;       // why none/warn; for fetch, what is fetched (for the message)
    std::string package;      // golang-1.19-go:arm64=1.19.8-2
    std::string member;       // ./usr/lib/go-1.19/pkg/linux_arm64 (a path in the package)
    std::string destination;  // <GOROOT>/pkg/linux_arm64
};

// "1.19" when `goroot` is Debian's layout, a path ending in /usr/lib/go-1.NN; else nullopt.
std::optional<std::string> debian_go_release(std::string_view goroot);

// The Debian architecture that ships Go's standard library for GOOS=linux/`goarch`
// (arm: armel for GOARM=5, else armhf): the table's debian_go column; nullopt when Debian has
// no Go for it.
std::optional<std::string> debian_arch_for_go(std::string_view goarch, std::string_view goarm);

GoStdPlan plan_go_std(const GoStdFacts& facts);

}  // namespace xbuild::toolchain

#include "impl/go_std.inl"
