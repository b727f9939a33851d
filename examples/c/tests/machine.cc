// machine: prints `uname -m`; the test compares it with what the target should report.
#include <sys/utsname.h>

#include <cstring>
#include <iostream>

int main(int argc, char** argv) {
    utsname u{};
    uname(&u);
    std::cout << u.machine << "\n";
    // Expected names are passed in (xx-info march, and QEMU's spellings of the same CPU).
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], u.machine) == 0) return 0;
    return argc > 1 ? 1 : 0;
}
