#include "squeeze.h"

#include <stdlib.h>
#include <zlib.h>

unsigned char *squeeze_compress(const unsigned char *in, size_t in_len, size_t *out_len) {
    uLongf len = compressBound((uLong)in_len);
    unsigned char *out = malloc(len ? len : 1);
    if (!out || compress2(out, &len, in, (uLong)in_len, Z_BEST_COMPRESSION) != Z_OK) {
        free(out);
        return NULL;
    }
    *out_len = len;
    return out;
}

unsigned char *squeeze_restore(const unsigned char *in, size_t in_len, size_t orig_len) {
    uLongf len = (uLongf)orig_len;
    unsigned char *out = malloc(orig_len ? orig_len : 1);
    if (!out || uncompress(out, &len, in, (uLong)in_len) != Z_OK || len != orig_len) {
        free(out);
        return NULL;
    }
    return out;
}

const char *squeeze_zlib_version(void) { return zlibVersion(); }
