// Placeholder: this helper is being written.
#include <cstdio>

#include "helpers.hpp"

namespace xx {
int apt_main(std::string_view invoked_as, Args) {
    std::fprintf(stderr, "%.*s: not available yet\n", int(invoked_as.size()), invoked_as.data());
    return 2;
}
}  // namespace xx
