package wire

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"raftctl/raft"
)

// testKey is a cluster key for tests: 32 bytes, like a real one.
var testKey = []byte("raftctl test key, never use me!!")

// newRand returns the seeded source every randomized test draws from.
func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x5eed))
}

// randomValue favours the values that stress a varint: zero, one byte, a
// few bytes, any 64-bit value, and the very top of the range.
func randomValue(rng *rand.Rand) uint64 {
	switch rng.IntN(5) {
	case 0:
		return 0
	case 1:
		return rng.Uint64N(128)
	case 2:
		return rng.Uint64N(1 << 21)
	case 3:
		return rng.Uint64()
	default:
		return math.MaxUint64 - rng.Uint64N(3)
	}
}

// randomMessage sets every field of raft.Message, whatever the type, so
// that round trips cover every field for every type.
func randomMessage(rng *rand.Rand) raft.Message {
	m := raft.Message{
		Type:          raft.MessageType(1 + rng.IntN(int(raft.MsgTimeoutNow))),
		From:          raft.NodeID(rng.IntN(256)),
		To:            raft.NodeID(rng.IntN(256)),
		Term:          raft.Term(randomValue(rng)),
		LastLogIndex:  raft.Index(randomValue(rng)),
		LastLogTerm:   raft.Term(randomValue(rng)),
		PrevLogIndex:  raft.Index(randomValue(rng)),
		PrevLogTerm:   raft.Term(randomValue(rng)),
		LeaderCommit:  raft.Index(randomValue(rng)),
		VoteGranted:   rng.IntN(2) == 0,
		Success:       rng.IntN(2) == 0,
		MayDisrupt:    rng.IntN(2) == 0,
		MatchIndex:    raft.Index(randomValue(rng)),
		ConflictTerm:  raft.Term(randomValue(rng)),
		ConflictIndex: raft.Index(randomValue(rng)),
		LogLength:     raft.Index(randomValue(rng)),
		ReadRound:     randomValue(rng),
		RequestTerm:   raft.Term(randomValue(rng)),
		HintGiven:     rng.IntN(2) == 0,
	}
	if rng.IntN(3) == 0 {
		m.Snapshot = &raft.Snapshot{
			LastIncludedIndex: raft.Index(randomValue(rng)),
			LastIncludedTerm:  raft.Term(randomValue(rng)),
			Configuration:     []raft.NodeID{1, raft.NodeID(rng.IntN(256))},
			Data:              randomCommand(rng),
		}
	}
	switch rng.IntN(4) {
	case 0: // nil Entries
	case 1:
		m.Entries = []raft.Entry{}
	default:
		m.Entries = make([]raft.Entry, 1+rng.IntN(8))
	}
	for i := range m.Entries {
		m.Entries[i] = raft.Entry{
			Index:   raft.Index(randomValue(rng)),
			Term:    raft.Term(randomValue(rng)),
			Kind:    []raft.EntryKind{raft.EntryCommand, raft.EntryNoop, raft.EntryConfiguration}[rng.IntN(3)],
			Command: randomCommand(rng),
		}
	}
	return m
}

func randomCommand(rng *rand.Rand) []byte {
	switch rng.IntN(5) {
	case 0:
		return nil
	case 1:
		return []byte{}
	case 2:
		// Long enough for a two-byte length.
		command := make([]byte, 128+rng.IntN(300))
		for i := range command {
			command[i] = byte(rng.Uint32())
		}
		return command
	default:
		return fmt.Appendf(nil, "put key%d %d", rng.IntN(1000), rng.Uint64())
	}
}

// normalize turns empty slices into nil: the wire does not tell them apart.
func normalize(m raft.Message) raft.Message {
	if m.Snapshot != nil && len(m.Snapshot.Data) == 0 {
		snapshot := *m.Snapshot
		snapshot.Data = nil
		m.Snapshot = &snapshot
	}
	if len(m.Entries) == 0 {
		m.Entries = nil
		return m
	}
	m.Entries = append([]raft.Entry(nil), m.Entries...)
	for i := range m.Entries {
		if len(m.Entries[i].Command) == 0 {
			m.Entries[i].Command = nil
		}
	}
	return m
}

// typicalAppendEntries is a leader's batch of 64 small client commands.
func typicalAppendEntries() raft.Message {
	m := raft.Message{
		Type: raft.MsgAppendEntries, From: 1, To: 3, Term: 7,
		PrevLogIndex: 1000, PrevLogTerm: 7, LeaderCommit: 998,
	}
	for i := range 64 {
		m.Entries = append(m.Entries, raft.Entry{
			Index: raft.Index(1001 + i), Term: 7, Kind: raft.EntryCommand,
			Command: fmt.Appendf(nil, "put key%03d value%03d", i, i),
		})
	}
	return m
}

// encodeFields builds a message by hand: Version, Type, Flags, then one
// uvarint per value (From, To, the twelve index, term and round fields, the count),
// then raw bytes for entries.
func encodeFields(version, messageType, flags byte, values []uint64, rest ...byte) []byte {
	data := []byte{version, messageType, flags}
	for _, value := range values {
		data = appendUvarint(data, value)
	}
	return append(data, rest...)
}

func appendUvarint(data []byte, value uint64) []byte {
	for value >= 0x80 {
		data = append(data, byte(value)|0x80)
		value >>= 7
	}
	return append(data, byte(value))
}

// zeroFields are From n1, To n2, twelve zero fields and no entries.
func zeroFields(entries uint64) []uint64 {
	return []uint64{1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, entries}
}

// knownError reports whether err is one this package promises.
func knownError(err error) bool {
	for _, sentinel := range []error{ErrMalformed, ErrTooLarge, ErrVersion, ErrUnauthenticated, ErrReplay, io.EOF, io.ErrUnexpectedEOF} {
		if errors.Is(err, sentinel) {
			return true
		}
	}
	return false
}

// requireFieldError checks that err wraps sentinel and names field.
func requireFieldError(t *testing.T, err error, sentinel error, field string) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("error %v, want %v", err, sentinel)
	}
	var fieldError *FieldError
	if !errors.As(err, &fieldError) {
		t.Fatalf("error %v (%T) is not a *FieldError", err, err)
	}
	if fieldError.Field != field {
		t.Fatalf("error %v names field %q, want %q", err, fieldError.Field, field)
	}
}

// requireEqual compares field by field, so a failure names the field.
func requireEqual(t *testing.T, got, want raft.Message) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	gotValue, wantValue := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range gotValue.NumField() {
		if !reflect.DeepEqual(gotValue.Field(i).Interface(), wantValue.Field(i).Interface()) {
			t.Errorf("field %s: got %+v, want %+v", gotValue.Type().Field(i).Name,
				gotValue.Field(i).Interface(), wantValue.Field(i).Interface())
		}
	}
	t.FailNow()
}
