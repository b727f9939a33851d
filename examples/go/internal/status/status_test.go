package status

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"example.com/xbuild/examples/go/internal/metrics"
)

func TestPage(t *testing.T) {
	reg := metrics.NewRegistry()
	h := reg.Histogram("http_request_duration_seconds", metrics.Labels{"route": "notes"}, metrics.DefaultBuckets)
	h.Observe(0.002)
	h.Observe(0.004)
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	src := Source{
		Title: "demo <server>", Platform: "linux/arm64", GoVersion: "go1.19", Started: start,
		Registry:  reg,
		NoteCount: func() int { return 3 },
		TagCounts: func() map[string]int { return map[string]int{"b": 1, "a": 1, "z": 2} },
		Now:       func() time.Time { return start.Add(90 * time.Second) },
	}
	rec := httptest.NewRecorder()
	src.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/status", nil))
	body := rec.Body.String()
	for _, want := range []string{
		"<title>demo &lt;server&gt;</title>", // escaped by html/template
		"Built for <strong>linux/arm64</strong> with go1.19; up 1m30s.",
		"<p>3 stored.</p>",
		"<tr><td>notes</td><td>2</td><td>3.0 ms</td>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
	// Tags: most used first, then by name.
	if z, a, b := strings.Index(body, "<td>z</td>"), strings.Index(body, "<td>a</td>"), strings.Index(body, "<td>b</td>"); !(z < a && a < b) {
		t.Errorf("tag order z=%d a=%d b=%d", z, a, b)
	}
}

func TestEmptyPage(t *testing.T) {
	rec := httptest.NewRecorder()
	Source{Title: "t", Started: time.Now()}.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if !strings.Contains(rec.Body.String(), "No requests yet.") {
		t.Fatalf("got %s", rec.Body.String())
	}
}
