package raft

import (
	"errors"
	"testing"
)

// Leadership transfer (thesis §3.10) and the "may disrupt" flag of its
// RequestVotes (thesis §4.2.3).

func leaderOfThree(t *testing.T, configure func(*Config)) *testCluster {
	t.Helper()
	tc := newTestCluster(t, 3, configure)
	tc.campaign(1)
	tc.stabilize()
	tc.propose(1, "x=1")
	tc.stabilize()
	tc.requireRole(1, Leader, 1)
	return tc
}

func TestTransferHandsLeadershipToTarget(t *testing.T) { // thesis §3.10
	tc := leaderOfThree(t, nil)
	tc.clearEvents()
	if err := tc.nodes[1].TransferLeadership(3); err != nil {
		t.Fatal(err)
	}
	tc.process(1)
	tc.stabilize()
	tc.requireRole(3, Leader, 2)
	tc.requireRole(1, Follower, 2)
	if len(tc.eventsOf(EventTimeoutNowSent)) != 1 || len(tc.eventsOf(EventTimeoutNowReceived)) != 1 {
		t.Fatalf("want one TimeoutNow sent and received, events: %v", tc.events)
	}
}

func TestTransferBringsTargetUpToDateFirst(t *testing.T) { // thesis §3.10 step 2
	tc := leaderOfThree(t, nil)
	tc.kill(3)
	tc.propose(1, "x=2")
	tc.propose(1, "x=3")
	tc.stabilize()
	tc.start(3)
	tc.clearEvents()
	if err := tc.nodes[1].TransferLeadership(3); err != nil {
		t.Fatal(err)
	}
	tc.process(1)
	if sent := tc.eventsOf(EventTimeoutNowSent); len(sent) != 0 {
		t.Fatalf("TimeoutNow sent before n3 caught up: %v", sent)
	}
	tc.stabilize()
	sent := tc.eventsOf(EventTimeoutNowSent)
	if len(sent) != 1 || sent[0].Index != 3 {
		t.Fatalf("want TimeoutNow once n3 matched index 3, got %v", sent)
	}
	tc.requireRole(3, Leader, 2)
}

func TestTransferRefusesClientRequests(t *testing.T) { // thesis §3.10 step 1
	tc := leaderOfThree(t, func(config *Config) { config.Stickiness = true })
	tc.cut[[2]NodeID{1, 3}] = true // the target cannot be reached
	if err := tc.nodes[1].TransferLeadership(3); err != nil {
		t.Fatal(err)
	}
	var transferring *TransferError
	if _, _, err := tc.nodes[1].Propose([]byte("x=9")); !errors.As(err, &transferring) || transferring.Target != 3 {
		t.Fatalf("propose during transfer: %v, want a TransferError naming n3", err)
	}
	if err := tc.nodes[1].ReadIndex(1, true); !errors.Is(err, ErrTransferring) {
		t.Fatalf("lease read during transfer: %v, want ErrTransferring (thesis §6.4.1)", err)
	}
	if ticks := tc.nodes[1].LeaseTicks(); ticks != 0 {
		t.Fatalf("lease holds %d ticks during a transfer, want 0", ticks)
	}
}

func TestTransferAbortedAfterElectionTimeout(t *testing.T) { // thesis §3.10
	tc := leaderOfThree(t, nil)
	tc.kill(3)
	if err := tc.nodes[1].TransferLeadership(3); err != nil {
		t.Fatal(err)
	}
	tc.process(1)
	tc.clearEvents()
	for range tc.configs[1].ElectionTicksMin {
		tc.tick(1, 1)
		tc.tick(2, 1)
		tc.stabilize()
	}
	if len(tc.eventsOf(EventTransferAborted)) != 1 {
		t.Fatal("transfer not aborted after an election timeout")
	}
	tc.requireRole(1, Leader, 1)
	if _, _, err := tc.nodes[1].Propose([]byte("x=4")); err != nil {
		t.Fatalf("leader does not resume after the abort: %v", err)
	}
}

func TestTransferVotesMayDisruptStickiness(t *testing.T) { // thesis §4.2.3
	tc := leaderOfThree(t, func(config *Config) { config.Stickiness = true })
	if err := tc.nodes[1].TransferLeadership(2); err != nil {
		t.Fatal(err)
	}
	tc.process(1)
	tc.stabilize()
	// n3 heard n1 a moment ago, yet grants n2 its vote: the request says
	// the leader asked for it.
	tc.requireRole(2, Leader, 2)
	tc.requireRole(3, Follower, 2)
}

func TestTransferToNonVoterRefused(t *testing.T) { // thesis §3.10, §4.1
	tc := leaderOfThree(t, nil)
	if err := tc.nodes[1].TransferLeadership(7); err == nil {
		t.Fatal("transfer to a server outside the configuration accepted")
	}
	if err := tc.nodes[2].TransferLeadership(3); !errors.Is(err, ErrNotLeader) {
		t.Fatalf("transfer on a follower: %v, want ErrNotLeader", err)
	}
}
