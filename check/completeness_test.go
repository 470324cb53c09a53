package check

import (
	"testing"

	"raftctl/raft"
)

// TestLeaderCompleteness // thesis §3.6: a leader of a later term that
// lacks a committed entry is reported, whichever was observed first.
func TestLeaderCompleteness(t *testing.T) {
	committed := entries("1:x=1", "2:x=2")
	t.Run("LeaderAfterCommit", func(t *testing.T) {
		h := newHistory(t)
		h.observe(n1, raft.Leader, 2, 2, committed)
		expectOne(t, h.observe(n3, raft.Leader, 3, 1, entries("1:x=1")), Violation{
			Property: LeaderCompleteness, Nodes: []raft.NodeID{n3, n1}, Index: 2, Terms: []raft.Term{2, 2, 3},
			Evidence: "n1 saw index 2 term 2 (x=2) committed in term 2, but n3, leader of term 3, has no entry at that index",
		})
		expectNoneFound(t, h.observe(n3, raft.Leader, 3, 1, entries("1:x=1", "3:x=3")))
	})
	t.Run("CommitSeenAfterLeader", func(t *testing.T) {
		h := newHistory(t)
		h.observe(n3, raft.Leader, 4, 1, entries("1:x=1", "3:x=3"))
		expectOne(t, h.observe(n2, raft.Follower, 2, 2, committed), Violation{
			Property: LeaderCompleteness, Nodes: []raft.NodeID{n3, n2}, Index: 2, Terms: []raft.Term{2, 2, 4},
			Evidence: "n2 saw index 2 term 2 (x=2) committed in term 2, but n3, leader of term 4, holds term 3 (x=3)",
		})
	})
	t.Run("LeadersOfTheSameOrEarlierTermsNeedNotHoldIt", func(t *testing.T) {
		h := newHistory(t)
		h.observe(n1, raft.Leader, 1, 0, entries("1:x=1"))
		h.observe(n2, raft.Follower, 2, 2, committed)
		h.observe(n1, raft.Leader, 1, 0, entries("1:x=1"))
		h.expectNone()
	})
}
