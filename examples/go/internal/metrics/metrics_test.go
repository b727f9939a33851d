package metrics

import (
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

func TestHistogramQuantile(t *testing.T) {
	h := NewHistogram([]float64{1, 2, 4})
	for _, v := range []float64{0.5, 1.5, 1.5, 3, 10} {
		h.Observe(v)
	}
	s := h.Snapshot()
	if s.Count != 5 || s.Sum != 16.5 {
		t.Fatalf("count %d sum %v", s.Count, s.Sum)
	}
	if got := s.Cumulative; got[0] != 1 || got[1] != 3 || got[2] != 4 || got[3] != 5 {
		t.Fatalf("cumulative %v", got)
	}
	// The median (rank 2.5) is in (1, 2], 1.5 of its 2 observations in: 1 + 0.75.
	if q := s.Quantile(0.5); math.Abs(q-1.75) > 1e-9 {
		t.Fatalf("median %v", q)
	}
	if q := s.Quantile(1); q != 4 {
		t.Fatalf("max %v (the +Inf bucket reports the highest bound)", q)
	}
	if !math.IsNaN(NewHistogram([]float64{1}).Snapshot().Quantile(0.5)) {
		t.Fatal("empty histogram: want NaN")
	}
}

func TestHistogramBoundsMustIncrease(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for decreasing bounds")
		}
	}()
	NewHistogram([]float64{1, 1})
}

func TestConcurrentObserve(t *testing.T) {
	h := NewHistogram(DefaultBuckets)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				h.Observe(0.001)
			}
		}()
	}
	wg.Wait()
	if s := h.Snapshot(); s.Count != 8000 || math.Abs(s.Sum-8) > 1e-6 {
		t.Fatalf("count %d sum %v", s.Count, s.Sum)
	}
}

func TestWriteText(t *testing.T) {
	r := NewRegistry()
	r.Help("jobs_total", "Jobs done.")
	r.Add("jobs_total", Labels{"kind": `a"b`}, 2)
	r.Add("jobs_total", nil, 1)
	r.Histogram("wait_seconds", nil, []float64{0.5}).Observe(0.25)
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := `# HELP jobs_total Jobs done.
# TYPE jobs_total counter
jobs_total 1
jobs_total{kind="a\"b"} 2
# TYPE wait_seconds histogram
wait_seconds_bucket{le="0.5"} 1
wait_seconds_bucket{le="+Inf"} 1
wait_seconds_sum 0.25
wait_seconds_count 1
`
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestInstrument(t *testing.T) {
	r := NewRegistry()
	h := r.Instrument("teapot", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
		w.Write([]byte("short and stout"))
	}))
	for i := 0; i < 3; i++ {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	}
	if n := r.Counter("http_requests_total", Labels{"route": "teapot", "code": "418"}); n != 3 {
		t.Fatalf("requests %d", n)
	}
	if n := r.Counter("http_response_bytes_total", Labels{"route": "teapot"}); n != 45 {
		t.Fatalf("bytes %d", n)
	}
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if !strings.Contains(rec.Body.String(), `http_request_duration_seconds_count{route="teapot"} 3`) {
		t.Fatalf("metrics page:\n%s", rec.Body.String())
	}
}
