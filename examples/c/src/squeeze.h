/* squeeze: compress and restore buffers with zlib; the library the example's programs share. */
#ifndef SQUEEZE_H
#define SQUEEZE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Compresses `in` into a new buffer (free() it); returns NULL on failure. */
unsigned char *squeeze_compress(const unsigned char *in, size_t in_len, size_t *out_len);
/* Restores what squeeze_compress made, whose original size was `orig_len`; NULL on failure. */
unsigned char *squeeze_restore(const unsigned char *in, size_t in_len, size_t orig_len);
/* The zlib version linked in, e.g. "1.2.13". */
const char *squeeze_zlib_version(void);

#ifdef __cplusplus
}
#endif

#endif
