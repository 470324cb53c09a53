package repl_test

import (
	"strconv"
	"testing"
)

// BenchmarkSessionDistinctKeysMemory: BenchmarkSessionHundredThousandPuts
// with a new key for every put, so that each of the five replicas holds
// 100,000 keys at the end: the heap in use after a collection, and the
// resident set (Linux).
//
//	go test ./repl/ -run XXX -bench DistinctKeysMemory -benchtime 1x
//	go test ./repl/ -run XXX -bench DistinctKeysMemory -benchtime 1x -session-heap-profile heap.out
func BenchmarkSessionDistinctKeysMemory(b *testing.B) {
	const puts = 100_000
	for range b.N {
		session := newFiveNodeSession(b)
		for i := range puts {
			put(b, session, "k"+strconv.Itoa(i), i)
		}
		reportSessionMemory(b, session, puts)
	}
}
