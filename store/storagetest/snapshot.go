package storagetest

import (
	"bytes"
	"slices"
	"testing"

	"raftctl/raft"
	"raftctl/store"
)

// The snapshot rules (thesis §5.1, Fig. 5.3): a stored snapshot replaces
// the entries it covers, the log goes on after it, and a restart reads
// both back.

func snapshotAt(index raft.Index, term raft.Term, data string) raft.Snapshot {
	return raft.Snapshot{LastIncludedIndex: index, LastIncludedTerm: term, Configuration: []raft.NodeID{1, 2, 3}, Data: []byte(data)}
}

func mustSaveSnapshot(t *testing.T, storage store.Storage, snapshot raft.Snapshot) {
	t.Helper()
	if err := storage.SaveSnapshot(snapshot); err != nil {
		t.Fatalf("SaveSnapshot(up to %d/%d) = %v, want nil", snapshot.LastIncludedIndex, snapshot.LastIncludedTerm, err)
	}
}

func requireSnapshot(t *testing.T, storage store.Storage, want raft.Snapshot) {
	t.Helper()
	got, err := storage.Snapshot()
	if err != nil {
		t.Fatalf("Snapshot() error = %v, want nil", err)
	}
	if got.LastIncludedIndex != want.LastIncludedIndex || got.LastIncludedTerm != want.LastIncludedTerm ||
		!slices.Equal(got.Configuration, want.Configuration) || !bytes.Equal(got.Data, want.Data) {
		t.Errorf("Snapshot() = %d/%d %v %q, want %d/%d %v %q", got.LastIncludedIndex, got.LastIncludedTerm, got.Configuration, got.Data,
			want.LastIncludedIndex, want.LastIncludedTerm, want.Configuration, want.Data)
	}
}

func testNoSnapshotAtFirst(t *testing.T, storage store.Storage, _ func(store.Storage) store.Storage) {
	requireSnapshot(t, storage, raft.Snapshot{})
}

// Compacting a prefix keeps the entries after it (what a node's own
// Compact does, thesis §5.1).
func testSnapshotDropsCoveredPrefix(t *testing.T, storage store.Storage, _ func(store.Storage) store.Storage) {
	state := raft.HardState{CurrentTerm: 2, VotedFor: 1}
	mustSave(t, storage, state, command(1, 1, "a"), command(2, 1, "b"), command(3, 2, "c"), command(4, 2, "d"))
	snapshot := snapshotAt(2, 1, "a,b")
	mustSaveSnapshot(t, storage, snapshot)
	requireSnapshot(t, storage, snapshot)
	requireState(t, storage, state, command(3, 2, "c"), command(4, 2, "d"))

	// The log goes on after the snapshot, and may be truncated down to
	// just after it.
	mustSave(t, storage, state, command(5, 2, "e"))
	mustSave(t, storage, state, command(3, 3, "x"))
	requireState(t, storage, state, command(3, 3, "x"))
}

// A snapshot whose last entry the log does not hold (with its term)
// replaces the whole log (thesis Fig. 5.3, rule 7).
func testSnapshotDiscardsUnmatchedLog(t *testing.T, storage store.Storage, _ func(store.Storage) store.Storage) {
	state := raft.HardState{CurrentTerm: 3}
	mustSave(t, storage, state, command(1, 1, "a"), command(2, 1, "b"), command(3, 1, "c"))
	mustSaveSnapshot(t, storage, snapshotAt(3, 2, "other"))
	requireState(t, storage, state)

	beyond := snapshotAt(10, 3, "beyond")
	mustSaveSnapshot(t, storage, beyond)
	requireSnapshot(t, storage, beyond)
	requireState(t, storage, state)
	mustSave(t, storage, state, command(11, 3, "k"))
	requireState(t, storage, state, command(11, 3, "k"))
}

// Entries inside the snapshot, or a snapshot that goes backwards, are
// refused and change nothing.
func testSnapshotRejectsCompactedWrites(t *testing.T, storage store.Storage, _ func(store.Storage) store.Storage) {
	state := raft.HardState{CurrentTerm: 1}
	mustSave(t, storage, state, command(1, 1, "a"), command(2, 1, "b"), command(3, 1, "c"))
	snapshot := snapshotAt(2, 1, "a,b")
	mustSaveSnapshot(t, storage, snapshot)
	if err := storage.Save(raft.HardState{CurrentTerm: 9}, []raft.Entry{command(2, 2, "x")}); err == nil {
		t.Error("Save of entry 2 inside a snapshot up to 2 = nil, want an error")
	}
	if err := storage.Save(state, []raft.Entry{command(5, 1, "gap")}); err == nil {
		t.Error("Save of entry 5 after a log ending at 3 = nil, want an error")
	}
	if err := storage.SaveSnapshot(snapshotAt(1, 1, "a")); err == nil {
		t.Error("SaveSnapshot(up to 1) after one up to 2 = nil, want an error")
	}
	requireSnapshot(t, storage, snapshot)
	requireState(t, storage, state, command(3, 1, "c"))
}

// A restarted node reads its snapshot and the log after it (thesis §5.1).
func testSnapshotSurvivesReopen(t *testing.T, storage store.Storage, reopen func(store.Storage) store.Storage) {
	state := raft.HardState{CurrentTerm: 4, VotedFor: 2}
	mustSave(t, storage, state, command(1, 1, "a"), command(2, 4, "b"), command(3, 4, "c"))
	snapshot := snapshotAt(2, 4, "a,b")
	mustSaveSnapshot(t, storage, snapshot)
	storage = reopen(storage)
	requireSnapshot(t, storage, snapshot)
	requireState(t, storage, state, command(3, 4, "c"))
	mustSave(t, storage, state, command(4, 4, "d"))
	storage = reopen(storage)
	requireState(t, storage, state, command(3, 4, "c"), command(4, 4, "d"))
}

// The store copies the snapshot it is given and the one it returns.
func testSnapshotCopied(t *testing.T, storage store.Storage, _ func(store.Storage) store.Storage) {
	given := snapshotAt(1, 1, "abc")
	mustSaveSnapshot(t, storage, given)
	given.Data[0] = 'X'
	given.Configuration[0] = 9
	returned, err := storage.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if len(returned.Data) > 0 {
		returned.Data[0] = 'Y'
	}
	requireSnapshot(t, storage, snapshotAt(1, 1, "abc"))
}
