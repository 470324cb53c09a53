package repl_test

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"testing"

	"raftctl/repl"
)

// Benchmarks of a REPL session as a learner runs it: a 5-node cluster,
// puts typed one after another, every trace line rendered (and thrown
// away). The performance goals read from them (docs/performance.md).

func newFiveNodeSession(b *testing.B) *repl.Session {
	b.Helper()
	session, err := repl.NewSession(repl.Options{Nodes: 5, Seed: 1, Out: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { session.Close() })
	return session
}

func put(b *testing.B, session *repl.Session, key string, i int) {
	if _, status := session.Exec(fmt.Sprintf("put %s %d", key, i)); status != repl.StatusOK {
		b.Fatalf("put %s %d: status %v", key, i, status)
	}
}

// BenchmarkSessionPut: one put per op, over 64 keys in turn or over a new
// key each time. Goal: distinct keys no slower than 64.
//
//	go test ./repl/ -run XXX -bench SessionPut -benchtime 100000x
func BenchmarkSessionPut(b *testing.B) {
	for _, keys := range []struct {
		name string
		key  func(i int) string
	}{
		{"keys=64", func(i int) string { return "k" + strconv.Itoa(i%64) }},
		{"keys=distinct", func(i int) string { return "k" + strconv.Itoa(i) }},
	} {
		b.Run(keys.name, func(b *testing.B) {
			session := newFiveNodeSession(b)
			put(b, session, "warm", 0) // the election
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				put(b, session, keys.key(i), i)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "puts/s")
		})
	}
}

// sessionHeapProfile names a file for the heap profile that
// BenchmarkSessionHundredThousandPuts writes after its puts, while the
// session is still open (-test.memprofile is written after it closed).
var sessionHeapProfile = flag.String("session-heap-profile", "", "write the heap profile of the 100,000-put session to this file")

// BenchmarkSessionHundredThousandPuts: each op is a fresh 5-node session
// taking 100,000 puts over 64 keys; it reports the heap in use after a
// collection and the process's resident set (Linux). Goal: ≤ 100 MiB RSS.
//
//	go test ./repl/ -run XXX -bench HundredThousand -benchtime 1x
//	go test ./repl/ -run XXX -bench HundredThousand -benchtime 1x -session-heap-profile heap.out
func BenchmarkSessionHundredThousandPuts(b *testing.B) {
	const puts = 100_000
	for range b.N {
		session := newFiveNodeSession(b)
		for i := range puts {
			put(b, session, "k"+strconv.Itoa(i%64), i)
		}
		reportSessionMemory(b, session, puts)
	}
}

// reportSessionMemory reports the heap and the resident set after puts
// puts, writes the heap profile when asked, and closes the session.
func reportSessionMemory(b *testing.B, session *repl.Session, puts int) {
	runtime.GC()
	var memory runtime.MemStats
	runtime.ReadMemStats(&memory)
	b.ReportMetric(float64(memory.HeapInuse)/(1<<20), "heap-MiB")
	b.ReportMetric(float64(memory.HeapInuse)/float64(puts), "heap-B/put")
	if rss, ok := residentSet(); ok {
		b.ReportMetric(float64(rss)/(1<<20), "RSS-MiB")
	}
	if *sessionHeapProfile != "" {
		writeHeapProfile(b, *sessionHeapProfile)
	}
	session.Close()
}

// writeHeapProfile writes the heap profile as of the last collection.
func writeHeapProfile(b *testing.B, path string) {
	b.Helper()
	file, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer file.Close()
	if err := pprof.Lookup("heap").WriteTo(file, 0); err != nil {
		b.Fatal(err)
	}
}

// residentSet reads the process's resident set size in bytes from
// /proc/self/status, where there is one.
func residentSet() (int64, bool) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for line := range bytes.Lines(status) {
		if rest, found := bytes.CutPrefix(line, []byte("VmRSS:")); found {
			var kilobytes int64
			if _, err := fmt.Sscan(string(rest), &kilobytes); err == nil {
				return kilobytes << 10, true
			}
		}
	}
	return 0, false
}
