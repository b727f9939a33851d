package main

import (
	"io"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"example.com/xbuild/examples/go/internal/config"
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

// TestRateLimit: the settings turn the limiter on.
func TestRateLimit(t *testing.T) {
	cfg := config.Default()
	cfg.RateLimit, cfg.RateBurst = 0.001, 2
	h := newHandler(cfg)
	codes := []int{}
	for i := 0; i < 3; i++ {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		codes = append(codes, rec.Code)
	}
	if codes[0] != 200 || codes[1] != 200 || codes[2] != 429 {
		t.Fatalf("codes %v, want 200 200 429", codes)
	}
}

// TestServer: the routes are wired (status page and metrics see the API).
func TestServer(t *testing.T) {
	h := newHandler(config.Default())
	req := httptest.NewRequest("POST", "/api/notes", strings.NewReader(`{"title":"t","tags":["x"]}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 201 {
		t.Fatalf("POST /api/notes: %d %s", rec.Code, rec.Body)
	}
	for path, want := range map[string]string{
		"/status":  "<td>x</td><td>1</td>",
		"/metrics": `http_requests_total{code="201",route="notes"} 1`,
		"/nope":    "404 page not found",
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("GET %s lacks %q:\n%s", path, want, rec.Body)
		}
	}
}
