// xx-cargo: the target's Rust std as rlibs only (see rust_std.hpp).
#include "rust_std.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "deb_download.hpp"
#include "xbuild/process.hpp"
#include "xbuild/strings.hpp"

namespace fs = std::filesystem;

namespace xbuild::xx {

namespace {

constexpr const char* me = "xx-cargo";

bool has_std(const fs::path& dir) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (name.starts_with("libstd-") && name.ends_with(".rlib")) return true;
    }
    return false;
}

// Downloads `package` into `tmp`, unpacks its rlibs there and renames their folder to `libdir`;
// returns the bytes unpacked.
std::uintmax_t fetch(const std::string& package, const std::string& triple, const fs::path& tmp,
                     const fs::path& libdir) {
    const fs::path deb = download_deb(tmp, package);
    const std::string member = "./usr/lib/rustlib/" + triple + "/lib";
    const std::string script = "dpkg-deb --fsys-tarfile \"$1\" | tar -x -C \"$2\" --wildcards \"$3/*.rlib\"";
    if (int s = xbuild::run_program({"sh", "-c", script, "sh", deb.string(), tmp.string(), member}); s != 0)
        throw std::runtime_error("unpacking " + member + "/*.rlib from " + deb.filename().string() + " failed");
    const fs::path unpacked = tmp / member.substr(2);
    if (!has_std(unpacked)) throw std::runtime_error(deb.filename().string() + " has no libstd-*.rlib in " + member);
    std::uintmax_t bytes = 0;
    for (const auto& e : fs::directory_iterator(unpacked)) bytes += e.file_size();
    std::error_code ec;
    fs::create_directories(libdir.parent_path(), ec);
    fs::rename(unpacked, libdir, ec);  // replaces an empty folder
    if (ec) {
        if (has_std(libdir)) return bytes;  // another xx-cargo was quicker
        throw std::runtime_error("cannot move the rlibs to " + libdir.string() + ": " + ec.message());
    }
    return bytes;
}

}  // namespace

bool fetch_rust_std(const xbuild::TargetEnv& env, const std::string& triple, const std::string& libdir) {
    const xbuild::Target& t = env.target();
    const std::string arch(env.debian_arch());
    if (t.os != "linux" || env.libc() != "gnu" || arch.empty()) return false;
    if (libdir != "/usr/lib/rustlib/" + triple + "/lib" || ::geteuid() != 0) return false;
    for (const char* tool : {"apt-get", "dpkg-deb", "dpkg-query", "tar"})
        if (!xbuild::find_program(tool)) return false;
    std::string version;
    try {
        auto v = xbuild::capture_program({"dpkg-query", "-W", "-f=${Version}", "rustc"});
        if (v.status == 0) version = std::string(xbuild::trim(v.out));
    } catch (const std::exception&) {}
    if (version.empty()) return false;  // not Debian's rustc package

    const std::string package = "libstd-rust-dev:" + arch + "=" + version;
    std::fprintf(stderr, "%s: the target's Rust std is missing: fetching only the rlibs of %s into %s\n", me,
                 package.c_str(), libdir.c_str());
    std::fflush(stderr);
    const auto start = std::chrono::steady_clock::now();
    // Beside the destination, so that the last step is a rename on one file system.
    std::string pattern = "/usr/lib/rustlib/.xx-rust-std.XXXXXX";
    if (!::mkdtemp(pattern.data())) {
        std::fprintf(stderr, "%s: warning: cannot make a folder in /usr/lib/rustlib; installing with apt instead\n",
                     me);
        return false;
    }
    const fs::path tmp = pattern;
    ::chmod(tmp.c_str(), 0755);  // apt-get download, as root, writes as the _apt user
    bool ok = false;
    try {
        const std::uintmax_t bytes = fetch(package, triple, tmp, libdir);
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        std::fprintf(stderr, "%s: installed the %s Rust std (%.1f MB of rlibs) in %s (%.1f s)\n", me, triple.c_str(),
                     double(bytes) / 1e6, libdir.c_str(), double(ms.count()) / 1000);
        ok = true;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: warning: %s; installing libstd-rust-dev with apt instead\n", me, e.what());
    }
    std::error_code ec;
    fs::remove_all(tmp, ec);
    return ok;
}

}  // namespace xbuild::xx
