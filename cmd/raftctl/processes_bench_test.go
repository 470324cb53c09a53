package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"raftctl/raft"
)

// BenchmarkLoopbackPuts measures committed puts per second on three
// `raftctl node` processes on loopback (real TCP, bbolt with a sync per
// batch), through the control protocol, with one request in flight and
// with 64 (each from a client of its own).
//
//	go test ./cmd/raftctl/ -run XXX -bench LoopbackPuts
func BenchmarkLoopbackPuts(b *testing.B) {
	for _, inFlight := range []int{1, 64} {
		b.Run(fmt.Sprintf("inflight=%d", inFlight), func(b *testing.B) {
			c := newProcessCluster(b, loopbackAddresses(b, 3))
			c.startAll()
			remote := c.remote()
			waitForLeader(b, remote)
			if call, err := remote.Put("warm", "up", raft.None); err != nil || call.Err != nil {
				b.Fatalf("warm-up put: %v %+v", err, call)
			}
			var next, failed atomic.Int64
			var clients sync.WaitGroup
			b.ResetTimer()
			for client := range inFlight {
				clients.Add(1)
				go func() {
					defer clients.Done()
					for {
						i := next.Add(1)
						if i > int64(b.N) {
							return
						}
						call, err := remote.Do(uint64(1000+client), storePut(fmt.Sprintf("k%d", i), "v"), raft.None)
						if err != nil || call.Err != nil {
							failed.Add(1)
						}
					}
				}()
			}
			clients.Wait()
			b.StopTimer()
			if failed.Load() > 0 {
				b.Errorf("%d of %d puts failed", failed.Load(), b.N)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "puts/s")
		})
	}
}
