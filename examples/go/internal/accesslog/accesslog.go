// Package accesslog writes one line per request, in the Combined Log Format
// that web log tools read, or as JSON lines for log pipelines:
//
//	127.0.0.1 - - [02/Jan/2006:15:04:05 +0000] "GET /status HTTP/1.1" 200 1043 "-" "curl/7.88" 0.0012
//	{"time":"...","remote":"127.0.0.1","method":"GET","path":"/status","status":200,"bytes":1043,...}
package accesslog

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"example.com/xbuild/examples/go/internal/httprec"
)

// Format selects the line format.
type Format int

const (
	Combined Format = iota // Apache/nginx "combined", plus the duration in seconds
	JSON                   // one JSON object per line
)

// ParseFormat reads "combined" or "json".
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "combined", "":
		return Combined, nil
	case "json":
		return JSON, nil
	}
	return 0, fmt.Errorf("log format %q: want combined or json", s)
}

// Entry is what is known about one request once it is served.
type Entry struct {
	Time      time.Time     `json:"time"`
	Remote    string        `json:"remote"`
	Method    string        `json:"method"`
	Path      string        `json:"path"`
	Proto     string        `json:"proto"`
	Status    int           `json:"status"`
	Bytes     int64         `json:"bytes"`
	Referer   string        `json:"referer,omitempty"`
	UserAgent string        `json:"user_agent,omitempty"`
	Duration  time.Duration `json:"-"`
	Seconds   float64       `json:"seconds"`
}

// Logger writes entries to W; lines from concurrent requests never mix.
type Logger struct {
	W      io.Writer
	Format Format
	Now    func() time.Time
	mu     sync.Mutex
}

// Write formats and writes one entry.
func (l *Logger) Write(e Entry) error {
	var line []byte
	switch l.Format {
	case JSON:
		e.Seconds = e.Duration.Seconds()
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		line = append(b, '\n')
	default:
		line = []byte(fmt.Sprintf("%s - - [%s] %q %d %d %q %q %.4f\n",
			e.Remote, e.Time.Format("02/Jan/2006:15:04:05 -0700"),
			e.Method+" "+e.Path+" "+e.Proto, e.Status, e.Bytes,
			dash(e.Referer), dash(e.UserAgent), e.Duration.Seconds()))
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, err := l.W.Write(line)
	return err
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Middleware logs every request h serves.
func (l *Logger) Middleware(h http.Handler) http.Handler {
	now := l.Now
	if now == nil {
		now = time.Now
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := now()
		rec := httprec.New(w)
		h.ServeHTTP(rec, r)
		remote, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			remote = r.RemoteAddr
		}
		_ = l.Write(Entry{
			Time: start, Remote: remote, Method: r.Method, Path: r.URL.RequestURI(), Proto: r.Proto,
			Status: rec.Status(), Bytes: rec.Bytes(), Referer: r.Referer(), UserAgent: r.UserAgent(),
			Duration: now().Sub(start),
		})
	})
}
