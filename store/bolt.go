//go:build !js

package store

import (
	"bytes"
	"fmt"
	"sync/atomic"
	"time"

	bbolt "go.etcd.io/bbolt"

	"raftctl/raft"
)

// Bolt is raft.Storage in a bbolt file, one file per node: what a real node
// (cluster.Host, `raftctl node`) keeps on disk so that a restart after a
// crash or a power cut reads back the term, the vote and the log (thesis
// §3.8). The layout is described in bolt_encoding.go.
//
// Every Save is one bbolt transaction, and so one commit with its fsyncs,
// however many entries it carries: batching entries into one Save (thesis
// §10.2.1) is what makes a durable log fast, and Saves counts the commits.
//
// Bolt is safe for concurrent use: bbolt runs one writing transaction at a
// time next to any number of reading ones. Like Memory, it copies the
// entries it is given and returns copies.
type Bolt struct {
	database *bbolt.DB
	path     string
	// saves counts committed Save calls.
	saves atomic.Uint64
}

var _ raft.Storage = (*Bolt)(nil)

// BoltOptions tune OpenBolt. The zero value is right for a real node.
type BoltOptions struct {
	// LockTimeout is how long OpenBolt waits for another process to release
	// the file before it returns ErrInUse. Zero or less means 1s. (bbolt
	// itself would wait forever without a timeout.)
	LockTimeout time.Duration
	// NoSync skips fsync on commit. Only for benchmarks that want to measure
	// everything but the disk flush: a store opened with NoSync is not
	// durable and breaks thesis §3.8 on a crash.
	NoSync bool
}

// defaultLockTimeout is long enough for a node that is shutting down to
// release its file, short enough that a user who started a second node on
// the same data dir hears about it at once.
const defaultLockTimeout = time.Second

func (options BoltOptions) withDefaults() BoltOptions {
	if options.LockTimeout <= 0 {
		options.LockTimeout = defaultLockTimeout
	}
	return options
}

// Path returns the store's file, as given to OpenBolt.
func (b *Bolt) Path() string { return b.path }

// Close releases the file and its lock. The store is unusable afterwards.
func (b *Bolt) Close() error {
	if err := b.database.Close(); err != nil {
		return fmt.Errorf("store: close %s: %w", b.path, err)
	}
	return nil
}

// Saves returns how many Save calls committed: each is one durable write
// (one fsync unless NoSync), the cost batching saves. A rejected Save
// writes nothing and is not counted; Wipe keeps the count, as Memory does.
func (b *Bolt) Saves() uint64 { return b.saves.Load() }

// InitialState reads the hard state and the whole log in one read
// transaction, so it sees one Save or the next, never half of one. Values
// are copied out of the transaction: bbolt's slices point into its memory
// map and are only valid until the transaction ends.
func (b *Bolt) InitialState() (raft.HardState, []raft.Entry, error) {
	var state raft.HardState
	var log []raft.Entry
	err := b.database.View(func(transaction *bbolt.Tx) error {
		var err error
		state, log, err = readStore(transaction, b.path)
		return err
	})
	if err != nil {
		return raft.HardState{}, nil, err
	}
	return state, log, nil
}

// Save stores the hard state and, when entries is not empty, replaces the
// log from entries[0].Index onward with entries (a conflicting suffix is
// truncated, thesis §3.5). It is one bbolt transaction: when it returns nil
// everything is on disk, and when it returns an error (or the process dies
// half way) nothing has changed. Entries must start at an index from 1 to
// one past the last stored index and be contiguous, as for Memory.
func (b *Bolt) Save(state raft.HardState, entries []raft.Entry) error {
	err := b.database.Update(func(transaction *bbolt.Tx) error {
		log, err := storeBuckets(transaction, b.path)
		if err != nil {
			return err
		}
		snapshot, err := readSnapshot(transaction, b.path)
		if err != nil {
			return err
		}
		lastIndex, err := lastStoredIndex(log)
		if err != nil {
			return fmt.Errorf("%s: %w", b.path, err)
		}
		lastIndex = max(lastIndex, snapshot.LastIncludedIndex)
		if err := checkAppendAfter(snapshot.LastIncludedIndex, lastIndex, entries); err != nil {
			return err
		}
		if err := transaction.Bucket(metaBucket).Put(hardStateKey, encodeHardState(state)); err != nil {
			return err
		}
		return replaceSuffix(log, lastIndex, entries)
	})
	if err != nil {
		return fmt.Errorf("store: save to %s: %w", b.path, err)
	}
	b.saves.Add(1)
	return nil
}

// replaceSuffix writes entries over the log: the stored entries past the
// last new one are deleted, and those at the new indexes are overwritten,
// which together truncate the old suffix from entries[0].Index on.
func replaceSuffix(log *bbolt.Bucket, lastIndex raft.Index, entries []raft.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	newLastIndex := entries[len(entries)-1].Index
	// Keys are collected first and deleted after: deleting under a moving
	// cursor can skip keys in bbolt.
	var stale [][]byte
	cursor := log.Cursor()
	for key, _ := cursor.Seek(encodeIndexKey(newLastIndex + 1)); key != nil; key, _ = cursor.Next() {
		stale = append(stale, bytes.Clone(key))
	}
	for _, key := range stale {
		if err := log.Delete(key); err != nil {
			return err
		}
	}
	// Appends at the end are the common case; fuller pages mean fewer
	// pages to write per commit.
	if entries[0].Index > lastIndex {
		log.FillPercent = 0.9
	}
	for _, entry := range entries {
		if err := log.Put(encodeIndexKey(entry.Index), encodeEntry(entry)); err != nil {
			return err
		}
	}
	return nil
}

// Wipe erases the hard state, the snapshot and the log in one transaction, as if the
// disk were lost (thesis §3.8 explains why that breaks safety). The file
// stays a raftctl store, so the node can restart on it, empty.
func (b *Bolt) Wipe() error {
	err := b.database.Update(func(transaction *bbolt.Tx) error {
		if _, err := storeBuckets(transaction, b.path); err != nil {
			return err
		}
		if err := transaction.Bucket(metaBucket).Delete(hardStateKey); err != nil {
			return err
		}
		if err := transaction.Bucket(metaBucket).Delete(snapshotKey); err != nil {
			return err
		}
		if err := transaction.DeleteBucket(entriesBucket); err != nil {
			return err
		}
		_, err := transaction.CreateBucket(entriesBucket)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: wipe %s: %w", b.path, err)
	}
	return nil
}
