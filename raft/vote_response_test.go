package raft

import "testing"

// A vote response counts only for the election it answers (thesis §3.4).

func TestVoteResponseCountsOnlyForItsElection(t *testing.T) { // thesis §3.4
	tc := newTestCluster(t, 3, nil)
	tc.campaign(1) // term 1
	older := tc.queue
	tc.queue = nil
	tc.campaign(1) // term 2, before anyone answered term 1
	tc.requireRole(1, Candidate, 2)
	// The term-2 requests arrive first, then the term-1 ones, which n2 and
	// n3 refuse as stale; the refusals reach n1 before the grants.
	newer := tc.queue
	tc.queue = nil
	for _, m := range append(newer, older...) {
		tc.deliver(m)
	}
	var grants, refusals []Message
	for _, m := range tc.queue {
		if m.VoteGranted {
			grants = append(grants, m)
		} else {
			refusals = append(refusals, m)
		}
	}
	if len(grants) != 2 || len(refusals) != 2 {
		t.Fatalf("want 2 grants and 2 stale refusals, got %+v", tc.queue)
	}
	tc.queue = nil
	tc.clearEvents()
	for _, m := range append(refusals, grants...) {
		if m.RequestTerm == 0 {
			t.Fatalf("a vote response without the term it answers: %+v", m)
		}
		tc.deliver(m)
	}
	tc.requireRole(1, Leader, 2)
	if ignored := tc.eventsOf(EventVoteIgnored); len(ignored) != 2 || ignored[0].OtherTerm != 1 {
		t.Fatalf("want the two term-1 refusals ignored, got %+v", ignored)
	}
}

func TestRefusedCandidateStaysCandidate(t *testing.T) { // thesis §3.4
	tc := newTestCluster(t, 3, nil)
	tc.campaign(1)
	tc.stabilize()
	tc.propose(1, "x=1")
	tc.stabilize()
	// n3 missed nothing but campaigns with the same log in term 2 while
	// n1 and n2 hold... a longer log: cut n3 off first so it lags.
	tc.isolate(3)
	tc.propose(1, "x=2")
	tc.stabilize()
	tc.heal()
	tc.clearEvents()
	tc.campaign(3)
	tc.stabilize()
	refused := tc.eventsOf(EventVoteRefused)
	if len(refused) != 2 {
		t.Fatalf("want n1 and n2 to refuse n3's stale log, got %+v", refused)
	}
	// Refused by everyone, n3 stays a candidate until its timer runs out
	// again or it hears a leader (thesis §3.4), rather than giving up.
	tc.requireRole(3, Candidate, 2)
}
