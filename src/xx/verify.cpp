// xx-verify: placeholder until the object-file reader lands.
#include <cstdio>

#include "helpers.hpp"

namespace xx {
int verify_main(std::string_view, Args) {
    std::fputs("xx-verify: not built yet\n", stderr);
    return 2;
}
}  // namespace xx
