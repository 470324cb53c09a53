//go:build !js

package store

import (
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"raftctl/raft"
)

// storeBuckets checks that the transaction's file is a raftctl store of
// this format and returns its entries bucket.
func storeBuckets(transaction *bbolt.Tx, path string) (*bbolt.Bucket, error) {
	meta := transaction.Bucket(metaBucket)
	if meta == nil {
		return nil, fmt.Errorf("%w: %s is a bbolt file without raftctl's %q bucket (another program's database?); "+
			"it was left unchanged: move it away or give the node another data dir", ErrNotAStore, path, metaBucket)
	}
	format := meta.Get(formatKey)
	if string(format) != boltFormat && string(format) != boltFormatVersion1 {
		return nil, fmt.Errorf("%w: %s has format marker %q, want %q (another program's database, or another "+
			"raftctl version's?); it was left unchanged", ErrNotAStore, path, format, boltFormat)
	}
	log := transaction.Bucket(entriesBucket)
	if log == nil {
		return nil, fmt.Errorf("%w: %s has raftctl's format marker but no %q bucket; it was left unchanged: "+
			"restore it from a backup, or wipe the node's data dir", ErrCorrupt, path, entriesBucket)
	}
	return log, nil
}

// lastStoredIndex is the index of the log's last entry, 0 when it is empty.
func lastStoredIndex(log *bbolt.Bucket) (raft.Index, error) {
	key, _ := log.Cursor().Last()
	if key == nil {
		return 0, nil
	}
	return decodeIndexKey(key)
}

// readStore reads, checks and copies out everything a node restarts from:
// the hard state and the log, which must run from just after the snapshot
// (index 1 without one) without a hole.
func readStore(transaction *bbolt.Tx, path string) (raft.HardState, []raft.Entry, error) {
	log, err := storeBuckets(transaction, path)
	if err != nil {
		return raft.HardState{}, nil, err
	}
	snapshot, err := readSnapshot(transaction, path)
	if err != nil {
		return raft.HardState{}, nil, err
	}
	offset := snapshot.LastIncludedIndex
	corrupt := func(err error) error {
		return fmt.Errorf("%w: %s: %v; it was left unchanged: restore it from a backup, or wipe the node's data dir", ErrCorrupt, path, err)
	}
	var state raft.HardState
	if data := transaction.Bucket(metaBucket).Get(hardStateKey); data != nil {
		if state, err = decodeHardState(data); err != nil {
			return raft.HardState{}, nil, corrupt(err)
		}
	}
	var entries []raft.Entry
	cursor := log.Cursor()
	for key, value := cursor.First(); key != nil; key, value = cursor.Next() {
		index, err := decodeIndexKey(key)
		if err != nil {
			return raft.HardState{}, nil, corrupt(err)
		}
		if want := offset + raft.Index(len(entries)+1); index != want {
			return raft.HardState{}, nil, corrupt(fmt.Errorf("the log has entry %d where entry %d should be", index, want))
		}
		entry, err := decodeEntry(index, value)
		if err != nil {
			return raft.HardState{}, nil, corrupt(err)
		}
		entries = append(entries, entry)
	}
	return state, entries, nil
}
