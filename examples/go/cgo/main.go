// Command zinfo is the cgo example for xx-go: it links the target's zlib,
// found through pkg-config, so cross-building it needs CGO_ENABLED=1, a C
// cross compiler and the target's zlib1g-dev (xx-apt-get install zlib1g-dev).
package main

// #cgo pkg-config: zlib
// #include <zlib.h>
import "C"

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"unsafe"
)

// zlibVersion returns the version of the zlib linked at run time.
func zlibVersion() string {
	return C.GoString(C.zlibVersion())
}

// roundTrip compresses data with zlib's compress(), decompresses it with
// uncompress() and returns the compressed size and the restored bytes.
func roundTrip(data []byte) (int, []byte, error) {
	if len(data) == 0 {
		return 0, nil, errors.New("empty input")
	}
	zlen := C.compressBound(C.uLong(len(data)))
	z := make([]byte, zlen)
	if rc := C.compress((*C.Bytef)(&z[0]), &zlen,
		(*C.Bytef)(unsafe.Pointer(&data[0])), C.uLong(len(data))); rc != C.Z_OK {
		return 0, nil, fmt.Errorf("compress: zlib error %d", rc)
	}
	outLen := C.uLongf(len(data))
	out := make([]byte, outLen)
	if rc := C.uncompress((*C.Bytef)(&out[0]), &outLen,
		(*C.Bytef)(&z[0]), zlen); rc != C.Z_OK {
		return 0, nil, fmt.Errorf("uncompress: zlib error %d", rc)
	}
	return int(zlen), out[:outLen], nil
}

var sample = []byte(strings.Repeat("xbuild cross-compiles Go with cgo. ", 8))

func main() {
	m, out, err := roundTrip(sample)
	if err == nil && !bytes.Equal(out, sample) {
		err = errors.New("round-trip mismatch")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "zinfo:", err)
		os.Exit(1)
	}
	fmt.Printf("zlib %s on %s/%s: %d bytes -> %d bytes\n",
		zlibVersion(), runtime.GOOS, runtime.GOARCH, len(sample), m)
}
