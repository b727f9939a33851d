// The xx shell helpers' clang configuration files, and plain clang run through them (see
// clang_config.hpp).
#include "clang_config.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cc_common.hpp"
#include "xbuild/fs.hpp"
#include "xbuild/process.hpp"

namespace xbuild::xx {

namespace {

using xbuild::toolchain::CcToolchain;
using xbuild::toolchain::Family;
using xbuild::toolchain::Lang;

// The root the system-wide files live under: XX_ROOT in tests, else "" (/).
std::string system_root() {
    const char* root = std::getenv("XX_ROOT");
    return root ? root : "";
}

bool installed_in_usr_bin() { return xx_folder() == system_root() + "/usr/bin"; }

std::string autowrap_marker() { return system_root() + "/.xx-cc-autowrap"; }
std::string default_config_path() { return system_root() + "/etc/llvm/xx-default.cfg"; }
std::string triple_config_path(const std::string& triple) { return xx_folder() + "/" + triple + ".cfg"; }

std::string folder_of(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
}

std::string read_link(const std::string& path) {
    char buf[PATH_MAX];
    const ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, std::size_t(n)) : std::string();
}

void make_folders(const std::string& dir) {
    for (std::size_t slash = dir.find('/', 1);; slash = dir.find('/', slash + 1)) {
        ::mkdir(dir.substr(0, slash).c_str(), 0755);
        if (slash == std::string::npos) return;
    }
}

// Links /usr/local/bin/clang and clang++ to xx, where nothing else has those names.
void link_plain_clang() {
    const std::string dir = system_root() + "/usr/local/bin";
    make_folders(dir);
    const std::string self = xbuild::self_executable();
    for (const char* name : {"clang", "clang++"}) {
        const std::string link = dir + "/" + name;
        if (xbuild::path_taken(link)) continue;
        if (!xbuild::replace_symlink(self, link))
            throw std::runtime_error("cannot create " + link + ": " + std::strerror(errno));
    }
}

// --target=T / -target T / --target T in clang's arguments; "" when none.
std::string explicit_target(const std::vector<std::string>& args) {
    std::string target;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i].starts_with("--target=")) target = args[i].substr(9);
        else if ((args[i] == "-target" || args[i] == "--target") && i + 1 < args.size()) target = args[++i];
    }
    return target;
}

bool has_arg(const std::vector<std::string>& args, std::string_view a, std::string_view b = {}) {
    for (const auto& arg : args)
        if (arg == a || (!b.empty() && arg == b)) return true;
    return false;
}

void print_line(const std::string& s) { std::printf("%s\n", s.c_str()); }

}  // namespace

bool setup_clang_config(const CcToolchain& tc, bool report_errors) {
    const auto clang = xbuild::find_program("clang", {}, true);
    if (!clang) return true;
    try {
        const std::string config = tc.clang_config() + "\n";
        const std::string in_xx_folder = triple_config_path(tc.triple());
        char real[PATH_MAX];
        const std::string clang_folder = ::realpath(clang->c_str(), real) ? folder_of(real) : xx_folder();
        const std::string root = system_root();
        if (installed_in_usr_bin() && clang_folder != xx_folder() && clang_folder.starts_with(root + "/")) {
            const std::string beside_clang = clang_folder + "/" + tc.triple() + ".cfg";
            xbuild::write_file_if_changed(beside_clang, config);
            if (read_link(in_xx_folder) != beside_clang && !xbuild::replace_symlink(beside_clang, in_xx_folder))
                throw std::runtime_error("cannot create " + in_xx_folder + ": " + std::strerror(errno));
        } else {
            xbuild::write_file_if_changed(in_xx_folder, config);
        }
        if (installed_in_usr_bin()) {
            if (!tc.target().is_cross()) {
                make_folders(folder_of(default_config_path()));
                xbuild::write_file_if_changed(default_config_path(), tc.clang_default_config() + "\n");
            }
            link_plain_clang();
        }
        return true;
    } catch (const std::exception& e) {
        if (report_errors) std::fprintf(stderr, "xx-clang: %s\n", e.what());
        return false;
    }
}

bool clang_wrapped() { return xbuild::path_taken(autowrap_marker()); }

int wrap_clang(bool undo) {
    const std::string marker = autowrap_marker();
    if (undo) {
        if (::unlink(marker.c_str()) != 0 && errno != ENOENT) {
            std::fprintf(stderr, "xx-clang: cannot remove %s: %s\n", marker.c_str(), std::strerror(errno));
            return 1;
        }
        // Links only --wrap made (setup makes them where xx is in /usr/bin, and keeps them).
        if (!installed_in_usr_bin())
            for (const char* name : {"clang", "clang++"}) {
                const std::string link = system_root() + "/usr/local/bin/" + name;
                if (read_link(link) == xbuild::self_executable()) ::unlink(link.c_str());
            }
        return 0;
    }
    try {
        link_plain_clang();
        for (const char* name : {"clang", "clang++"}) {
            const std::string link = system_root() + "/usr/local/bin/" + name;
            if (read_link(link) != xbuild::self_executable())
                throw std::runtime_error(link + " is another program: plain " + name + " would not run xx");
        }
        xbuild::write_file_if_changed(marker, "");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "xx-clang: %s\n", e.what());
        return 1;
    }
    return 0;
}

int plain_clang_main(std::string_view invoked_as, Args args) {
    const std::string name(invoked_as);
    std::vector<std::string> user(args.begin(), args.end());
    try {
        if (has_arg(user, "--config")) {  // the user's own configuration: theirs alone
            auto real = xbuild::find_program(name, {}, true);
            if (!real) throw std::runtime_error(name + " not found: apt-get install clang lld");
            std::vector<std::string> argv {name};
            argv.insert(argv.end(), user.begin(), user.end());
            return exec_command(name, {*real, argv, {}});
        }
        const std::string target = explicit_target(user);
        const Lang lang = name == "clang" ? Lang::c : Lang::cxx;
        if (clang_wrapped()) {
            CcToolchain tc =
                target.empty() ? CcToolchain(xbuild::TargetEnv::from_process()) : toolchain_for_triple(target);
            if (has_arg(user, "--print-target-triple", "-print-target-triple")) {
                setup_target_triple(tc, false);
                if (!setup_clang_config(tc, true)) return 1;
                return print_line(tc.triple()), 0;
            }
            ensure_target_triple_links(tc);
            return exec_command(name, tc.compiler(lang, Family::clang, user));
        }
        auto real = xbuild::find_program(name, {}, true);
        if (!real) throw std::runtime_error(name + " not found: apt-get install clang lld");
        const std::string config = target.empty() ? default_config_path() : triple_config_path(target);
        std::vector<std::string> argv {name};
        if (::access(config.c_str(), R_OK) == 0) argv.insert(argv.end(), {"--config", config});
        argv.insert(argv.end(), user.begin(), user.end());
        return exec_command(name, {*real, argv, {}});
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", name.c_str(), e.what());
        return 1;
    }
}

}  // namespace xbuild::xx
