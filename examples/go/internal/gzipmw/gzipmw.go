// Package gzipmw compresses HTTP responses with gzip when the client accepts
// it, the body is large enough to gain, and the content type is text-like.
// Small or already-compressed bodies are sent as they are: the decision is
// taken once the first MinSize bytes (or the whole body) are known.
package gzipmw

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Options tune the middleware; the zero Options are not valid, use New's
// defaults.
type Options struct {
	Level   int // gzip.BestSpeed .. gzip.BestCompression; 0 = never compress
	MinSize int // bodies shorter than this are not compressed
}

// compressible content types (prefixes): images, archives and video already
// are compressed, and compressing them again only costs CPU.
var compressible = []string{
	"text/", "application/json", "application/javascript", "application/xml",
	"image/svg+xml", "application/wasm",
}

// Compressible reports whether a Content-Type is worth compressing.
func Compressible(contentType string) bool {
	ct := strings.ToLower(strings.TrimSpace(contentType))
	for _, p := range compressible {
		if strings.HasPrefix(ct, p) {
			return true
		}
	}
	return false
}

// AcceptsGzip reads an Accept-Encoding header: gzip (or *) with a non-zero q.
func AcceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		fields := strings.Split(part, ";")
		coding := strings.ToLower(strings.TrimSpace(fields[0]))
		if coding != "gzip" && coding != "*" {
			continue
		}
		q := 1.0
		for _, param := range fields[1:] {
			param = strings.TrimSpace(param)
			if strings.HasPrefix(param, "q=") {
				if v, err := strconv.ParseFloat(param[2:], 64); err == nil {
					q = v
				}
			}
		}
		return q > 0
	}
	return false
}

// New wraps h.
func New(h http.Handler, o Options) http.Handler {
	if o.Level == 0 {
		return h
	}
	pool := &sync.Pool{New: func() interface{} {
		zw, err := gzip.NewWriterLevel(nil, o.Level)
		if err != nil {
			panic(err) // a bad level is a programming error, caught at the first request
		}
		return zw
	}}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		if !AcceptsGzip(r.Header.Get("Accept-Encoding")) || r.Method == http.MethodHead {
			h.ServeHTTP(w, r)
			return
		}
		gw := &writer{ResponseWriter: w, opts: o, pool: pool}
		defer gw.close()
		h.ServeHTTP(gw, r)
	})
}

// writer buffers up to MinSize bytes, then decides: gzip or pass through.
type writer struct {
	http.ResponseWriter
	opts    Options
	pool    *sync.Pool
	buf     bytes.Buffer
	status  int
	decided bool
	zw      *gzip.Writer
}

func (g *writer) WriteHeader(code int) {
	if g.status == 0 {
		g.status = code
	}
}

func (g *writer) Write(p []byte) (int, error) {
	if g.status == 0 {
		g.status = http.StatusOK
	}
	if !g.decided {
		g.buf.Write(p)
		if g.buf.Len() < g.opts.MinSize {
			return len(p), nil
		}
		if err := g.decide(); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	if g.zw != nil {
		return g.zw.Write(p)
	}
	return g.ResponseWriter.Write(p)
}

// decide sends the headers and the buffered bytes, compressed or not.
func (g *writer) decide() error {
	g.decided = true
	h := g.Header()
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", http.DetectContentType(g.buf.Bytes()))
	}
	ok := g.buf.Len() >= g.opts.MinSize && h.Get("Content-Encoding") == "" &&
		Compressible(h.Get("Content-Type")) && g.status != http.StatusNoContent &&
		g.status != http.StatusNotModified
	if ok {
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
		g.zw = g.pool.Get().(*gzip.Writer)
		g.zw.Reset(g.ResponseWriter)
	}
	g.ResponseWriter.WriteHeader(g.status)
	if g.zw != nil {
		_, err := g.zw.Write(g.buf.Bytes())
		return err
	}
	_, err := g.ResponseWriter.Write(g.buf.Bytes())
	return err
}

func (g *writer) close() {
	if !g.decided {
		if g.status == 0 && g.buf.Len() == 0 {
			return // the handler wrote nothing: net/http sends its 200
		}
		if g.status == 0 {
			g.status = http.StatusOK
		}
		_ = g.decide()
	}
	if g.zw != nil {
		_ = g.zw.Close()
		g.zw.Reset(nil)
		g.pool.Put(g.zw)
		g.zw = nil
	}
}

// Flush sends what is buffered (streaming handlers).
func (g *writer) Flush() {
	if !g.decided && (g.buf.Len() > 0 || g.status != 0) {
		if g.status == 0 {
			g.status = http.StatusOK
		}
		_ = g.decide()
	}
	if g.zw != nil {
		_ = g.zw.Flush()
	}
	if f, ok := g.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack passes through for protocol upgrades.
func (g *writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := g.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, http.ErrNotSupported
}
