// xx-apt, xx-apt-get: apt / apt-get for the target's architecture. The rules are pure functions
// in xbuild/pkg/apt.hpp; this file gathers the system's state, runs the plan, and reports.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include "helpers.hpp"
#include "xbuild/fs.hpp"
#include "xbuild/pkg/apt.hpp"
#include "xbuild/pkg/sources_arch.hpp"
#include "xbuild/process.hpp"
#include "xbuild/strings.hpp"
#include "xbuild/target_env.hpp"

namespace fs = std::filesystem;
using namespace xbuild::pkg;

namespace xbuild::xx {

namespace {

constexpr const char* usage_format =
    "Usage: {me} [APT-OPTIONS] COMMAND [PACKAGES...]\n"
    "       {me} --print-source-file | --fix-source-file [FILE ARCH] | --help\n"
    "\n"
    "Runs {apt} for the target platform (TARGETPLATFORM, TARGETPAIR or TARGETOS/TARGETARCH/\n"
    "TARGETVARIANT; see xx-info). Options pass through in place; the first other argument is\n"
    "the {apt} command.\n"
    "\n"
    "When cross-compiling:\n"
    "  - packages of install, reinstall, remove, purge, autoremove, download, show, policy, ...\n"
    "    get :<debian-arch> (zlib1g-dev -> zlib1g-dev:arm64), unless already qualified (foo:amd64)\n"
    "    or a .deb file; build-dep gets -a <debian-arch>;\n"
    "  - gcc, g++, binutils are the host's cross packages gcc-<triple>, g++-<triple>,\n"
    "    binutils-<triple> (so `$(xx-info)-gcc` works);\n"
    "  - before update, upgrade, install, download, source, build-dep, show, search, list, ...: the\n"
    "    dpkg architecture is added, on Ubuntu the sources get ports.ubuntu.com for architectures\n"
    "    the main archive does not serve (as --fix-source-file), and `apt-get update` runs when one\n"
    "    of those changed something or no package list for the architecture exists yet.\n"
    "    `{me} update` does this first, so its one update fetches the target's lists too and a\n"
    "    following `{me} install` runs none. A failed update (some mirrors lack a suite's index\n"
    "    for some architectures) is a warning naming what failed: the command runs anyway, and\n"
    "    its own errors decide.\n"
    "Not cross-compiling, packages are left as they are (the update rule for missing lists holds).\n"
    "For a target that is not linux or windows (darwin, freebsd), installing is skipped, saying so.\n"
    "With no arguments, {apt} itself runs and prints its usage.\n"
    "\n"
    "Meta packages:\n"
    "  xx-c-essentials    libc6-dev libgcc-<N>-dev (N: the newest libgcc-<N>-dev apt knows,\n"
    "                     else the installed gcc's major version)\n"
    "  xx-cxx-essentials  the same plus libstdc++-<N>-dev\n"
    "\n"
    "Options of {me} (alone on the command line):\n"
    "  --print-source-file  print the main apt sources file\n"
    "  --fix-source-file    Ubuntu: restrict archive.ubuntu.com/security.ubuntu.com entries to the\n"
    "                       architectures they serve and add ports.ubuntu.com for the target\n"
    "  --fix-source-file FILE ARCH\n"
    "                       restrict every entry of FILE to ARCH (deb822: an Architectures field;\n"
    "                       one-line: [arch=ARCH]), as the shell helper does; twice changes nothing\n"
    "  --help               this text (apt's own: {apt} --help)\n"
    "\n"
    "Environment:\n"
    "  XX_APT_PREFER_CROSS=1  install Debian's <pkg>-<debian-arch>-cross packages where they exist\n"
    "                         (libc6-dev-arm64-cross, ...) instead of <pkg>:<debian-arch>\n"
    "  XX_APT_NOLOCK=1        do not take the lock (/var/lock/xx-apt) that serializes parallel calls\n"
    "  XX_ROOT                prefix of the files read and written (os-release, sources, package\n"
    "                         lists, lock): tests use a fake root; dpkg and apt run as found on PATH\n";

void usage(std::FILE* out, std::string_view me, std::string_view program) {
    std::string text = usage_format;
    for (auto [key, value] : {std::pair {std::string_view("{me}"), me}, {"{apt}", program}})
        for (auto pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos + value.size()))
            text.replace(pos, key.size(), value);
    std::fputs(text.c_str(), out);
}

std::string env_or(const char* name, std::string fallback = {}) {
    const char* v = std::getenv(name);
    return v && *v ? std::string(v) : fallback;
}

std::vector<std::string> lines_of(std::string_view text) {
    std::vector<std::string> out;
    for (auto l : split(text, '\n'))
        if (auto t = trim(l); !t.empty()) out.emplace_back(t);
    return out;
}

// sources.list, then sources.list.d/*.list and *.sources in name order: the files that exist.
std::vector<SourceFile> read_sources(const std::string& root) {
    std::vector<SourceFile> out;
    const std::string etc = root + "/etc/apt/";
    if (auto text = read_file(etc + "sources.list")) out.push_back({etc + "sources.list", *text});
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(etc + "sources.list.d", ec)) {
        std::string name = e.path().filename().string();
        if ((name.ends_with(".list") || name.ends_with(".sources")) && e.is_regular_file(ec)) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    for (const auto& n : names)
        if (auto text = read_file(etc + "sources.list.d/" + n)) out.push_back({etc + "sources.list.d/" + n, *text});
    return out;
}

std::vector<std::string> list_files(const std::string& root) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root + "/var/lib/apt/lists", ec))
        out.push_back(e.path().filename().string());
    return out;
}

std::string capture_line(const std::vector<std::string>& argv) {
    try {
        auto r = capture_program(argv);
        return r.status == 0 ? std::string(trim(r.out)) : std::string();
    } catch (const ProcessError&) { return {}; }
}

// The user's options that should also shape our `apt-get update`: -q..., -o X, -c X.
std::vector<std::string> update_options(const AptArgs& args) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < args.args.size(); ++i) {
        const std::string& a = args.args[i];
        if (static_cast<int>(i) == args.command || args.operand[i]) continue;
        if (a.starts_with("-q") || a.starts_with("--quiet") || a.starts_with("--option=") ||
            a.starts_with("--config-file=") || (a.starts_with("-o") && a.size() > 2) ||
            (a.starts_with("-c") && a.size() > 2)) {
            out.push_back(a);
        } else if ((a == "-o" || a == "-c" || a == "--option" || a == "--config-file") && i + 1 < args.args.size()) {
            out.push_back(a);
            out.push_back(args.args[++i]);
        }
    }
    return out;
}

class AptHelper {
   public:
    AptHelper(std::string_view me, AptTool tool)
        : me_(me), tool_(tool), root_(env_or("XX_ROOT")), distro_(read_os_release(root_).id) {}

    int print_source_file() {
        std::string path = main_source_file(read_sources(root_), root_, distro_);
        if (path.empty()) return fail("no apt sources file in " + root_ + "/etc/apt");
        std::printf("%s\n", path.c_str());
        return 0;
    }

    int fix_source_file() {
        if (distro_ != "ubuntu") return 0;  // only Ubuntu splits its architectures over two hosts
        const auto env = TargetEnv::from_process();
        const std::string arch(env.debian_arch());
        auto lock = take_lock();
        std::vector<SourceFile> changed;
        for (const SourceFile& f : read_sources(root_)) {
            std::string fixed = fix_ubuntu_sources(f.text, source_format(f.path), arch);
            if (fixed != f.text) changed.push_back({f.path, fixed});
        }
        write_sources(changed, arch);
        return 0;
    }

    int run(const AptArgs& args) {
        const std::string program(program_name(tool_));
        auto path = find_program(program);
        if (!path) {
            std::string id = distro_.empty() ? "unknown" : distro_;
            if (distro_ == "debian" || distro_ == "ubuntu") return fail(program + " not found on PATH", 127);
            return fail(program + " not found: this is not a Debian or Ubuntu system (ID=" + id + ")" +
                            (distro_ == "alpine" ? "; use xx-apk" : ""),
                        127);
        }
        const auto env = TargetEnv::from_process();
        const bool prefer_cross = !env_or("XX_APT_PREFER_CROSS").empty();
        // Debian has no packages for darwin or freebsd targets (mingw-w64 serves windows).
        if (env.os() != "linux" && env.os() != "windows" && apt_command_takes_packages(args.command_name())) {
            std::fprintf(stderr, "%s: skipping packages installation on %s\n", me_.c_str(), env.os().c_str());
            return 0;
        }

        std::unique_ptr<ExclusiveLock> lock;
        if (apt_command_needs_setup(args.command_name())) {
            lock = take_lock();
            if (int status = set_up(args, env); status != 0) return status;
        }

        AptPackages packages;
        if (needs_package_names(args, env, prefer_cross)) packages = package_names();
        const auto argv = plan_apt_command(tool_, args, env, packages, prefer_cross);
        if (!lock) exec_program(*path, argv);
        return run_program(argv);  // the lock is held until the command is done
    }

   private:
    int fail(const std::string& msg, int status = 1) const {
        std::fprintf(stderr, "%s: %s\n", me_.c_str(), msg.c_str());
        return status;
    }
    void warn(const std::string& msg) const { std::fprintf(stderr, "%s: warning: %s\n", me_.c_str(), msg.c_str()); }

    // Serializes xx-apt calls that change the system; none when XX_APT_NOLOCK is set, or when the
    // lock cannot be made (not root: such a call changes nothing, or fails saying so).
    std::unique_ptr<ExclusiveLock> take_lock() const {
        if (!env_or("XX_APT_NOLOCK").empty()) return nullptr;
        const std::string path = root_ + "/var/lock/xx-apt";
        std::error_code ec;
        fs::create_directories(fs::path(path).parent_path(), ec);
        try {
            return std::make_unique<ExclusiveLock>(path, me_ + ": waiting for another xx-apt (lock " + path + ")");
        } catch (const std::runtime_error& e) {
            if (::geteuid() == 0) warn(std::string(e.what()) + "; going on without the lock");
            return nullptr;
        }
    }

    void write_sources(const std::vector<SourceFile>& files, const std::string& arch) const {
        for (const SourceFile& f : files) {
            write_file_atomically(f.path, f.text);
            std::fprintf(stderr,
                         "%s: %s: %s packages now come from ports.ubuntu.com; the main archive is limited to %s\n",
                         me_.c_str(), f.path.c_str(), arch.c_str(), join(ubuntu_main_archive_arches(), ", ").c_str());
        }
    }

    int set_up(const AptArgs& args, const TargetEnv& env) {
        AptSystem system;
        system.distro = distro_;
        system.native_arch = capture_line({"dpkg", "--print-architecture"});
        const bool cross = env.is_cross();
        if (cross) system.foreign_archs = lines_of(capture_program({"dpkg", "--print-foreign-architectures"}).out);
        system.list_files = list_files(root_);
        if (cross && distro_ == "ubuntu") system.sources = read_sources(root_);

        const AptSetup setup = plan_apt_setup(args, env, system);
        if (!setup.changes_system()) return 0;
        if (::geteuid() != 0) {
            std::vector<std::string> steps;
            if (!setup.add_arch.empty()) steps.push_back("add the " + setup.add_arch + " dpkg architecture");
            if (!setup.new_sources.empty()) steps.push_back("add ports.ubuntu.com to the apt sources");
            if (setup.update) steps.push_back("update the package lists (" + setup.update_reason + ")");
            return fail("must run as root to " + join(steps, ", ") + "; run it as root (as in a Dockerfile RUN)");
        }

        const std::string arch = cross ? std::string(env.debian_arch()) : system.native_arch;
        write_sources(setup.new_sources, arch);
        if (!setup.add_arch.empty()) {
            if (int status = run_program({"dpkg", "--add-architecture", setup.add_arch}); status != 0)
                return fail(
                    "dpkg --add-architecture " + setup.add_arch + " failed (exit " + std::to_string(status) + ")",
                    status);
        }
        if (setup.update) {
            std::vector<std::string> update {"apt-get"};
            auto opts = update_options(args);
            update.insert(update.end(), opts.begin(), opts.end());
            update.push_back("update");
            std::fprintf(stderr, "%s: running apt-get update: %s\n", me_.c_str(), setup.update_reason.c_str());
            std::fflush(stderr);
            auto r = capture_program(update);
            std::fwrite(r.out.data(), 1, r.out.size(), stdout);
            std::fflush(stdout);
            if (r.status != 0) {
                auto errors = apt_update_errors(r.out);
                warn("apt-get update exited " + std::to_string(r.status) +
                     (errors.empty() ? std::string(" (see its errors above)") : "; failed: " + join(errors, "; ")) +
                     ". Going on: the " + args.command_name() + " decides.");
            }
        }
        return 0;
    }

    static AptPackages package_names() {
        AptPackages p;
        try {
            auto r = capture_program({"apt-cache", "pkgnames"});
            for (auto name : split(r.out, '\n')) {
                name = trim(name);
                if (auto colon = name.find(':'); colon != std::string_view::npos) name = name.substr(0, colon);
                if (!name.empty()) p.names.emplace(name);
            }
        } catch (const ProcessError&) {}
        std::string version = capture_line({"gcc", "-dumpversion"});
        p.gcc_major = version.substr(0, version.find('.'));
        return p;
    }

    std::string me_;
    AptTool tool_;
    std::string root_;
    std::string distro_;  // the system's os-release ID
};

}  // namespace

int apt_main(std::string_view invoked_as, Args args) {
    const AptTool tool = invoked_as == "xx-apt" ? AptTool::apt : AptTool::apt_get;
    const std::string me(invoked_as);
    std::vector<std::string> argv(args.begin(), args.end());
    if (argv.empty()) {  // as the shell helper: apt's own usage, and its status
        const std::string program(program_name(tool));
        if (const auto path = find_program(program)) exec_program(*path, {program});
        usage(stderr, me, program);
        return 2;
    }
    if (argv[0] == "--fix-source-file" && argv.size() == 3) {
        try {
            const auto text = read_file(argv[1]);
            if (!text) throw std::runtime_error("cannot read " + argv[1]);
            const std::string fixed = restrict_sources_to_arch(*text, source_format(argv[1]), argv[2]);
            if (fixed != *text) write_file_atomically(argv[1], fixed, 0644);
            return 0;
        } catch (const std::exception& e) {
            std::fprintf(stderr, "%s: --fix-source-file: %s\n", me.c_str(), e.what());
            return 1;
        }
    }
    if (argv[0] == "--help" || argv[0] == "-h") {
        usage(stdout, me, program_name(tool));
        return 0;
    }
    for (std::size_t i = 0; i < argv.size(); ++i) {
        if ((argv[i] == "--print-source-file" || argv[i] == "--fix-source-file") && argv.size() != 1) {
            std::fprintf(stderr, "%s: %s takes no other arguments%s (see %s --help)\n", me.c_str(), argv[i].c_str(),
                         argv[i] == "--fix-source-file" ? " but FILE ARCH" : "", me.c_str());
            return 2;
        }
    }

    AptHelper helper(me, tool);
    try {
        if (argv[0] == "--print-source-file") return helper.print_source_file();
        if (argv[0] == "--fix-source-file") return helper.fix_source_file();
        AptArgs parsed;
        try {
            parsed = parse_apt_args(argv);
        } catch (const UsageError& e) {
            std::fprintf(stderr, "%s: %s (see %s --help)\n", me.c_str(), e.what(), me.c_str());
            return 2;
        }
        return helper.run(parsed);
    } catch (const UnsupportedTarget& e) {
        std::fprintf(stderr, "%s: %s\n", me.c_str(), e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", me.c_str(), e.what());
        return 1;
    }
}

}  // namespace xbuild::xx
