package store_test

import (
	"errors"
	"sync"
	"testing"

	"raftctl/raft"
	"raftctl/store"
	"raftctl/store/storagetest"
)

func TestMemoryMeetsStorageContract(t *testing.T) {
	open := func(t *testing.T, dir string) store.Storage { return store.NewMemory() }
	// Memory has no files: a restarted node gets the same object back, as
	// in the simulator, where a killed node's memory store survives.
	reopen := func(t *testing.T, dir string, old store.Storage) store.Storage { return old }
	storagetest.Run(t, open, reopen)
}

func TestMemoryRejectsWithSentinelErrors(t *testing.T) {
	memory := store.NewMemory()
	entry := func(index raft.Index) raft.Entry { return raft.Entry{Index: index, Term: 1} }
	if err := memory.Save(raft.HardState{}, []raft.Entry{entry(1), entry(2)}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		entries []raft.Entry
		want    error
	}{
		{"IndexZero", []raft.Entry{entry(0)}, store.ErrEntryIndexZero},
		{"Gap", []raft.Entry{entry(4)}, store.ErrLogGap},
		{"NotContiguous", []raft.Entry{entry(2), entry(4)}, store.ErrEntriesNotContiguous},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			err := memory.Save(raft.HardState{}, test.entries)
			if !errors.Is(err, test.want) {
				t.Errorf("Save() = %v, want an error wrapping %v", err, test.want)
			}
		})
	}
}

// Wipe models a lost disk, the failure that thesis §3.8's persistence rule
// cannot survive.
func TestMemoryWipeErasesEverything(t *testing.T) {
	memory := store.NewMemory()
	entries := []raft.Entry{{Index: 1, Term: 2, Command: []byte("x")}}
	if err := memory.Save(raft.HardState{CurrentTerm: 2, VotedFor: 1}, entries); err != nil {
		t.Fatal(err)
	}
	memory.Wipe()
	state, log, err := memory.InitialState()
	if err != nil || state != (raft.HardState{}) || len(log) != 0 {
		t.Errorf("after Wipe: InitialState() = %+v, %v, %v; want zero state, empty log, nil", state, log, err)
	}
	if err := memory.Save(raft.HardState{}, []raft.Entry{{Index: 2, Term: 1}}); err == nil {
		t.Error("after Wipe: Save at index 2 = nil, want a gap error (the log is empty again)")
	}
}

func TestMemoryCountsSuccessfulSaves(t *testing.T) {
	memory := store.NewMemory()
	if got := memory.Saves(); got != 0 {
		t.Errorf("new store: Saves() = %d, want 0", got)
	}
	_ = memory.Save(raft.HardState{CurrentTerm: 1}, nil)
	_ = memory.Save(raft.HardState{CurrentTerm: 1}, []raft.Entry{{Index: 1, Term: 1}})
	_ = memory.Save(raft.HardState{CurrentTerm: 1}, []raft.Entry{{Index: 5, Term: 1}}) // rejected
	memory.Wipe()
	if got := memory.Saves(); got != 2 {
		t.Errorf("Saves() = %d, want 2 (a rejected Save is not counted; Wipe keeps the count)", got)
	}
}

// A host may save from its apply loop while a dashboard reads; run with
// -race.
func TestMemoryIsSafeForConcurrentUse(t *testing.T) {
	memory := store.NewMemory()
	const writes = 200
	var group sync.WaitGroup
	group.Go(func() {
		for i := range writes {
			index := raft.Index(i + 1)
			entry := raft.Entry{Index: index, Term: 1, Command: []byte("x")}
			if err := memory.Save(raft.HardState{CurrentTerm: 1}, []raft.Entry{entry}); err != nil {
				t.Error(err)
				return
			}
		}
	})
	for range 4 {
		group.Go(func() {
			for range writes {
				_, log, err := memory.InitialState()
				if err != nil {
					t.Error(err)
					return
				}
				for i, entry := range log {
					if entry.Index != raft.Index(i+1) {
						t.Errorf("log[%d].Index = %d, want %d", i, entry.Index, i+1)
						return
					}
				}
				_ = memory.Saves()
			}
		})
	}
	group.Wait()
	if got := memory.Saves(); got != writes {
		t.Errorf("Saves() = %d, want %d", got, writes)
	}
}
