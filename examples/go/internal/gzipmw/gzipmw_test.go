package gzipmw

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func serve(t *testing.T, body, ctype, accept string) *httptest.ResponseRecorder {
	t.Helper()
	h := New(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if ctype != "" {
			w.Header().Set("Content-Type", ctype)
		}
		io.WriteString(w, body)
	}), Options{Level: gzip.BestSpeed, MinSize: 64})
	req := httptest.NewRequest("GET", "/", nil)
	if accept != "" {
		req.Header.Set("Accept-Encoding", accept)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestCompressesLargeText(t *testing.T) {
	body := strings.Repeat("hello gzip ", 100)
	rec := serve(t, body, "text/plain; charset=utf-8", "br, gzip;q=0.8")
	if rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("not compressed: %v", rec.Header())
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(zr)
	if string(got) != body || rec.Body.Len() >= len(body) {
		t.Fatalf("round trip: %d bytes back, %d on the wire", len(got), rec.Body.Len())
	}
	if rec.Header().Get("Vary") != "Accept-Encoding" {
		t.Fatal("no Vary header")
	}
}

func TestPassesThrough(t *testing.T) {
	big := strings.Repeat("x", 1000)
	for name, rec := range map[string]*httptest.ResponseRecorder{
		"small body":          serve(t, "tiny", "text/plain", "gzip"),
		"client without gzip": serve(t, big, "text/plain", ""),
		"gzip;q=0":            serve(t, big, "text/plain", "gzip;q=0"),
		"an image":            serve(t, big, "image/png", "gzip"),
	} {
		if rec.Header().Get("Content-Encoding") != "" {
			t.Errorf("%s: compressed", name)
		}
		if b := rec.Body.String(); b != "tiny" && b != big {
			t.Errorf("%s: body changed (%d bytes)", name, len(b))
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"gzip": true, "deflate, gzip": true, "*": true, "gzip;q=0": false, "identity": false, "": false,
		"GZIP; q=0.5": true,
	} {
		if got := AcceptsGzip(h); got != want {
			t.Errorf("AcceptsGzip(%q) = %v", h, got)
		}
	}
}
