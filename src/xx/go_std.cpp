// xx-go, XX_AUTO_INSTALL=1: fetching Debian's precompiled standard library for the target (see
// go_std.hpp; the decision is xbuild::toolchain::plan_go_std, tested on its own).
#include "go_std.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string_view>
#include <system_error>

#include "cc_common.hpp"
#include "xbuild/process.hpp"
#include "xbuild/strings.hpp"
#include "xbuild/toolchain/go_std.hpp"

namespace fs = std::filesystem;
using xbuild::toolchain::GoStdAction;
using xbuild::toolchain::GoStdFacts;
using xbuild::toolchain::GoStdPlan;

namespace xbuild::xx {

namespace {

constexpr const char* me = "xx-go: XX_AUTO_INSTALL=1";

bool compiles_packages(Args args) {
    if (args.empty()) return false;
    const std::string_view c = args[0];
    return c == "build" || c == "install" || c == "run" || c == "test";
}

// xx-apt-get: the one on PATH (what the user would run), else the link next to xx.
std::string apt_helper() {
    if (auto found = xbuild::find_program("xx-apt-get")) return *found;
    return xx_folder() + "/xx-apt-get";
}

GoStdFacts gather(const std::string& go, const std::vector<std::string>& env_changes, Args args) {
    GoStdFacts f;
    const char* on = std::getenv("XX_AUTO_INSTALL");
    f.enabled = on && std::string_view(on) == "1";
    f.compiles = compiles_packages(args);
    if (!f.enabled || !f.compiles) return f;  // the common case costs nothing
    auto env = xbuild::capture_program({go, "env", "GOROOT", "GOOS", "GOARCH", "GOARM", "GOHOSTOS", "GOHOSTARCH"},
                                       env_changes);
    if (env.status != 0) throw std::runtime_error("go env failed (exit status " + std::to_string(env.status) + ")");
    auto lines = xbuild::split(env.out, '\n');
    if (lines.size() < 6) throw std::runtime_error("go env printed " + std::to_string(lines.size()) + " lines, want 6");
    f.goroot = lines[0], f.goos = lines[1], f.goarch = lines[2], f.goarm = lines[3];
    f.gohostos = lines[4], f.gohostarch = lines[5];
    std::error_code ec;
    f.target_pkg_exists = fs::exists(f.goroot + "/pkg/" + f.goos + "_" + f.goarch, ec);
    if (auto release = xbuild::toolchain::debian_go_release(f.goroot); release && xbuild::find_program("dpkg-query")) {
        auto v = xbuild::capture_program({"dpkg-query", "-W", "-f=${Version}", "golang-" + *release + "-go"});
        if (v.status == 0) f.installed_version = std::string(xbuild::trim(v.out));
    }
    f.root = ::geteuid() == 0;
    f.apt_get = xbuild::find_program("apt-get").has_value();
    f.dpkg_deb = xbuild::find_program("dpkg-deb").has_value();
    return f;
}

// Runs argv in `dir` (apt-get download writes into the current folder).
int run_in(const fs::path& dir, const std::vector<std::string>& argv) {
    const fs::path back = fs::current_path();
    fs::current_path(dir);
    int status;
    try {
        status = xbuild::run_program(argv);
    } catch (...) {
        fs::current_path(back);
        throw;
    }
    fs::current_path(back);
    return status;
}

// Downloads, unpacks into `tmp` and renames into place; then checks that go takes the files as
// up to date (the same release built them), and takes them out again when not.
void fetch(const GoStdPlan& plan, const fs::path& tmp, const std::string& go,
           const std::vector<std::string>& env_changes) {
    if (int s = run_in(tmp, {apt_helper(), "-q", "download", plan.package}); s != 0)
        throw std::runtime_error("xx-apt-get download " + plan.package + " failed (exit status " + std::to_string(s) +
                                 ")");
    fs::path deb;
    for (const auto& e : fs::directory_iterator(tmp))
        if (e.path().extension() == ".deb") deb = e.path();
    if (deb.empty()) throw std::runtime_error("xx-apt-get download left no .deb");
    // Only the target's folder, without cmd/ (the go tools' own packages: 60% of it, unused).
    const std::string script = "dpkg-deb --fsys-tarfile \"$1\" | tar -x -C \"$2\" --exclude=\"$3/cmd\" \"$3\"";
    if (int s = xbuild::run_program({"sh", "-c", script, "sh", deb.string(), tmp.string(), plan.member}); s != 0)
        throw std::runtime_error("unpacking " + plan.member + " from " + deb.filename().string() + " failed");
    const fs::path unpacked = tmp / plan.member.substr(2);  // without "./"
    if (!fs::is_directory(unpacked)) throw std::runtime_error(plan.member + " is not in " + deb.filename().string());
    std::error_code ec;
    fs::rename(unpacked, plan.destination, ec);
    if (ec) {
        if (fs::exists(plan.destination)) return;  // another xx-go was quicker
        throw std::runtime_error("cannot move it to " + plan.destination + ": " + ec.message());
    }
    auto stale = xbuild::capture_program({go, "list", "-f", "{{.Stale}}", "runtime"}, env_changes);
    if (stale.status != 0 || xbuild::trim(stale.out) != "false") {
        fs::rename(plan.destination, tmp / "stale", ec);
        throw std::runtime_error("go does not take " + plan.package +
                                 "'s files as up to date (another Go build or other settings); removed them");
    }
}

}  // namespace

void ensure_go_std(const std::string& go_program, const std::vector<std::string>& env_changes, Args args) {
    GoStdPlan plan;
    try {
        plan = xbuild::toolchain::plan_go_std(gather(go_program, env_changes, args));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: warning: cannot tell whether the target's standard library can be fetched: %s\n", me,
                     e.what());
        return;
    }
    if (plan.action == GoStdAction::none) return;
    if (plan.action == GoStdAction::warn) {
        std::fprintf(stderr, "%s: warning: %s\n", me, plan.reason.c_str());
        return;
    }
    std::fprintf(stderr, "%s: %s\n", me, plan.reason.c_str());
    std::fflush(stderr);
    const auto start = std::chrono::steady_clock::now();
    std::error_code ec;
    // Beside the destination, so that the last step is a rename on one file system.
    std::string pattern = fs::path(plan.destination).parent_path().string() + "/.xx-go-std.XXXXXX";
    if (!::mkdtemp(pattern.data())) {
        std::fprintf(stderr, "%s: warning: cannot make a folder beside %s; the standard library is compiled instead\n",
                     me, plan.destination.c_str());
        return;
    }
    const fs::path tmp = pattern;
    try {
        fetch(plan, tmp, go_program, env_changes);
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        std::fprintf(stderr, "%s: installed Debian's precompiled standard library in %s (%.1f s)\n", me,
                     plan.destination.c_str(), double(ms.count()) / 1000);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: warning: %s; the standard library is compiled instead\n", me, e.what());
    }
    fs::remove_all(tmp, ec);
}

}  // namespace xbuild::xx
