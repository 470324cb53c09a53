package store

import (
	"encoding/binary"
	"fmt"

	"raftctl/raft"
)

// The bytes a Bolt file holds. They are the on-disk format: a change here
// needs a new format marker (boltFormat), or old files would be misread.
//
//	bucket "meta"
//	  "format"    "raftctl-store-v1"
//	  "hardstate" CurrentTerm (8 bytes, big-endian), VotedFor (1 byte)
//	  "snapshot"  the latest snapshot (EncodeSnapshot), absent when none
//	bucket "entries"
//	  index (8 bytes, big-endian) -> kind (1 byte), term (uvarint), command (the rest)
//	  (only the entries after the snapshot's last included index)
//
// Keys are big-endian because bbolt orders keys byte by byte: big-endian
// makes cursor order index order, so the last key is the last index and a
// suffix is one Seek away.

var (
	metaBucket    = []byte("meta")
	entriesBucket = []byte("entries")
	formatKey     = []byte("format")
	hardStateKey  = []byte("hardstate")
)

// boltFormat marks a file as a raftctl store of this layout, so a foreign
// bbolt file is refused rather than read as an empty log. Version 2 added
// the snapshot; a version 1 file is a version 2 file without one, so both
// are read, and new files are written as version 2 (an older raftctl
// refuses them rather than misread a log that starts after a snapshot).
const (
	boltFormat         = "raftctl-store-v2"
	boltFormatVersion1 = "raftctl-store-v1"
)

const (
	indexKeyLength  = 8
	hardStateLength = 8 + 1
)

// encodeIndexKey returns the entries-bucket key of index.
func encodeIndexKey(index raft.Index) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, indexKeyLength), uint64(index))
}

// decodeIndexKey reads an entries-bucket key. A key of another length can
// only come from damage, so it is an error rather than a panic.
//
// The decoders' errors say what is wrong with the bytes; readStore adds
// ErrCorrupt, the file and what to do.
func decodeIndexKey(key []byte) (raft.Index, error) {
	if len(key) != indexKeyLength {
		return 0, fmt.Errorf("an entry key is %d bytes (%x), want %d", len(key), key, indexKeyLength)
	}
	return raft.Index(binary.BigEndian.Uint64(key)), nil
}

// encodeHardState uses a fixed size: the hard state is rewritten on most
// saves, and a fixed layout has nothing to get wrong.
func encodeHardState(state raft.HardState) []byte {
	data := make([]byte, 0, hardStateLength)
	data = binary.BigEndian.AppendUint64(data, uint64(state.CurrentTerm))
	return append(data, byte(state.VotedFor))
}

func decodeHardState(data []byte) (raft.HardState, error) {
	if len(data) != hardStateLength {
		return raft.HardState{}, fmt.Errorf("the hard state is %d bytes, want %d", len(data), hardStateLength)
	}
	return raft.HardState{
		CurrentTerm: raft.Term(binary.BigEndian.Uint64(data)),
		VotedFor:    raft.NodeID(data[8]),
	}, nil
}

// encodeEntry returns the value stored for entry. The index is the key, so
// it is not repeated here. The term is a uvarint because terms stay small
// and every entry carries one; the command takes the rest of the value, so
// it needs no length.
func encodeEntry(entry raft.Entry) []byte {
	data := make([]byte, 0, 1+binary.MaxVarintLen64+len(entry.Command))
	data = append(data, byte(entry.Kind))
	data = binary.AppendUvarint(data, uint64(entry.Term))
	return append(data, entry.Command...)
}

// decodeEntry parses the value stored at index. It never panics: a damaged
// file may hold any bytes, and the error names the index so a user knows
// where the damage is. The term must be minimally encoded, so every entry
// has exactly one encoding. The kind is kept as stored: the store keeps
// what it was given, as Memory does, and the state machine judges kinds.
// The returned Command does not alias data (bbolt values live only as long
// as their transaction); an empty command comes back as nil.
func decodeEntry(index raft.Index, data []byte) (raft.Entry, error) {
	if len(data) == 0 {
		return raft.Entry{}, fmt.Errorf("entry %d is empty, want at least a kind and a term", index)
	}
	term, length := binary.Uvarint(data[1:])
	switch {
	case length == 0:
		return raft.Entry{}, fmt.Errorf("entry %d: its term is cut short", index)
	case length < 0:
		return raft.Entry{}, fmt.Errorf("entry %d: its term overflows 64 bits", index)
	case length != uvarintLength(term):
		return raft.Entry{}, fmt.Errorf("entry %d: its term is not minimally encoded", index)
	}
	entry := raft.Entry{Index: index, Term: raft.Term(term), Kind: raft.EntryKind(data[0])}
	if command := data[1+length:]; len(command) > 0 {
		entry.Command = append([]byte(nil), command...)
	}
	return entry, nil
}
