package raft

import (
	"errors"
	"testing"
)

// The rules a lease stands on (thesis §6.4.1, read.go): a lease is trusted
// only with the §4.2.3 rule in force, because PreVote alone lets a follower
// help elect a new leader while it still acknowledges the old one.

func TestLeaseNeedsStickiness(t *testing.T) { // thesis §6.4.1, §4.2.3
	for _, test := range []struct {
		name                 string
		preVote, stickiness  bool
		leaseWithoutSticking bool
		want                 error
	}{
		{"neither", false, false, false, ErrLeaseUnsafe},
		{"prevote alone", true, false, false, ErrLeaseUnsafe},
		{"stickiness", false, true, false, nil},
		{"prevote and stickiness", true, true, false, nil},
		{"prevote alone with the teaching bug", true, false, true, nil},
	} {
		t.Run(test.name, func(t *testing.T) {
			tc := newTestCluster(t, 3, func(config *Config) {
				config.PreVote, config.Stickiness = test.preVote, test.stickiness
				config.Bugs.LeaseWithoutStickiness = test.leaseWithoutSticking
			})
			tc.campaign(1)
			tc.stabilize()
			tc.propose(1, "x=1")
			tc.stabilize()
			if err := tc.nodes[1].ReadIndex(1, true); !errors.Is(err, test.want) {
				t.Fatalf("lease read: %v, want %v", err, test.want)
			}
		})
	}
}

// preVoteRace plays the interleaving of issue 10 on three nodes with
// PreVote on: n2 grants n3 a pre-vote, then acknowledges a heartbeat of
// n1 (renewing n1's lease), then receives n3's real RequestVote. It
// returns the cluster and the result of a lease read on n1 at the end.
func preVoteRace(t *testing.T, configure func(*Config)) (*testCluster, error) {
	t.Helper()
	tc := newTestCluster(t, 3, func(config *Config) {
		config.PreVote = true
		configure(config)
	})
	tc.campaign(1)
	tc.stabilize()
	tc.propose(1, "x=1")
	tc.stabilize()
	// n1 goes quiet for n2 and n3 for a whole minimum election timeout,
	// so that both would grant a pre-vote.
	tc.isolate(1)
	for range tc.configs[2].ElectionTicksMin {
		tc.tick(2, 1)
		tc.tick(3, 1)
	}
	tc.queue = nil
	tc.campaign(3)
	tc.deliverOnly(3, 2, MsgPreVote)
	tc.deliverOnly(2, 3, MsgPreVoteResp)
	if role := tc.nodes[3].Role(); role != Candidate {
		t.Fatalf("n3 is %v after n2's pre-vote, want candidate", role)
	}
	// n1 reaches n2 again for one heartbeat round, which n2 acknowledges.
	tc.reconnect(1, 2)
	tc.nodes[1].broadcastHeartbeat()
	tc.process(1)
	tc.deliverOnly(1, 2, MsgAppendEntries)
	tc.deliverOnly(2, 1, MsgAppendEntriesResp)
	tc.isolate(1)
	// Now n3's real vote request reaches n2.
	tc.deliverOnly(3, 2, MsgRequestVote)
	if tc.queued(2, 3, MsgRequestVoteResp) {
		tc.deliverOnly(2, 3, MsgRequestVoteResp)
	}
	return tc, tc.nodes[1].ReadIndex(2, true)
}

func TestLeaseWithPreVoteAloneLetsASecondLeaderWin(t *testing.T) { // breaks thesis §6.4.1
	tc, err := preVoteRace(t, func(config *Config) { config.Bugs.LeaseWithoutStickiness = true })
	tc.requireRole(3, Leader, 2)
	tc.requireRole(1, Leader, 1)
	if err != nil {
		t.Fatalf("with the teaching bug n1 should trust its lease: %v", err)
	}
	// n1 would answer reads from its lease while n3 leads term 2: a new
	// write through n3 commits, and n1 would return the old value.
	tc.stabilize()
	tc.propose(3, "x=2")
	tc.stabilize()
	if tc.nodes[3].commitIndex <= tc.nodes[1].commitIndex {
		t.Fatalf("n3 committed %d, n1 %d: want n3 ahead", tc.nodes[3].commitIndex, tc.nodes[1].commitIndex)
	}
}

func TestStickinessKeepsTheLeaseSafe(t *testing.T) { // thesis §6.4.1, §4.2.3
	tc, err := preVoteRace(t, func(config *Config) { config.Stickiness = true })
	if err != nil {
		t.Fatalf("n1's lease should hold: %v", err)
	}
	tc.requireRole(1, Leader, 1)
	if role := tc.nodes[3].Role(); role == Leader {
		t.Fatal("n3 won an election while n1's lease held")
	}
	refused := false
	for _, event := range tc.eventsOf(EventVoteRefused) {
		refused = refused || (event.Node == 2 && event.Peer == 3 && event.Reason == ReasonLeaderRecentlyHeard && !event.PreVote)
	}
	if !refused {
		t.Fatal("n2 did not refuse n3's real vote although it had just heard n1")
	}
}

func TestCampaignRefusedWhileLeaderHeard(t *testing.T) { // thesis §4.2.3
	tc := newTestCluster(t, 3, func(config *Config) { config.Stickiness = true })
	tc.campaign(1)
	tc.stabilize()
	tc.clearEvents()
	tc.campaign(2)
	tc.stabilize()
	tc.requireRole(2, Follower, 1)
	tc.requireRole(1, Leader, 1)
	refused := tc.eventsOf(EventVoteRefused)
	if len(refused) != 1 || refused[0].Node != 2 || refused[0].Peer != 2 || refused[0].Reason != ReasonLeaderRecentlyHeard {
		t.Fatalf("want n2 to refuse its own vote, got %+v", refused)
	}
	// Once a minimum election timeout has passed without the leader, it may.
	tc.isolate(1)
	tc.tick(2, tc.configs[2].ElectionTicksMin)
	tc.queue = nil
	tc.campaign(2)
	if role := tc.nodes[2].Role(); role != Candidate {
		t.Fatalf("n2 is %v after a quiet minimum election timeout, want candidate", role)
	}
}

// deliverOnly delivers the queued messages of one type on one link, and
// leaves the rest queued.
func (tc *testCluster) deliverOnly(from, to NodeID, kind MessageType) {
	tc.t.Helper()
	var chosen, rest []Message
	for _, m := range tc.queue {
		if m.From == from && m.To == to && m.Type == kind {
			chosen = append(chosen, m)
		} else {
			rest = append(rest, m)
		}
	}
	if len(chosen) == 0 {
		tc.t.Fatalf("no %v from %v to %v is queued", kind, from, to)
	}
	tc.queue = rest
	for _, m := range chosen {
		tc.deliver(m)
	}
}

// queued reports whether a message of that type is queued on that link.
func (tc *testCluster) queued(from, to NodeID, kind MessageType) bool {
	for _, m := range tc.queue {
		if m.From == from && m.To == to && m.Type == kind {
			return true
		}
	}
	return false
}

// reconnect restores the link between a and b both ways.
func (tc *testCluster) reconnect(a, b NodeID) {
	delete(tc.cut, [2]NodeID{a, b})
	delete(tc.cut, [2]NodeID{b, a})
}

// A leader that sent TimeoutNow trusts no lease for the rest of its term,
// even once the transfer is abandoned: the TimeoutNow may still arrive, and
// its target is elected with votes that stickiness lets through (thesis
// §3.10, §4.2.3). The teaching bug LeaseAfterTransfer trusts the lease
// again.
func TestNoLeaseAfterTimeoutNowForTheRestOfTheTerm(t *testing.T) { // thesis §3.10, §6.4.1
	for _, bug := range []bool{false, true} {
		tc := newTestCluster(t, 3, func(config *Config) {
			config.Stickiness = true
			config.Bugs.LeaseAfterTransfer = bug
		})
		tc.campaign(1)
		tc.stabilize()
		tc.propose(1, "x=1")
		tc.stabilize()
		leader := tc.nodes[1]
		tc.cut[[2]NodeID{1, 2}] = true // the TimeoutNow is lost, or very late
		if err := leader.TransferLeadership(2); err != nil {
			t.Fatal(err)
		}
		tc.stabilize()
		for range tc.configs[1].ElectionTicksMin {
			tc.tick(1, 1)
			tc.stabilize()
		}
		if got := leader.Transferring(); got != None {
			t.Fatalf("bug %v: the transfer to %v was not abandoned", bug, got)
		}
		// A fresh heartbeat round that n3 answers.
		tc.tick(1, tc.configs[1].HeartbeatTicks)
		tc.stabilize()
		err := leader.ReadIndex(1, true)
		switch {
		case !bug && !errors.Is(err, ErrLeaseAfterTimeoutNow):
			t.Fatalf("lease read after the TimeoutNow: %v, want %v", err, ErrLeaseAfterTimeoutNow)
		case bug && err != nil:
			t.Fatalf("with the teaching bug the lease read should be trusted: %v", err)
		}
	}
}
