package check

import (
	"testing"

	"raftctl/raft"
)

// TestElectionSafety // thesis §3.4: a second leader in a term is reported
// once, even after the first leader crashed.
func TestElectionSafety(t *testing.T) {
	h := newHistory(t)
	log := entries("1:x=1")
	expectNoneFound(t, h.observe(n1, raft.Leader, 3, 0, log))
	expectNoneFound(t, h.observe(n1, raft.Leader, 3, 0, log))
	expectNoneFound(t, h.observe(n5, raft.Candidate, 3, 0, log))
	expectOne(t, h.observe(n5, raft.Leader, 3, 0, log), Violation{
		Property: ElectionSafety,
		Nodes:    []raft.NodeID{n1, n5},
		Terms:    []raft.Term{3},
		Evidence: "n1 and n5 both leaders in term 3",
	})
	expectNoneFound(t, h.observe(n5, raft.Leader, 3, 0, log))
	expectNoneFound(t, h.observe(n2, raft.Leader, 4, 0, log))
}
