package raft

import (
	"errors"
	"slices"
	"testing"
)

// Membership changes (thesis chapter 4): one server at a time, catching up
// new servers, removing the leader, disruptive servers, joint consensus.

// join starts a new, empty server that has no configuration (thesis §4.4).
func (tc *testCluster) join(id NodeID) {
	tc.t.Helper()
	config := tc.configs[1]
	config.ID, config.Peers, config.Joining = id, nil, true
	tc.configs[id] = config
	tc.storages[id] = &testStorage{}
	tc.start(id)
}

// ticksUntil ticks every node and delivers, until done or a bound.
func (tc *testCluster) ticksUntil(done func() bool, bound int) {
	tc.t.Helper()
	for range bound {
		if done() {
			return
		}
		tc.tickAll(1)
	}
	if !done() {
		tc.t.Fatalf("condition not reached within %d ticks", bound)
	}
}

func voters(r *Node) []NodeID {
	configuration, _ := r.Configuration()
	return configuration.Voters
}

func TestAddServerCatchesUpThenPromotes(t *testing.T) { // thesis §4.1, §4.2.1
	tc := leaderOfThree(t, nil)
	tc.join(4)
	if err := tc.nodes[1].AddServer(4); err != nil {
		t.Fatal(err)
	}
	tc.process(1)
	tc.ticksUntil(func() bool { return slices.Contains(voters(tc.nodes[1]), 4) }, 100)
	rounds := tc.eventsOf(EventCatchUpRound)
	if len(rounds) == 0 || rounds[len(rounds)-1].OtherIndex >= Index(tc.configs[1].ElectionTicksMin) {
		t.Fatalf("want a last catch-up round shorter than an election timeout, got %v", rounds)
	}
	// The new server learns the configuration that names it, and it
	// commits with the votes of 3 of 4.
	tc.ticksUntil(func() bool {
		_, index := tc.nodes[4].Configuration()
		return slices.Contains(voters(tc.nodes[4]), 4) && tc.nodes[1].CommitIndex() >= index
	}, 100)
}

func TestNewServerDoesNotCampaign(t *testing.T) { // thesis §4.4
	tc := leaderOfThree(t, nil)
	tc.join(4)
	tc.isolate(4)
	tc.tick(4, 10*tc.configs[4].ElectionTicksMax)
	if tc.nodes[4].Role() != Follower || tc.nodes[4].Term() != 0 {
		t.Fatalf("a server with no configuration campaigned: %v in term %d", tc.nodes[4].Role(), tc.nodes[4].Term())
	}
}

func TestConfigurationTakesEffectWhenAppended(t *testing.T) { // thesis §4.1
	tc := leaderOfThree(t, nil)
	tc.isolate(2)
	tc.isolate(3)
	if err := tc.nodes[1].RemoveServer(3); err != nil {
		t.Fatal(err)
	}
	tc.process(1)
	configuration, index := tc.nodes[1].Configuration()
	if !slices.Equal(configuration.Voters, []NodeID{1, 2}) || index <= tc.nodes[1].CommitIndex() {
		t.Fatalf("leader uses %v at index %d (commit %d): want n1,n2 before commit", configuration, index, tc.nodes[1].CommitIndex())
	}
}

func TestSecondChangeRefusedWhileUncommitted(t *testing.T) { // thesis §4.1
	tc := leaderOfThree(t, nil)
	tc.isolate(2)
	tc.isolate(3)
	if err := tc.nodes[1].RemoveServer(3); err != nil {
		t.Fatal(err)
	}
	if err := tc.nodes[1].RemoveServer(2); !errors.Is(err, ErrChangeInProgress) {
		t.Fatalf("second change: %v, want ErrChangeInProgress", err)
	}
}

func TestChangeWaitsForCommitInLeadersTerm(t *testing.T) { // errata to thesis §4.1
	tc := newTestCluster(t, 3, nil) // no leader no-op
	tc.campaign(1)
	tc.stabilize()
	if err := tc.nodes[1].RemoveServer(3); !errors.Is(err, ErrNoCommitInTerm) {
		t.Fatalf("change before committing in the term: %v, want ErrNoCommitInTerm", err)
	}
	tc.propose(1, "x=1")
	tc.stabilize()
	if err := tc.nodes[1].RemoveServer(3); err != nil {
		t.Fatalf("change after committing in the term: %v", err)
	}
}

func TestCatchUpAbortedForUnreachableServer(t *testing.T) { // thesis §4.2.1
	tc := leaderOfThree(t, nil)
	tc.join(4)
	tc.isolate(4)
	if err := tc.nodes[1].AddServer(4); err != nil {
		t.Fatal(err)
	}
	tc.process(1)
	tc.ticksUntil(func() bool { return len(tc.eventsOf(EventCatchUpAborted)) == 1 }, (MaxCatchUpRounds+1)*tc.configs[1].ElectionTicksMax)
	if slices.Contains(voters(tc.nodes[1]), 4) || tc.nodes[1].CatchingUp() != None {
		t.Fatal("unreachable server added anyway")
	}
}

func TestRemovedLeaderStepsDownAfterCommit(t *testing.T) { // thesis §4.2.2
	tc := leaderOfThree(t, nil)
	if err := tc.nodes[1].RemoveServer(1); err != nil {
		t.Fatal(err)
	}
	tc.process(1)
	tc.requireRole(1, Leader, 1) // still leading until C_new commits
	tc.stabilize()
	tc.requireRole(1, Follower, 1)
	steps := tc.eventsOf(EventStepDown)
	if len(steps) != 1 || steps[0].Reason != ReasonRemoved {
		t.Fatalf("want one step-down for removal, got %v", steps)
	}
	// n2 and n3 elect a leader among themselves; n1 no longer campaigns.
	tc.ticksUntil(func() bool { return tc.nodes[2].Role() == Leader || tc.nodes[3].Role() == Leader }, 200)
	tc.tickAll(3 * tc.configs[1].ElectionTicksMax)
	if tc.nodes[1].Role() != Follower {
		t.Fatalf("removed n1 is %v", tc.nodes[1].Role())
	}
}

func TestRemovedLeaderDoesNotCountItself(t *testing.T) { // thesis §4.2.2
	tc := leaderOfThree(t, nil)
	tc.isolate(3)
	if err := tc.nodes[1].RemoveServer(1); err != nil {
		t.Fatal(err)
	}
	tc.process(1)
	tc.stabilize()
	// C_new = {n2,n3} needs both; n1's own copy does not count.
	_, index := tc.nodes[1].Configuration()
	if tc.nodes[1].CommitIndex() >= index {
		t.Fatalf("C_new committed at %d without n3", tc.nodes[1].CommitIndex())
	}
	tc.requireRole(1, Leader, 1)
}

func TestRemovedServerDisruptsWithoutStickiness(t *testing.T) { // thesis §4.2.3
	for _, stickiness := range []bool{false, true} {
		tc := newTestCluster(t, 5, func(config *Config) { config.Stickiness = stickiness })
		tc.campaign(1)
		tc.stabilize()
		tc.propose(1, "x=1")
		tc.stabilize()
		if err := tc.nodes[1].RemoveServer(5); err != nil {
			t.Fatal(err)
		}
		tc.process(1)
		tc.stabilize()
		tc.tickAll(10 * tc.configs[1].ElectionTicksMax)
		disrupted := tc.nodes[1].Role() != Leader || tc.nodes[1].Term() != 1
		if disrupted == stickiness {
			t.Fatalf("stickiness %v: n1 is %v in term %d, n5 in term %d", stickiness, tc.nodes[1].Role(), tc.nodes[1].Term(), tc.nodes[5].Term())
		}
		if tc.nodes[5].Role() == Leader {
			t.Fatal("removed n5 won an election")
		}
	}
}

func TestJointConsensusNeedsBothMajorities(t *testing.T) { // thesis §4.3
	tc := newTestCluster(t, 5, nil)
	tc.campaign(1)
	tc.stabilize()
	tc.propose(1, "x=1")
	tc.stabilize()
	if err := tc.nodes[1].RemoveServer(5); err != nil {
		t.Fatal(err)
	}
	tc.process(1)
	tc.stabilize()
	if err := tc.nodes[1].RemoveServer(4); err != nil {
		t.Fatal(err)
	}
	tc.process(1)
	tc.stabilize()
	// Voters n1,n2,n3; reconfigure to n3,n4,n5 with n1,n2 cut off from
	// n3,n4,n5: C_old,new reaches only 1 of the new majority from n1.
	tc.cut[[2]NodeID{1, 3}], tc.cut[[2]NodeID{1, 4}], tc.cut[[2]NodeID{1, 5}] = true, true, true
	if err := tc.nodes[1].Reconfigure([]NodeID{3, 4, 5}); err != nil {
		t.Fatal(err)
	}
	tc.process(1)
	tc.stabilize()
	configuration, index := tc.nodes[1].Configuration()
	if !configuration.Joint() || tc.nodes[1].CommitIndex() >= index {
		t.Fatalf("C_old,new %v committed at %d with n1,n2 only", configuration, tc.nodes[1].CommitIndex())
	}
	tc.heal()
	tc.ticksUntil(func() bool {
		for _, id := range []NodeID{3, 4, 5} {
			if tc.nodes[id].Role() == Leader {
				return true
			}
		}
		return false
	}, 500)
	for _, id := range []NodeID{3, 4, 5} {
		configuration, _ := tc.nodes[id].Configuration()
		if configuration.Joint() || !slices.Equal(configuration.Voters, []NodeID{3, 4, 5}) {
			t.Fatalf("%v uses %v, want n3,n4,n5", id, configuration)
		}
	}
	if tc.nodes[1].Role() == Leader {
		t.Fatal("n1 leads a configuration it is not in")
	}
}

func TestJointConfigurationQuorum(t *testing.T) { // thesis §4.3
	joint := Configuration{OldVoters: []NodeID{1, 2, 3}, Voters: []NodeID{3, 4, 5}}
	for _, test := range []struct {
		yes  []NodeID
		want bool
	}{
		{[]NodeID{1, 2}, false},
		{[]NodeID{4, 5}, false},
		{[]NodeID{1, 2, 4, 5}, true},
		{[]NodeID{2, 3, 4}, true},
		{[]NodeID{3}, false},
	} {
		if got := joint.HasQuorum(func(id NodeID) bool { return slices.Contains(test.yes, id) }); got != test.want {
			t.Errorf("%v of %v: quorum %v, want %v", test.yes, joint, got, test.want)
		}
	}
	decoded, err := DecodeConfiguration(encodeConfiguration(joint))
	if err != nil || !decoded.Equal(joint) {
		t.Fatalf("round trip: %v, %v", decoded, err)
	}
}
