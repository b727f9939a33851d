// See wrap.hpp.
#include "wrap.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "xbuild/fs.hpp"
#include "xbuild/process.hpp"
#include "xbuild/strings.hpp"

namespace xbuild::xx {

namespace {

// True when `path` is a symbolic link that ends at `self`.
bool links_to(const std::string& path, const std::string& self) {
    char buf[4096];
    if (::readlink(path.c_str(), buf, sizeof buf) <= 0) return false;
    char* resolved = ::realpath(path.c_str(), nullptr);
    const bool same = resolved && self == resolved;
    std::free(resolved);
    return same;
}

std::string path_var() {
    const char* p = std::getenv("PATH");
    return p ? p : "/usr/local/bin:/usr/bin:/bin";
}

}  // namespace

int wrap_on_path(std::string_view helper, std::string_view tool) {
    const std::string self = xbuild::self_executable();
    auto real = xbuild::find_program(tool, {}, true);
    const std::string real_dir = real ? real->substr(0, real->rfind('/')) : "";
    const std::string path = path_var();  // split() returns views into it
    for (std::string_view dir : xbuild::split(path, ':')) {
        if (dir.empty()) continue;
        if (!real_dir.empty() && dir == real_dir) break;  // must come before the real one
        const std::string d(dir);
        if (::access(d.c_str(), W_OK) != 0) continue;
        if (xbuild::replace_symlink(self, d + "/" + std::string(tool))) return 0;
    }
    std::fprintf(stderr, "%.*s: no writable folder on PATH comes before %s: add one (e.g. PATH=/usr/local/bin:$PATH)\n",
                 int(helper.size()), helper.data(), real ? real->c_str() : std::string(tool).c_str());
    return 1;
}

int unwrap_on_path(std::string_view helper, std::string_view tool) {
    const std::string self = xbuild::self_executable();
    int status = 0;
    const std::string path = path_var();  // split() returns views into it
    for (std::string_view dir : xbuild::split(path, ':')) {
        if (dir.empty()) continue;
        const std::string link = std::string(dir) + "/" + std::string(tool);
        if (!links_to(link, self)) continue;
        if (::unlink(link.c_str()) != 0) {
            std::fprintf(stderr, "%.*s: cannot remove %s: %s\n", int(helper.size()), helper.data(), link.c_str(),
                         std::strerror(errno));
            status = 1;
        }
    }
    return status;
}

}  // namespace xbuild::xx
