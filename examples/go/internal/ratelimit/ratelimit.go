// Package ratelimit limits requests per client with token buckets: each
// client (the remote IP, or the first X-Forwarded-For address when the
// server sits behind a trusted proxy) may burst up to Burst requests and
// then Rate per second. Idle buckets are forgotten, so memory stays bounded.
package ratelimit

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Limiter holds one bucket per client.
type Limiter struct {
	Rate       float64       // tokens per second
	Burst      float64       // bucket size
	TrustProxy bool          // take the client from X-Forwarded-For
	IdleAfter  time.Duration // forget a full bucket unused this long (default 10 min)
	Now        func() time.Time
	mu         sync.Mutex
	buckets    map[string]*bucket
	lastSweep  time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func (l *Limiter) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

// Allow takes one token from key's bucket; when there is none it returns
// false and how long until there will be.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		l.buckets = map[string]*bucket{}
	}
	l.sweep(now)
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.Burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(l.Burst, b.tokens+now.Sub(b.last).Seconds()*l.Rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	if l.Rate <= 0 {
		return false, time.Duration(math.MaxInt64)
	}
	wait := time.Duration((1 - b.tokens) / l.Rate * float64(time.Second))
	return false, wait
}

// sweep drops buckets idle long enough to be full again, at most once a
// minute; the caller holds the lock.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < time.Minute {
		return
	}
	l.lastSweep = now
	idle := l.IdleAfter
	if idle <= 0 {
		idle = 10 * time.Minute
	}
	for k, b := range l.buckets {
		if now.Sub(b.last) >= idle {
			delete(l.buckets, k)
		}
	}
}

// Clients is the number of buckets held.
func (l *Limiter) Clients() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// ClientKey names the client of r.
func (l *Limiter) ClientKey(r *http.Request) string {
	if l.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first := strings.TrimSpace(strings.Split(xff, ",")[0])
			if net.ParseIP(first) != nil {
				return first
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Middleware answers 429 with Retry-After (whole seconds, at least 1) to
// clients over their rate, and passes the others to h.
func (l *Limiter) Middleware(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, wait := l.Allow(l.ClientKey(r))
		if !ok {
			secs := int(math.Ceil(wait.Seconds()))
			if secs < 1 {
				secs = 1
			}
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			http.Error(w, "too many requests", http.StatusTooManyRequests)
			return
		}
		h.ServeHTTP(w, r)
	})
}
