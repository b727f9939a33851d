// xbuild/pkg/apt.hpp: xx-apt / xx-apt-get planning, apt for the target's architecture.
//
// Everything here that decides is a pure function: an apt command line and a snapshot of the
// system (foreign architectures, package lists, sources files, package names) in, the steps to
// take and the final command line out. src/xx/apt.cpp only gathers the snapshot and runs the plan,
// so the rules below are unit-tested without touching a system.
//
// The rules (shared/docs/xx-compat.md, and the xx shell helper's behaviour):
//  - options pass through in place; the first non-option is the apt command;
//  - cross-compiling, the packages of install/remove/purge/download/... get `:<debian-arch>`
//    unless already qualified (`:` in the name) or a file (`./x.deb`);
//  - `xx-c-essentials` -> libc6-dev libgcc-<N>-dev, `xx-cxx-essentials` -> the same plus
//    libstdc++-<N>-dev, N the newest gcc whose libgcc-<N>-dev apt knows;
//  - cross-compiling, `gcc`, `g++`, `binutils` are the host's cross packages gcc-<triple>, ...;
//  - XX_APT_PREFER_CROSS: a library `P` is `P-<debian-arch>-cross` where apt knows that name;
//  - cross-compiling, the dpkg architecture is added, Ubuntu's sources get ports.ubuntu.com for a
//    non-x86 architecture, and `apt-get update` runs when one of those changed something or no
//    package list for the architecture exists yet.
//
//   auto args = xbuild::pkg::parse_apt_args({"install", "-y", "zlib1g-dev"});
//   auto setup = xbuild::pkg::plan_apt_setup(args, env, system);   // arch, sources, update
//   auto argv = xbuild::pkg::plan_apt_command(xbuild::pkg::AptTool::apt_get, args, env, names);
//   // argv == {"apt-get", "install", "-y", "zlib1g-dev:arm64"} for TARGETPLATFORM=linux/arm64
#pragma once

#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "../target_env.hpp"

namespace xbuild::pkg {

// A command line apt would reject before we run anything (an option missing its value, ...).
class UsageError : public std::runtime_error {
   public:
    using std::runtime_error::runtime_error;
};

enum class AptTool { apt, apt_get };
std::string_view program_name(AptTool tool);  // "apt" or "apt-get"

// An apt command line, split into options and the command with its operands.
struct AptArgs {
    std::vector<std::string> args;            // as given, without the program name
    int command = -1;                         // index of the apt command (install, update, ...); -1: none
    std::vector<bool> operand;                // args[i] is an operand of the command (not an option or its value)
    const std::string& command_name() const;  // "" when there is none
};

// Splits args the way apt-get does: `-o X=Y`, `-t R`, `-c F`, `-a A`, `-P P` and their long forms
// take the next argument unless written `--opt=value` or `-oX=Y`. Throws UsageError.
AptArgs parse_apt_args(std::vector<std::string> args);

// Commands whose operands are binary package names that get the target's :arch
// (install, reinstall, remove, purge, autoremove, autopurge, download, show, policy, depends,
// rdepends, changelog).
bool apt_command_takes_packages(std::string_view command);
// Commands that need the target's architecture and package lists in place first (update,
// upgrade, dist-upgrade, full-upgrade, install, reinstall, download, source, build-dep, satisfy).
bool apt_command_needs_setup(std::string_view command);

// What apt knows about package names (`apt-cache pkgnames`), for the meta names and
// XX_APT_PREFER_CROSS. Gathered only when needs_package_names() says so.
struct AptPackages {
    std::set<std::string, std::less<>> names;
    std::string gcc_major;  // the installed gcc's major version, used when `names` has no libgcc-<N>-dev
};
// N of the newest libgcc-<N>-dev in `names`, else `gcc_major`, else "" (then the essentials are
// libc6-dev alone).
std::string newest_gcc_major(const AptPackages& packages);
// True when planning the command needs AptPackages (a meta name, or XX_APT_PREFER_CROSS with
// packages to look up).
bool needs_package_names(const AptArgs& args, const TargetEnv& env, bool prefer_cross);

// The apt command to run: [program, args...] with the operands rewritten for the target.
// Throws UnsupportedTarget when cross-compiling to a target outside the platform table.
std::vector<std::string> plan_apt_command(AptTool tool, const AptArgs& args, const TargetEnv& env,
                                          const AptPackages& packages, bool prefer_cross = false);

// ---- sources files ---------------------------------------------------------------------------

enum class SourceFormat { one_line, deb822 };  // *.list / sources.list, and *.sources
SourceFormat source_format(std::string_view path);

struct SourceFile {
    std::string path;
    std::string text;
};

// True when one-line sources text has an entry (a line that is not blank or a comment).
bool has_entries(std::string_view one_line_text);

// Ubuntu's main archive (archive.ubuntu.com, its country mirrors, security.ubuntu.com) serves
// only a few architectures (targets.hpp: ubuntu_main_archive_arches); the others live on
// ports.ubuntu.com/ubuntu-ports. For a `debian_arch` of the ports, this restricts the main
// archive's binary entries that have no architecture list to the main archive's architectures,
// and gives each such suite a ports entry for `debian_arch` (adding the architecture to an
// existing ports entry of the same suite and components). Other entries, and files already
// fixed, are left as they are: fixing twice changes nothing. For a main-archive architecture,
// the text comes back unchanged.
std::string fix_ubuntu_sources(std::string_view text, SourceFormat format, std::string_view debian_arch);

// The main sources file: <root>/etc/apt/sources.list if it has entries, else the distro's deb822
// file in sources.list.d (debian.sources, ubuntu.sources), else "". `existing` holds the files
// that exist (path and text).
std::string main_source_file(const std::vector<SourceFile>& existing, std::string_view root, std::string_view distro);

// ---- the set-up before the command ---------------------------------------------------------------

// The system as the set-up needs it.
struct AptSystem {
    std::string distro;                      // os-release ID of the system (not XX_VENDOR)
    std::string native_arch;                 // dpkg --print-architecture
    std::vector<std::string> foreign_archs;  // dpkg --print-foreign-architectures
    std::vector<std::string> list_files;     // file names in /var/lib/apt/lists
    std::vector<SourceFile> sources;         // sources.list and sources.list.d/*.{list,sources}
};

struct AptSetup {
    std::string add_arch;                 // dpkg --add-architecture <add_arch>, "" for none
    std::vector<SourceFile> new_sources;  // files to rewrite, with their new text
    bool update = false;                  // apt-get update before the command
    std::string update_reason;            // why, for messages
    bool changes_system() const { return !add_arch.empty() || !new_sources.empty() || update; }
};

// True when `list_files` has a package list for `debian_arch` (…binary-<arch>_Packages[.xz|.lz4…]).
bool has_package_lists(const std::vector<std::string>& list_files, std::string_view debian_arch);

// What to do before the command. Nothing unless the command needs set-up (apt_command_needs_setup).
// Cross-compiling: add the dpkg architecture when it is neither native nor foreign yet; on Ubuntu,
// fix the sources for a ports architecture. Then update the lists (unless the command is `update`
// itself) when anything changed or no list for the architecture exists.
AptSetup plan_apt_setup(const AptArgs& args, const TargetEnv& env, const AptSystem& system);

// The "Err:" lines of `apt-get update` output, for the warning after a failed update.
std::vector<std::string> apt_update_errors(std::string_view update_output);

}  // namespace xbuild::pkg

#include "impl/apt.inl"
