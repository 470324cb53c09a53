package cluster

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"raftctl/raft"
	"raftctl/store"
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

// TestShrinkAndGrowUnderLoad: a 5-node cluster shrunk to 3 voters and grown
// back to 5, one server at a time, while clients write; no acknowledged
// write is lost and no term has two leaders (thesis §4.1, §3.4).
func TestShrinkAndGrowUnderLoad(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4, 5} {
		c := leaderCluster(t, 5, seed)
		const clients = 3
		calls := make([]*Call, clients)
		var acknowledged []store.Command
		counter := 0
		submit := func(client int) {
			counter++
			command := store.Command{Op: store.OpPut, Key: fmt.Sprintf("k%d", counter%4), Value: fmt.Sprintf("v%d", counter)}
			call, err := c.Submit(uint64(client+1), command, raft.None)
			if err != nil {
				t.Fatal(err)
			}
			calls[client] = call
		}
		for client := range clients {
			submit(client)
		}
		// run advances time under the load until done holds.
		run := func(what string, done func() bool) {
			t.Helper()
			for range 2000 {
				if done() {
					return
				}
				c.Advance(5 * time.Millisecond)
				for client, call := range calls {
					if call.Done {
						if call.Err == nil {
							acknowledged = append(acknowledged, call.Command)
						}
						submit(client)
					}
				}
			}
			t.Fatalf("seed %d: %s did not happen in 10s: %+v", seed, what, c.Membership())
		}
		change := func(what string, start func() error, voters []NodeID) {
			t.Helper()
			run(what, func() bool {
				membership := c.Membership()
				if slices.Equal(membership.Configuration.Voters, voters) && membership.Committed && !membership.Configuration.Joint() {
					return true
				}
				if membership.CatchingUp == raft.None && !slices.Equal(membership.Configuration.Voters, voters) {
					_ = start() // refused while a change runs or no leader: try again later
				}
				return false
			})
		}
		change("remove n5", func() error { return c.RemoveServer(5, false) }, []NodeID{1, 2, 3, 4})
		change("remove n4", func() error { return c.RemoveServer(4, false) }, []NodeID{1, 2, 3})
		change("add n4", func() error { return c.AddServer(4, false) }, []NodeID{1, 2, 3, 4})
		change("add n5", func() error { return c.AddServer(5, false) }, []NodeID{1, 2, 3, 4, 5})
		run("the last writes", func() bool { return len(acknowledged) > 20 })
		final, err := c.Put("final", "done", raft.None)
		if err != nil || final.Err != nil {
			t.Fatalf("seed %d: final put: %v %v", seed, err, final.Err)
		}
		log, err := c.Log(final.ServedBy)
		if err != nil {
			t.Fatal(err)
		}
		inLog := map[[2]uint64]bool{}
		for _, entry := range log {
			if command, err := store.DecodeCommand(entry.Command); err == nil && entry.Kind == raft.EntryCommand {
				inLog[[2]uint64{command.ClientID, command.Sequence}] = true
			}
		}
		for _, command := range acknowledged {
			if !inLog[[2]uint64{command.ClientID, command.Sequence}] {
				t.Fatalf("seed %d: acknowledged write %s=%s lost", seed, command.Key, command.Value)
			}
		}
		requireSafe(t, c)
		if len(acknowledged) < 20 {
			t.Fatalf("seed %d: only %d writes acknowledged: the load did not run", seed, len(acknowledged))
		}
		t.Logf("seed %d: 5 -> 3 -> 5 voters in %v with %d writes acknowledged, none lost", seed, c.Now(), len(acknowledged))
	}
}
