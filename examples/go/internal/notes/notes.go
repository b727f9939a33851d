// Package notes is a small JSON API over an in-memory store of notes:
//
//	GET    /api/notes?tag=T&limit=N   list, newest first
//	GET    /api/notes?q=WORDS         full-text search over title, body and tags, best first
//	POST   /api/notes                 create; 422 with every field error on bad input
//	GET    /api/notes/{id}            one note
//	DELETE /api/notes/{id}            remove it
package notes

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"example.com/xbuild/examples/go/internal/search"
)

// Note is one stored note.
type Note struct {
	ID      int       `json:"id"`
	Title   string    `json:"title"`
	Body    string    `json:"body"`
	Tags    []string  `json:"tags"`
	Created time.Time `json:"created"`
}

// Input is what a client sends to create a note.
type Input struct {
	Title string   `json:"title"`
	Body  string   `json:"body"`
	Tags  []string `json:"tags"`
}

// Limits of a valid note.
const (
	MaxTitle = 120
	MaxBody  = 10000
	MaxTags  = 8
)

var tagPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

// FieldError is one problem with one field of the input.
type FieldError struct {
	Field string `json:"field"`
	Msg   string `json:"message"`
}

// ValidationError lists every problem, so a client can fix them at once.
type ValidationError []FieldError

func (v ValidationError) Error() string {
	parts := make([]string, len(v))
	for i, f := range v {
		parts[i] = f.Field + ": " + f.Msg
	}
	return "invalid note: " + strings.Join(parts, "; ")
}

// Validate checks in and returns it normalized (trimmed, tags lower-case,
// sorted, without duplicates), or a ValidationError.
func Validate(in Input) (Input, error) {
	var errs ValidationError
	in.Title = strings.TrimSpace(in.Title)
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		errs = append(errs, FieldError{"title", "required"})
	case n > MaxTitle:
		errs = append(errs, FieldError{"title", fmt.Sprintf("at most %d characters, got %d", MaxTitle, n)})
	}
	if !utf8.ValidString(in.Title) || !utf8.ValidString(in.Body) {
		errs = append(errs, FieldError{"body", "not valid UTF-8"})
	}
	if n := utf8.RuneCountInString(in.Body); n > MaxBody {
		errs = append(errs, FieldError{"body", fmt.Sprintf("at most %d characters, got %d", MaxBody, n)})
	}
	if len(in.Tags) > MaxTags {
		errs = append(errs, FieldError{"tags", fmt.Sprintf("at most %d tags, got %d", MaxTags, len(in.Tags))})
	}
	seen := map[string]bool{}
	tags := make([]string, 0, len(in.Tags))
	for i, t := range in.Tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if !tagPattern.MatchString(t) {
			errs = append(errs, FieldError{fmt.Sprintf("tags[%d]", i),
				fmt.Sprintf("%q: want 1-32 of a-z, 0-9 and -, not starting with -", t)})
			continue
		}
		if !seen[t] {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	sort.Strings(tags)
	in.Tags = tags
	if len(errs) > 0 {
		return in, errs
	}
	return in, nil
}

// ErrFull is returned when the store holds its maximum.
var ErrFull = errors.New("the store is full")

// Store keeps notes in memory, safe for concurrent use.
type Store struct {
	mu    sync.RWMutex
	max   int
	next  int
	notes map[int]Note
	index *search.Index
	now   func() time.Time
}

// NewStore makes a store for at most max notes.
func NewStore(max int) *Store {
	return &Store{max: max, next: 1, notes: map[int]Note{}, index: search.New(), now: time.Now}
}

// Add validates in and stores it.
func (s *Store) Add(in Input) (Note, error) {
	in, err := Validate(in)
	if err != nil {
		return Note{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.notes) >= s.max {
		return Note{}, ErrFull
	}
	n := Note{ID: s.next, Title: in.Title, Body: in.Body, Tags: in.Tags, Created: s.now().UTC()}
	s.notes[n.ID] = n
	s.next++
	s.index.Add(n.ID, n.Title+"\n"+n.Body+"\n"+strings.Join(n.Tags, " "))
	return n, nil
}

// Get returns the note with id.
func (s *Store) Get(id int) (Note, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n, ok := s.notes[id]
	return n, ok
}

// Delete removes the note with id; false if there was none.
func (s *Store) Delete(id int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.notes[id]
	delete(s.notes, id)
	s.index.Remove(id)
	return ok
}

// Len is the number of notes.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.notes)
}

// List returns up to limit notes (0: all) carrying tag ("": any), newest
// (highest id) first.
func (s *Store) List(tag string, limit int) []Note {
	s.mu.RLock()
	out := make([]Note, 0, len(s.notes))
	for _, n := range s.notes {
		if tag == "" || hasTag(n, tag) {
			out = append(out, n)
		}
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// Search returns up to limit notes (0: all) matching every word of query
// (the last one also as a prefix), best match first.
func (s *Store) Search(query string, limit int) []Note {
	hits := s.index.Search(query, limit)
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Note, 0, len(hits))
	for _, h := range hits {
		if n, ok := s.notes[h.ID]; ok {
			out = append(out, n)
		}
	}
	return out
}

// TagCounts counts the notes per tag.
func (s *Store) TagCounts() map[string]int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := map[string]int{}
	for _, n := range s.notes {
		for _, t := range n.Tags {
			out[t]++
		}
	}
	return out
}

func hasTag(n Note, tag string) bool {
	i := sort.SearchStrings(n.Tags, tag)
	return i < len(n.Tags) && n.Tags[i] == tag
}
