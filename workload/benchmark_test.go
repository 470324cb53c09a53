package workload_test

import (
	"fmt"
	"testing"

	"raftctl/workload"
	"raftctl/workload/workloadtest"
)

// BenchmarkRaftctl runs every raftctl target at every load: the bare core
// and cluster.Local on memory and bbolt, and the disk's floor. The
// performance goals read from it (docs/performance.md): local ≥ 0.67x
// core at every load; local-bbolt at one in flight within 1.5x of
// fdatasync-pair.
//
//	go test ./workload/ -run XXX -bench Raftctl -benchtime 20000x
func BenchmarkRaftctl(b *testing.B) {
	for _, load := range workload.DefaultInFlight {
		for _, target := range workload.Targets() {
			if target.MaxInFlight > 0 && load > target.MaxInFlight {
				continue
			}
			b.Run(fmt.Sprintf("%s/%d", target.Name, load), func(b *testing.B) {
				workloadtest.Benchmark(b, target, load)
			})
		}
	}
}
