// xx-apk: apk for the target; into a root of its own, /<triple>, when cross-compiling. The rules
// are pure functions in xbuild/pkg/apk.hpp; this file looks at the target root, prepares it, runs
// the plan and removes the target's programs afterwards.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "helpers.hpp"
#include "xbuild/fs.hpp"
#include "xbuild/pkg/apk.hpp"
#include "xbuild/process.hpp"
#include "xbuild/strings.hpp"
#include "xbuild/target_env.hpp"

namespace fs = std::filesystem;
using namespace xbuild::pkg;

namespace xbuild::xx {

namespace {

constexpr const char* usage_text =
    "Usage: xx-apk [APK-OPTIONS] APPLET [PACKAGES...]\n"
    "       xx-apk --help\n"
    "\n"
    "Runs apk for the target platform (TARGETPLATFORM, TARGETPAIR or TARGETOS/TARGETARCH/\n"
    "TARGETVARIANT; see xx-info). Not cross-compiling, this is apk itself.\n"
    "\n"
    "When cross-compiling, packages go into the target's own root, /<triple> (xx-info sysroot):\n"
    "  apk --root /<triple> --arch <alpine-arch> --no-scripts ARGS...\n"
    "On first use the root gets /etc/apk/keys (plus /usr/share/apk/keys/<alpine-arch>) and\n"
    "/etc/apk/repositories, and its apk database (--initdb). After add, fix and upgrade the files\n"
    "in the root's usr/bin, bin, usr/sbin and sbin are deleted: they are programs for the target,\n"
    "which cannot run here and would confuse PATH lookups.\n"
    "\n"
    "Meta packages (add, del):\n"
    "  xx-c-essentials    musl-dev gcc (gcc holds crtbegin*.o, libgcc.a and libgcc_eh.a)\n"
    "  xx-cxx-essentials  the same plus libstdc++-dev (g++ before Alpine 3.17)\n"
    "\n"
    "Environment:\n"
    "  XX_APK_KEEP_BINARIES=1  keep the target root's usr/bin, bin, usr/sbin and sbin files\n"
    "  XX_APK_NOLOCK=1         do not take the lock (/var/lock/xx-apk) that serializes parallel calls\n"
    "  XX_ROOT                 prefix of the files read and written (os-release, keys, repositories,\n"
    "                          the target root, lock): tests use a fake root; apk runs as found on PATH\n";

std::string env_or(const char* name) {
    const char* v = std::getenv(name);
    return v && *v ? std::string(v) : std::string();
}

int fail(const std::string& msg, int status = 1) {
    std::fprintf(stderr, "xx-apk: %s\n", msg.c_str());
    return status;
}

// Copies the files of `from` that `to` lacks (atomically each). Missing `from`: nothing.
void copy_missing_files(const fs::path& from, const fs::path& to) {
    std::error_code ec;
    if (!fs::is_directory(from, ec)) return;
    fs::create_directories(to);
    for (const auto& e : fs::directory_iterator(from)) {
        if (!e.is_regular_file()) continue;  // follows symlinks: /etc/apk/keys holds links on Alpine
        fs::path dst = to / e.path().filename();
        if (fs::exists(fs::symlink_status(dst))) continue;
        auto text = read_file(e.path().string());
        if (!text) throw std::runtime_error("cannot read " + e.path().string());
        write_file_atomically(dst.string(), *text);
    }
}

// <root>/etc/apk from the system's keys and repositories.
void copy_config(const std::string& xx_root, const std::string& root, const std::string& arch) {
    const fs::path apk = fs::path(root) / "etc/apk";
    fs::create_directories(apk / "keys");
    copy_missing_files(xx_root + "/etc/apk/keys", apk / "keys");
    // alpine-keys installs every architecture's keys here; /etc/apk/keys links only the native ones.
    copy_missing_files(xx_root + "/usr/share/apk/keys/" + arch, apk / "keys");
    auto repositories = read_file(xx_root + "/etc/apk/repositories");
    if (!repositories) throw std::runtime_error("cannot read " + xx_root + "/etc/apk/repositories");
    write_file_atomically((apk / "repositories").string(), *repositories);
}

// Deletes the files (not folders) in the root's binary folders; returns how many.
int remove_binaries(const std::string& root) {
    int removed = 0;
    for (std::string_view dir : apk_binary_dirs) {
        std::error_code ec;
        const fs::path d = fs::path(root) / std::string(dir);
        for (const auto& e : fs::directory_iterator(d, ec)) {
            std::error_code ec2;
            if (e.is_directory(ec2) && !e.is_symlink(ec2)) continue;
            if (fs::remove(e.path(), ec2)) ++removed;
        }
    }
    return removed;
}

}  // namespace

int apk_main(std::string_view, Args args) {
    std::vector<std::string> argv(args.begin(), args.end());
    if (argv.empty()) {
        std::fputs("xx-apk: no applet given\n\n", stderr);
        std::fputs(usage_text, stderr);
        return 2;
    }
    if (argv[0] == "--help" || argv[0] == "-h") {
        std::fputs(usage_text, stdout);
        return 0;
    }
    ApkArgs parsed;
    try {
        parsed = parse_apk_args(argv);
    } catch (const UsageError& e) { return fail(std::string(e.what()) + " (see xx-apk --help)", 2); }

    const std::string xx_root = env_or("XX_ROOT");
    auto apk = find_program("apk");
    if (!apk) {
        std::string id = read_os_release(xx_root).id;
        bool debian = id == "debian" || id == "ubuntu";
        return fail("apk not found: this is not an Alpine system (ID=" + (id.empty() ? "unknown" : id) + ")" +
                        (debian ? "; use xx-apt-get" : ""),
                    127);
    }

    try {
        const auto env = TargetEnv::from_process();
        const bool cross = env.is_cross();
        std::unique_ptr<ExclusiveLock> lock;
        ApkSystem system;
        if (cross) {
            if (env_or("XX_APK_NOLOCK").empty()) {
                const std::string path = xx_root + "/var/lock/xx-apk";
                std::error_code ec;
                fs::create_directories(fs::path(path).parent_path(), ec);
                try {
                    lock =
                        std::make_unique<ExclusiveLock>(path, "xx-apk: waiting for another xx-apk (lock " + path + ")");
                } catch (const std::runtime_error&) {  // not root: apk will say what it cannot do
                }
            }
            const std::string root = apk_target_root(env, xx_root);
            std::error_code ec;
            system.config_present = fs::exists(root + "/etc/apk/repositories", ec);
            system.db_present = fs::exists(root + "/lib/apk/db", ec);
        }
        const ApkPlan plan = plan_apk(parsed, env, system, xx_root, !env_or("XX_APK_KEEP_BINARIES").empty());
        if (plan.root.empty()) exec_program(*apk, plan.commands.back());

        if (plan.copy_config) copy_config(xx_root, plan.root, plan.arch);
        int status = 0;
        for (const auto& command : plan.commands)
            if ((status = run_program(command)) != 0) break;
        if (plan.remove_binaries) {
            if (int n = remove_binaries(plan.root); n > 0)
                std::fprintf(stderr,
                             "xx-apk: removed %d target programs from %s/{usr/bin,bin,usr/sbin,sbin} "
                             "(XX_APK_KEEP_BINARIES=1 keeps them)\n",
                             n, plan.root.c_str());
        }
        return status;
    } catch (const UnsupportedTarget& e) { return fail(e.what()); } catch (const std::exception& e) {
        return fail(e.what());
    }
}

}  // namespace xbuild::xx
