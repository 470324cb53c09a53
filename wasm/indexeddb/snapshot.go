//go:build js && wasm

package indexeddb

import (
	"fmt"
	"syscall/js"

	"raftctl/raft"
	"raftctl/store"
)

// Snapshots (thesis §5.1) in IndexedDB: a node's latest snapshot is kept in
// the hard-state object store under the key "<node>/snapshot", encoded by
// store.EncodeSnapshot, and the entries store holds only the log after it.

var _ store.Storage = (*Store)(nil)

func snapshotKey(node string) string { return node + "/snapshot" }

// readSnapshot reads a node's stored snapshot (empty when none).
func (d *Database) readSnapshot(node string) (raft.Snapshot, error) {
	value, err := d.read(hardStateStore, func(objects js.Value) js.Value { return objects.Call("get", snapshotKey(node)) })
	if err != nil {
		return raft.Snapshot{}, fmt.Errorf("indexeddb: %s: reading the snapshot: %w", node, err)
	}
	if value.IsUndefined() || value.IsNull() {
		return raft.Snapshot{}, nil
	}
	snapshot, err := store.DecodeSnapshot(bytesOf(value))
	if err != nil {
		return raft.Snapshot{}, fmt.Errorf("%w: %s: %v", ErrCorrupt, node, err)
	}
	return snapshot, nil
}

// Snapshot returns the stored snapshot, from the mirror.
func (s *Store) Snapshot() (raft.Snapshot, error) { return s.mirror.Snapshot() }

// SaveSnapshot writes the snapshot and drops the entries it replaces in one
// transaction (store.Storage.SaveSnapshot); then the mirror does the same.
func (s *Store) SaveSnapshot(snapshot raft.Snapshot) error {
	current, _ := s.mirror.Snapshot()
	if snapshot.LastIncludedIndex < current.LastIncludedIndex {
		return fmt.Errorf("%w: the stored snapshot covers up to index %d, this one up to %d",
			store.ErrSnapshotOlder, current.LastIncludedIndex, snapshot.LastIncludedIndex)
	}
	_, log, _ := s.mirror.InitialState()
	kept := store.LogAfterSnapshot(log, current.LastIncludedIndex, snapshot)
	err := s.database.write([]string{hardStateStore, entriesStore}, func(transaction js.Value) {
		transaction.Call("objectStore", hardStateStore).Call("put", uint8Array(store.EncodeSnapshot(snapshot)), snapshotKey(s.node))
		entryStore := transaction.Call("objectStore", entriesStore)
		if len(kept) > 0 {
			covered := js.Global().Get("IDBKeyRange").Call("bound", entryKey(s.node, 1), entryKey(s.node, snapshot.LastIncludedIndex))
			entryStore.Call("delete", covered)
		} else {
			entryStore.Call("delete", nodeRange(s.node, 1))
		}
	})
	if err != nil {
		return fmt.Errorf("indexeddb: %s: save snapshot: %w", s.node, err)
	}
	return s.mirror.SaveSnapshot(snapshot)
}
