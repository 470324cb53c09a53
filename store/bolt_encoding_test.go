package store

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"raftctl/raft"
)

// The layout is the on-disk format: a change here breaks stores on disk
// unless the format marker changes with it.
func TestBoltEncodingLayout(t *testing.T) {
	entry := raft.Entry{Index: 7, Term: 300, Kind: raft.EntryCommand, Command: []byte("hi")}
	if got, want := encodeEntry(entry), []byte{0, 0xac, 0x02, 'h', 'i'}; !bytes.Equal(got, want) {
		t.Errorf("encodeEntry(%+v) = %v, want %v", entry, got, want)
	}
	if got, want := encodeIndexKey(258), []byte{0, 0, 0, 0, 0, 0, 1, 2}; !bytes.Equal(got, want) {
		t.Errorf("encodeIndexKey(258) = %v, want %v (big-endian, so cursor order is index order)", got, want)
	}
	state := raft.HardState{CurrentTerm: 258, VotedFor: 3}
	if got, want := encodeHardState(state), []byte{0, 0, 0, 0, 0, 0, 1, 2, 3}; !bytes.Equal(got, want) {
		t.Errorf("encodeHardState(%+v) = %v, want %v", state, got, want)
	}
}

func TestBoltEntryRoundTrip(t *testing.T) {
	entries := []raft.Entry{
		{Index: 1, Term: 1, Kind: raft.EntryNoop},
		{Index: 2, Term: 1, Kind: raft.EntryCommand, Command: []byte("put x 1")},
		{Index: 1 << 40, Term: 1<<64 - 1, Kind: raft.EntryCommand, Command: []byte{0, 0xff, 0}},
		{Index: 3, Term: 0, Kind: 200},
	}
	for _, entry := range entries {
		data := encodeEntry(entry)
		got, err := decodeEntry(entry.Index, data)
		if err != nil {
			t.Errorf("decodeEntry(encodeEntry(%+v)) error = %v", entry, err)
			continue
		}
		if got.Index != entry.Index || got.Term != entry.Term || got.Kind != entry.Kind || !bytes.Equal(got.Command, entry.Command) {
			t.Errorf("decodeEntry(encodeEntry(%+v)) = %+v", entry, got)
		}
	}
}

func TestBoltHardStateRoundTrip(t *testing.T) {
	for _, state := range []raft.HardState{{}, {CurrentTerm: 1<<64 - 1, VotedFor: 255}} {
		got, err := decodeHardState(encodeHardState(state))
		if err != nil || got != state {
			t.Errorf("decodeHardState(encodeHardState(%+v)) = %+v, %v", state, got, err)
		}
	}
}

// FuzzDecodeEntry checks that no bytes make decodeEntry panic, that every
// error names the entry's index, and that whatever decodes re-encodes to
// the same bytes, into a command that does not share memory with them
// (bbolt's values are only valid inside their transaction).
func FuzzDecodeEntry(f *testing.F) {
	f.Add(uint64(1), encodeEntry(raft.Entry{Term: 1, Kind: raft.EntryNoop}))
	f.Add(uint64(2), encodeEntry(raft.Entry{Term: 1 << 40, Command: []byte("put x 1")}))
	f.Add(uint64(3), []byte{})
	f.Fuzz(func(t *testing.T, index uint64, data []byte) {
		original := bytes.Clone(data)
		entry, err := decodeEntry(raft.Index(index), data)
		if err != nil {
			if name := fmt.Sprintf("entry %d", index); !strings.Contains(err.Error(), name) {
				t.Fatalf("decodeEntry(%d, %v) error = %q, want it to name %q", index, data, err, name)
			}
			return
		}
		if entry.Index != raft.Index(index) {
			t.Fatalf("decodeEntry(%d, %v).Index = %d", index, data, entry.Index)
		}
		if again := encodeEntry(entry); !bytes.Equal(again, data) {
			t.Fatalf("encodeEntry(decodeEntry(%d, %v)) = %v, want the same bytes", index, data, again)
		}
		for i := range data {
			data[i] ^= 0xff
		}
		if again := encodeEntry(entry); !bytes.Equal(again, original) {
			t.Fatalf("decodeEntry(%d, %v) returned a command that shares memory with its input", index, original)
		}
	})
}
