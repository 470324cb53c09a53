package raft

import "testing"

// newLeaderBehindOnCommit: n1 commits x=1 and x=2 (indexes 1 and 2) and
// crashes before telling the others about index 2; n2, whose commit index
// is still 1, wins term 2 and is asked for a ReadIndex read before it has
// committed an entry of its term (no leader no-op here).
func newLeaderBehindOnCommit(t *testing.T, bugs Bugs) *testCluster {
	tc := newTestCluster(t, 3, func(c *Config) { c.Bugs = bugs })
	tc.campaign(1)
	tc.stabilize()
	tc.propose(1, "x=1")
	tc.stabilize()
	committed := tc.propose(1, "x=2")
	for tc.nodes[1].CommitIndex() < committed { // until n1 commits x=2
		m := tc.queue[0]
		tc.queue = tc.queue[1:]
		tc.deliver(m)
	}
	tc.isolate(1) // the AppendEntries that carry the commit are lost
	tc.stabilize()
	if tc.nodes[1].CommitIndex() != committed || tc.nodes[2].CommitIndex() != committed-1 {
		t.Fatalf("commit indexes n1 %d, n2 %d: want n1 at %d and n2 one behind",
			tc.nodes[1].CommitIndex(), tc.nodes[2].CommitIndex(), committed)
	}
	tc.kill(1)
	tc.heal()
	tc.campaign(2)
	tc.stabilize()
	tc.requireRole(2, Leader, 2)
	must(t, tc.nodes[2].ReadIndex(7, false))
	tc.process(2)
	tc.stabilize()
	return tc
}

func TestNewLeaderReadsNothingBeforeItsOwnCommit(t *testing.T) { // thesis §6.4 step 1
	tc := newLeaderBehindOnCommit(t, Bugs{})
	if len(tc.reads[2]) != 0 {
		t.Fatalf("n2 confirmed %v before committing an entry of term 2", tc.reads[2])
	}
	index := tc.propose(2, "y=1")
	tc.stabilize()
	if got := tc.reads[2]; len(got) != 1 || got[0].Index != index {
		t.Fatalf("confirmed reads %v, want one at index %d", got, index)
	}
}

func TestReadBeforeOwnCommitBugReadsAStaleIndex(t *testing.T) { // breaks thesis §6.4 step 1
	tc := newLeaderBehindOnCommit(t, Bugs{ReadBeforeOwnCommit: true})
	// x=2 at index 2 was committed (and could have been acknowledged) by
	// n1, but n2 confirms the read at index 1: it would answer x=1.
	if got := tc.reads[2]; len(got) != 1 || got[0] != (ReadState{Request: 7, Index: 1}) {
		t.Fatalf("confirmed reads %v, want request 7 at the stale index 1", got)
	}
}
