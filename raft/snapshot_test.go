package raft

import (
	"slices"
	"strings"
	"testing"
)

// Log compaction (thesis ch. 5) on the unit-test host of harness_test.go,
// whose state machine is the list of commands applied.

func encodeMachine(commands []string) []byte { return []byte(strings.Join(commands, ",")) }

func decodeMachine(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	return strings.Split(string(data), ",")
}

// saveSnapshot is what a store does with Ready.Snapshot: drop the entries
// it covers, all of them when the log does not hold its last entry
// (thesis Fig. 5.3).
func (s *testStorage) saveSnapshot(snapshot Snapshot) {
	offset := s.snapshot.LastIncludedIndex
	index := snapshot.LastIncludedIndex
	position := int(index) - int(offset) - 1
	if position >= 0 && position < len(s.entries) && s.entries[position].Term == snapshot.LastIncludedTerm {
		s.entries = slices.Clone(s.entries[position+1:])
	} else {
		s.entries = nil
	}
	s.snapshot = snapshot.clone()
}

// compact snapshots a node's state machine at its applied index.
func (tc *testCluster) compact(id NodeID) Index {
	tc.t.Helper()
	node := tc.nodes[id]
	index := node.Status().LastApplied
	if err := node.Compact(index, encodeMachine(tc.machines[id])); err != nil {
		tc.t.Fatalf("compact %v at %d: %v", id, index, err)
	}
	tc.process(id)
	return index
}

func electLeader(t *testing.T, n int) *testCluster {
	tc := newTestCluster(t, n, nil)
	tc.campaign(1)
	tc.stabilize()
	tc.requireRole(1, Leader, 1)
	return tc
}

// TestCompactDropsCoveredEntries: a snapshot replaces the committed,
// applied prefix of the log, and keeps the index and term of its last
// entry for the consistency check (thesis §5.1).
func TestCompactDropsCoveredEntries(t *testing.T) {
	tc := electLeader(t, 3)
	for _, command := range []string{"a", "b", "c"} {
		tc.propose(1, command)
	}
	tc.stabilize()
	index := tc.compact(1)
	if index != 3 {
		t.Fatalf("applied index = %d, want 3", index)
	}
	status := tc.nodes[1].Status()
	if status.SnapshotIndex != 3 || status.SnapshotTerm != 1 || status.LastIndex != 3 || len(tc.nodes[1].Log()) != 0 {
		t.Fatalf("after compacting: snapshot %d/%d, last %d, %d entries; want snapshot 3/1, last 3, no entries",
			status.SnapshotIndex, status.SnapshotTerm, status.LastIndex, len(tc.nodes[1].Log()))
	}
	storage := tc.storages[1]
	if storage.snapshot.LastIncludedIndex != 3 || len(storage.entries) != 0 {
		t.Fatalf("storage holds snapshot %d and %d entries, want snapshot 3 and none", storage.snapshot.LastIncludedIndex, len(storage.entries))
	}
	if got := storage.snapshot.Configuration; !slices.Equal(got, []NodeID{1, 2, 3}) {
		t.Errorf("snapshot configuration = %v, want [n1 n2 n3]", got)
	}
	taken := tc.eventsOf(EventSnapshotTaken)
	if len(taken) != 1 || taken[0].Index != 3 || taken[0].Count != 3 {
		t.Errorf("snapshot-taken events = %+v, want one at index 3 dropping 3 entries", taken)
	}
	// The log goes on after the snapshot.
	tc.propose(1, "d")
	tc.stabilize()
	tc.tickAll(5) // a heartbeat carries the commit index to the last follower
	for id := NodeID(1); id <= 3; id++ {
		if got := tc.machines[id]; !slices.Equal(got, []string{"a", "b", "c", "d"}) {
			t.Errorf("%v applied %v, want [a b c d]", id, got)
		}
	}
}

// TestCompactRefusesUnappliedOrCompactedIndex: only applied entries go
// into a snapshot (thesis §5.1), and never twice.
func TestCompactRefusesUnappliedOrCompactedIndex(t *testing.T) {
	tc := electLeader(t, 3)
	tc.propose(1, "a")
	tc.stabilize()
	if err := tc.nodes[1].Compact(5, nil); err == nil {
		t.Error("Compact(5) with 1 applied = nil, want ErrNotApplied")
	}
	tc.compact(1)
	if err := tc.nodes[1].Compact(1, nil); err == nil {
		t.Error("Compact(1) twice = nil, want ErrCompacted")
	}
}

// TestInstallSnapshotToLaggingFollower: a follower that needs entries the
// leader has compacted receives the snapshot (thesis Fig. 5.3), discards
// its log, resets its state machine from the snapshot and goes on from
// there.
func TestInstallSnapshotToLaggingFollower(t *testing.T) {
	tc := electLeader(t, 3)
	tc.propose(1, "a")
	tc.stabilize()
	tc.isolate(3)
	for _, command := range []string{"b", "c", "d"} {
		tc.propose(1, command)
	}
	tc.stabilize()
	tc.compact(1)
	tc.heal()
	tc.clearEvents()
	tc.propose(1, "e")
	tc.stabilize()
	tc.tickAll(10) // heartbeats carry the snapshot if the first send was lost

	sent := tc.eventsOf(EventSnapshotSent)
	if len(sent) == 0 || sent[0].Peer != 3 || sent[0].Index != 4 {
		t.Fatalf("snapshot-sent events = %+v, want one to n3 up to index 4", sent)
	}
	installed := tc.eventsOf(EventSnapshotInstalled)
	if len(installed) != 1 || installed[0].Node != 3 || installed[0].Index != 4 || installed[0].Reason != ReasonLogDiscarded {
		t.Fatalf("snapshot-installed events = %+v, want n3 at index 4, its log discarded (it held index 1 only)", installed)
	}
	if got := tc.machines[3]; !slices.Equal(got, []string{"a", "b", "c", "d", "e"}) {
		t.Errorf("n3 state machine = %v, want [a b c d e]", got)
	}
	if status := tc.nodes[3].Status(); status.SnapshotIndex != 4 || status.CommitIndex != 5 || status.LastApplied != 5 {
		t.Errorf("n3: snapshot %d, commit %d, applied %d; want 4, 5, 5", status.SnapshotIndex, status.CommitIndex, status.LastApplied)
	}
}

// TestInstallSnapshotKeepsMatchingSuffix: a follower whose log holds the
// snapshot's last entry keeps the entries after it (thesis Fig. 5.3, rule
// 6), and answers with the last included index.
func TestInstallSnapshotKeepsMatchingSuffix(t *testing.T) {
	storage := &testStorage{state: HardState{CurrentTerm: 1}, entries: []Entry{
		{Index: 1, Term: 1, Command: []byte("a")}, {Index: 2, Term: 1, Command: []byte("b")}, {Index: 3, Term: 1, Command: []byte("c")},
	}}
	config := DefaultConfig(2, []NodeID{1, 2, 3}, 7)
	node, err := NewNode(config, storage)
	if err != nil {
		t.Fatal(err)
	}
	node.Ready()
	snapshot := Snapshot{LastIncludedIndex: 2, LastIncludedTerm: 1, Configuration: []NodeID{1, 2, 3}, Data: []byte("a,b")}
	node.Step(Message{Type: MsgInstallSnapshot, From: 1, To: 2, Term: 1, Snapshot: &snapshot, LeaderCommit: 2})
	ready := node.Ready()
	if ready.Snapshot.LastIncludedIndex != 2 || !ready.RestoreStateMachine {
		t.Fatalf("Ready snapshot %d, restore %v; want snapshot 2 to persist and restore", ready.Snapshot.LastIncludedIndex, ready.RestoreStateMachine)
	}
	if log := node.Log(); len(log) != 1 || log[0].Index != 3 {
		t.Fatalf("log after install = %v, want entry 3 only", log)
	}
	var reply Message
	for _, m := range ready.Messages {
		if m.Type == MsgInstallSnapshotResp {
			reply = m
		}
	}
	if !reply.Success || reply.MatchIndex != 2 {
		t.Errorf("reply = %+v, want success with MatchIndex 2", reply)
	}
	for _, event := range ready.Events {
		if event.Kind == EventSnapshotInstalled && (event.Reason != ReasonLogSuffixKept || event.Count != 1) {
			t.Errorf("installed event = %+v, want the suffix of 1 entry kept", event)
		}
	}
	node.Advance(ready)
	if status := node.Status(); status.CommitIndex != 2 || status.LastApplied != 2 {
		t.Errorf("commit %d applied %d, want 2 and 2", status.CommitIndex, status.LastApplied)
	}
}

// TestInstallSnapshotStaleTermAnswered: a snapshot from an older term is
// refused with the current term, so the old leader steps down (thesis
// Fig. 5.3, rule 1).
func TestInstallSnapshotStaleTermAnswered(t *testing.T) {
	node, err := NewNode(DefaultConfig(2, []NodeID{1, 2, 3}, 7), &testStorage{state: HardState{CurrentTerm: 5}})
	if err != nil {
		t.Fatal(err)
	}
	node.Ready()
	snapshot := Snapshot{LastIncludedIndex: 2, LastIncludedTerm: 1}
	node.Step(Message{Type: MsgInstallSnapshot, From: 1, To: 2, Term: 3, Snapshot: &snapshot})
	ready := node.Ready()
	if !ready.Snapshot.IsEmpty() || len(ready.Messages) != 1 || ready.Messages[0].Type != MsgInstallSnapshotResp ||
		ready.Messages[0].Term != 5 || ready.Messages[0].Success {
		t.Fatalf("Ready = %+v, want only a refusal in term 5", ready)
	}
}

// TestRestartFromSnapshot: a restarted node starts from its snapshot plus
// the log after it (thesis §5.1, §3.8): the snapshot's entries count as
// committed and applied at once.
func TestRestartFromSnapshot(t *testing.T) {
	tc := electLeader(t, 3)
	for _, command := range []string{"a", "b", "c"} {
		tc.propose(1, command)
	}
	tc.stabilize()
	tc.tickAll(5)
	tc.compact(2)
	tc.propose(1, "d")
	tc.stabilize()
	tc.kill(2)
	tc.start(2)
	status := tc.nodes[2].Status()
	if status.SnapshotIndex != 3 || status.CommitIndex != 3 || status.LastApplied != 3 || status.LastIndex != 4 {
		t.Fatalf("restarted n2: snapshot %d, commit %d, applied %d, last %d; want 3, 3, 3, 4",
			status.SnapshotIndex, status.CommitIndex, status.LastApplied, status.LastIndex)
	}
	tc.tickAll(10)
	if got := tc.machines[2]; !slices.Equal(got, []string{"a", "b", "c", "d"}) {
		t.Errorf("restarted n2 applied %v, want [a b c d]", got)
	}
}

// TestInstallSnapshotDoesNotCommitKeptSuffix: entries a follower keeps
// after an installed snapshot may still conflict with the leader's, so the
// leader's commit index does not commit them (found by a chaos campaign:
// committing them applied an entry of a deposed leader).
func TestInstallSnapshotDoesNotCommitKeptSuffix(t *testing.T) {
	storage := &testStorage{state: HardState{CurrentTerm: 3}, entries: []Entry{
		{Index: 1, Term: 1, Command: []byte("a")}, {Index: 2, Term: 2, Command: []byte("stale")},
	}}
	node, err := NewNode(DefaultConfig(2, []NodeID{1, 2, 3}, 7), storage)
	if err != nil {
		t.Fatal(err)
	}
	node.Ready()
	snapshot := Snapshot{LastIncludedIndex: 1, LastIncludedTerm: 1, Data: []byte("a")}
	node.Step(Message{Type: MsgInstallSnapshot, From: 1, To: 2, Term: 3, Snapshot: &snapshot, LeaderCommit: 2})
	ready := node.Ready()
	if len(ready.CommittedEntries) != 0 || node.CommitIndex() != 1 {
		t.Errorf("after install: commit %d, committed entries %v; want commit 1 and none (entry 2 is unverified)", node.CommitIndex(), ready.CommittedEntries)
	}
}
