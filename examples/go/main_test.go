package main

import (
	"io"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
)

// TestHello runs natively and, via xx-go test, under QEMU for the target.
func TestHello(t *testing.T) {
	rec := httptest.NewRecorder()
	hello(rec, httptest.NewRequest("GET", "/", nil))

	body, _ := io.ReadAll(rec.Result().Body)
	if rec.Code != 200 || !strings.Contains(string(body), runtime.GOARCH) {
		t.Fatalf("got %d %q, want 200 and a body containing %q", rec.Code, body, runtime.GOARCH)
	}
}
