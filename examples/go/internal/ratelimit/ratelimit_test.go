package ratelimit

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestBucket(t *testing.T) {
	c := &clock{time.Unix(1000, 0)}
	l := &Limiter{Rate: 2, Burst: 3, Now: c.now}
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("burst request %d refused", i)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("4th: %v, wait %v (want refused, 500ms)", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("another client shares the bucket")
	}
	c.advance(500 * time.Millisecond)
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("refilled token refused")
	}
}

func TestSweep(t *testing.T) {
	c := &clock{time.Unix(1000, 0)}
	l := &Limiter{Rate: 1, Burst: 1, Now: c.now, IdleAfter: time.Minute}
	l.Allow("a")
	l.Allow("b")
	c.advance(2 * time.Minute)
	l.Allow("c")
	if n := l.Clients(); n != 1 {
		t.Fatalf("%d buckets after the sweep, want 1", n)
	}
}

func TestMiddleware(t *testing.T) {
	c := &clock{time.Unix(1000, 0)}
	l := &Limiter{Rate: 0.5, Burst: 1, Now: c.now, TrustProxy: true}
	h := l.Middleware(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	do := func(xff string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = "10.0.0.1:5555"
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := do(""); rec.Code != 200 {
		t.Fatalf("first: %d", rec.Code)
	}
	rec := do("")
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "2" {
		t.Fatalf("second: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	if rec := do("192.0.2.7, 10.0.0.1"); rec.Code != 200 {
		t.Fatalf("a proxied client is its own: %d", rec.Code)
	}
	if rec := do("not-an-ip"); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("a bad X-Forwarded-For falls back to the peer: %d", rec.Code)
	}
}
