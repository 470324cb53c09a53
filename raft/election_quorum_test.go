package raft

import "testing"

// twoIsolatedCandidates cuts n1 and n2 off from each other and from n3,
// then lets each campaign for term 1.
func twoIsolatedCandidates(t *testing.T, bugs Bugs) *testCluster {
	tc := newTestCluster(t, 3, func(c *Config) { c.Bugs = bugs })
	tc.isolate(1)
	tc.isolate(2)
	tc.campaign(1)
	tc.campaign(2)
	tc.stabilize()
	return tc
}

func TestCandidateAloneIsNotElected(t *testing.T) { // thesis §3.4
	tc := twoIsolatedCandidates(t, Bugs{})
	tc.requireRole(1, Candidate, 1)
	tc.requireRole(2, Candidate, 1)
}

func TestHalfQuorumBugElectsTwoLeadersInOneTerm(t *testing.T) { // breaks thesis §3.4
	tc := twoIsolatedCandidates(t, Bugs{HalfQuorum: true})
	// 3/2 = 1 vote: each candidate's own vote elects it.
	tc.requireRole(1, Leader, 1)
	tc.requireRole(2, Leader, 1)
	// Commitment still needs a majority: n1's entry does not commit alone.
	index := tc.propose(1, "x=1")
	tc.stabilize()
	if tc.nodes[1].CommitIndex() >= index {
		t.Fatalf("n1 committed index %d alone: the bug must change elections only", index)
	}
}
