package raft

import "testing"

// divergentFollower builds a follower whose log disagrees with the
// leader's at index 1: n1 led term 1 alone and appended "a" there, then
// n2 won term 2 with n3 and committed "c" at index 1. n2 then sends n1
// what it sends a follower it believes holds index 1 (its nextIndex 2): "d"
// at index 2 after PrevLogIndex 1, PrevLogTerm 2, with LeaderCommit 2.
func divergentFollower(t *testing.T, bugs Bugs) *testCluster {
	tc := newTestCluster(t, 3, func(c *Config) { c.Bugs = bugs })
	tc.campaign(1)
	tc.stabilize()
	tc.isolate(1)
	tc.propose(1, "a") // index 1, term 1: only on n1
	tc.campaign(2)
	tc.stabilize()
	tc.requireRole(2, Leader, 2)
	tc.propose(2, "c") // index 1, term 2: on n2 and n3
	tc.stabilize()
	tc.propose(2, "d") // index 2, term 2
	tc.stabilize()
	tc.heal()
	tc.clearEvents()
	tc.deliver(Message{Type: MsgAppendEntries, From: 2, To: 1, Term: 2, PrevLogIndex: 1, PrevLogTerm: 2,
		Entries: []Entry{{Index: 2, Term: 2, Command: []byte("d")}}, LeaderCommit: 2})
	return tc
}

func TestConsistencyCheckRejectsTermMismatch(t *testing.T) { // thesis §3.5
	tc := divergentFollower(t, Bugs{})
	rejected := tc.eventsOf(EventAppendRejected)
	if len(rejected) == 0 || rejected[0].Node != 1 || rejected[0].Reason != ReasonTermMismatch || rejected[0].OtherTerm != 1 {
		t.Fatalf("want n1 to refuse PrevLogTerm 2 at index 1 (its own is term 1), got %+v", rejected)
	}
	if log := tc.nodes[1].Log(); len(log) != 1 || string(log[0].Command) != "a" || tc.nodes[1].CommitIndex() != 0 {
		t.Fatalf("n1 log %+v, commit %d: want its own a, uncommitted", log, tc.nodes[1].CommitIndex())
	}
}

func TestSkipPrevTermBugAppendsAfterAConflictingEntry(t *testing.T) { // breaks thesis §3.5
	tc := divergentFollower(t, Bugs{SkipPrevTerm: true})
	for _, event := range tc.eventsOf(EventAppendRejected) {
		if event.Node == 1 && event.Reason == ReasonTermMismatch {
			t.Fatalf("n1 checked the term at PrevLogIndex with the bug on: %+v", event)
		}
	}
	log := tc.nodes[1].Log()
	if len(log) != 2 || string(log[0].Command) != "a" || log[0].Term != 1 || string(log[1].Command) != "d" || log[1].Term != 2 {
		t.Fatalf("n1 log %+v, want a (term 1) then the leader's d (term 2)", log)
	}
	// Index 2 matches the leader's, index 1 does not (Log Matching
	// broken), and n1 applies "a", which the cluster never committed.
	if tc.nodes[1].CommitIndex() != 2 || len(tc.machines[1]) == 0 || tc.machines[1][0] != "a" || tc.machines[2][0] != "c" {
		t.Fatalf("n1 commit %d, machines n1 %v n2 %v: want n1 to apply a where n2 applied c",
			tc.nodes[1].CommitIndex(), tc.machines[1], tc.machines[2])
	}
}
