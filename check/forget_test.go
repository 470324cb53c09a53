package check

import (
	"testing"

	"raftctl/raft"
)

// compactAll shows the checker every node of nodes holding log committed
// and applied up to commit, after a snapshot up to snapshotIndex.
func (h *history) compactAll(nodes []raft.NodeID, leader raft.NodeID, term raft.Term, commit, snapshotIndex raft.Index, log []raft.Entry) {
	for _, id := range nodes {
		role := raft.Follower
		if id == leader {
			role = raft.Leader
		}
		h.observeCompacted(id, role, term, commit, snapshotIndex, log)
	}
}

// TestLogCopyDropsWhatTheSnapshotCovers: a node that compacts entries the
// checker's copy holds leaves the copy holding only the entries after its
// snapshot, with the snapshot's last index and term (thesis §5.1).
func TestLogCopyDropsWhatTheSnapshotCovers(t *testing.T) {
	h := newHistory(t)
	log := entries("1:a", "1:b", "2:c", "2:d", "2:e")
	h.observe(n1, raft.Leader, 2, 5, log)
	h.observeCompacted(n1, raft.Leader, 2, 5, 3, log)
	copied := &h.checker.nodes[0].log
	if copied.floor != 3 || copied.floorTerm != 2 || copied.length() != 5 || copied.known(3) || !copied.known(4) {
		t.Fatalf("after a snapshot up to 3: floor %d term %d, length %d; want floor 3 term 2, length 5, holding 4 and 5",
			copied.floor, copied.floorTerm, copied.length())
	}
	if got := copied.entry(4); got.Term != 2 || string(got.Command) != "d" {
		t.Errorf("entry 4 after compaction = %+v, want term 2 command d", got)
	}
	if len(h.found) > 0 {
		t.Errorf("violations in a correct run: %v", h.found)
	}
}

// TestRecordsBelowEverySnapshotAreForgotten: once every node's snapshot
// covers an index, the checker forgets what was committed and applied
// there, and keeps the rest (Checker.forgetRecords).
func TestRecordsBelowEverySnapshotAreForgotten(t *testing.T) {
	h := newHistory(t)
	nodes := []raft.NodeID{n1, n2, n3}
	log := entries("1:a", "1:b", "1:c", "1:d", "1:e", "1:f")
	for _, id := range nodes {
		h.observe(id, raft.Follower, 1, 6, log)
		h.apply(id, log, 1, 6)
	}
	h.observeCompacted(n1, raft.Follower, 1, 6, 5, log)
	h.observeCompacted(n2, raft.Follower, 1, 6, 4, log)
	if h.checker.records.forgotten != 0 {
		t.Fatalf("records forgotten through %d while n3 has no snapshot, want none", h.checker.records.forgotten)
	}
	h.observeCompacted(n3, raft.Follower, 1, 6, 5, log)
	// The lowest snapshot is n2's, at 4: the records below it go; the one
	// at 4 stays for a snapshot installed there.
	records := &h.checker.records
	if records.forgotten != 3 || records.find(3) != nil || records.find(4) == nil || !records.find(4).appliedSeen {
		t.Fatalf("records forgotten through %d, want 3 (index 4 kept)", records.forgotten)
	}
	if len(h.found) > 0 {
		t.Fatalf("violations in a correct run: %v", h.found)
	}
	// What is kept is still checked.
	if found := h.checker.ObserveSnapshot(n4, 4, 3); len(found) != 1 || found[0].Property != StateMachineSafety {
		t.Errorf("snapshot at index 4 with term 3 where term 1 was applied: found %v, want one State Machine Safety violation", found)
	}
	other := entries("1:a", "1:b", "1:c", "1:d", "1:e", "1:x")
	if found := h.checker.ObserveApply(n4, other[5]); len(found) != 1 || found[0].Evidence != "n1 applied index 6 term 1 (f) but n4 applied index 6 term 1 (x)" {
		t.Errorf("n4 applies x at index 6 where f was applied: found %v, want one State Machine Safety violation naming f and x", found)
	}
	// An index no node can apply any more is not checked, not remembered.
	if found := h.checker.ObserveApply(n4, other[1]); len(found) != 0 || records.find(2) != nil {
		t.Errorf("apply at forgotten index 2: found %v, record %v; want nothing", found, records.find(2))
	}
}

// TestCompactedLeaderKeepsItsConfiguration: a leader whose configuration
// entry went into its snapshot still has its commits checked against that
// configuration (thesis §5.1: the snapshot holds the latest configuration
// as of its last index; §4.1).
func TestCompactedLeaderKeepsItsConfiguration(t *testing.T) {
	h := &history{t: t, checker: New(WithBootstrapConfiguration([]raft.NodeID{n1, n2, n3}))}
	log := configured(entries("1:x=1"), 1, raft.NewConfiguration(n1, n2, n3, n4, n5))
	log = append(log, entries("1:x=1", "1:x=2", "1:x=3")[2])
	for _, id := range []raft.NodeID{n1, n2, n3} {
		expectNoneFound(t, h.observe(id, raft.Follower, 1, 3, log))
	}
	expectNoneFound(t, h.observe(n1, raft.Leader, 2, 3, log))
	expectNoneFound(t, h.observeCompacted(n1, raft.Leader, 2, 3, 3, log))
	log = append(log, raft.Entry{Index: 4, Term: 2, Command: []byte("x=4")})
	expectNoneFound(t, h.observeCompacted(n1, raft.Leader, 2, 3, 3, log))
	expectNoneFound(t, h.observe(n2, raft.Follower, 2, 3, log))
	// n1 and n2 of five: not a majority of the configuration n1 compacted.
	expectOne(t, h.observeCompacted(n1, raft.Leader, 2, 4, 3, log), Violation{
		Property: CommitQuorum,
		Nodes:    []raft.NodeID{n1},
		Index:    4,
		Terms:    []raft.Term{2},
		Evidence: "n1, leader of term 2, committed index 4 (term 2), held by only n1,n2 of the voters n1,n2,n3,n4,n5",
	})
}

// TestLeaderCompletenessAtTheSnapshotsLastEntry: a leader whose snapshot
// ends with another term than the entry committed there lacks it.
func TestLeaderCompletenessAtTheSnapshotsLastEntry(t *testing.T) {
	h := newHistory(t)
	h.observe(n1, raft.Follower, 1, 2, entries("1:a", "1:b"))
	h.observeCompacted(n2, raft.Leader, 3, 2, 2, entries("1:a", "2:z"))
	if !h.reported(LeaderCompleteness) {
		t.Errorf("leader of term 3 whose snapshot ends at index 2 term 2 where term 1 was committed: no Leader Completeness violation (found %v)", h.found)
	}
}

// TestRecordsWindow: records are found wherever they were made, whatever
// the order of the indexes, and a stray far index allocates no pages up
// to it.
func TestRecordsWindow(t *testing.T) {
	var w indexRecords
	order := []raft.Index{50, 51, 49, 10, 200, 1 << 62, 3, 52}
	for _, index := range order {
		w.slot(index).applied.term = raft.Term(index)
	}
	for _, index := range order {
		record := w.find(index)
		if record == nil || record.applied.term != raft.Term(index) {
			t.Fatalf("record of index %d = %+v, want the one made for it", index, record)
		}
	}
	if len(w.pages) > 2 || len(w.far) != 1 {
		t.Errorf("%d pages of records and %d far ones, want at most 2 pages and index 1<<62 in far", len(w.pages), len(w.far))
	}
	w.forgetThrough(50)
	for _, index := range order {
		if forgotten := index <= 50; (w.find(index) == nil) != forgotten || (w.slot(index) == nil) != forgotten {
			t.Errorf("index %d after forgetting through 50: found %v, want forgotten %v", index, w.find(index) != nil, forgotten)
		}
	}
}
