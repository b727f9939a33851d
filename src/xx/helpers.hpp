// The helpers of the xx multi-call binary: each takes its arguments after the program name and
// returns the process exit status.
#pragma once

#include <span>
#include <string_view>

namespace xx {

using Args = std::span<char* const>;  // argv[1..argc)

int info_main(Args args);
int verify_main(Args args);

struct Helper {
    std::string_view name;  // the link name, e.g. "xx-info"
    int (*run)(Args);
    std::string_view summary;
};

// Every helper, in the order `xx --help` lists them.
inline constexpr Helper helpers[] = {
    {"xx-info", info_main, "print the target's names (triple, arch, march, pkg-arch, ...)"},
    {"xx-verify", verify_main, "check that binaries are built for the target"},
};

}  // namespace xx
