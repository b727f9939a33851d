// See deb_download.hpp.
#include "deb_download.hpp"

#include <stdexcept>

#include "cc_common.hpp"
#include "xbuild/process.hpp"

namespace fs = std::filesystem;

namespace xbuild::xx {

namespace {

// xx-apt-get: the one on PATH (what the user would run), else the link next to xx.
std::string apt_helper() {
    if (auto found = xbuild::find_program("xx-apt-get")) return *found;
    return xx_folder() + "/xx-apt-get";
}

// Runs argv in `dir`, then comes back.
int run_in(const fs::path& dir, const std::vector<std::string>& argv, const std::vector<std::string>& env_changes) {
    const fs::path back = fs::current_path();
    fs::current_path(dir);
    int status;
    try {
        status = xbuild::run_program(argv, env_changes);
    } catch (...) {
        fs::current_path(back);
        throw;
    }
    fs::current_path(back);
    return status;
}

}  // namespace

fs::path download_deb(const fs::path& dir, const std::string& package, const std::vector<std::string>& env_changes) {
    if (int s = run_in(dir, {apt_helper(), "-q", "download", package}, env_changes); s != 0)
        throw std::runtime_error("xx-apt-get download " + package + " failed (exit status " + std::to_string(s) + ")");
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".deb") return e.path();
    throw std::runtime_error("xx-apt-get download " + package + " left no .deb");
}

}  // namespace xbuild::xx
