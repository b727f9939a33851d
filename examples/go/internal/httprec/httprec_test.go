package httprec

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestRecorder(t *testing.T) {
	cases := []struct {
		name    string
		handler http.HandlerFunc
		status  int
		bytes   int64
	}{
		{"nothing written", func(w http.ResponseWriter, _ *http.Request) {}, 200, 0},
		{"body only", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("hello")) }, 200, 5},
		{"status then body", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusTeapot)
			w.Write([]byte("tea"))
			w.WriteHeader(http.StatusOK) // ignored: the first one was sent
		}, http.StatusTeapot, 3},
	}
	for _, c := range cases {
		out := httptest.NewRecorder()
		rec := New(out)
		c.handler(rec, httptest.NewRequest("GET", "/", nil))
		rec.Flush()
		if rec.Status() != c.status || rec.Bytes() != c.bytes {
			t.Errorf("%s: status %d bytes %d, want %d %d", c.name, rec.Status(), rec.Bytes(), c.status, c.bytes)
		}
		if !out.Flushed {
			t.Errorf("%s: Flush did not reach the wrapped writer", c.name)
		}
	}
}
