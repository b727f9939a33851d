// xx-go, XX_AUTO_INSTALL=1: fetching Debian's precompiled standard library for the target (see
// go_std.hpp; the decision is xbuild::toolchain::plan_go_std, tested on its own).
#include "go_std.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <system_error>

#include "cc_common.hpp"
#include "deb_download.hpp"
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

GoStdFacts gather(const std::string& go, const std::vector<std::string>& env_changes, Args args) {
    GoStdFacts f;
    const char* on = std::getenv("XX_AUTO_INSTALL");
    f.enabled = on && std::string_view(on) == "1";
    f.compiles = compiles_packages(args);
    if (!f.enabled || !f.compiles) return f;  // the common case costs nothing
    // The variant variables (GOARM, GOAMD64, ...) after the five; the one of GOARCH is picked.
    std::vector<std::string> argv {go, "env", "GOROOT", "GOOS", "GOARCH", "GOHOSTOS", "GOHOSTARCH"};
    const auto variables = xbuild::toolchain::go_variant_variables();
    argv.insert(argv.end(), variables.begin(), variables.end());
    auto env = xbuild::capture_program(argv, env_changes);
    if (env.status != 0) throw std::runtime_error("go env failed (exit status " + std::to_string(env.status) + ")");
    auto lines = xbuild::split(env.out, '\n');
    const std::size_t want = argv.size() - 2;
    if (lines.size() < want)
        throw std::runtime_error("go env printed " + std::to_string(lines.size()) + " lines, want " +
                                 std::to_string(want));
    f.goroot = lines[0], f.goos = lines[1], f.goarch = lines[2];
    f.gohostos = lines[3], f.gohostarch = lines[4];
    const std::string_view variable = xbuild::toolchain::go_variant_variable(f.goarch);
    for (std::size_t i = 0; i < variables.size(); ++i)
        if (variables[i] == variable) f.go_variant = lines[5 + i];
    std::error_code ec;
    f.target_pkg_exists = fs::exists(f.goroot + "/pkg/" + f.goos + "_" + f.goarch, ec);
    if (auto release = xbuild::toolchain::debian_go_release(f.goroot); release && xbuild::find_program("dpkg-query")) {
        auto v = xbuild::capture_program({"dpkg-query", "-W", "-f=${Version}", "golang-" + *release + "-go"});
        if (v.status == 0) f.installed_version = std::string(xbuild::trim(v.out));
    }
    f.root = ::geteuid() == 0;
    f.apt_get = xbuild::find_program("apt-get").has_value();
    f.dpkg_deb = xbuild::find_program("dpkg-deb").has_value();
    f.cache_home = xbuild::toolchain::go_std_cache_home(std::getenv("XDG_CACHE_HOME"), std::getenv("HOME"));
    return f;
}

// A new folder `prefix`XXXXXX (mode 0700); nullopt when it cannot be made.
std::optional<fs::path> make_temp(const fs::path& prefix) {
    std::string pattern = prefix.string() + "XXXXXX";
    if (!::mkdtemp(pattern.data())) return std::nullopt;
    return fs::path(pattern);
}

// A temporary folder, removed with what it holds when this goes (an empty path: none).
struct TempFolder {
    fs::path path;
    explicit TempFolder(fs::path p = {}) : path(std::move(p)) {}
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;
    ~TempFolder() {
        std::error_code ec;
        if (!path.empty()) fs::remove_all(path, ec);
    }
};

// Downloads plan.package into `work` and unpacks plan.member there; returns the unpacked folder.
fs::path download_and_unpack(const GoStdPlan& plan, const fs::path& work) {
    std::vector<std::string> env;  // xx-apt-get's target: the package's architecture
    if (!plan.apt_platform.empty()) env.push_back("TARGETPLATFORM=" + plan.apt_platform);
    const fs::path deb = download_deb(work, plan.package, env);
    // Only the target's folder, without cmd/ (the go tools' own packages: 60% of it, unused).
    // --occurrence=1: tar stops after the folder instead of decompressing the quarter of the
    // package that follows it; dpkg-deb then complains of a broken pipe, so what it says is
    // shown only when tar fails.
    const std::string script =
        "dpkg-deb --fsys-tarfile \"$1\" 2>\"$2/dpkg-deb.err\" | tar -x -C \"$2\" --occurrence=1 --exclude=\"$3/cmd\" "
        "\"$3\" || { cat \"$2/dpkg-deb.err\" >&2; exit 1; }";
    if (int s = xbuild::run_program({"sh", "-c", script, "sh", deb.string(), work.string(), plan.member}); s != 0)
        throw std::runtime_error("unpacking " + plan.member + " from " + deb.filename().string() + " failed");
    const fs::path unpacked = work / plan.member.substr(2);  // without "./"
    if (!fs::is_directory(unpacked)) throw std::runtime_error(plan.member + " is not in " + deb.filename().string());
    std::error_code ec;
    fs::remove(deb, ec);  // 57 MB no longer needed
    return unpacked;
}

// Puts `unpacked` in the cache as plan.cache_entry by one rename: a concurrent xx-go sees the
// whole folder or none. True when the entry is there afterwards (ours, or another xx-go's).
bool keep_in_cache(const fs::path& unpacked, const GoStdPlan& plan) {
    std::error_code ec;
    fs::create_directories(fs::path(plan.cache_entry).parent_path(), ec);
    if (ec) return false;
    fs::rename(unpacked, plan.cache_entry, ec);
    return !ec || fs::is_directory(plan.cache_entry, ec);
}

// Takes a cache entry out again (go took its files as stale): renamed away first, so that no
// xx-go copies half of it.
void drop_from_cache(const GoStdPlan& plan, const fs::path& go_std_cache) {
    std::error_code ec;
    if (auto away = make_temp(go_std_cache / ".drop.")) {
        fs::rename(plan.cache_entry, *away / "entry", ec);
        fs::remove_all(*away, ec);
    }
}

// Moves (or copies, from the cache) `source` to plan.destination through `tmp`, beside it: the
// last step is a rename, so go sees the whole folder or none. False when another xx-go was quicker.
bool install(const fs::path& source, bool copy, const fs::path& tmp, const GoStdPlan& plan) {
    fs::path staged = source;
    if (copy) {
        staged = tmp / "copy";
        fs::copy(source, staged, fs::copy_options::recursive);
    }
    std::error_code ec;
    fs::rename(staged, plan.destination, ec);
    if (!ec) return true;
    if (fs::exists(plan.destination)) return false;
    throw std::runtime_error("cannot move it to " + plan.destination + ": " + ec.message());
}

// Fetches (or copies from the cache), installs, then checks that go takes the files as up to
// date (the same release built them for the same settings), and takes them out again when not.
void fetch(const GoStdPlan& plan, const fs::path& tmp, const std::string& go,
           const std::vector<std::string>& env_changes) {
    const fs::path go_std_cache =
        plan.cache_entry.empty() ? fs::path() : fs::path(plan.cache_entry).parent_path().parent_path();
    fs::path source = plan.cache_entry;
    bool from_cache = plan.action == GoStdAction::copy;
    TempFolder cache_work;
    if (!from_cache) {
        // Unpacked in the cache when it can be written (a rename then keeps it), else beside
        // the destination.
        std::error_code ec;
        if (!go_std_cache.empty() && (fs::create_directories(go_std_cache, ec), !ec))
            if (auto work = make_temp(go_std_cache / ".tmp.")) cache_work.path = *work;
        const fs::path unpacked = download_and_unpack(plan, cache_work.path.empty() ? tmp : cache_work.path);
        from_cache = !cache_work.path.empty() && keep_in_cache(unpacked, plan);
        if (!from_cache) source = unpacked;
    }
    if (!install(source, from_cache, tmp, plan)) return;  // another xx-go was quicker
    auto stale = xbuild::capture_program({go, "list", "-f", "{{.Stale}}", "runtime"}, env_changes);
    if (stale.status != 0 || xbuild::trim(stale.out) != "false") {
        std::error_code ec;
        fs::rename(plan.destination, tmp / "stale", ec);
        if (from_cache) drop_from_cache(plan, go_std_cache);
        throw std::runtime_error("go does not take " + plan.package +
                                 "'s files as up to date (another Go build or other settings); removed them");
    }
}

}  // namespace

void ensure_go_std(const std::string& go_program, const std::vector<std::string>& env_changes, Args args) {
    GoStdPlan plan;
    try {
        GoStdFacts facts = gather(go_program, env_changes, args);
        plan = xbuild::toolchain::plan_go_std(facts);
        std::error_code ec;
        if (plan.action != GoStdAction::none && !plan.cache_entry.empty() && fs::is_directory(plan.cache_entry, ec)) {
            facts.cached = true;  // an earlier build fetched it: copied, nothing downloaded
            plan = xbuild::toolchain::plan_go_std(facts);
        }
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
    // Beside the destination, so that the last step is a rename on one file system.
    auto tmp = make_temp(fs::path(plan.destination).parent_path() / ".xx-go-std.");
    if (!tmp) {
        std::fprintf(stderr, "%s: warning: cannot make a folder beside %s; the standard library is compiled instead\n",
                     me, plan.destination.c_str());
        return;
    }
    TempFolder cleanup(*tmp);
    try {
        fetch(plan, *tmp, go_program, env_changes);
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        std::fprintf(stderr, "%s: installed Debian's precompiled standard library in %s (%.1f s)\n", me,
                     plan.destination.c_str(), double(ms.count()) / 1000);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: warning: %s; the standard library is compiled instead\n", me, e.what());
    }
}

}  // namespace xbuild::xx
