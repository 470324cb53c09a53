package store_test

import (
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"raftctl/raft"
	"raftctl/store"
	"raftctl/store/storagetest"
)

// openTestBolt opens a Bolt store in dir and closes it when the test ends.
func openTestBolt(t *testing.T, path string) *store.Bolt {
	t.Helper()
	bolt, err := store.OpenBolt(path, store.BoltOptions{LockTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatalf("OpenBolt(%s) error = %v, want nil", path, err)
	}
	t.Cleanup(func() { _ = bolt.Close() })
	return bolt
}

func TestBoltMeetsStorageContract(t *testing.T) {
	open := func(t *testing.T, dir string) store.Storage {
		return openTestBolt(t, filepath.Join(dir, "node.db"))
	}
	// A restart closes the file and opens it again, as a host does.
	reopen := func(t *testing.T, dir string, old store.Storage) store.Storage {
		if err := old.(*store.Bolt).Close(); err != nil {
			t.Fatalf("Close() error = %v, want nil", err)
		}
		return openTestBolt(t, filepath.Join(dir, "node.db"))
	}
	storagetest.Run(t, open, reopen)
}

func TestBoltRejectsWithSentinelErrors(t *testing.T) {
	bolt := openTestBolt(t, filepath.Join(t.TempDir(), "node.db"))
	entry := func(index raft.Index) raft.Entry { return raft.Entry{Index: index, Term: 1} }
	if err := bolt.Save(raft.HardState{}, []raft.Entry{entry(1), entry(2)}); err != nil {
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
			err := bolt.Save(raft.HardState{}, test.entries)
			if !errors.Is(err, test.want) {
				t.Errorf("Save() = %v, want an error wrapping %v", err, test.want)
			}
		})
	}
}

// Wipe models a lost disk: the store is empty again, also after a restart,
// and still a raftctl store.
func TestBoltWipeErasesEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "node.db")
	bolt := openTestBolt(t, path)
	entries := []raft.Entry{{Index: 1, Term: 2, Command: []byte("x")}, {Index: 2, Term: 2}}
	if err := bolt.Save(raft.HardState{CurrentTerm: 2, VotedFor: 1}, entries); err != nil {
		t.Fatal(err)
	}
	if err := bolt.Wipe(); err != nil {
		t.Fatalf("Wipe() error = %v, want nil", err)
	}
	if err := bolt.Close(); err != nil {
		t.Fatal(err)
	}
	bolt = openTestBolt(t, path)
	state, log, err := bolt.InitialState()
	if err != nil || state != (raft.HardState{}) || len(log) != 0 {
		t.Errorf("after Wipe and reopen: InitialState() = %+v, %v, %v; want zero state, empty log, nil", state, log, err)
	}
	if err := bolt.Save(raft.HardState{}, []raft.Entry{{Index: 2, Term: 1}}); !errors.Is(err, store.ErrLogGap) {
		t.Errorf("after Wipe: Save at index 2 = %v, want a gap error (the log is empty again)", err)
	}
}

func TestBoltCountsSuccessfulSaves(t *testing.T) {
	bolt := openTestBolt(t, filepath.Join(t.TempDir(), "node.db"))
	if got := bolt.Saves(); got != 0 {
		t.Errorf("new store: Saves() = %d, want 0", got)
	}
	_ = bolt.Save(raft.HardState{CurrentTerm: 1}, nil)
	_ = bolt.Save(raft.HardState{CurrentTerm: 1}, []raft.Entry{{Index: 1, Term: 1}})
	_ = bolt.Save(raft.HardState{CurrentTerm: 1}, []raft.Entry{{Index: 5, Term: 1}}) // rejected
	if err := bolt.Wipe(); err != nil {
		t.Fatal(err)
	}
	if got := bolt.Saves(); got != 2 {
		t.Errorf("Saves() = %d, want 2 (a rejected Save is not counted; Wipe keeps the count)", got)
	}
}

func TestBoltPathIsTheGivenPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "node.db")
	if got := openTestBolt(t, path).Path(); got != path {
		t.Errorf("Path() = %q, want %q", got, path)
	}
}

func TestBoltSaveAfterCloseSaysWhichFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "node.db")
	bolt := openTestBolt(t, path)
	if err := bolt.Close(); err != nil {
		t.Fatal(err)
	}
	err := bolt.Save(raft.HardState{CurrentTerm: 1}, nil)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Save after Close = %v, want an error naming %s", err, path)
	}
}

// A host may save from its loop while a dashboard reads; run with -race.
func TestBoltIsSafeForConcurrentUse(t *testing.T) {
	bolt, err := store.OpenBolt(filepath.Join(t.TempDir(), "node.db"), store.BoltOptions{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bolt.Close()
	const writes = 100
	var group sync.WaitGroup
	group.Go(func() {
		for i := range writes {
			entry := raft.Entry{Index: raft.Index(i + 1), Term: 1, Command: []byte("x")}
			if err := bolt.Save(raft.HardState{CurrentTerm: 1}, []raft.Entry{entry}); err != nil {
				t.Error(err)
				return
			}
		}
	})
	for range 3 {
		group.Go(func() {
			for range writes {
				_, log, err := bolt.InitialState()
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
			}
		})
	}
	group.Wait()
	if got := bolt.Saves(); got != writes {
		t.Errorf("Saves() = %d, want %d", got, writes)
	}
}
