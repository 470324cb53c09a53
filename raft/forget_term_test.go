package raft

import "testing"

// votedThenRestarted: n2 votes for n1 in term 1, n3 never hears of the
// election, n2 restarts from its storage, and n3 asks n2 for a vote in
// term 1.
func votedThenRestarted(t *testing.T, bugs Bugs) *testCluster {
	tc := newTestCluster(t, 3, func(c *Config) { c.Bugs = bugs })
	tc.isolate(3)
	tc.campaign(1)
	tc.stabilize()
	tc.requireRole(1, Leader, 1)
	tc.kill(2)
	tc.start(2)
	tc.heal()
	tc.isolate(1)
	tc.campaign(3)
	tc.stabilize()
	return tc
}

func TestRestartedNodeKeepsItsTermAndVote(t *testing.T) { // thesis §3.8
	tc := votedThenRestarted(t, Bugs{})
	tc.requireRole(3, Candidate, 1) // n2 already voted for n1 in term 1
	if status := tc.nodes[2].Status(); status.Term != 1 || status.VotedFor != 1 {
		t.Fatalf("restarted n2: term %d, vote %v; want term 1, vote n1", status.Term, status.VotedFor)
	}
}

func TestForgetTermBugVotesTwiceInOneTerm(t *testing.T) { // breaks thesis §3.8
	tc := votedThenRestarted(t, Bugs{ForgetTerm: true})
	// n2 came back in term 0, took term 1 up as new and voted again:
	// n1 and n3 both lead term 1.
	tc.requireRole(1, Leader, 1)
	tc.requireRole(3, Leader, 1)
	if got := tc.storages[2].state.CurrentTerm; got != 0 {
		t.Fatalf("n2's storage holds term %d: the bug should write term 0", got)
	}
}
