package search

import (
	"reflect"
	"sync"
	"testing"
)

func TestTokens(t *testing.T) {
	got := Tokens("The Quick-brown fox, 2 times; a naïve café at 10:30 — Ωmega!")
	want := []string{"quick", "brown", "fox", "times", "naïve", "café", "10", "30", "ωmega"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func ids(h []Hit) []int {
	out := make([]int, len(h))
	for i, x := range h {
		out[i] = x.ID
	}
	return out
}

func TestSearch(t *testing.T) {
	x := New()
	x.Add(1, "cross compiling Go for arm64")
	x.Add(2, "compiling C with clang; compiling again and again")
	x.Add(3, "Go modules, the build cache and the module proxy")
	for q, want := range map[string][]int{
		"compiling":    {2, 1}, // 2 says it twice, in a text of similar length
		"go":           {1, 3}, // the shorter text first
		"go compiling": {1},    // every term must match
		"comp":         {2, 1}, // the last term is a prefix
		"arm64 cross":  {1},
		"the":          nil, // only stop words
		"rust":         {},
	} {
		if got := ids(x.Search(q, 0)); !(len(got) == 0 && len(want) == 0) && !reflect.DeepEqual(got, want) {
			t.Errorf("Search(%q) = %v, want %v", q, got, want)
		}
	}
	if got := ids(x.Search("compiling", 1)); !reflect.DeepEqual(got, []int{2}) {
		t.Errorf("limit 1: %v", got)
	}
}

func TestReindexAndRemove(t *testing.T) {
	x := New()
	x.Add(1, "apples")
	x.Add(1, "pears")
	if len(x.Search("apples", 0)) != 0 || len(x.Search("pears", 0)) != 1 {
		t.Fatal("re-adding a document must replace its terms")
	}
	x.Remove(1)
	if x.Len() != 0 || len(x.Search("pe", 0)) != 0 {
		t.Fatal("removed document still found")
	}
}

func TestConcurrent(t *testing.T) {
	x := New()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				x.Add(i*100+j, "shared words here")
				x.Search("shared wor", 5)
			}
		}(i)
	}
	wg.Wait()
	if x.Len() != 400 {
		t.Fatalf("len %d", x.Len())
	}
}
