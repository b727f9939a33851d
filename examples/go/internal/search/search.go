// Package search is a small full-text index: documents are split into
// lower-case word tokens (letters and digits of any script), common English
// stop words are dropped, and a query ranks documents by tf-idf over its
// terms. The last query term also matches as a prefix, so results follow a
// user typing. Safe for concurrent use.
package search

import (
	"math"
	"sort"
	"strings"
	"sync"
	"unicode"
)

var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an and are as at be but by for from has have in is it its
		of on or that the this to was were will with`) {
		stopWords[w] = true
	}
}

// Tokens splits text into index terms: maximal runs of letters and digits,
// lower-cased, without stop words and one-letter tokens.
func Tokens(text string) []string {
	var out []string
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		t := strings.ToLower(text[start:end])
		start = -1
		if len([]rune(t)) > 1 && !stopWords[t] {
			out = append(out, t)
		}
	}
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(text))
	return out
}

// Index maps terms to the documents (by id) that contain them.
type Index struct {
	mu       sync.RWMutex
	postings map[string]map[int]int // term -> doc -> count
	lengths  map[int]int            // doc -> number of terms
	terms    []string               // sorted, for prefix matches; nil when stale
}

// New makes an empty index.
func New() *Index {
	return &Index{postings: map[string]map[int]int{}, lengths: map[int]int{}}
}

// Add indexes (or re-indexes) the document id.
func (x *Index) Add(id int, text string) {
	toks := Tokens(text)
	x.mu.Lock()
	defer x.mu.Unlock()
	x.removeLocked(id)
	for _, t := range toks {
		p, ok := x.postings[t]
		if !ok {
			p = map[int]int{}
			x.postings[t] = p
			x.terms = nil
		}
		p[id]++
	}
	x.lengths[id] = len(toks)
}

// Remove drops the document id.
func (x *Index) Remove(id int) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.removeLocked(id)
}

func (x *Index) removeLocked(id int) {
	if _, ok := x.lengths[id]; !ok {
		return
	}
	for t, p := range x.postings {
		if _, ok := p[id]; ok {
			delete(p, id)
			if len(p) == 0 {
				delete(x.postings, t)
				x.terms = nil
			}
		}
	}
	delete(x.lengths, id)
}

// Len is the number of indexed documents.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.lengths)
}

// Hit is one result.
type Hit struct {
	ID    int
	Score float64
}

// sortedTermsLocked returns every term, sorted (rebuilt after a change);
// the caller holds the write lock.
func (x *Index) sortedTermsLocked() []string {
	if x.terms == nil {
		x.terms = make([]string, 0, len(x.postings))
		for t := range x.postings {
			x.terms = append(x.terms, t)
		}
		sort.Strings(x.terms)
	}
	return x.terms
}

// expand is the query's terms: each as it is, and the last one also every
// indexed term it is a prefix of.
func (x *Index) expand(q []string) [][]string {
	x.mu.Lock()
	terms := x.sortedTermsLocked()
	x.mu.Unlock()
	out := make([][]string, len(q))
	for i, t := range q {
		out[i] = []string{t}
		if i != len(q)-1 {
			continue
		}
		for j := sort.SearchStrings(terms, t); j < len(terms) && strings.HasPrefix(terms[j], t); j++ {
			if terms[j] != t {
				out[i] = append(out[i], terms[j])
			}
		}
	}
	return out
}

// Search returns documents containing every query term (the last one as a
// prefix too), best first, at most limit (0: all). Scores are tf-idf sums,
// with term frequency normalized by document length.
func (x *Index) Search(query string, limit int) []Hit {
	q := Tokens(query)
	if len(q) == 0 {
		return nil
	}
	groups := x.expand(q)
	x.mu.RLock()
	defer x.mu.RUnlock()
	n := float64(len(x.lengths))
	var scores map[int]float64
	for _, group := range groups {
		g := map[int]float64{}
		for _, t := range group {
			p := x.postings[t]
			if len(p) == 0 {
				continue
			}
			idf := math.Log(1 + n/float64(len(p)))
			for id, c := range p {
				g[id] += float64(c) / float64(x.lengths[id]) * idf
			}
		}
		if scores == nil {
			scores = g
			continue
		}
		for id := range scores { // every term must match
			if s, ok := g[id]; ok {
				scores[id] += s
			} else {
				delete(scores, id)
			}
		}
	}
	hits := make([]Hit, 0, len(scores))
	for id, s := range scores {
		hits = append(hits, Hit{id, s})
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].ID < hits[j].ID
	})
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	return hits
}
