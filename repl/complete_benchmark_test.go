package repl

import (
	"io"
	"strconv"
	"testing"
)

// BenchmarkCompleteKey: completing the key of "get " in a session that has
// written 100,000 distinct keys, every key a candidate.
//
//	go test ./repl/ -run XXX -bench CompleteKey
func BenchmarkCompleteKey(b *testing.B) {
	session, err := NewSession(Options{Nodes: 3, Seed: 1, Out: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	defer session.Close()
	const keys = 100_000
	for i := range keys {
		session.rememberKey("k" + strconv.Itoa(i))
	}
	b.ReportAllocs()
	for b.Loop() {
		if got := session.Complete("get "); len(got) != keys {
			b.Fatalf("Complete(\"get \") gave %d keys, want %d", len(got), keys)
		}
	}
}
