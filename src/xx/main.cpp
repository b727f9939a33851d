// xx: the multi-call binary behind every xx-* helper. It dispatches on the name it was run as
// (argv[0], usually a symlink such as xx-info), or on its first argument (`xx info ...`,
// `xx xx-info ...`).
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "helpers.hpp"
#include "xbuild/fs.hpp"

namespace xbuild::xx {
namespace {

constexpr std::string_view version = "0.1.0";

void usage(std::FILE* out) {
    std::fprintf(out,
                 "Usage: xx HELPER [ARGS...]   or run a helper by its link name, e.g. xx-info\n"
                 "       xx --install-links DIR   create the helper links in DIR\n\n"
                 "Helpers:\n");
    for (const auto& h : helpers)
        std::fprintf(out, "  %-12.*s %.*s\n", int(h.name.size()), h.name.data(), int(h.summary.size()),
                     h.summary.data());
}

// `short_names`: also "info" for xx-info (`xx info`); never for the name xx runs as, where plain
// clang must stay plain clang (the /usr/local/bin links, clang_config.hpp).
const Helper* find_helper(std::string_view name, bool short_names) {
    for (const auto& h : helpers)
        if (h.name == name || (short_names && h.name.substr(3) == name)) return &h;
    return nullptr;
}

// Creates DIR/<helper> -> xx for every helper. Each link is made under a temporary name and
// renamed into place, so parallel builds and readers never see a half-made link.
int install_links(const char* dir) {
    int status = 0;
    for (const auto& h : helpers) {
        const std::string link = std::string(dir) + "/" + std::string(h.name);
        if (!xbuild::replace_symlink("xx", link)) {
            std::fprintf(stderr, "xx: cannot create %s: %s\n", link.c_str(), std::strerror(errno));
            status = 1;
        }
    }
    return status;
}

// Runs the helper argv names: what main returns.
int dispatch(int argc, char** argv) {
    std::string_view self = argc > 0 ? argv[0] : "xx";
    if (auto slash = self.rfind('/'); slash != std::string_view::npos) self.remove_prefix(slash + 1);

    // `go` is a link made by xx-go --wrap: its arguments are go's own, not xx-go's.
    if (self == "go") return go_main(self, Args(argv + 1, argc - 1));
    if (const Helper* h = self != "xx" ? find_helper(self, false) : nullptr)
        return h->run(h->name, Args(argv + 1, argc - 1));
    if (self != "xx" && is_prefixed_tool(self)) return prefixed_tool_main(self, Args(argv + 1, argc - 1));

    if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 1 : 0;
    }
    if (std::strcmp(argv[1], "--version") == 0) {
        std::printf("xx %.*s\n", int(version.size()), version.data());
        return 0;
    }
    if (std::strcmp(argv[1], "--install-links") == 0) {
        if (argc != 3) {
            std::fprintf(stderr, "xx: --install-links needs one directory\n");
            return 2;
        }
        return install_links(argv[2]);
    }
    if (const Helper* h = find_helper(argv[1], true)) return h->run(h->name, Args(argv + 2, argc - 2));
    std::fprintf(stderr, "xx: unknown helper '%s' (run as '%.*s')\n", argv[1], int(self.size()), self.data());
    usage(stderr);
    return 1;
}

}  // namespace
}  // namespace xbuild::xx

int main(int argc, char** argv) { return xbuild::xx::dispatch(argc, argv); }
