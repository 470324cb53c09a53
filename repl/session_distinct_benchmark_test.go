package repl_test

import (
	"runtime"
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
		runtime.GC()
		var memory runtime.MemStats
		runtime.ReadMemStats(&memory)
		b.ReportMetric(float64(memory.HeapInuse)/(1<<20), "heap-MiB")
		b.ReportMetric(float64(memory.HeapInuse)/puts, "heap-B/put")
		if rss, ok := residentSet(); ok {
			b.ReportMetric(float64(rss)/(1<<20), "RSS-MiB")
		}
		if *sessionHeapProfile != "" {
			writeHeapProfile(b, *sessionHeapProfile)
		}
		session.Close()
	}
}
