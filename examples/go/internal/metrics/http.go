package metrics

import (
	"net/http"
	"strconv"
	"time"

	"example.com/xbuild/examples/go/internal/httprec"
)

// Instrument wraps h: every request adds to http_requests_total{route,code}
// and http_response_bytes_total{route}, and its latency to
// http_request_duration_seconds{route}. route is a fixed name (not the URL),
// so that the number of series stays bounded.
func (r *Registry) Instrument(route string, h http.Handler) http.Handler {
	r.Help("http_requests_total", "Requests served, by route and status code.")
	r.Help("http_request_duration_seconds", "Time to serve a request, by route.")
	r.Help("http_response_bytes_total", "Response body bytes written, by route (before compression).")
	hist := r.Histogram("http_request_duration_seconds", Labels{"route": route}, DefaultBuckets)
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		start := time.Now()
		rec := httprec.New(w)
		h.ServeHTTP(rec, req)
		hist.Observe(time.Since(start).Seconds())
		r.Add("http_requests_total", Labels{"route": route, "code": strconv.Itoa(rec.Status())}, 1)
		r.Add("http_response_bytes_total", Labels{"route": route}, uint64(rec.Bytes()))
	})
}

// Handler serves the registry in the text format.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		_ = r.WriteText(w)
	})
}
