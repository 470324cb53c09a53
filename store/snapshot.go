package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"raftctl/raft"
)

// Log compaction on the storage side (thesis ch. 5, §5.1).
//
// Storage is what a host writes for the core. The core only reads storage
// when a node is built (raft.Storage); the writes are the host's: for every
// Ready batch it calls SaveSnapshot (when the batch carries a snapshot) and
// then Save, and only then sends the batch's messages (thesis §3.8).
type Storage interface {
	raft.Storage
	// Save makes the hard state and the entries durable, in one atomic
	// step. When entries is not empty, the stored log from
	// entries[0].Index onward is replaced by entries (a conflicting suffix
	// is truncated, thesis §3.5). Entries must come after the snapshot.
	Save(state raft.HardState, entries []raft.Entry) error
	// SaveSnapshot makes snapshot durable, in one atomic step with what
	// it implies for the log: the stored entries up to its last included
	// index are dropped, and when the stored log does not hold that entry
	// with that term, the whole log is dropped (thesis Fig. 5.3, rules 6
	// and 7). A snapshot older than the stored one is refused.
	SaveSnapshot(snapshot raft.Snapshot) error
}

var (
	// ErrCompacted: entries given to Save lie inside the snapshot, whose
	// entries are gone.
	ErrCompacted = errors.New("store: entries at or before the snapshot's last included index")
	// ErrSnapshotOlder: SaveSnapshot was given a snapshot that covers less
	// than the stored one.
	ErrSnapshotOlder = errors.New("store: snapshot older than the stored one")
	// ErrInvalidSnapshot: a snapshot's state machine data does not decode.
	ErrInvalidSnapshot = errors.New("store: invalid snapshot data")
)

var (
	_ Storage = (*Memory)(nil)
)

// checkAppendAfter is checkAppend for a log that starts after a snapshot
// whose last included index is snapshotIndex.
func checkAppendAfter(snapshotIndex, lastIndex raft.Index, entries []raft.Entry) error {
	if len(entries) > 0 && snapshotIndex > 0 && entries[0].Index <= snapshotIndex {
		return fmt.Errorf("%w: entries start at index %d, but the snapshot covers up to %d (want %d to %d)",
			ErrCompacted, entries[0].Index, snapshotIndex, snapshotIndex+1, lastIndex+1)
	}
	return checkAppend(lastIndex, entries)
}

// checkSnapshot refuses a snapshot that goes backwards.
func checkSnapshot(stored, snapshot raft.Snapshot) error {
	if snapshot.LastIncludedIndex < stored.LastIncludedIndex {
		return fmt.Errorf("%w: the stored snapshot covers up to index %d, this one up to %d",
			ErrSnapshotOlder, stored.LastIncludedIndex, snapshot.LastIncludedIndex)
	}
	return nil
}

// LogAfterSnapshot returns what remains of log, which starts after index
// offset, once snapshot is stored: the entries after its last included
// index when log holds that entry with the snapshot's term, and nothing
// otherwise (thesis Fig. 5.3, rules 6 and 7). Every store applies this
// rule, and so does the core (raft's compactTo).
func LogAfterSnapshot(log []raft.Entry, offset raft.Index, snapshot raft.Snapshot) []raft.Entry {
	index := snapshot.LastIncludedIndex
	if index <= offset {
		return log
	}
	position := int(index - offset - 1)
	if position < len(log) && log[position].Term == snapshot.LastIncludedTerm {
		return cloneEntries(log[position+1:])
	}
	return nil
}

// cloneSnapshot copies a snapshot and its slices.
func cloneSnapshot(snapshot raft.Snapshot) raft.Snapshot {
	snapshot.Configuration = slices.Clone(snapshot.Configuration)
	snapshot.Data = bytes.Clone(snapshot.Data)
	return snapshot
}

// The encoding of a snapshot, in order (bbolt and IndexedDB stores):
//
//	LastIncludedIndex  uvarint
//	LastIncludedTerm   uvarint
//	Configuration      uvarint count, then one byte per node
//	Data               the rest
//
// As with commands, varints must be minimal, so every snapshot has one
// encoding.

// EncodeSnapshot returns the encoding of snapshot.
func EncodeSnapshot(snapshot raft.Snapshot) []byte {
	data := make([]byte, 0, 3*binary.MaxVarintLen64+len(snapshot.Configuration)+len(snapshot.Data))
	data = binary.AppendUvarint(data, uint64(snapshot.LastIncludedIndex))
	data = binary.AppendUvarint(data, uint64(snapshot.LastIncludedTerm))
	data = binary.AppendUvarint(data, uint64(len(snapshot.Configuration)))
	for _, id := range snapshot.Configuration {
		data = append(data, byte(id))
	}
	return append(data, snapshot.Data...)
}

// DecodeSnapshot parses the encoding of a snapshot. It never panics, and
// the result does not alias data.
func DecodeSnapshot(data []byte) (raft.Snapshot, error) {
	reader := commandReader{data: data}
	index := reader.uvarint("last included index")
	term := reader.uvarint("last included term")
	count := reader.uvarint("configuration size")
	if reader.err == nil && count > uint64(len(reader.data)) {
		reader.err = fmt.Errorf("a configuration of %d nodes, but only %d bytes remain", count, len(reader.data))
	}
	if reader.err != nil {
		return raft.Snapshot{}, fmt.Errorf("snapshot: %v", reader.err)
	}
	snapshot := raft.Snapshot{LastIncludedIndex: raft.Index(index), LastIncludedTerm: raft.Term(term)}
	for _, id := range reader.data[:count] {
		snapshot.Configuration = append(snapshot.Configuration, raft.NodeID(id))
	}
	if rest := reader.data[count:]; len(rest) > 0 {
		snapshot.Data = bytes.Clone(rest)
	}
	return snapshot, nil
}
