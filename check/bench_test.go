package check

import (
	"fmt"
	"testing"

	"raftctl/raft"
)

// benchmarkLog builds a log of length entries across a few terms, with
// commands the size of a small key-value put.
func benchmarkLog(length int) []raft.Entry {
	log := make([]raft.Entry, length)
	for k := range log {
		log[k] = raft.Entry{Index: raft.Index(k + 1), Term: raft.Term(1 + k/100), Command: fmt.Appendf(nil, "key%d=value%d", k%10, k)}
	}
	return log
}

// BenchmarkObserveGrowingLog is the campaign's common case: a leader of 5
// nodes appends, every node is observed after every append, and entries
// commit and apply. It reports the cost of one ObserveNode.
func BenchmarkObserveGrowingLog(b *testing.B) {
	const length = 300
	log := benchmarkLog(length)
	checker := New()
	round := 0
	b.ReportAllocs()
	for b.Loop() {
		if round == length {
			checker, round = New(), 0
		}
		round++
		for id := n1; id <= n5; id++ {
			role := raft.Follower
			if id == n1 {
				role = raft.Leader
			}
			checker.ObserveNode(NodeView{ID: id, Role: role, Term: log[round-1].Term, Log: log[:round], CommitIndex: raft.Index(round - 1)})
			if round > 1 {
				checker.ObserveApply(id, log[round-2])
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*5), "ns/observation")
}

// BenchmarkObserveUnchangedLog is a heartbeat: the node's 300-entry log is
// the same as at its previous observation, and every entry is compared.
func BenchmarkObserveUnchangedLog(b *testing.B) {
	log := benchmarkLog(300)
	checker := New()
	for id := n1; id <= n5; id++ {
		checker.ObserveNode(NodeView{ID: id, Role: raft.Follower, Term: 3, Log: log, CommitIndex: 300})
	}
	b.ReportAllocs()
	for b.Loop() {
		checker.ObserveNode(NodeView{ID: n2, Role: raft.Follower, Term: 3, Log: log, CommitIndex: 300})
	}
}
