// Package workloadtest runs workload targets under `go test -bench`. It is
// a package of its own so that the raftctl binary, which imports workload,
// does not link package testing.
package workloadtest

import (
	"testing"
	"time"

	"raftctl/workload"
)

// Benchmark runs target under `go test -bench`: a fresh cluster, a warm-up
// of a fifth of b.N (at least 100 commands), then b.N commands at
// inFlight, checked with Verify. One op is one command committed and
// applied on the leader. It reports ops/s and the p50 and p99 latencies
// in microseconds, and for durable targets the storage writes per command
// (all nodes together).
//
// Read benchmarks of different targets side by side from one run, never
// against yesterday's: on a shared machine only the ratios hold.
func Benchmark(b *testing.B, target workload.Target, inFlight int) {
	dir := ""
	if target.Durable {
		dir = b.TempDir()
	}
	system, err := target.Start(1, dir)
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := system.Close(); err != nil {
			b.Error(err)
		}
	}()
	if err := system.Commit(max(b.N/5, 100), inFlight, nil); err != nil {
		b.Fatalf("warm-up: %v", err)
	}
	stamps := workload.NewStamps(b.N)
	counter, counts := system.(workload.WriteCounter)
	var writesBefore uint64
	if counts {
		writesBefore = counter.Writes()
	}
	b.ReportAllocs()
	b.ResetTimer()
	err = system.Commit(b.N, inFlight, stamps)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if err := system.Verify(); err != nil {
		b.Fatal(err)
	}
	latencies := stamps.Latencies()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
	b.ReportMetric(float64(workload.Percentile(latencies, 0.50))/float64(time.Microsecond), "p50-µs")
	b.ReportMetric(float64(workload.Percentile(latencies, 0.99))/float64(time.Microsecond), "p99-µs")
	if counts && target.Durable {
		// Storage writes per command, all nodes together: 3 nodes that
		// each wrote every batch of k commands at once would make 3/k.
		b.ReportMetric(float64(counter.Writes()-writesBefore)/float64(b.N), "writes/op")
	}
}
