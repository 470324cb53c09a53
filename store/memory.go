package store

import (
	"bytes"
	"fmt"
	"sync"

	"raftctl/raft"
)

// Memory is raft.Storage kept in memory. In the simulator a killed node's
// Memory survives (the host keeps the object), so a restart reads back the
// term, the vote and the log as it would from disk; Wipe models a lost disk
// (thesis §3.8 explains why that breaks safety).
//
// Memory is safe for concurrent use: a host may save from one goroutine
// while a dashboard reads from another.
//
// What Memory copies, and what it shares (the contract with the core and
// the host):
//
//   - Save copies the Entry values it is given into its own log, so the
//     caller may reuse or truncate its slice of entries afterwards: the
//     core's log reuses its backing array after a truncation (thesis §3.5),
//     and a store that kept the caller's slice would change "durable" state
//     behind the host's back.
//   - Save keeps each entry's Command bytes without copying them. Command
//     bytes are never changed once they are proposed: the host encodes a
//     fresh slice for every client request (store.EncodeCommand), the
//     core hands the same bytes to its log, its messages, its Ready and
//     the other nodes, and neither writes to them (raft.Node.Propose keeps
//     the caller's slice). A copy per node of every command would cost an
//     allocation per entry per node for nothing.
//   - InitialState returns copies, Command bytes included: a restart is
//     rare, and the node that reads them owns them.
type Memory struct {
	mutex     sync.Mutex
	hardState raft.HardState
	// snapshot replaces the entries up to its last included index
	// (snapshot.go). Invariant: log.at(i).Index == snapshot.LastIncludedIndex+i+1.
	snapshot raft.Snapshot
	log      chunkedLog
	// saves counts successful Save calls, a proxy for fsyncs.
	saves uint64
}

var _ raft.Storage = (*Memory)(nil)

// NewMemory returns an empty store: term 0, no vote, an empty log.
func NewMemory() *Memory {
	return &Memory{}
}

// InitialState returns copies of the hard state and of the log after the
// snapshot.
func (m *Memory) InitialState() (raft.HardState, []raft.Entry, error) {
	m.mutex.Lock()
	defer m.mutex.Unlock()
	return m.hardState, m.log.clone(), nil
}

// Snapshot returns a copy of the stored snapshot (empty when none).
func (m *Memory) Snapshot() (raft.Snapshot, error) {
	m.mutex.Lock()
	defer m.mutex.Unlock()
	return cloneSnapshot(m.snapshot), nil
}

// SaveSnapshot stores a copy of snapshot and drops the entries it replaces
// (Storage.SaveSnapshot).
func (m *Memory) SaveSnapshot(snapshot raft.Snapshot) error {
	m.mutex.Lock()
	defer m.mutex.Unlock()
	if err := checkSnapshot(m.snapshot, snapshot); err != nil {
		return err
	}
	m.dropCovered(snapshot)
	m.snapshot = cloneSnapshot(snapshot)
	m.saves++
	return nil
}

// Save stores the hard state and, when entries is not empty, replaces the
// log from entries[0].Index onward with copies of entries (sharing their
// Command bytes, which nobody changes): a conflicting suffix is truncated
// (thesis §3.5). Save is atomic: when it returns an error, neither the
// hard state nor the log has changed.
func (m *Memory) Save(state raft.HardState, entries []raft.Entry) error {
	m.mutex.Lock()
	defer m.mutex.Unlock()
	offset := m.snapshot.LastIncludedIndex
	if err := checkAppendAfter(offset, offset+raft.Index(m.log.length()), entries); err != nil {
		return err
	}
	m.hardState = state
	if len(entries) > 0 {
		m.log.truncate(int(entries[0].Index - offset - 1))
		m.log.append(entries)
	}
	m.saves++
	return nil
}

// dropCovered drops the stored entries a new snapshot covers, as
// LogAfterSnapshot does for a slice: the entries after it stay when the
// log holds its last included entry with its term; otherwise the whole log
// goes (thesis Fig. 5.3).
func (m *Memory) dropCovered(snapshot raft.Snapshot) {
	offset, index := m.snapshot.LastIncludedIndex, snapshot.LastIncludedIndex
	if index <= offset {
		return
	}
	position := int(index - offset - 1)
	if position < m.log.length() && m.log.at(position).Term == snapshot.LastIncludedTerm {
		m.log.dropFirst(position + 1)
		return
	}
	m.log.reset()
}

// Wipe erases the hard state, the snapshot and the log, as if the disk were lost. It does
// not reset Saves, which counts writes the disk has done.
func (m *Memory) Wipe() {
	m.mutex.Lock()
	defer m.mutex.Unlock()
	m.hardState = raft.HardState{}
	m.log.reset()
	m.snapshot = raft.Snapshot{}
}

// Saves returns how many Save calls succeeded: each stands for one fsync
// on a durable store, which is the cost that batching (thesis §10.2.1)
// saves. A rejected Save writes nothing and is not counted.
func (m *Memory) Saves() uint64 {
	m.mutex.Lock()
	defer m.mutex.Unlock()
	return m.saves
}

// checkAppend reports whether entries may replace the suffix of a log whose
// last index is lastIndex: they must start at an index from 1 to
// lastIndex+1 and be contiguous. Every store in this package shares it.
func checkAppend(lastIndex raft.Index, entries []raft.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	first := entries[0].Index
	if first == 0 {
		return fmt.Errorf("%w: entries[0] has index 0, want 1 to %d", ErrEntryIndexZero, lastIndex+1)
	}
	if first > lastIndex+1 {
		return fmt.Errorf("%w: entries start at index %d, but the log ends at %d (want at most %d)",
			ErrLogGap, first, lastIndex, lastIndex+1)
	}
	for i, entry := range entries {
		if want := first + raft.Index(i); entry.Index != want {
			return fmt.Errorf("%w: entries[%d] has index %d, want %d",
				ErrEntriesNotContiguous, i, entry.Index, want)
		}
	}
	return nil
}

// cloneEntries copies entries and their Command bytes. It keeps a nil
// Command nil and an empty one empty.
func cloneEntries(entries []raft.Entry) []raft.Entry {
	if len(entries) == 0 {
		return nil
	}
	clones := make([]raft.Entry, len(entries))
	for i, entry := range entries {
		entry.Command = bytes.Clone(entry.Command)
		clones[i] = entry
	}
	return clones
}
