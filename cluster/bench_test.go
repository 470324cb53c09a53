package cluster

import (
	"fmt"
	"os"
	"testing"
	"time"

	"raftctl/raft"
	"raftctl/store"
)

// Benchmarks of the simulated cluster: how fast the core and the host run
// on this machine. Committed puts per wall-clock second measure the code,
// not a network (the simulated network costs nothing to wait for).

func electedCluster(b *testing.B, n int) *Local {
	b.Helper()
	c, err := New(n, 1, DefaultSettings())
	if err != nil {
		b.Fatal(err)
	}
	c.RunUntil(func(v View) bool { return len(v.Leaders()) == 1 }, 5*time.Second)
	return c
}

// BenchmarkPutOneInFlight: one client, one request at a time.
func BenchmarkPutOneInFlight(b *testing.B) {
	c := electedCluster(b, 3)
	b.ReportAllocs()
	b.ResetTimer()
	start := c.Now()
	for i := range b.N {
		call, err := c.Put("k", fmt.Sprint(i), raft.None)
		if err != nil || call.Err != nil {
			b.Fatal(err, call.Err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "puts/s")
	b.ReportMetric(float64(c.Now()-start)/float64(b.N)/float64(time.Millisecond), "virtual-ms/put")
}

// BenchmarkPutPipelined: 64 clients keep a request each in flight, so the
// leader batches and pipelines (thesis §10.2.2).
func BenchmarkPutPipelined(b *testing.B) {
	c := electedCluster(b, 3)
	b.ReportAllocs()
	b.ResetTimer()
	completed := runLoad(b, c, 64, b.N)
	b.ReportMetric(float64(completed)/b.Elapsed().Seconds(), "puts/s")
}

// BenchmarkSimulatedSecondsFiveNodes: virtual seconds per wall second of a
// 5-node cluster under a steady load of 8 clients.
func BenchmarkSimulatedSecondsFiveNodes(b *testing.B) {
	c := electedCluster(b, 5)
	b.ResetTimer()
	c.mu.Lock()
	defer c.mu.Unlock()
	calls := make([]*Call, 8)
	for i := range calls {
		calls[i], _ = c.submit(uint64(i+1), store.Command{Op: store.OpPut, Key: "k", Value: "v"}, raft.None)
	}
	end := c.now + time.Duration(b.N)*time.Second
	for c.now < end {
		c.runUntil(func() bool {
			for _, call := range calls {
				if call.Done {
					return true
				}
			}
			return false
		}, end)
		for i, call := range calls {
			if call.Done {
				calls[i], _ = c.submit(uint64(i+1), store.Command{Op: store.OpPut, Key: "k", Value: "v"}, raft.None)
			}
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sim-s/s")
}

// runLoad keeps clients requests in flight until total have completed.
func runLoad(b *testing.B, c *Local, clients, total int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	calls := make([]*Call, clients)
	submitted, completed := 0, 0
	submit := func(i int) {
		submitted++
		calls[i], _ = c.submit(uint64(i+1), store.Command{Op: store.OpPut, Key: fmt.Sprint("k", i), Value: fmt.Sprint(submitted)}, raft.None)
	}
	for i := range calls {
		submit(i)
	}
	for completed < total {
		c.runUntil(func() bool {
			for _, call := range calls {
				if call.Done {
					return true
				}
			}
			return false
		}, c.now+time.Minute)
		for i, call := range calls {
			if call.Done {
				if call.Err != nil {
					b.Fatal(call.Err)
				}
				completed++
				submit(i)
			}
		}
	}
	return completed
}

// BenchmarkDurable: the same puts on bbolt files, next to the raw fsyncs
// per second this disk can do, measured in the same run (the physical
// limit: a put needs its entry durable on a majority).
func BenchmarkDurable(b *testing.B) {
	b.Run("fsync", func(b *testing.B) {
		file, err := os.CreateTemp(b.TempDir(), "fsync")
		if err != nil {
			b.Fatal(err)
		}
		defer file.Close()
		block := make([]byte, 512)
		for b.Loop() {
			if _, err := file.Write(block); err != nil {
				b.Fatal(err)
			}
			if err := file.Sync(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "fsyncs/s")
	})
	open := func(b *testing.B) *Local {
		c, err := Open(3, 1, DefaultSettings(), b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { c.Close() })
		c.RunUntil(func(v View) bool { return len(v.Leaders()) == 1 }, 5*time.Second)
		return c
	}
	b.Run("put-one-in-flight", func(b *testing.B) {
		c := open(b)
		b.ResetTimer()
		for i := range b.N {
			if call, err := c.Put("k", fmt.Sprint(i), raft.None); err != nil || call.Err != nil {
				b.Fatal(err, call.Err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "puts/s")
	})
	b.Run("put-pipelined", func(b *testing.B) {
		c := open(b)
		b.ResetTimer()
		completed := runLoad(b, c, 64, b.N)
		b.ReportMetric(float64(completed)/b.Elapsed().Seconds(), "puts/s")
	})
}
