package raft

import "testing"

// staleAppendEntries: n2 leads term 2 and has committed "c" at index 1 on
// n2 and n3; then n1, deposed leader of term 1, sends n3 its own "a" for
// index 1, as a slow link would deliver it late.
func staleAppendEntries(t *testing.T, bugs Bugs) *testCluster {
	tc := newTestCluster(t, 3, func(c *Config) { c.Bugs = bugs })
	tc.campaign(1)
	tc.stabilize()
	tc.isolate(1)
	tc.campaign(2)
	tc.stabilize()
	tc.propose(2, "c")
	tc.stabilize()
	tc.tickAll(5) // n3 learns that index 1 is committed
	if tc.nodes[3].CommitIndex() != 1 {
		t.Fatalf("n3 commit index %d, want 1", tc.nodes[3].CommitIndex())
	}
	tc.heal()
	tc.clearEvents()
	tc.deliver(Message{Type: MsgAppendEntries, From: 1, To: 3, Term: 1, PrevLogIndex: 0, PrevLogTerm: 0,
		Entries: []Entry{{Index: 1, Term: 1, Command: []byte("a")}}})
	return tc
}

func TestStaleAppendEntriesRejected(t *testing.T) { // thesis §3.3
	tc := staleAppendEntries(t, Bugs{})
	if rejected := tc.eventsOf(EventAppendRejected); len(rejected) != 1 || rejected[0].Reason != ReasonStaleTerm {
		t.Fatalf("want a stale-term rejection, got %+v", rejected)
	}
	if log := tc.nodes[3].Log(); len(log) != 1 || string(log[0].Command) != "c" {
		t.Fatalf("n3 log %+v, want the committed c", log)
	}
}

func TestAcceptStaleTermBugOverwritesACommittedEntry(t *testing.T) { // breaks thesis §3.3
	tc := staleAppendEntries(t, Bugs{AcceptStaleTerm: true})
	if len(tc.eventsOf(EventAppendRejected)) != 0 {
		t.Fatal("n3 rejected the stale AppendEntries with the bug on")
	}
	log := tc.nodes[3].Log()
	if len(log) != 1 || string(log[0].Command) != "a" || log[0].Term != 1 {
		t.Fatalf("n3 log %+v, want n1's a (term 1) over the committed c", log)
	}
	// The term and the role stay; the answer carries term 2, so n1 steps
	// down once it arrives.
	tc.requireRole(3, Follower, 2)
	tc.stabilize()
	tc.requireRole(1, Follower, 2)
}
