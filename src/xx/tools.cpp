// Placeholder: target-prefixed tools are being written.
#include <cstdio>

#include "helpers.hpp"

namespace xx {
bool is_prefixed_tool(std::string_view) { return false; }
int prefixed_tool_main(std::string_view invoked_as, Args) {
    std::fprintf(stderr, "%.*s: not available yet\n", int(invoked_as.size()), invoked_as.data());
    return 2;
}
}  // namespace xx
