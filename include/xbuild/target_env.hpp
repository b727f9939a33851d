// xbuild/target_env.hpp: which target a helper builds for, and the names it has on this distro.
//
// The model behind `xx-info`, shared by every helper. It reproduces the xx shell helpers'
// rules (shared/docs/xx-compat.md):
//  - the target comes from TARGETPLATFORM, else TARGETPAIR, else TARGETOS/TARGETARCH/TARGETVARIANT,
//    else the running machine (`uname -m`, OS linux); `arm` means arm/v7; the plain fields are
//    kept as given and never fail;
//  - the vendor and libc come from /etc/os-release (ID, VERSION_ID) unless XX_VENDOR/XX_LIBC say;
//  - names that need the platform table (triple, march, ...) fail for a target it does not have,
//    with "unsupported target: os=<os> arch=<arch>".
//
//   auto env = xbuild::TargetEnv::from_process();
//   std::cout << env.triple();     // aarch64-linux-gnu on Debian, for TARGETPLATFORM=linux/arm64
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "targets.hpp"

namespace xbuild {

// The two fields of os-release(5) the helpers use.
struct OsRelease {
    bool present = false;
    std::string id;          // ID: debian, ubuntu, alpine, fedora, rhel, ...
    std::string version_id;  // VERSION_ID: 12, 22.04, 3.18, ...
};

// Parses os-release text the way a shell that sources it would read ID and VERSION_ID
// (KEY=value, KEY="value", KEY='value', backslash escapes inside double quotes).
OsRelease parse_os_release(std::string_view text);

// Reads <root>/etc/os-release; `present` is false when the file is missing.
OsRelease read_os_release(const std::string& root = "");

// Reads a variable; "" when unset (the shell helpers treat unset and empty alike).
using EnvLookup = std::function<std::string(std::string_view name)>;
EnvLookup process_env();

// `uname -m` of the running machine, or XX_TEST_MACHINE (the tests' stand-in) when set. A `uname`
// on PATH that is not the system's (a wrapper faking the machine) is run, as the shell helper
// runs `uname -m`; otherwise the kernel is asked, without a process.
std::string running_machine(const EnvLookup& env);

// The target is outside the platform table: the xx helpers' wording, plus what is known.
class UnsupportedTarget : public std::runtime_error {
   public:
    using std::runtime_error::runtime_error;
};

class TargetEnv {
   public:
    // Environment variables read: TARGETPLATFORM, TARGETPAIR, TARGETOS, TARGETARCH, TARGETVARIANT,
    // XX_VENDOR, XX_LIBC, MACOSX_VERSION_MIN, ARM_TARGET_ARCH, RISCV64_TARGET_ARCH.
    // `machine` is `uname -m` of the running machine.
    static TargetEnv resolve(const EnvLookup& env, const OsRelease& os_release, std::string_view machine);

    // From this process: its environment, uname(2), and $XX_ROOT/etc/os-release. XX_ROOT (default
    // "/") lets tests point the helpers at a fake root; XX_TEST_MACHINE stands in for `uname -m`.
    // `env` replaces the process environment as the source of variables (tests, prefixed tools).
    static TargetEnv from_process(const EnvLookup& env = process_env());

    // Plain fields: as given, never fail.
    const std::string& os() const { return os_; }
    const std::string& arch() const { return arch_; }
    const std::string& variant() const { return variant_; }
    const std::string& vendor() const { return vendor_; }  // XX_VENDOR
    const std::string& libc() const { return libc_; }      // gnu, musl, mingw32
    const std::string& os_version() const { return os_version_; }

    // Names from the table: throw UnsupportedTarget when the target has no row.
    const Target& target() const;
    std::string triple() const;      // aarch64-linux-gnu, armv7-alpine-linux-musleabihf, ...
    std::string_view march() const;  // uname -m of the target
    std::string_view debian_arch() const;
    std::string_view alpine_arch() const;
    std::string_view rhel_arch() const;
    std::string_view pkg_arch() const;  // per the distro: debian, alpine or rhel name, else arch
    std::string sysroot() const;        // "/", or "/<triple>/" for a cross target on Alpine
    bool is_cross() const;              // the target is not the running machine

    // `xx-info env`: XX_OS ... TARGETVARIANT as KEY=value lines.
    std::string env_lines() const;

   private:
    std::string os_, arch_, variant_;
    std::string vendor_;  // XX_VENDOR as xx-info prints it
    std::string distro_;  // the vendor before the target OS's own (apple, w64): chooses pkg-arch
    std::string libc_, os_version_, macosx_min_;
    std::string triple_arch_override_;  // ARM_TARGET_ARCH / RISCV64_TARGET_ARCH, when set
    std::string host_machine_;
    const Target* target_ = nullptr;
};

}  // namespace xbuild

#include "impl/target_env.inl"
