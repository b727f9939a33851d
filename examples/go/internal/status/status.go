// Package status renders the server's status page (GET /status): platform,
// Go version, uptime, the notes' tags, and per-route request latencies from
// the metrics registry. The template is embedded in the binary.
package status

import (
	"embed"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"sort"
	"strings"
	"time"

	"example.com/xbuild/examples/go/internal/metrics"
)

//go:embed templates/status.html
var files embed.FS

var page = template.Must(template.New("status.html").Funcs(template.FuncMap{
	"ms":       func(s float64) string { return formatMs(s) },
	"duration": func(d time.Duration) string { return d.Round(time.Second).String() },
}).ParseFS(files, "templates/status.html"))

// Source supplies what the page shows; nil fields are left out.
type Source struct {
	Title     string
	Platform  string
	GoVersion string
	Started   time.Time
	Registry  *metrics.Registry
	TagCounts func() map[string]int
	NoteCount func() int
	Now       func() time.Time
}

// Route is one row of the latency table.
type Route struct {
	Name                string
	Count               uint64
	Mean, P50, P90, P99 float64
}

// Tag is one row of the tag table.
type Tag struct {
	Name  string
	Count int
}

// View is the template's data.
type View struct {
	Title, Platform, GoVersion string
	Uptime                     time.Duration
	Notes                      int
	Tags                       []Tag
	Routes                     []Route
}

// formatMs renders seconds as milliseconds ("-" when unknown).
func formatMs(s float64) string {
	if math.IsNaN(s) {
		return "-"
	}
	return fmt.Sprintf("%.1f ms", s*1000)
}

// Build collects the view.
func (s Source) Build() View {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	v := View{Title: s.Title, Platform: s.Platform, GoVersion: s.GoVersion, Uptime: now().Sub(s.Started)}
	if s.NoteCount != nil {
		v.Notes = s.NoteCount()
	}
	if s.TagCounts != nil {
		for name, n := range s.TagCounts() {
			v.Tags = append(v.Tags, Tag{name, n})
		}
		sort.Slice(v.Tags, func(i, j int) bool {
			if v.Tags[i].Count != v.Tags[j].Count {
				return v.Tags[i].Count > v.Tags[j].Count
			}
			return v.Tags[i].Name < v.Tags[j].Name
		})
	}
	if s.Registry != nil {
		const family = "http_request_duration_seconds"
		for key, snap := range s.Registry.Histograms() {
			if !strings.HasPrefix(key, family+"{") {
				continue
			}
			v.Routes = append(v.Routes, Route{
				Name: routeLabel(key), Count: snap.Count, Mean: snap.Mean(),
				P50: snap.Quantile(0.5), P90: snap.Quantile(0.9), P99: snap.Quantile(0.99),
			})
		}
		sort.Slice(v.Routes, func(i, j int) bool { return v.Routes[i].Name < v.Routes[j].Name })
	}
	return v
}

// routeLabel reads route="..." out of a series name.
func routeLabel(key string) string {
	const l = `route="`
	i := strings.Index(key, l)
	if i < 0 {
		return key
	}
	rest := key[i+len(l):]
	if j := strings.IndexByte(rest, '"'); j >= 0 {
		return rest[:j]
	}
	return rest
}

// Handler serves the page.
func (s Source) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b strings.Builder
		if err := page.Execute(&b, s.Build()); err != nil {
			http.Error(w, "status page: "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(b.String()))
	})
}
