package notes

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	in, err := Validate(Input{Title: "  groceries ", Tags: []string{"Home", "home", "todo"}})
	if err != nil || in.Title != "groceries" || strings.Join(in.Tags, ",") != "home,todo" {
		t.Fatalf("got %+v, %v", in, err)
	}
	_, err = Validate(Input{Title: "", Body: strings.Repeat("x", MaxBody+1), Tags: []string{"ok", "-bad", "a b"}})
	verr, ok := err.(ValidationError)
	if !ok || len(verr) != 4 {
		t.Fatalf("want 4 field errors, got %v", err)
	}
	for i, field := range []string{"title", "body", "tags[1]", "tags[2]"} {
		if verr[i].Field != field {
			t.Errorf("error %d is for %q, want %q", i, verr[i].Field, field)
		}
	}
}

func TestStore(t *testing.T) {
	s := NewStore(2)
	a, _ := s.Add(Input{Title: "a", Tags: []string{"x"}})
	b, _ := s.Add(Input{Title: "b"})
	if _, err := s.Add(Input{Title: "c"}); err != ErrFull {
		t.Fatalf("third note: %v, want ErrFull", err)
	}
	if l := s.List("", 0); len(l) != 2 || l[0].ID != b.ID {
		t.Fatalf("list %+v", l)
	}
	if l := s.List("x", 0); len(l) != 1 || l[0].ID != a.ID {
		t.Fatalf("tag x: %+v", l)
	}
	if l := s.Search("a", 0); len(l) != 0 {
		t.Fatalf("one-letter words are not indexed: %+v", l)
	}
	if l := s.Search("x", 0); len(l) != 0 {
		t.Fatalf("search x: %+v", l)
	}
	if !s.Delete(a.ID) || s.Delete(a.ID) || s.Len() != 1 {
		t.Fatal("delete")
	}
}

func do(h http.Handler, method, path, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestAPI(t *testing.T) {
	api := &API{Store: NewStore(10), MaxBodyBytes: 1024}
	rec := do(api, "POST", Prefix, `{"title":"first","tags":["demo"]}`)
	if rec.Code != http.StatusCreated || rec.Header().Get("Location") != Prefix+"/1" {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	rec = do(api, "POST", Prefix, `{"title":"","tags":["NO WAY"]}`)
	var p problem
	if rec.Code != http.StatusUnprocessableEntity || json.Unmarshal(rec.Body.Bytes(), &p) != nil || len(p.Fields) != 2 {
		t.Fatalf("invalid: %d %s", rec.Code, rec.Body)
	}
	for _, tc := range []struct {
		method, path, body string
		code               int
	}{
		{"POST", Prefix, `{"title":"x","colour":"red"}`, http.StatusBadRequest},
		{"POST", Prefix, `{"title":"x"} {}`, http.StatusBadRequest},
		{"POST", Prefix, `{"title":"` + strings.Repeat("y", 2000) + `"}`, http.StatusRequestEntityTooLarge},
		{"GET", Prefix + "/1", "", http.StatusOK},
		{"GET", Prefix + "/2", "", http.StatusNotFound},
		{"GET", Prefix + "/abc", "", http.StatusNotFound},
		{"GET", Prefix + "?limit=0", "", http.StatusBadRequest},
		{"GET", Prefix + "?q=first&tag=demo", "", http.StatusBadRequest},
		{"PUT", Prefix, "", http.StatusMethodNotAllowed},
		{"DELETE", Prefix + "/1", "", http.StatusNoContent},
		{"DELETE", Prefix + "/1", "", http.StatusNotFound},
	} {
		if rec := do(api, tc.method, tc.path, tc.body); rec.Code != tc.code {
			t.Errorf("%s %s: %d, want %d (%s)", tc.method, tc.path, rec.Code, tc.code, rec.Body)
		}
	}
	do(api, "POST", Prefix, `{"title":"Cross compiling","body":"xx-go builds for arm64","tags":["go"]}`)
	do(api, "POST", Prefix, `{"title":"Emulation","body":"QEMU runs arm64 binaries"}`)
	var found []Note
	rec = do(api, "GET", Prefix+"?q=arm64+cro", "")
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &found) != nil || len(found) != 1 || found[0].Title != "Cross compiling" {
		t.Fatalf("search: %d %s", rec.Code, rec.Body)
	}
	req := httptest.NewRequest("POST", Prefix, strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "text/plain")
	rec = httptest.NewRecorder()
	api.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain body: %d", rec.Code)
	}
}
