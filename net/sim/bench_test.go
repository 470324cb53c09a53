package sim

import (
	"testing"
	"time"

	"raftctl/raft"
)

// BenchmarkSendAndDeliver keeps about 1,000 envelopes in flight, as a busy
// five-node cluster does, and moves one message through per iteration.
func BenchmarkSendAndDeliver(b *testing.B) {
	n := New(1, fiveNodes)
	if err := n.SetDefault(LinkConfig{DelayMin: time.Millisecond, DelayMax: 5 * time.Millisecond, Drop: 0.01, Duplicate: 0.01}); err != nil {
		b.Fatal(err)
	}
	m := raft.Message{Type: raft.MsgAppendEntries, Entries: make([]raft.Entry, 4)}
	now := time.Duration(0)
	step := 0
	b.ReportAllocs()
	for b.Loop() {
		m.From = raft.NodeID(1 + step%5)
		m.To = raft.NodeID(1 + (step+1)%5)
		n.Send(now, m)
		if step%1000 == 0 {
			now += 3 * time.Millisecond
		}
		for {
			if _, ok := n.PopDue(now); !ok {
				break
			}
		}
		step++
	}
}
