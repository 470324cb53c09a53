package check

import (
	"testing"

	"raftctl/raft"
)

// TestLeaderAppendOnly // thesis §3.5: a leader that overwrites or deletes
// an entry of its own log in its term is reported.
func TestLeaderAppendOnly(t *testing.T) {
	tests := []struct {
		name   string
		before []raft.Entry
		after  []raft.Entry
		want   Violation
	}{
		{
			name:   "Overwrite",
			before: entries("1:x=1", "2:x=2"),
			after:  entries("1:x=1", "2:x=9", "2:x=3"),
			want: Violation{Property: LeaderAppendOnly, Nodes: []raft.NodeID{n1}, Index: 2, Terms: []raft.Term{2, 2, 2},
				Evidence: "n1, leader of term 2, overwrote index 2 term 2 (x=2) with term 2 (x=9)"},
		},
		{
			name:   "OverwriteWithAnotherTerm",
			before: entries("1:x=1", "2:x=2"),
			after:  entries("1:x=1", "1:x=2"),
			want: Violation{Property: LeaderAppendOnly, Nodes: []raft.NodeID{n1}, Index: 2, Terms: []raft.Term{2, 2, 1},
				Evidence: "n1, leader of term 2, overwrote index 2 term 2 (x=2) with term 1 (x=2)"},
		},
		{
			name:   "Delete",
			before: entries("1:x=1", "2:x=2", "2:x=3"),
			after:  entries("1:x=1"),
			want: Violation{Property: LeaderAppendOnly, Nodes: []raft.NodeID{n1}, Index: 2, Terms: []raft.Term{2, 2},
				Evidence: "n1, leader of term 2, deleted indexes 2 to 3; index 2 was term 2 (x=2)"},
		},
		{
			// The term at every index is unchanged: only the command bytes
			// tell, so a checker comparing terms alone would miss it.
			name:   "OverwriteBelowTheLastEntry",
			before: entries("1:x=1", "2:x=2", "2:x=3"),
			after:  entries("1:x=7", "2:x=2", "2:x=3"),
			want: Violation{Property: LeaderAppendOnly, Nodes: []raft.NodeID{n1}, Index: 1, Terms: []raft.Term{2, 1, 1},
				Evidence: "n1, leader of term 2, overwrote index 1 term 1 (x=1) with term 1 (x=7)"},
		},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			h := newHistory(t)
			expectNoneFound(t, h.observe(n1, raft.Leader, 2, 0, test.before))
			found := h.observe(n1, raft.Leader, 2, 0, test.after)
			expectOne(t, found, test.want)
			expectNoneFound(t, h.observe(n1, raft.Leader, 2, 0, test.after))
		})
	}
}

// TestLeaderAppendOnlyAllowsFollowersToTruncate // thesis §3.5: only a
// leader, in its own term, must never lose entries; a follower's
// conflicting suffix is deleted, and a new leader starts from its log.
func TestLeaderAppendOnlyAllowsFollowersToTruncate(t *testing.T) {
	h := newHistory(t)
	h.observe(n1, raft.Leader, 2, 0, entries("1:x=1", "2:x=2"))
	h.observe(n1, raft.Follower, 3, 0, entries("1:x=1"))
	h.observe(n1, raft.Follower, 3, 0, entries("1:x=1", "3:x=3"))
	h.observe(n2, raft.Leader, 4, 0, entries("1:x=1", "3:x=3"))
	h.observe(n2, raft.Leader, 4, 0, entries("1:x=1", "3:x=3", "4:x=4"))
	h.expectNone()
	if h.checker.Counts()[LeaderAppendOnly] != 1 {
		t.Errorf("Counts()[LeaderAppendOnly] = %d, want 1 (n2 led term 4 at two observations)", h.checker.Counts()[LeaderAppendOnly])
	}
}
