package main

// cgo is not allowed in _test.go files, so this test only calls the Go
// wrappers defined in main.go.

import (
	"bytes"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	m, out, err := roundTrip(sample)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, sample) {
		t.Fatalf("round-trip mismatch: got %q", out)
	}
	if m <= 0 || m >= len(sample) {
		t.Errorf("compressed size %d, want 0 < m < %d for repetitive input", m, len(sample))
	}
}

func TestZlibVersion(t *testing.T) {
	if v := zlibVersion(); !strings.HasPrefix(v, "1.") {
		t.Errorf("zlibVersion() = %q, want 1.x", v)
	}
}
