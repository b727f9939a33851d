package accesslog

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func serve(t *testing.T, f Format) string {
	t.Helper()
	var b strings.Builder
	ticks := []time.Time{time.Date(2024, 3, 5, 7, 9, 11, 0, time.UTC), time.Date(2024, 3, 5, 7, 9, 11, 2500000, time.UTC)}
	l := &Logger{W: &b, Format: f, Now: func() time.Time { t := ticks[0]; ticks = ticks[1:]; return t }}
	h := l.Middleware(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte("hello"))
	}))
	req := httptest.NewRequest("POST", "/api/notes?x=1", nil)
	req.RemoteAddr = "192.0.2.1:4242"
	req.Header.Set("User-Agent", `agent "quoted"`)
	h.ServeHTTP(httptest.NewRecorder(), req)
	return b.String()
}

func TestCombined(t *testing.T) {
	want := `192.0.2.1 - - [05/Mar/2024:07:09:11 +0000] "POST /api/notes?x=1 HTTP/1.1" 201 5 "-" "agent \"quoted\"" 0.0025` + "\n"
	if got := serve(t, Combined); got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestJSON(t *testing.T) {
	var e map[string]interface{}
	line := serve(t, JSON)
	if err := json.Unmarshal([]byte(line), &e); err != nil {
		t.Fatalf("%v: %q", err, line)
	}
	if e["status"] != 201.0 || e["bytes"] != 5.0 || e["path"] != "/api/notes?x=1" || e["seconds"] != 0.0025 {
		t.Fatalf("got %v", e)
	}
	if _, ok := e["referer"]; ok {
		t.Fatal("empty referer written")
	}
}

func TestParseFormat(t *testing.T) {
	if f, err := ParseFormat("JSON"); err != nil || f != JSON {
		t.Fatal(f, err)
	}
	if _, err := ParseFormat("xml"); err == nil || !strings.Contains(err.Error(), "want combined or json") {
		t.Fatal(err)
	}
}
