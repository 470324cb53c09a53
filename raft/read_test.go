package raft

import (
	"errors"
	"testing"
)

func TestReadIndexOnFollowerFails(t *testing.T) { // thesis §6.4
	tc := newTestCluster(t, 3, nil)
	tc.campaign(1)
	tc.stabilize()
	if err := tc.nodes[2].ReadIndex(1, false); !errors.Is(err, ErrNotLeader) {
		t.Fatalf("ReadIndex on a follower: %v, want ErrNotLeader", err)
	}
}

func TestReadIndexConfirmedByMajorityHeartbeat(t *testing.T) { // thesis §6.4
	tc := newTestCluster(t, 3, nil)
	tc.campaign(1)
	tc.stabilize()
	index := tc.propose(1, "x=1")
	tc.stabilize()
	tc.isolate(3) // a majority is enough
	must(t, tc.nodes[1].ReadIndex(42, false))
	tc.process(1)
	if len(tc.reads[1]) != 0 {
		t.Fatal("the read was confirmed before any follower answered")
	}
	tc.stabilize()
	if got := tc.reads[1]; len(got) != 1 || got[0] != (ReadState{Request: 42, Index: index}) {
		t.Fatalf("confirmed reads %v, want request 42 at index %d", got, index)
	}
	if events := tc.eventsOf(EventReadConfirmed); len(events) != 1 || events[0].Reason != ReasonHeartbeatRound {
		t.Fatalf("events %v", events)
	}
}

func TestReadIndexWaitsForAnEntryOfTheLeadersTerm(t *testing.T) { // thesis §6.4 step 1
	tc := newTestCluster(t, 3, nil) // no leader no-op
	tc.campaign(1)
	tc.stabilize()
	tc.propose(1, "x=1")
	tc.stabilize()
	tc.campaign(2) // term 2: n2's log holds x=1 from term 1, committed by n1
	tc.stabilize()
	tc.requireRole(2, Leader, 2)
	must(t, tc.nodes[2].ReadIndex(7, false))
	tc.process(2)
	tc.stabilize()
	if len(tc.reads[2]) != 0 {
		t.Fatal("a read was confirmed before the leader committed an entry of its term")
	}
	index := tc.propose(2, "y=2")
	tc.stabilize()
	if got := tc.reads[2]; len(got) != 1 || got[0].Index != index {
		t.Fatalf("confirmed reads %v, want one at index %d", got, index)
	}
}

func TestReadIndexOnCutOffLeaderNeverConfirmed(t *testing.T) { // thesis §6.4
	tc := newTestCluster(t, 3, nil)
	tc.campaign(1)
	tc.stabilize()
	tc.propose(1, "x=1")
	tc.stabilize()
	tc.isolate(1)
	must(t, tc.nodes[1].ReadIndex(1, false))
	tc.process(1)
	tc.stabilize()
	tc.tick(1, 20)
	tc.stabilize()
	if len(tc.reads[1]) != 0 {
		t.Fatal("a leader without a majority confirmed a read")
	}
}

func TestLeaseHoldsThenExpires(t *testing.T) { // thesis §6.4.1
	tc := newTestCluster(t, 3, func(config *Config) { config.PreVote, config.Stickiness = true, true })
	tc.campaign(1)
	tc.stabilize()
	index := tc.propose(1, "x=1")
	tc.stabilize()
	must(t, tc.nodes[1].ReadIndex(1, true))
	tc.process(1)
	if got := tc.reads[1]; len(got) != 1 || got[0].Index != index {
		t.Fatalf("lease read: %v, want one at index %d at once", got, index)
	}
	// Cut off, the leader keeps its lease only for 90% of the minimum
	// election timeout after the last round a majority answered.
	tc.isolate(1)
	lease := tc.configs[1].ElectionTicksMin * leaseDriftPercent / 100
	tc.tick(1, lease)
	tc.queue = nil
	if err := tc.nodes[1].ReadIndex(2, true); !errors.Is(err, ErrNoLease) {
		t.Fatalf("after %d ticks cut off: %v, want ErrNoLease", lease, err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestRestartedNodeActsAsIfItHeardALeader: a node back from a crash may
// have heard the leader just before it; for one minimum election timeout
// it refuses pre-votes, as it would have, so a lease granted before the
// crash still holds (thesis §6.4.1, §9.6).
func TestRestartedNodeActsAsIfItHeardALeader(t *testing.T) {
	tc := newTestCluster(t, 3, func(config *Config) { config.PreVote = true })
	tc.campaign(1)
	tc.stabilize()
	tc.isolate(1)
	tc.kill(2)
	tc.start(2)
	tc.clearEvents()
	tc.campaign(3)
	tc.stabilize()
	refused := false
	for _, event := range tc.eventsOf(EventVoteRefused) {
		if event.Node == 2 && event.Reason == ReasonLeaderRecentlyHeard {
			refused = true
		}
	}
	if !refused || tc.nodes[3].Status().Role == Candidate {
		t.Fatalf("the restarted n2 did not refuse n3's pre-vote: %v", tc.eventsOf(EventVoteRefused))
	}
	// One minimum election timeout later it may vote.
	tc.tick(2, tc.configs[2].ElectionTicksMin)
	tc.queue = nil
	tc.campaign(3)
	tc.stabilize()
	if role := tc.nodes[3].Status().Role; role != Leader {
		t.Fatalf("n3 is %v after n2's quiet time, want leader", role)
	}
}
