/* roundtrip: what squeeze compresses, it restores byte for byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "squeeze.h"

static int check(const char *name, const unsigned char *data, size_t len) {
    size_t packed_len = 0;
    unsigned char *packed = squeeze_compress(data, len, &packed_len);
    unsigned char *back = packed ? squeeze_restore(packed, packed_len, len) : NULL;
    int ok = back && memcmp(back, data, len) == 0;
    printf("%s: %zu -> %zu bytes: %s\n", name, len, packed_len, ok ? "ok" : "FAILED");
    free(packed);
    free(back);
    return ok;
}

int main(void) {
    static unsigned char zeros[65536], noise[4096];
    unsigned int x = 12345;
    for (size_t i = 0; i < sizeof noise; i++) noise[i] = (unsigned char)((x = x * 1103515245u + 12345u) >> 16);
    const char *text = "the quick brown fox jumps over the lazy dog, again and again and again";
    int ok = check("zeros", zeros, sizeof zeros) & check("noise", noise, sizeof noise) &
             check("text", (const unsigned char *)text, strlen(text)) & check("empty", zeros, 0);
    return ok ? 0 : 1;
}
