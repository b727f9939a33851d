// Command server is a small HTTP server that reports the platform it was
// built for, keeps notes through a JSON API, shows a status page and serves
// metrics. It is the pure-Go (CGO_ENABLED=0) example for xx-go, and the
// program the Dockerfile frontend's benchmark builds.
//
//	/            hello from <GOOS>/<GOARCH>
//	/api/notes   JSON API (internal/notes)
//	/status      HTML status page (internal/status)
//	/metrics     Prometheus text format (internal/metrics)
//
// Settings (-config FILE, SERVER_* variables; internal/config) turn on a
// per-client rate limit (internal/ratelimit) and an access log on standard
// error (internal/accesslog).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"time"

	"example.com/xbuild/examples/go/internal/accesslog"
	"example.com/xbuild/examples/go/internal/config"
	"example.com/xbuild/examples/go/internal/gzipmw"
	"example.com/xbuild/examples/go/internal/metrics"
	"example.com/xbuild/examples/go/internal/notes"
	"example.com/xbuild/examples/go/internal/ratelimit"
	"example.com/xbuild/examples/go/internal/status"
)

// platform is GOOS/GOARCH of the running binary. The GOARM variant of an
// arm build is not visible at run time, so it is not reported.
const platform = runtime.GOOS + "/" + runtime.GOARCH

func hello(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	fmt.Fprintf(w, "hello from %s\n", platform)
}

// newHandler is the whole server: every route instrumented, responses
// compressed when worth it.
func newHandler(cfg config.Config) http.Handler {
	reg := metrics.NewRegistry()
	store := notes.NewStore(cfg.MaxNotes)
	page := status.Source{
		Title: cfg.Title, Platform: platform, GoVersion: runtime.Version(), Started: time.Now(),
		Registry: reg, NoteCount: store.Len, TagCounts: store.TagCounts,
	}
	mux := http.NewServeMux()
	mux.Handle("/", reg.Instrument("hello", http.HandlerFunc(hello)))
	api := &notes.API{Store: store, MaxBodyBytes: cfg.MaxBodyBytes}
	mux.Handle(notes.Prefix, reg.Instrument("notes", api))
	mux.Handle(notes.Prefix+"/", reg.Instrument("note", api))
	mux.Handle("/status", reg.Instrument("status", page.Handler()))
	mux.Handle("/metrics", reg.Handler())
	var h http.Handler = gzipmw.New(mux, gzipmw.Options{Level: cfg.GzipLevel, MinSize: cfg.GzipMinSize})
	if cfg.RateLimit > 0 {
		lim := &ratelimit.Limiter{Rate: cfg.RateLimit, Burst: float64(cfg.RateBurst), TrustProxy: cfg.TrustProxy}
		h = lim.Middleware(h)
	}
	if cfg.AccessLog != "off" {
		format, _ := accesslog.ParseFormat(cfg.AccessLog) // config has checked it
		h = (&accesslog.Logger{W: os.Stderr, Format: format}).Middleware(h)
	}
	return h
}

// selftest serves on a random loopback port, fetches "/" and prints the
// body; it also stores a note and checks that the status page and the
// metrics show it. It lets a cross-built binary be checked under emulation
// (xx-run ./server -selftest) without any external client.
func selftest(cfg config.Config) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: newHandler(cfg)}
	go srv.Serve(ln)
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	base := "http://" + ln.Addr().String()
	fetch := func(method, path, body string, want int) (string, error) {
		req, err := http.NewRequestWithContext(ctx, method, base+path, strings.NewReader(body))
		if err != nil {
			return "", err
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return "", err
		}
		if resp.StatusCode != want {
			return "", errors.New(method + " " + path + ": unexpected status: " + resp.Status)
		}
		return string(b), nil
	}
	body, err := fetch(http.MethodGet, "/", "", http.StatusOK)
	if err != nil {
		return err
	}
	if _, err := fetch(http.MethodPost, notes.Prefix, `{"title":"selftest","tags":["check"]}`, http.StatusCreated); err != nil {
		return err
	}
	page, err := fetch(http.MethodGet, "/status", "", http.StatusOK)
	if err != nil {
		return err
	}
	if !strings.Contains(page, "<td>check</td><td>1</td>") {
		return errors.New("the status page does not show the stored note's tag")
	}
	m, err := fetch(http.MethodGet, "/metrics", "", http.StatusOK)
	if err != nil {
		return err
	}
	if !strings.Contains(m, `http_requests_total{code="201",route="notes"} 1`) {
		return errors.New("the metrics do not count the stored note")
	}
	fmt.Print(body)
	return srv.Shutdown(ctx)
}

func main() {
	cfgPath := flag.String("config", "", "settings file (key = value lines; keys: "+strings.Join(config.Keys(), ", ")+")")
	addr := flag.String("addr", "", "listen address (overrides the settings; default :8080)")
	version := flag.Bool("version", false, "print platform and Go version, then exit")
	self := flag.Bool("selftest", false, "serve once on loopback, GET /, print the body, exit")
	flag.Parse()

	cfg, err := config.Load(*cfgPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(2)
	}
	if *addr != "" {
		cfg.Addr = *addr
	}
	switch {
	case *version:
		fmt.Printf("server %s %s\n", platform, runtime.Version())
	case *self:
		if err := selftest(cfg); err != nil {
			fmt.Fprintln(os.Stderr, "selftest:", err)
			os.Exit(1)
		}
	default:
		srv := &http.Server{Addr: cfg.Addr, Handler: newHandler(cfg),
			ReadTimeout: cfg.ReadTimeout, WriteTimeout: cfg.WriteTimeout}
		log.Printf("listening on %s (%s)", cfg.Addr, platform)
		log.Fatal(srv.ListenAndServe())
	}
}
