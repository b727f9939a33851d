package config

import (
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	c := Default()
	in := `# server settings
addr = 127.0.0.1:9000
title = "notes \"demo\""
read_timeout = 1m30s   # generous
gzip_level = 9
max_body_bytes = 1MiB
rate_limit = 2.5
trust_proxy = true
access_log = json
`
	if err := Parse(&c, strings.NewReader(in), "test.conf"); err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9000" || c.Title != `notes "demo"` || c.ReadTimeout != 90*time.Second ||
		c.GzipLevel != 9 || c.MaxBodyBytes != 1<<20 || c.WriteTimeout != Default().WriteTimeout ||
		c.RateLimit != 2.5 || !c.TrustProxy || c.AccessLog != "json" || c.RateBurst != 20 {
		t.Fatalf("got %+v", c)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"addr 8080", "f:1: want key = value"},
		{"\n\nport = 1", "f:3: port: unknown key (known: access_log, addr, gzip_level"},
		{"gzip_level = 10", "f:1: gzip_level: want 0..9, got 10"},
		{"gzip_level = fast", `want an integer, got "fast"`},
		{"read_timeout = 5", "want a duration"},
		{"read_timeout = -1s", "must be positive"},
		{"addr = :1\naddr = :2", "f:2: addr: given twice (first at line 1)"},
		{"title = \"open", "bad quoted string"},
		{"max_body_bytes = 12", "at least 1KiB"},
		{"max_body_bytes = lots", "want a size"},
		{"rate_limit = -1", "want requests per second"},
		{"trust_proxy = maybe", "want true or false"},
		{"access_log = xml", "want off, combined or json"},
	} {
		c := Default()
		err := Parse(&c, strings.NewReader(tc.in), "f")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
}

func TestFromEnv(t *testing.T) {
	env := map[string]string{"SERVER_GZIP_LEVEL": "0", "SERVER_MAX_NOTES": "3"}
	c := Default()
	if err := FromEnv(&c, func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Fatal(err)
	}
	if c.GzipLevel != 0 || c.MaxNotes != 3 {
		t.Fatalf("got %+v", c)
	}
	env["SERVER_MAX_NOTES"] = "0"
	err := FromEnv(&c, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err == nil || !strings.Contains(err.Error(), "environment: SERVER_MAX_NOTES: want 1..1000000") {
		t.Fatalf("got %v", err)
	}
}
