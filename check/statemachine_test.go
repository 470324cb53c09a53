package check

import (
	"testing"

	"raftctl/raft"
)

// TestStateMachineSafety // thesis §3.6.3: a second, different entry
// applied at an index is reported once, however many nodes apply it.
func TestStateMachineSafety(t *testing.T) {
	h := newHistory(t)
	first := entries("1:x=1", "2:x=2")
	second := entries("1:x=1", "3:x=3")
	expectNoneFound(t, h.apply(n2, first, 1, 2))
	expectNoneFound(t, h.apply(n1, first, 1, 2))
	expectOne(t, h.apply(n5, second, 1, 2), Violation{
		Property: StateMachineSafety, Nodes: []raft.NodeID{n2, n5}, Index: 2, Terms: []raft.Term{2, 3},
		Evidence: "n2 applied index 2 term 2 (x=2) but n5 applied index 2 term 3 (x=3)",
	})
	expectNoneFound(t, h.apply(n4, second, 2, 2))
	expectOne(t, h.apply(n3, entries("1:x=1", "2:x=7"), 2, 2), Violation{
		Property: StateMachineSafety, Nodes: []raft.NodeID{n2, n3}, Index: 2, Terms: []raft.Term{2, 2},
		Evidence: "n2 applied index 2 term 2 (x=2) but n3 applied index 2 term 2 (x=7)",
	})
	if got := h.checker.Counts()[StateMachineSafety]; got != 8 {
		t.Errorf("Counts()[StateMachineSafety] = %d, want 8", got)
	}
}
