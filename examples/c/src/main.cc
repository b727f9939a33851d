// squeeze: reads standard input, compresses it with zlib, and reports the ratio and the machine
// it ran on, so a cross-built copy shows where it runs (under QEMU: the emulated CPU).
#include <sys/utsname.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <string>

#include "squeeze.h"

int main() {
    std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    std::size_t packed_len = 0;
    auto* packed = squeeze_compress(reinterpret_cast<const unsigned char*>(input.data()), input.size(), &packed_len);
    if (!packed) {
        std::cerr << "squeeze: compression failed\n";
        return 1;
    }
    utsname u{};
    uname(&u);
    std::cout << "squeezed " << input.size() << " bytes to " << packed_len << " on " << u.machine
              << " with zlib " << squeeze_zlib_version() << "\n";
    std::free(packed);
    return 0;
}
