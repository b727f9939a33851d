// Package metrics counts requests and their latencies in histograms, and
// writes them in the Prometheus text exposition format (GET /metrics). It
// is safe for concurrent use and allocates nothing per observation.
package metrics

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// DefaultBuckets are latency upper bounds in seconds (Prometheus' defaults).
var DefaultBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// Histogram counts observations into cumulative buckets by upper bound.
type Histogram struct {
	bounds  []float64 // sorted upper bounds; +Inf is implicit
	counts  []uint64  // per bucket, not cumulative (atomic)
	count   uint64    // atomic
	sumBits uint64    // float64 bits of the sum (atomic CAS)
}

// NewHistogram makes a histogram with the given upper bounds (sorted, unique,
// finite); it panics otherwise, since bounds are fixed at start-up.
func NewHistogram(bounds []float64) *Histogram {
	for i, b := range bounds {
		if math.IsNaN(b) || math.IsInf(b, 0) || (i > 0 && b <= bounds[i-1]) {
			panic(fmt.Sprintf("metrics: bucket bounds must be finite and increasing, got %v", bounds))
		}
	}
	return &Histogram{bounds: append([]float64(nil), bounds...), counts: make([]uint64, len(bounds)+1)}
}

// Observe records one value.
func (h *Histogram) Observe(v float64) {
	i := sort.SearchFloat64s(h.bounds, v) // first bound >= v
	atomic.AddUint64(&h.counts[i], 1)
	atomic.AddUint64(&h.count, 1)
	for {
		old := atomic.LoadUint64(&h.sumBits)
		next := math.Float64bits(math.Float64frombits(old) + v)
		if atomic.CompareAndSwapUint64(&h.sumBits, old, next) {
			return
		}
	}
}

// Snapshot is a consistent-enough copy of a histogram for reporting.
type Snapshot struct {
	Bounds     []float64
	Cumulative []uint64 // per bound, then +Inf
	Count      uint64
	Sum        float64
}

// Snapshot copies the current counts.
func (h *Histogram) Snapshot() Snapshot {
	s := Snapshot{Bounds: h.bounds, Cumulative: make([]uint64, len(h.counts))}
	var run uint64
	for i := range h.counts {
		run += atomic.LoadUint64(&h.counts[i])
		s.Cumulative[i] = run
	}
	s.Count = run
	s.Sum = math.Float64frombits(atomic.LoadUint64(&h.sumBits))
	return s
}

// Quantile estimates the q-quantile (0..1) by linear interpolation inside
// the bucket that holds it, as Prometheus' histogram_quantile does. It
// returns NaN without observations, and the highest bound when the quantile
// falls into the +Inf bucket.
func (s Snapshot) Quantile(q float64) float64 {
	if s.Count == 0 || q < 0 || q > 1 {
		return math.NaN()
	}
	rank := q * float64(s.Count)
	for i, c := range s.Cumulative {
		if float64(c) < rank {
			continue
		}
		if i == len(s.Bounds) {
			return s.Bounds[len(s.Bounds)-1]
		}
		lo, below := 0.0, uint64(0)
		if i > 0 {
			lo, below = s.Bounds[i-1], s.Cumulative[i-1]
		}
		in := c - below
		if in == 0 {
			return s.Bounds[i]
		}
		return lo + (s.Bounds[i]-lo)*(rank-float64(below))/float64(in)
	}
	return s.Bounds[len(s.Bounds)-1]
}

// Mean is Sum/Count (NaN without observations).
func (s Snapshot) Mean() float64 {
	if s.Count == 0 {
		return math.NaN()
	}
	return s.Sum / float64(s.Count)
}

// Registry holds named counters and histograms, each with one label set.
type Registry struct {
	mu         sync.Mutex
	counters   map[string]*uint64
	histograms map[string]*Histogram
	help       map[string]string
}

// NewRegistry makes an empty registry.
func NewRegistry() *Registry {
	return &Registry{counters: map[string]*uint64{}, histograms: map[string]*Histogram{}, help: map[string]string{}}
}

// Help sets the HELP text written for the metric family name.
func (r *Registry) Help(name, text string) {
	r.mu.Lock()
	r.help[name] = text
	r.mu.Unlock()
}

// Add increases the counter name{labels} by n.
func (r *Registry) Add(name string, labels Labels, n uint64) {
	key := series(name, labels)
	r.mu.Lock()
	c, ok := r.counters[key]
	if !ok {
		c = new(uint64)
		r.counters[key] = c
	}
	r.mu.Unlock()
	atomic.AddUint64(c, n)
}

// Histogram returns the histogram name{labels}, made with bounds on first use.
func (r *Registry) Histogram(name string, labels Labels, bounds []float64) *Histogram {
	key := series(name, labels)
	r.mu.Lock()
	defer r.mu.Unlock()
	h, ok := r.histograms[key]
	if !ok {
		h = NewHistogram(bounds)
		r.histograms[key] = h
	}
	return h
}

// Counter reads the counter name{labels} (0 if it was never added to).
func (r *Registry) Counter(name string, labels Labels) uint64 {
	r.mu.Lock()
	c := r.counters[series(name, labels)]
	r.mu.Unlock()
	if c == nil {
		return 0
	}
	return atomic.LoadUint64(c)
}

// Histograms returns a snapshot of every histogram, by series name.
func (r *Registry) Histograms() map[string]Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]Snapshot, len(r.histograms))
	for k, h := range r.histograms {
		out[k] = h.Snapshot()
	}
	return out
}

// Labels are a metric's label pairs.
type Labels map[string]string

// series is name{k="v",...} with keys sorted and values escaped.
func series(name string, labels Labels) string {
	if len(labels) == 0 {
		return name
	}
	ks := make([]string, 0, len(labels))
	for k := range labels {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte('{')
	for i, k := range ks {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k)
		b.WriteString(`="`)
		b.WriteString(escape(labels[k]))
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

func escape(v string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v)
}

// splitSeries undoes series: the family name and the label part ("" or {..}).
func splitSeries(key string) (string, string) {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		return key[:i], key[i:]
	}
	return key, ""
}

// withLabel adds one label to a label part from splitSeries.
func withLabel(labels, k, v string) string {
	pair := k + `="` + v + `"`
	if labels == "" {
		return "{" + pair + "}"
	}
	return labels[:len(labels)-1] + "," + pair + "}"
}

func formatFloat(f float64) string {
	if math.IsInf(f, +1) {
		return "+Inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// WriteText writes every metric in the Prometheus text format, families
// sorted by name, so the output is stable.
func (r *Registry) WriteText(w io.Writer) error {
	r.mu.Lock()
	counters := make(map[string]uint64, len(r.counters))
	for k, c := range r.counters {
		counters[k] = atomic.LoadUint64(c)
	}
	hists := make(map[string]Snapshot, len(r.histograms))
	for k, h := range r.histograms {
		hists[k] = h.Snapshot()
	}
	help := make(map[string]string, len(r.help))
	for k, v := range r.help {
		help[k] = v
	}
	r.mu.Unlock()

	type family struct {
		kind   string
		series []string
	}
	fams := map[string]*family{}
	add := func(key, kind string) {
		name, _ := splitSeries(key)
		f, ok := fams[name]
		if !ok {
			f = &family{kind: kind}
			fams[name] = f
		}
		f.series = append(f.series, key)
	}
	for k := range counters {
		add(k, "counter")
	}
	for k := range hists {
		add(k, "histogram")
	}
	names := make([]string, 0, len(fams))
	for n := range fams {
		names = append(names, n)
	}
	sort.Strings(names)

	ew := &errWriter{w: w}
	for _, name := range names {
		f := fams[name]
		sort.Strings(f.series)
		if h, ok := help[name]; ok {
			ew.printf("# HELP %s %s\n", name, h)
		}
		ew.printf("# TYPE %s %s\n", name, f.kind)
		for _, key := range f.series {
			if f.kind == "counter" {
				ew.printf("%s %d\n", key, counters[key])
				continue
			}
			s := hists[key]
			_, labels := splitSeries(key)
			for i, c := range s.Cumulative {
				le := math.Inf(+1)
				if i < len(s.Bounds) {
					le = s.Bounds[i]
				}
				ew.printf("%s_bucket%s %d\n", name, withLabel(labels, "le", formatFloat(le)), c)
			}
			ew.printf("%s_sum%s %s\n", name, labels, formatFloat(s.Sum))
			ew.printf("%s_count%s %d\n", name, labels, s.Count)
		}
	}
	return ew.err
}

// errWriter keeps the first write error, so WriteText reads straight.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...interface{}) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
