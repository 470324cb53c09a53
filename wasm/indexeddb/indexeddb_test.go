//go:build js && wasm

package indexeddb_test

import (
	"errors"
	"fmt"
	"testing"

	"raftctl/raft"
	"raftctl/store"
	"raftctl/store/storagetest"
	"raftctl/wasm/indexeddb"
)

// These tests run in a browser (browser_test.go builds them for js/wasm and
// runs them in headless Chromium), on the browser's own IndexedDB.

const testDatabase = "raftctl-storage-test"

func openDatabase(t *testing.T) *indexeddb.Database {
	t.Helper()
	database, err := indexeddb.Open(testDatabase)
	if err != nil {
		t.Fatal(err)
	}
	return database
}

// nodeCount names each subtest's node apart, in one shared database.
var nodeCount int

func TestIndexedDBContract(t *testing.T) {
	if err := indexeddb.Delete(testDatabase); err != nil {
		t.Fatal(err)
	}
	database := openDatabase(t)
	names := map[store.Storage]string{}
	open := func(t *testing.T, _ string) store.Storage {
		nodeCount++
		name := fmt.Sprintf("n%d", nodeCount)
		node, err := database.Node(name)
		if err != nil {
			t.Fatal(err)
		}
		names[node] = name
		return node
	}
	// Reopen as the page does after a reload: a new connection, and the
	// node loaded again from what the database holds.
	reopen := func(t *testing.T, _ string, old store.Storage) store.Storage {
		if err := database.Close(); err != nil {
			t.Fatal(err)
		}
		database = openDatabase(t)
		node, err := database.Node(names[old])
		if err != nil {
			t.Fatal(err)
		}
		names[node] = names[old]
		return node
	}
	storagetest.Run(t, open, reopen)
}

func TestIndexedDBWipeAndClear(t *testing.T) {
	database := openDatabase(t)
	defer database.Close()
	if err := database.Clear(); err != nil {
		t.Fatal(err)
	}
	node, err := database.Node("n1")
	if err != nil {
		t.Fatal(err)
	}
	state := raft.HardState{CurrentTerm: 7, VotedFor: 2}
	entries := []raft.Entry{{Index: 1, Term: 7, Kind: raft.EntryNoop}, {Index: 2, Term: 7, Command: []byte("put")}}
	if err := node.Save(state, entries); err != nil {
		t.Fatal(err)
	}
	if err := database.SetMeta("seed", "7"); err != nil {
		t.Fatal(err)
	}
	if value, ok, err := database.Meta("seed"); err != nil || !ok || value != "7" {
		t.Fatalf("Meta(seed) = %q, %v, %v; want 7", value, ok, err)
	}
	if err := node.Wipe(); err != nil {
		t.Fatal(err)
	}
	again, err := database.Node("n1")
	if err != nil {
		t.Fatal(err)
	}
	if got, log, _ := again.InitialState(); got != (raft.HardState{}) || len(log) != 0 {
		t.Fatalf("after Wipe: %+v and %d entries, want nothing", got, len(log))
	}
	if err := database.Clear(); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := database.Meta("seed"); ok {
		t.Fatal("Clear kept the meta data")
	}
}

func TestIndexedDBRejectsBeforeWriting(t *testing.T) {
	database := openDatabase(t)
	defer database.Close()
	node, err := database.Node("rejects")
	if err != nil {
		t.Fatal(err)
	}
	err = node.Save(raft.HardState{CurrentTerm: 1}, []raft.Entry{{Index: 2, Term: 1}})
	if !errors.Is(err, store.ErrLogGap) {
		t.Fatalf("Save with a gap: %v, want ErrLogGap", err)
	}
	again, err := database.Node("rejects")
	if err != nil {
		t.Fatal(err)
	}
	if state, _, _ := again.InitialState(); state.CurrentTerm != 0 {
		t.Fatalf("a rejected Save wrote term %d", state.CurrentTerm)
	}
}
