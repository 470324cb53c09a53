package raft

import "testing"

// removeLeaderWithoutN3: n1 leads n1,n2,n3, n3 is cut off, and n1 removes
// itself: C_new = {n2,n3} reaches n1 and n2 only.
func removeLeaderWithoutN3(t *testing.T, bugs Bugs) (tc *testCluster, configurationIndex Index) {
	tc = leaderOfThree(t, func(c *Config) { c.Bugs = bugs })
	tc.isolate(3)
	if err := tc.nodes[1].RemoveServer(1); err != nil {
		t.Fatal(err)
	}
	tc.process(1)
	tc.stabilize()
	_, configurationIndex = tc.nodes[1].Configuration()
	return tc, configurationIndex
}

// Without the bug C_new does not commit here:
// TestRemovedLeaderDoesNotCountItself (membership_test.go).

func TestRemovedLeaderCountsSelfBugCommitsOnAMinority(t *testing.T) { // breaks thesis §4.2.2
	tc, index := removeLeaderWithoutN3(t, Bugs{RemovedLeaderCountsSelf: true})
	// n1 counts itself with n2: two of "n1,n2,n3", though only n2 of the
	// new configuration n2,n3 holds the entry.
	if tc.nodes[1].CommitIndex() < index {
		t.Fatalf("commit index %d: the bug should commit C_new at %d on n1 and n2", tc.nodes[1].CommitIndex(), index)
	}
	if last := tc.nodes[3].LastIndex(); last >= index {
		t.Fatalf("n3's log reaches %d, C_new's index %d, though it was cut off", last, index)
	}
	tc.requireRole(1, Follower, 1) // C_new committed: n1 steps down
}
