//go:build !js

package store

import (
	"bytes"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"raftctl/raft"
)

// Snapshots in a Bolt file (thesis §5.1): the latest snapshot is one value
// in the meta bucket, and the entries bucket holds only the log after it.

var snapshotKey = []byte("snapshot")

var _ Storage = (*Bolt)(nil)

// readSnapshot reads the stored snapshot (empty when there is none).
func readSnapshot(transaction *bbolt.Tx, path string) (raft.Snapshot, error) {
	data := transaction.Bucket(metaBucket).Get(snapshotKey)
	if data == nil {
		return raft.Snapshot{}, nil
	}
	snapshot, err := DecodeSnapshot(data)
	if err != nil {
		return raft.Snapshot{}, fmt.Errorf("%w: %s: %v; it was left unchanged: restore it from a backup, or wipe the node's data dir", ErrCorrupt, path, err)
	}
	return snapshot, nil
}

// Snapshot returns the stored snapshot (empty when none), copied out of
// its read transaction.
func (b *Bolt) Snapshot() (raft.Snapshot, error) {
	var snapshot raft.Snapshot
	err := b.database.View(func(transaction *bbolt.Tx) error {
		if _, err := storeBuckets(transaction, b.path); err != nil {
			return err
		}
		var err error
		snapshot, err = readSnapshot(transaction, b.path)
		return err
	})
	return snapshot, err
}

// SaveSnapshot stores snapshot and drops the entries it replaces, all in
// one transaction (Storage.SaveSnapshot): a crash half way leaves the old
// snapshot and the old log, which is still a consistent state to restart
// from.
func (b *Bolt) SaveSnapshot(snapshot raft.Snapshot) error {
	err := b.database.Update(func(transaction *bbolt.Tx) error {
		log, err := storeBuckets(transaction, b.path)
		if err != nil {
			return err
		}
		stored, err := readSnapshot(transaction, b.path)
		if err != nil {
			return err
		}
		if err := checkSnapshot(stored, snapshot); err != nil {
			return err
		}
		index := snapshot.LastIncludedIndex
		keepSuffix := false
		if value := log.Get(encodeIndexKey(index)); value != nil {
			entry, err := decodeEntry(index, value)
			if err != nil {
				return fmt.Errorf("%w: %s: %v", ErrCorrupt, b.path, err)
			}
			keepSuffix = entry.Term == snapshot.LastIncludedTerm
		}
		// Keys are collected first and deleted after, as in replaceSuffix.
		var doomed [][]byte
		cursor := log.Cursor()
		for key, _ := cursor.First(); key != nil; key, _ = cursor.Next() {
			if keepSuffix && bytes.Compare(key, encodeIndexKey(index)) > 0 {
				break
			}
			doomed = append(doomed, bytes.Clone(key))
		}
		for _, key := range doomed {
			if err := log.Delete(key); err != nil {
				return err
			}
		}
		meta := transaction.Bucket(metaBucket)
		if err := meta.Put(formatKey, []byte(boltFormat)); err != nil {
			return err
		}
		return meta.Put(snapshotKey, EncodeSnapshot(snapshot))
	})
	if err != nil {
		return fmt.Errorf("store: save snapshot to %s: %w", b.path, err)
	}
	b.saves.Add(1)
	return nil
}
