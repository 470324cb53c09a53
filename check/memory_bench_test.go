package check

import (
	"fmt"
	"runtime"
	"testing"
	"unsafe"

	"raftctl/raft"
)

// steadyRun drives a checker through a long correct run of 5 nodes under a
// steady load: the leader appends one entry at a time, every node holds
// it, the previous one commits and every node applies it. With a snapshot
// threshold, each node compacts its log once it has applied that many
// entries past its snapshot (thesis §5.1.2), each at its own moment.
type steadyRun struct {
	checker   *Checker
	threshold raft.Index
	// log holds the entries from index base+1 on: what the node with the
	// lowest snapshot still holds.
	log  []raft.Entry
	base raft.Index
	// floors[k] is node k+1's snapshot index.
	floors   [5]raft.Index
	commands [][]byte
}

func newSteadyRun(threshold raft.Index) *steadyRun {
	run := &steadyRun{checker: New(WithBootstrapConfiguration([]raft.NodeID{n1, n2, n3, n4, n5})), threshold: threshold}
	// A pool of commands, so that the run's own memory does not grow with
	// its length; the checker copies what it keeps.
	for k := range 64 {
		run.commands = append(run.commands, fmt.Appendf(nil, "key%02d=value%05d", k, k))
	}
	return run
}

// last returns the index of the leader's last entry.
func (run *steadyRun) last() raft.Index { return run.base + raft.Index(len(run.log)) }

// step appends one entry, observes every node, and applies the entry
// before it everywhere.
func (run *steadyRun) step(tb testing.TB) {
	index := run.last() + 1
	run.log = append(run.log, raft.Entry{Index: index, Term: 1, Command: run.commands[index%64]})
	for k := range run.floors {
		id := raft.NodeID(k + 1)
		role := raft.Follower
		if id == n1 {
			role = raft.Leader
		}
		floor := run.floors[k]
		view := NodeView{ID: id, Role: role, Term: 1, Log: run.log[floor-run.base:], CommitIndex: index - 1,
			SnapshotIndex: floor, Unchanged: index - 1}
		if floor > 0 {
			view.SnapshotTerm = 1
		}
		if found := run.checker.ObserveNode(view); found != nil {
			tb.Fatalf("violations in a correct run: %v", found)
		}
		if index > 1 {
			run.checker.ObserveApply(id, run.log[index-2-run.base])
		}
		// Node k compacts after threshold applied entries, shifted by a
		// fifth of the threshold per node so that the nodes do not
		// compact together.
		applied := index - 1
		if run.threshold > 0 && applied >= floor+run.threshold+raft.Index(k)*run.threshold/5 {
			run.floors[k] = applied
		}
	}
	lowest := min(run.floors[0], run.floors[1], run.floors[2], run.floors[3], run.floors[4])
	if dropped := int(lowest - run.base); dropped > len(run.log)/2 {
		run.log = append(run.log[:0], run.log[dropped:]...)
		run.base = lowest
	}
}

// heapBytes returns the live heap after a collection, less the run's own
// log slice.
func (run *steadyRun) heapBytes() int64 {
	runtime.GC()
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	return int64(stats.HeapAlloc) - int64(cap(run.log))*int64(unsafe.Sizeof(raft.Entry{}))
}

// BenchmarkCheckerMemoryLongRun shows that the checker's memory is flat
// over a long run once the nodes compact their logs. It measures the live
// heap every 10,000 entries from the first fifth of the run on, and
// reports the least-squares slope (retained-B/10k-entries: near 0 when
// flat; the live heap moves by a few hundred KiB as slices are reused, so
// run at least 200,000 entries) and the live heap at the end (heap-KiB).
// One operation is one entry: appended, observed on 5 nodes, committed and
// applied on 5 nodes. Without snapshots the checker keeps what the logs
// hold, for comparison:
//
//	go test ./check/ -run XXX -bench CheckerMemoryLongRun -benchtime 200000x
func BenchmarkCheckerMemoryLongRun(b *testing.B) {
	for _, threshold := range []raft.Index{1000, 0} {
		name := fmt.Sprintf("snapshot-every=%d", threshold)
		if threshold == 0 {
			name = "snapshots=off"
		}
		b.Run(name, func(b *testing.B) {
			run := newSteadyRun(threshold)
			var entries, heaps []float64
			b.ReportAllocs()
			for k := 0; b.Loop(); k++ {
				if k >= b.N/5 && k%10000 == 0 {
					b.StopTimer()
					entries, heaps = append(entries, float64(k)), append(heaps, float64(run.heapBytes()))
					b.StartTimer()
				}
				run.step(b)
			}
			b.StopTimer()
			heapAtEnd := run.heapBytes()
			entries, heaps = append(entries, float64(b.N)), append(heaps, float64(heapAtEnd))
			if len(entries) >= 3 {
				b.ReportMetric(slope(entries, heaps)*10000, "retained-B/10k-entries")
			}
			b.ReportMetric(float64(heapAtEnd)/1024, "heap-KiB")
			runtime.KeepAlive(run)
		})
	}
}

// slope returns the least-squares slope of ys against xs.
func slope(xs, ys []float64) float64 {
	var meanX, meanY float64
	for k := range xs {
		meanX += xs[k] / float64(len(xs))
		meanY += ys[k] / float64(len(ys))
	}
	var covariance, variance float64
	for k := range xs {
		covariance += (xs[k] - meanX) * (ys[k] - meanY)
		variance += (xs[k] - meanX) * (xs[k] - meanX)
	}
	return covariance / variance
}
