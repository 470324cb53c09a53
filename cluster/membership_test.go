package cluster

import (
	"errors"
	"slices"
	"testing"

	"raftctl/raft"
)

// Scenario tests of leadership transfer (thesis §3.10) and membership
// changes (thesis chapter 4) on the simulated cluster.

func leaderCluster(t *testing.T, n int, seed uint64) *Local {
	t.Helper()
	c, err := New(n, seed, DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Campaign(1); err != nil {
		t.Fatal(err)
	}
	c.Stabilize()
	if _, err := c.Put("x", "1", raft.None); err != nil {
		t.Fatal(err)
	}
	return c
}

func requireSafe(t *testing.T, c *Local) {
	t.Helper()
	if violations := c.Violations(); len(violations) > 0 {
		t.Fatalf("safety violated: %v", violations)
	}
}

func TestTransferScenario(t *testing.T) { // thesis §3.10
	c := leaderCluster(t, 3, 1)
	if err := c.Kill(3); err != nil {
		t.Fatal(err)
	}
	for _, value := range []string{"2", "3"} {
		if call, err := c.Put("x", value, raft.None); err != nil || call.Err != nil {
			t.Fatalf("put: %v %v", err, call.Err)
		}
	}
	if err := c.Restart(3, false); err != nil {
		t.Fatal(err)
	}
	if err := c.Transfer(3, true); err != nil {
		t.Fatal(err)
	}
	if leaders := c.Leaders(); !slices.Equal(leaders, []NodeID{3}) {
		t.Fatalf("leaders %v, want n3", leaders)
	}
	call, err := c.Put("x", "4", raft.None)
	if err != nil || call.Err != nil || call.ServedBy != 3 {
		t.Fatalf("put after transfer: %v %+v", err, call)
	}
	requireSafe(t, c)
}

func TestTransferToCrashedTargetAbandoned(t *testing.T) { // thesis §3.10
	c := leaderCluster(t, 3, 1)
	if err := c.Kill(3); err != nil {
		t.Fatal(err)
	}
	if err := c.Transfer(3, true); err == nil {
		t.Fatal("transfer to a crashed node succeeded")
	}
	if leaders := c.Leaders(); !slices.Equal(leaders, []NodeID{1}) {
		t.Fatalf("leaders %v, want n1 to lead again", leaders)
	}
	if call, err := c.Put("y", "1", 1); err != nil || call.Err != nil {
		t.Fatalf("n1 does not resume: %v %v", err, call.Err)
	}
}

func TestAddServersOneAtATime(t *testing.T) { // thesis §4.1, §4.2.1
	c := leaderCluster(t, 3, 1)
	if err := c.AddServer(5, true); !errors.Is(err, ErrUnknownNode) {
		t.Fatalf("add n5 before n4: %v, want ErrUnknownNode", err)
	}
	for _, id := range []NodeID{4, 5} {
		if err := c.AddServer(id, true); err != nil {
			t.Fatalf("add %v: %v", id, err)
		}
	}
	membership := c.Membership()
	if !slices.Equal(membership.Configuration.Voters, []NodeID{1, 2, 3, 4, 5}) || !membership.Committed {
		t.Fatalf("membership %+v", membership)
	}
	// n4 and n5 are full voters: with n2 and n3 down, 3 of 5 still commit.
	for _, id := range []NodeID{2, 3} {
		if err := c.Kill(id); err != nil {
			t.Fatal(err)
		}
	}
	if call, err := c.Put("y", "2", raft.None); err != nil || call.Err != nil {
		t.Fatalf("put with n1,n4,n5: %v %v", err, call.Err)
	}
	requireSafe(t, c)
}

func TestRemoveLeaderScenario(t *testing.T) { // thesis §4.2.2
	c := leaderCluster(t, 3, 1)
	if err := c.RemoveServer(1, true); err != nil {
		t.Fatal(err)
	}
	if !c.RunUntil(func(v View) bool {
		leaders := v.Leaders()
		return len(leaders) == 1 && leaders[0] != 1
	}, 2*c.Settings().ElectionMax) {
		t.Fatal("no leader among n2, n3 after the removal")
	}
	if call, err := c.Put("y", "1", raft.None); err != nil || call.Err != nil {
		t.Fatalf("put after removal: %v %v", err, call.Err)
	}
	c.Tick(300)
	if leaders := c.Leaders(); slices.Contains(leaders, 1) {
		t.Fatal("removed n1 leads again")
	}
	requireSafe(t, c)
}

func TestJointConsensusScenario(t *testing.T) { // thesis §4.3
	c := leaderCluster(t, 3, 1)
	if err := c.Reconfigure([]NodeID{3, 4, 5}, true); err != nil {
		t.Fatal(err)
	}
	if !c.RunUntil(func(v View) bool {
		leaders := v.Leaders()
		return len(leaders) == 1 && leaders[0] >= 3
	}, 4*c.Settings().ElectionMax) {
		t.Fatalf("no leader in n3,n4,n5: %v", c.Leaders())
	}
	membership := c.Membership()
	if !slices.Equal(membership.Configuration.Voters, []NodeID{3, 4, 5}) || membership.Configuration.Joint() {
		t.Fatalf("membership %+v", membership)
	}
	if call, err := c.Put("y", "1", raft.None); err != nil || call.Err != nil {
		t.Fatalf("put in the new configuration: %v %v", err, call.Err)
	}
	requireSafe(t, c)
}
