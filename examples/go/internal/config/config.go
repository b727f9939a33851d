// Package config reads the server's settings from a small "key = value" file
// (comments with #, blank lines ignored) and from SERVER_* environment
// variables, which win over the file. Every error names the line and the key.
package config

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of the server, with its defaults from Default.
type Config struct {
	Addr         string        // listen address
	Title        string        // shown on the status page
	ReadTimeout  time.Duration // http.Server.ReadTimeout
	WriteTimeout time.Duration // http.Server.WriteTimeout
	GzipLevel    int           // 1 (fast) .. 9 (small); 0 turns compression off
	GzipMinSize  int           // responses smaller than this are sent as they are
	MaxNotes     int           // the notes API refuses to store more
	MaxBodyBytes int64         // largest accepted request body
	RateLimit    float64       // requests per second per client; 0 turns the limit off
	RateBurst    int           // requests a client may send at once
	TrustProxy   bool          // take the client address from X-Forwarded-For
	AccessLog    string        // off, combined or json (on standard error)
}

// Default is the configuration without a file or environment.
func Default() Config {
	return Config{
		Addr:         ":8080",
		Title:        "xbuild example server",
		ReadTimeout:  10 * time.Second,
		WriteTimeout: 10 * time.Second,
		GzipLevel:    5,
		GzipMinSize:  512,
		MaxNotes:     1000,
		MaxBodyBytes: 64 << 10,
		RateLimit:    0,
		RateBurst:    20,
		AccessLog:    "off",
	}
}

// Error is a problem at one line of the input (Line 0: an environment variable).
type Error struct {
	Source string
	Line   int
	Key    string
	Msg    string
}

func (e *Error) Error() string {
	where := e.Source
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d", e.Source, e.Line)
	}
	if e.Key == "" {
		return where + ": " + e.Msg
	}
	return fmt.Sprintf("%s: %s: %s", where, e.Key, e.Msg)
}

// setter parses one value into the configuration.
type setter func(c *Config, v string) error

var keys = map[string]setter{
	"addr": func(c *Config, v string) error {
		if !strings.Contains(v, ":") {
			return fmt.Errorf("want host:port or :port, got %q", v)
		}
		c.Addr = v
		return nil
	},
	"title": func(c *Config, v string) error {
		if v == "" {
			return fmt.Errorf("must not be empty")
		}
		c.Title = v
		return nil
	},
	"read_timeout":  durationSetter(func(c *Config) *time.Duration { return &c.ReadTimeout }),
	"write_timeout": durationSetter(func(c *Config) *time.Duration { return &c.WriteTimeout }),
	"gzip_level":    intSetter(0, 9, func(c *Config) *int { return &c.GzipLevel }),
	"gzip_min_size": intSetter(0, 1<<20, func(c *Config) *int { return &c.GzipMinSize }),
	"max_notes":     intSetter(1, 1_000_000, func(c *Config) *int { return &c.MaxNotes }),
	"rate_limit": func(c *Config, v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 1e6 {
			return fmt.Errorf("want requests per second, 0 (off) .. 1000000, got %q", v)
		}
		c.RateLimit = f
		return nil
	},
	"rate_burst": intSetter(1, 1_000_000, func(c *Config) *int { return &c.RateBurst }),
	"trust_proxy": func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("want true or false, got %q", v)
		}
		c.TrustProxy = b
		return nil
	},
	"access_log": func(c *Config, v string) error {
		switch v {
		case "off", "combined", "json":
			c.AccessLog = v
			return nil
		}
		return fmt.Errorf("want off, combined or json, got %q", v)
	},
	"max_body_bytes": func(c *Config, v string) error {
		n, err := parseSize(v)
		if err != nil {
			return err
		}
		if n < 1024 {
			return fmt.Errorf("at least 1KiB, got %d bytes", n)
		}
		c.MaxBodyBytes = n
		return nil
	},
}

// Keys lists the accepted keys, sorted (for messages and documentation).
func Keys() []string {
	out := make([]string, 0, len(keys))
	for k := range keys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func durationSetter(field func(*Config) *time.Duration) setter {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("want a duration such as 5s or 1m30s, got %q", v)
		}
		if d <= 0 {
			return fmt.Errorf("must be positive, got %s", d)
		}
		*field(c) = d
		return nil
	}
}

func intSetter(min, max int, field func(*Config) *int) setter {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("want an integer, got %q", v)
		}
		if n < min || n > max {
			return fmt.Errorf("want %d..%d, got %d", min, max, n)
		}
		*field(c) = n
		return nil
	}
}

// parseSize reads "65536", "64KiB", "1MiB" or "2k"/"3m" (powers of 1024).
func parseSize(v string) (int64, error) {
	s := strings.TrimSpace(strings.ToLower(v))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"k", 1 << 10}, {"m", 1 << 20}, {"b", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("want a size such as 65536, 64KiB or 1MiB, got %q", v)
	}
	return n * mult, nil
}

// Parse reads "key = value" lines from r into c. Values may be quoted with
// double quotes (Go syntax). A key given twice is an error: it is usually a
// mistake that the later line silently wins.
func Parse(c *Config, r io.Reader, source string) error {
	seen := map[string]int{}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		eq := strings.IndexByte(text, '=')
		if eq < 0 {
			return &Error{source, line, "", fmt.Sprintf("want key = value, got %q", text)}
		}
		key := strings.ToLower(strings.TrimSpace(text[:eq]))
		val := strings.TrimSpace(text[eq+1:])
		if strings.HasPrefix(val, `"`) {
			unq, err := strconv.Unquote(val)
			if err != nil {
				return &Error{source, line, key, "bad quoted string " + val}
			}
			val = unq
		} else if i := strings.Index(val, " #"); i >= 0 {
			val = strings.TrimSpace(val[:i]) // trailing comment
		}
		set, ok := keys[key]
		if !ok {
			return &Error{source, line, key, "unknown key (known: " + strings.Join(Keys(), ", ") + ")"}
		}
		if prev, dup := seen[key]; dup {
			return &Error{source, line, key, fmt.Sprintf("given twice (first at line %d)", prev)}
		}
		seen[key] = line
		if err := set(c, val); err != nil {
			return &Error{source, line, key, err.Error()}
		}
	}
	if err := sc.Err(); err != nil {
		return &Error{source, line, "", err.Error()}
	}
	return nil
}

// FromEnv applies SERVER_<KEY> variables (SERVER_GZIP_LEVEL=9) found by lookup.
func FromEnv(c *Config, lookup func(string) (string, bool)) error {
	for _, k := range Keys() {
		name := "SERVER_" + strings.ToUpper(k)
		if v, ok := lookup(name); ok {
			if err := keys[k](c, v); err != nil {
				return &Error{"environment", 0, name, err.Error()}
			}
		}
	}
	return nil
}

// Load is Default, then the file at path (if path is not empty), then the
// environment.
func Load(path string) (Config, error) {
	c := Default()
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return c, err
		}
		defer f.Close()
		if err := Parse(&c, f, path); err != nil {
			return c, err
		}
	}
	return c, FromEnv(&c, os.LookupEnv)
}
