package check

import (
	"testing"

	"raftctl/raft"
)

// observeCompacted shows the checker a node whose log starts after a
// snapshot up to snapshotIndex: log holds every index from 1, and only the
// part after the snapshot is shown.
func (h *history) observeCompacted(id raft.NodeID, role raft.Role, term raft.Term, commit, snapshotIndex raft.Index, log []raft.Entry) []Violation {
	view := NodeView{ID: id, Role: role, Term: term, Log: log[snapshotIndex:], CommitIndex: commit,
		SnapshotIndex: snapshotIndex, SnapshotTerm: log[snapshotIndex-1].Term}
	found := h.checker.ObserveNode(view)
	h.found = append(h.found, found...)
	return found
}

// TestCompactedLogsAreSafe: a correct run where one node compacts and
// another installs a snapshot reports nothing (thesis ch. 5).
func TestCompactedLogsAreSafe(t *testing.T) {
	h := newHistory(t)
	log := entries("1:a", "1:b", "1:c", "1:d")
	h.observe(1, raft.Leader, 1, 4, log)
	h.observe(2, raft.Follower, 1, 4, log)
	h.apply(1, log, 1, 4)
	h.observeCompacted(1, raft.Leader, 1, 4, 3, log)
	// n3 never saw the entries: it installs the snapshot.
	h.observeCompacted(3, raft.Follower, 1, 4, 3, log)
	if found := h.checker.ObserveSnapshot(3, 3, 1); len(found) > 0 {
		t.Errorf("ObserveSnapshot of a matching snapshot = %v, want nothing", found)
	}
	longer := entries("1:a", "1:b", "1:c", "1:d", "1:e")
	h.observeCompacted(1, raft.Leader, 1, 5, 3, longer)
	h.observeCompacted(3, raft.Follower, 1, 5, 3, longer)
	h.observe(2, raft.Follower, 1, 5, longer)
	if len(h.found) > 0 {
		t.Fatalf("violations in a correct run: %v", h.found)
	}
}

// TestCompactedLogsStillChecked: what exists after the snapshot is still
// compared (Log Matching), and a leader must still hold committed entries
// past its snapshot (Leader Completeness).
func TestCompactedLogsStillChecked(t *testing.T) {
	h := newHistory(t)
	h.observeCompacted(1, raft.Follower, 2, 3, 2, entries("1:a", "1:b", "1:c", "2:d"))
	h.observeCompacted(2, raft.Follower, 2, 3, 2, entries("1:a", "1:b", "1:x", "2:y"))
	if !h.reported(LogMatching) {
		t.Errorf("two compacted logs with index 4 term 2 that differ at 3: no Log Matching violation (found %v)", h.found)
	}
	h = newHistory(t)
	h.observeCompacted(1, raft.Follower, 2, 3, 1, entries("1:a", "1:b", "1:c"))
	h.observeCompacted(2, raft.Leader, 3, 2, 1, entries("1:a", "1:b"))
	if !h.reported(LeaderCompleteness) {
		t.Errorf("leader of term 3 lacks committed index 3: no Leader Completeness violation (found %v)", h.found)
	}
}

// TestSnapshotOfAnotherEntryIsCaught: a state machine loaded from a
// snapshot whose last entry differs from what others applied there breaks
// State Machine Safety (thesis §3.6.3).
func TestSnapshotOfAnotherEntryIsCaught(t *testing.T) {
	h := newHistory(t)
	log := entries("1:a", "1:b")
	h.apply(1, log, 1, 2)
	if found := h.checker.ObserveSnapshot(2, 2, 3); len(found) != 1 || found[0].Property != StateMachineSafety {
		t.Errorf("ObserveSnapshot at index 2 term 3 after n1 applied term 1 there = %v, want one State Machine Safety violation", found)
	}
}

func (h *history) reported(property Property) bool {
	for _, violation := range h.found {
		if violation.Property == property {
			return true
		}
	}
	return false
}
