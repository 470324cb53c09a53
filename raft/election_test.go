package raft

import "testing"

func TestElectionTimeoutStartsElection(t *testing.T) { // thesis §3.4
	tc := newTestCluster(t, 3, nil)
	timeout := tc.nodes[1].Status().ElectionTimeout
	if timeout < 15 || timeout > 30 {
		t.Fatalf("election timeout %d ticks, want within 15-30", timeout)
	}
	tc.tick(1, timeout-1)
	tc.requireRole(1, Follower, 0)
	tc.tick(1, 1)
	tc.requireRole(1, Candidate, 1)
	if got := tc.nodes[1].Status().VotedFor; got != 1 {
		t.Fatalf("candidate voted for %v, want itself", got)
	}
	if len(tc.queue) != 2 || tc.queue[0].Type != MsgRequestVote {
		t.Fatalf("want 2 RequestVote, got %v", tc.queue)
	}
}

func TestCandidateWinsWithMajority(t *testing.T) { // thesis §3.4
	tc := newTestCluster(t, 5, nil)
	tc.isolate(4)
	tc.isolate(5)
	tc.campaign(1)
	tc.stabilize()
	tc.requireRole(1, Leader, 1)
	var won []Event
	for _, event := range tc.eventsOf(EventRoleChanged) {
		if event.Role == Leader {
			won = append(won, event)
		}
	}
	if len(won) != 1 || won[0].Count != 3 || won[0].Quorum != 3 || won[0].Reason != ReasonElectionWon {
		t.Fatalf("want one win with 3 votes of 3 needed, got %+v", won)
	}
}

func TestCandidateWithoutMajorityStaysCandidate(t *testing.T) { // thesis §3.4
	tc := newTestCluster(t, 5, nil)
	tc.isolate(3)
	tc.isolate(4)
	tc.isolate(5)
	tc.campaign(1)
	tc.stabilize()
	tc.requireRole(1, Candidate, 1)
}

func TestVoteAtMostOncePerTerm(t *testing.T) { // thesis §3.4
	tc := newTestCluster(t, 3, nil)
	tc.campaign(1)
	tc.campaign(2) // both in term 1; n3 answers whoever asked first
	tc.stabilize()
	tc.requireRole(1, Leader, 1)
	tc.requireRole(2, Follower, 1)
	refused := tc.eventsOf(EventVoteRefused)
	found := false
	for _, event := range refused {
		if event.Node == 3 && event.Peer == 2 && event.Reason == ReasonAlreadyVoted && event.VotedFor == 1 {
			found = true
		}
	}
	if !found {
		t.Fatalf("n3 did not refuse n2 for having voted for n1: %+v", refused)
	}
}

func TestVoteDeniedToStaleLog(t *testing.T) { // thesis §3.6.1
	tc := newTestCluster(t, 3, nil)
	tc.campaign(1)
	tc.stabilize()
	tc.isolate(3)
	tc.propose(1, "x=1")
	tc.stabilize()
	tc.kill(1)
	tc.heal()
	tc.clearEvents()
	tc.campaign(3)
	tc.stabilize()
	tc.requireRole(3, Candidate, 2)
	refused := tc.eventsOf(EventVoteRefused)
	if len(refused) != 1 || refused[0].Node != 2 || refused[0].Reason != ReasonLogNotUpToDate ||
		refused[0].OtherIndex != 1 || refused[0].OtherTerm != 1 || refused[0].Index != 0 {
		t.Fatalf("want n2 to refuse n3 (last 0/0) for its own log (1/t1), got %+v", refused)
	}
}

func TestNoElectionRestrictionBugGrantsStaleLog(t *testing.T) { // breaks thesis §3.6.1
	tc := newTestCluster(t, 3, func(c *Config) { c.Bugs.NoElectionRestriction = true })
	tc.campaign(1)
	tc.stabilize()
	tc.isolate(3)
	tc.propose(1, "x=1")
	tc.stabilize()
	tc.kill(1)
	tc.heal()
	tc.campaign(3)
	tc.stabilize()
	tc.requireRole(3, Leader, 2)
}

func TestHigherTermMakesFollower(t *testing.T) { // thesis §3.3
	tc := newTestCluster(t, 3, nil)
	tc.campaign(1)
	tc.stabilize()
	tc.isolate(1)
	tc.campaign(2)
	tc.stabilize()
	tc.requireRole(2, Leader, 2)
	tc.requireRole(1, Leader, 1) // two leaders, in different terms
	tc.heal()
	tc.tickAll(5) // heartbeats cross
	tc.requireRole(1, Follower, 2)
	changed := tc.eventsOf(EventTermChanged)
	if len(changed) == 0 || changed[len(changed)-1].Node != 1 || changed[len(changed)-1].Term != 2 {
		t.Fatalf("want n1 to adopt term 2, got %+v", changed)
	}
}

func TestStaleTermRequestRejected(t *testing.T) { // thesis §3.3
	tc := newTestCluster(t, 3, nil)
	tc.campaign(1)
	tc.stabilize()
	tc.isolate(1)
	tc.campaign(2)
	tc.stabilize()
	tc.clearEvents()
	tc.nodes[3].Step(Message{Type: MsgAppendEntries, From: 1, To: 3, Term: 1})
	tc.process(3)
	rejected := tc.eventsOf(EventAppendRejected)
	if len(rejected) != 1 || rejected[0].Reason != ReasonStaleTerm {
		t.Fatalf("want a stale-term rejection, got %+v", rejected)
	}
	reply := tc.queue[len(tc.queue)-1]
	if reply.Success || reply.Term != 2 {
		t.Fatalf("want a failure carrying term 2, got %+v", reply)
	}
}

func TestPreVoteDoesNotRaiseTerm(t *testing.T) { // thesis §9.6
	tc := newTestCluster(t, 3, func(c *Config) { c.PreVote = true })
	tc.campaign(1)
	tc.stabilize()
	tc.requireRole(1, Leader, 1)
	tc.isolate(3)
	tc.tick(3, 200) // many election timeouts alone
	tc.stabilize()
	if term := tc.nodes[3].Term(); term != 1 {
		t.Fatalf("isolated node with PreVote climbed to term %d, want 1", term)
	}
	tc.heal()
	tc.tickAll(10)
	tc.requireRole(1, Leader, 1)
}

func TestWithoutPreVoteIsolatedNodeDisruptsLeader(t *testing.T) { // thesis §9.6
	tc := newTestCluster(t, 3, nil)
	tc.campaign(1)
	tc.stabilize()
	tc.isolate(3)
	tc.tick(3, 200)
	tc.stabilize()
	if term := tc.nodes[3].Term(); term < 5 {
		t.Fatalf("isolated node without PreVote is at term %d, want it to climb", term)
	}
	tc.heal()
	tc.tickAll(10)
	if tc.nodes[1].Role() == Leader && tc.nodes[1].Term() == 1 {
		t.Fatal("the leader of term 1 survived the rejoin, want it deposed")
	}
}

func TestPreVoteRefusedWhileLeaderHeard(t *testing.T) { // thesis §9.6
	tc := newTestCluster(t, 3, func(c *Config) { c.PreVote = true })
	tc.campaign(1)
	tc.stabilize()
	tc.clearEvents()
	tc.campaign(2)
	tc.stabilize()
	tc.requireRole(1, Leader, 1)
	tc.requireRole(2, Follower, 1)
	refused := tc.eventsOf(EventVoteRefused)
	if len(refused) == 0 || refused[0].Reason != ReasonLeaderRecentlyHeard || !refused[0].PreVote {
		t.Fatalf("want PreVote refused because a leader was heard, got %+v", refused)
	}
}

func TestStickinessIgnoresRequestVote(t *testing.T) { // thesis §4.2.3
	tc := newTestCluster(t, 3, func(c *Config) { c.Stickiness = true })
	tc.campaign(1)
	tc.stabilize()
	tc.clearEvents()
	// n2's request for term 2 reaches n3, which heard n1 just now.
	tc.nodes[3].Step(Message{Type: MsgRequestVote, From: 2, To: 3, Term: 2})
	tc.process(3)
	tc.stabilize()
	tc.requireRole(3, Follower, 1)
	tc.requireRole(1, Leader, 1)
	refused := tc.eventsOf(EventVoteRefused)
	if len(refused) != 1 || refused[0].Reason != ReasonLeaderRecentlyHeard || refused[0].VotedFor != 1 {
		t.Fatalf("want n3 to refuse because it heard n1, got %+v", refused)
	}
}

func TestCheckQuorumStepsDown(t *testing.T) { // thesis §6.2
	tc := newTestCluster(t, 3, func(c *Config) { c.CheckQuorum = true })
	tc.campaign(1)
	tc.stabilize()
	tc.isolate(1)
	tc.tick(1, 2*tc.configs[1].ElectionTicksMin)
	tc.requireRole(1, Follower, 1)
	down := tc.eventsOf(EventStepDown)
	if len(down) != 1 || down[0].Reason != ReasonQuorumLost || down[0].Section != "§6.2" {
		t.Fatalf("want one step-down for lost quorum, got %+v", down)
	}
}

func TestLeaderWithQuorumKeepsLeading(t *testing.T) { // thesis §6.2
	tc := newTestCluster(t, 3, func(c *Config) { c.CheckQuorum = true })
	tc.campaign(1)
	tc.stabilize()
	for range 100 {
		tc.tick(1, 1)
		tc.stabilize()
	}
	tc.requireRole(1, Leader, 1)
}

func TestSingleNodeElectsItself(t *testing.T) { // thesis §3.4
	tc := newTestCluster(t, 1, func(c *Config) { c.PreVote = true })
	tc.campaign(1)
	tc.requireRole(1, Leader, 1)
	index := tc.propose(1, "x")
	if tc.nodes[1].CommitIndex() != index {
		t.Fatal("a cluster of one commits at once")
	}
}

// The teaching bug LeaderDropsUncommitted: a leader cut off from its
// majority deletes its uncommitted entries and stays leader, where correct
// code steps down with its log intact (thesis §6.2, §3.5).
func TestLeaderDropsUncommittedBugDeletesOwnEntries(t *testing.T) {
	for _, bug := range []bool{false, true} {
		tc := newTestCluster(t, 3, func(c *Config) {
			c.CheckQuorum = true
			c.Bugs.LeaderDropsUncommitted = bug
		})
		tc.campaign(1)
		tc.stabilize()
		committed := tc.propose(1, "x=1")
		tc.stabilize()
		tc.isolate(1)
		tc.propose(1, "x=2")
		tc.tick(1, 2*tc.configs[1].ElectionTicksMin)
		tc.stabilize()
		leader := tc.nodes[1]
		switch {
		case bug && (leader.Role() != Leader || leader.LastIndex() != committed):
			t.Fatalf("with the bug: role %v, last index %d; want leader, %d", leader.Role(), leader.LastIndex(), committed)
		case !bug && (leader.Role() != Follower || leader.LastIndex() != committed+1):
			t.Fatalf("without the bug: role %v, last index %d; want follower, %d", leader.Role(), leader.LastIndex(), committed+1)
		}
	}
}
