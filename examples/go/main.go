// Command server is a tiny HTTP server that reports the platform it was
// built for. It is the pure-Go (CGO_ENABLED=0) example for xx-go.
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
	"time"
)

// platform is GOOS/GOARCH of the running binary. The GOARM variant of an
// arm build is not visible at run time, so it is not reported.
const platform = runtime.GOOS + "/" + runtime.GOARCH

func hello(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "hello from %s\n", platform)
}

// selftest serves on a random loopback port, fetches "/" once and prints
// the body. It lets a cross-built binary be checked under emulation
// (xx-run ./server -selftest) without any external client.
func selftest() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.HandlerFunc(hello)}
	go srv.Serve(ln)
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+ln.Addr().String()+"/", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return errors.New("unexpected status: " + resp.Status)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	fmt.Print(string(body))
	return srv.Shutdown(ctx)
}

func main() {
	addr := flag.String("addr", ":8080", "listen address")
	version := flag.Bool("version", false, "print platform and Go version, then exit")
	self := flag.Bool("selftest", false, "serve once on loopback, GET /, print the body, exit")
	flag.Parse()

	switch {
	case *version:
		fmt.Printf("server %s %s\n", platform, runtime.Version())
	case *self:
		if err := selftest(); err != nil {
			fmt.Fprintln(os.Stderr, "selftest:", err)
			os.Exit(1)
		}
	default:
		http.HandleFunc("/", hello)
		log.Printf("listening on %s (%s)", *addr, platform)
		log.Fatal(http.ListenAndServe(*addr, nil))
	}
}
