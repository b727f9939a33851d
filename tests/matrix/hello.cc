// hello.cc: C++ with a thread (dynamic programs that start threads need the target's loader path
// under QEMU) that prints the machine it runs on, as `uname -m` would.
#include <sys/utsname.h>

#include <iostream>
#include <thread>

int main() {
    utsname u{};
    uname(&u);
    std::thread t([&] { std::cout << "hello from " << u.machine << "\n"; });
    t.join();
    return 0;
}
