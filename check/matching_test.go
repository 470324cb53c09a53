package check

import (
	"testing"

	"raftctl/raft"
)

// TestLogMatching // thesis §3.5: two logs that hold the same index and
// term but differ below it, or at it, are reported.
func TestLogMatching(t *testing.T) {
	tests := []struct {
		name        string
		first, then []raft.Entry
		want        Violation
	}{
		{
			name:  "DifferBelow",
			first: entries("1:x=1", "2:x=2", "3:x=3"),
			then:  entries("1:x=1", "3:x=9", "3:x=3"),
			want: Violation{Property: LogMatching, Nodes: []raft.NodeID{n2, n3}, Index: 3, Terms: []raft.Term{3, 2, 3},
				Evidence: "n2 and n3 both hold index 3 term 3 but differ at index 2 (n2 has term 2 (x=2), n3 has term 3 (x=9))"},
		},
		{
			name:  "DifferAtTheSameIndexAndTerm",
			first: entries("1:x=1", "2:x=2"),
			then:  entries("1:x=1", "2:x=5", "2:x=6"),
			want: Violation{Property: LogMatching, Nodes: []raft.NodeID{n2, n3}, Index: 2, Terms: []raft.Term{2, 2, 2},
				Evidence: "n2 and n3 both hold index 2 term 2 but with different commands (x=2 and x=5)"},
		},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			h := newHistory(t)
			expectNoneFound(t, h.observe(n2, raft.Follower, 3, 0, test.first))
			expectOne(t, h.observe(n3, raft.Follower, 3, 0, test.then), test.want)
			// Still visible, and still the same violation: not reported again.
			expectNoneFound(t, h.observe(n3, raft.Follower, 3, 0, append(test.then, raft.Entry{Index: 4, Term: 3})))
			expectNoneFound(t, h.observe(n2, raft.Follower, 3, 0, test.first))
		})
	}
}

// TestLogMatchingCountsCrashedNodes // thesis §3.5, §3.8: a crashed node's
// storage survives, so its last log is still compared.
func TestLogMatchingCountsCrashedNodes(t *testing.T) {
	h := newHistory(t)
	h.observe(n1, raft.Follower, 2, 0, entries("1:x=1", "1:x=2", "2:x=3"))
	// n1 crashes and is never observed again.
	h.observe(n2, raft.Follower, 2, 0, entries("1:x=1"))
	h.observe(n2, raft.Follower, 2, 0, entries("1:x=1", "2:x=2"))
	h.expectNone()
	expectOne(t, h.observe(n2, raft.Follower, 2, 0, entries("1:x=1", "2:x=2", "2:x=3")), Violation{
		Property: LogMatching, Nodes: []raft.NodeID{n1, n2}, Index: 3, Terms: []raft.Term{2, 1, 2},
		Evidence: "n1 and n2 both hold index 3 term 2 but differ at index 2 (n1 has term 1 (x=2), n2 has term 2 (x=2))",
	})
}
