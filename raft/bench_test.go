package raft

import (
	"encoding/binary"
	"fmt"
	"testing"
)

// BenchmarkReplication measures the core alone: three nodes with
// DefaultConfig in a thin loop that keeps what each Ready asks to persist
// only as a count, sends every message at once and applies nothing. What
// is left is the core's own cost per committed command, at 1, 64 and 256
// commands in flight, with and without the parallel leader write (thesis
// §10.2.1). The workload package measures the same loop with real storage
// and a state machine (BenchmarkRaftctl/core).
func BenchmarkReplication(b *testing.B) {
	for _, parallel := range []bool{false, true} {
		for _, inFlight := range []int{1, 64, 256} {
			name := fmt.Sprintf("parallel-write=%v/in-flight=%d", parallel, inFlight)
			b.Run(name, func(b *testing.B) {
				loop := newBenchLoop(b, parallel)
				b.ReportAllocs()
				b.ResetTimer()
				loop.commit(b, b.N, inFlight)
				b.StopTimer()
				if got := loop.nodes[0].CommitIndex(); got < Index(b.N)+1 {
					b.Fatalf("commit index %d after %d commands, want at least %d", got, b.N, b.N+1)
				}
			})
		}
	}
}

type benchLoop struct {
	nodes   []*Node
	queue   []Message
	spare   []Message
	applied int // commands the leader applied
	saved   int // entries the nodes persisted
}

func newBenchLoop(b *testing.B, parallel bool) *benchLoop {
	loop := &benchLoop{}
	peers := []NodeID{1, 2, 3}
	for _, id := range peers {
		config := DefaultConfig(id, peers, 1)
		config.ParallelLeaderWrite = parallel
		node, err := NewNode(config, &testStorage{})
		if err != nil {
			b.Fatal(err)
		}
		loop.nodes = append(loop.nodes, node)
	}
	loop.nodes[0].Campaign()
	for loop.step() {
	}
	if loop.nodes[0].Role() != Leader {
		b.Fatal("n1 did not win its election")
	}
	loop.applied = 0
	return loop
}

// step carries out every node's Ready, then delivers the messages; it
// reports whether anything happened.
func (l *benchLoop) step() bool {
	moved := false
	for i, node := range l.nodes {
		if !node.HasReady() {
			continue
		}
		moved = true
		ready := node.Ready()
		l.queue = append(l.queue, ready.EarlyMessages...)
		l.saved += len(ready.Entries)
		l.queue = append(l.queue, ready.Messages...)
		if i == 0 {
			for _, entry := range ready.CommittedEntries {
				if entry.Kind == EntryCommand {
					l.applied++
				}
			}
		}
		node.Advance(ready)
	}
	if len(l.queue) > 0 {
		moved = true
		messages := l.queue
		l.queue = l.spare[:0]
		for _, m := range messages {
			l.nodes[m.To-1].Step(m)
		}
		clear(messages)
		l.spare = messages[:0]
	}
	return moved
}

// commit proposes count commands on n1, keeping inFlight unapplied, and
// steps until all are applied.
func (l *benchLoop) commit(b *testing.B, count, inFlight int) {
	proposed := 0
	for l.applied < count {
		for proposed < count && proposed-l.applied < inFlight {
			command := make([]byte, 16)
			binary.LittleEndian.PutUint64(command, uint64(proposed))
			if _, _, err := l.nodes[0].Propose(command); err != nil {
				b.Fatal(err)
			}
			proposed++
		}
		if !l.step() {
			b.Fatalf("stalled with %d of %d applied", l.applied, count)
		}
	}
}
