package storagetest

import (
	"testing"

	"raftctl/raft"
	"raftctl/store"
)

// The rules below are what the core relies on when it rebuilds a node from
// storage (thesis §3.8): what Save accepted comes back from InitialState,
// exactly, and nothing else does.

func testEmptyInitialState(t *testing.T, storage store.Storage, _ func(store.Storage) store.Storage) {
	requireState(t, storage, raft.HardState{})
}

func testSaveHardStateOnly(t *testing.T, storage store.Storage, _ func(store.Storage) store.Storage) {
	state := raft.HardState{CurrentTerm: 3, VotedFor: 2}
	mustSave(t, storage, state)
	requireState(t, storage, state)

	// A later term with no vote yet overwrites the vote too (thesis §3.4:
	// a vote belongs to one term).
	next := raft.HardState{CurrentTerm: 4, VotedFor: raft.None}
	mustSave(t, storage, next)
	requireState(t, storage, next)
}

func testSaveHardStateKeepsLog(t *testing.T, storage store.Storage, _ func(store.Storage) store.Storage) {
	mustSave(t, storage, raft.HardState{CurrentTerm: 1}, command(1, 1, "a"), command(2, 1, "b"))
	state := raft.HardState{CurrentTerm: 2, VotedFor: 1}
	mustSave(t, storage, state)
	requireState(t, storage, state, command(1, 1, "a"), command(2, 1, "b"))
}

func testAppendEntries(t *testing.T, storage store.Storage, _ func(store.Storage) store.Storage) {
	state := raft.HardState{CurrentTerm: 1, VotedFor: 1}
	log := []raft.Entry{noop(1, 1), command(2, 1, "put x 1"), command(3, 1, "")}
	mustSave(t, storage, state, log...)
	requireState(t, storage, state, log...)
}

func testAppendMore(t *testing.T, storage store.Storage, _ func(store.Storage) store.Storage) {
	state := raft.HardState{CurrentTerm: 2, VotedFor: 3}
	mustSave(t, storage, state, noop(1, 1), command(2, 1, "a"))
	mustSave(t, storage, state, command(3, 2, "b"))
	mustSave(t, storage, state, command(4, 2, "c"), command(5, 2, "d"))
	requireState(t, storage, state,
		noop(1, 1), command(2, 1, "a"), command(3, 2, "b"), command(4, 2, "c"), command(5, 2, "d"))
}

// The store does what the AppendEntries receiver decided (thesis Fig. 3.1):
// > If an existing entry conflicts with a new one (same index but different
// > terms), delete the existing entry and all that follow it.
func testTruncateConflictingSuffix(t *testing.T, storage store.Storage, _ func(store.Storage) store.Storage) {
	mustSave(t, storage, raft.HardState{CurrentTerm: 1},
		command(1, 1, "a"), command(2, 1, "b"), command(3, 1, "c"), command(4, 1, "d"), command(5, 1, "e"))
	state := raft.HardState{CurrentTerm: 2, VotedFor: 2}
	mustSave(t, storage, state, command(3, 2, "x"), command(4, 2, "y"))
	requireState(t, storage, state, command(1, 1, "a"), command(2, 1, "b"), command(3, 2, "x"), command(4, 2, "y"))

	// Appending right after the new end continues the new log, not the
	// truncated one.
	mustSave(t, storage, state, command(5, 2, "z"))
	requireState(t, storage, state,
		command(1, 1, "a"), command(2, 1, "b"), command(3, 2, "x"), command(4, 2, "y"), command(5, 2, "z"))
}

func testReplaceWholeLog(t *testing.T, storage store.Storage, _ func(store.Storage) store.Storage) {
	mustSave(t, storage, raft.HardState{CurrentTerm: 1}, command(1, 1, "a"), command(2, 1, "b"), command(3, 1, "c"))
	state := raft.HardState{CurrentTerm: 3}
	mustSave(t, storage, state, noop(1, 3))
	requireState(t, storage, state, noop(1, 3))
}

// A rejected Save must leave the store exactly as it was, hard state
// included: Save is one atomic step (store.Storage).
func testRejectInvalidEntries(t *testing.T, storage store.Storage, _ func(store.Storage) store.Storage) {
	state := raft.HardState{CurrentTerm: 1, VotedFor: 1}
	log := []raft.Entry{command(1, 1, "a"), command(2, 1, "b")}
	mustSave(t, storage, state, log...)

	invalid := []struct {
		name    string
		entries []raft.Entry
	}{
		{"IndexZero", []raft.Entry{command(0, 2, "x")}},
		{"IndexZeroThenOne", []raft.Entry{command(0, 2, "x"), command(1, 2, "y")}},
		{"GapAfterLastIndex", []raft.Entry{command(4, 2, "x")}},
		{"FarGap", []raft.Entry{command(100, 2, "x")}},
		{"SkippedIndex", []raft.Entry{command(3, 2, "x"), command(5, 2, "y")}},
		{"RepeatedIndex", []raft.Entry{command(3, 2, "x"), command(3, 2, "y")}},
		{"Descending", []raft.Entry{command(2, 2, "x"), command(1, 2, "y")}},
		{"NotContiguousAfterTruncation", []raft.Entry{command(1, 2, "x"), command(2, 2, "y"), command(4, 2, "z")}},
	}
	for _, test := range invalid {
		t.Run(test.name, func(t *testing.T) {
			changed := raft.HardState{CurrentTerm: 9, VotedFor: 3}
			if err := storage.Save(changed, test.entries); err == nil {
				t.Fatalf("Save(%+v, %s) = nil, want an error", changed, describe(test.entries))
			}
			requireState(t, storage, state, log...)
		})
	}
}

func testHardStateAndEntriesTogether(t *testing.T, storage store.Storage, _ func(store.Storage) store.Storage) {
	first := raft.HardState{CurrentTerm: 5, VotedFor: 1}
	mustSave(t, storage, first, noop(1, 5))
	requireState(t, storage, first, noop(1, 5))

	second := raft.HardState{CurrentTerm: 6, VotedFor: 2}
	mustSave(t, storage, second, command(2, 6, "a"))
	requireState(t, storage, second, noop(1, 5), command(2, 6, "a"))
}

// The core reuses its slices of entries after Save returns; the store must
// have taken copies of the entries. Command bytes are never changed once
// proposed (store.Memory says why), so a store may keep them as they are.
func testCopiesGivenEntries(t *testing.T, storage store.Storage, _ func(store.Storage) store.Storage) {
	state := raft.HardState{CurrentTerm: 1}
	given := []raft.Entry{command(1, 1, "abc"), command(2, 1, "def")}
	mustSave(t, storage, state, given...)

	given[0] = command(1, 3, "xyz")
	given[1].Term = 7
	given[1].Command = []byte("changed")
	requireState(t, storage, state, command(1, 1, "abc"), command(2, 1, "def"))
}

// A caller that changes what InitialState returned must not change the
// store.
func testCopiesReturnedEntries(t *testing.T, storage store.Storage, _ func(store.Storage) store.Storage) {
	state := raft.HardState{CurrentTerm: 1}
	mustSave(t, storage, state, command(1, 1, "abc"), command(2, 1, "def"))

	_, returned, err := storage.InitialState()
	if err != nil {
		t.Fatalf("InitialState() error = %v, want nil", err)
	}
	if len(returned) != 2 {
		t.Fatalf("InitialState() returned %d entries, want 2", len(returned))
	}
	returned[0].Command[0] = 'X'
	returned[1].Index = 9
	_ = append(returned[:1], command(2, 5, "appended"))
	requireState(t, storage, state, command(1, 1, "abc"), command(2, 1, "def"))
}

// What a node saved before it stopped comes back when it restarts (thesis
// §3.8), and the store goes on from there.
func testReopen(t *testing.T, storage store.Storage, reopen func(store.Storage) store.Storage) {
	state := raft.HardState{CurrentTerm: 4, VotedFor: 2}
	mustSave(t, storage, state, noop(1, 1), command(2, 1, "a"), command(3, 4, "b"))
	mustSave(t, storage, state, command(3, 4, "c"))

	storage = reopen(storage)
	requireState(t, storage, state, noop(1, 1), command(2, 1, "a"), command(3, 4, "c"))

	next := raft.HardState{CurrentTerm: 5}
	mustSave(t, storage, next, command(4, 5, "d"))
	storage = reopen(storage)
	requireState(t, storage, next, noop(1, 1), command(2, 1, "a"), command(3, 4, "c"), command(4, 5, "d"))
}
