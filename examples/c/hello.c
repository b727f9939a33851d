/* hello: prints the machine it runs on, as `uname -m` would, so a test can check that a
   cross-built binary really runs as its target (under QEMU: the emulated CPU). */
#include <stdio.h>

#ifdef _WIN32
int main(void) {
    printf("hello from windows\n");
    return 0;
}
#else
#include <sys/utsname.h>

int main(void) {
    struct utsname u;
    if (uname(&u) != 0) {
        perror("uname");
        return 1;
    }
    printf("hello from %s\n", u.machine);
    return 0;
}
#endif
