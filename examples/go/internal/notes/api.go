package notes

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// API serves the store under Prefix.
type API struct {
	Store        *Store
	MaxBodyBytes int64
}

// Prefix is where the API is mounted.
const Prefix = "/api/notes"

type problem struct {
	Error  string       `json:"error"`
	Fields []FieldError `json:"fields,omitempty"`
}

func writeJSON(w http.ResponseWriter, code int, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func fail(w http.ResponseWriter, code int, format string, args ...interface{}) {
	writeJSON(w, code, problem{Error: fmt.Sprintf(format, args...)})
}

func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest := strings.Trim(strings.TrimPrefix(r.URL.Path, Prefix), "/")
	if rest == "" {
		switch r.Method {
		case http.MethodGet:
			a.list(w, r)
		case http.MethodPost:
			a.create(w, r)
		default:
			w.Header().Set("Allow", "GET, POST")
			fail(w, http.StatusMethodNotAllowed, "%s not allowed on %s (GET, POST)", r.Method, Prefix)
		}
		return
	}
	id, err := strconv.Atoi(rest)
	if err != nil || id <= 0 {
		fail(w, http.StatusNotFound, "no note %q: ids are positive integers", rest)
		return
	}
	switch r.Method {
	case http.MethodGet:
		if n, ok := a.Store.Get(id); ok {
			writeJSON(w, http.StatusOK, n)
		} else {
			fail(w, http.StatusNotFound, "no note %d", id)
		}
	case http.MethodDelete:
		if a.Store.Delete(id) {
			w.WriteHeader(http.StatusNoContent)
		} else {
			fail(w, http.StatusNotFound, "no note %d", id)
		}
	default:
		w.Header().Set("Allow", "GET, DELETE")
		fail(w, http.StatusMethodNotAllowed, "%s not allowed on a note (GET, DELETE)", r.Method)
	}
}

func (a *API) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			fail(w, http.StatusBadRequest, "limit: want 1..1000, got %q", v)
			return
		}
		limit = n
	}
	tag := strings.ToLower(q.Get("tag"))
	if tag != "" && !tagPattern.MatchString(tag) {
		fail(w, http.StatusBadRequest, "tag: %q is not a valid tag", tag)
		return
	}
	if query := q.Get("q"); query != "" {
		if tag != "" {
			fail(w, http.StatusBadRequest, "q and tag: give one of them")
			return
		}
		writeJSON(w, http.StatusOK, a.Store.Search(query, limit))
		return
	}
	writeJSON(w, http.StatusOK, a.Store.List(tag, limit))
}

func (a *API) create(w http.ResponseWriter, r *http.Request) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		fail(w, http.StatusUnsupportedMediaType, "Content-Type: want application/json, got %q", ct)
		return
	}
	max := a.MaxBodyBytes
	if max <= 0 {
		max = 64 << 10
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, max))
	dec.DisallowUnknownFields()
	var in Input
	if err := dec.Decode(&in); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(w, http.StatusRequestEntityTooLarge, "body larger than %d bytes", max)
			return
		}
		fail(w, http.StatusBadRequest, "body: %v", err)
		return
	}
	if dec.More() {
		fail(w, http.StatusBadRequest, "body: one JSON object expected, more follows")
		return
	}
	n, err := a.Store.Add(in)
	var verr ValidationError
	switch {
	case errors.As(err, &verr):
		writeJSON(w, http.StatusUnprocessableEntity, problem{Error: "invalid note", Fields: verr})
	case errors.Is(err, ErrFull):
		fail(w, http.StatusInsufficientStorage, "%v (%d notes)", err, a.Store.Len())
	case err != nil:
		fail(w, http.StatusInternalServerError, "%v", err)
	default:
		w.Header().Set("Location", fmt.Sprintf("%s/%d", Prefix, n.ID))
		writeJSON(w, http.StatusCreated, n)
	}
}
