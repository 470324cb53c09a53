package wire

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"raftctl/raft"
)

// TestMessageRoundTrip: every field of every message type survives
// encode then decode, for many seeded random messages.
func TestMessageRoundTrip(t *testing.T) {
	rng := newRand(1)
	for range 3000 {
		m := randomMessage(rng)
		data := EncodeMessage(m)
		if len(data) != encodedSize(m) {
			t.Fatalf("encodedSize %d, encoding has %d bytes", encodedSize(m), len(data))
		}
		got, err := DecodeMessage(data)
		if err != nil {
			t.Fatalf("decode %+v: %v", m, err)
		}
		requireEqual(t, got, normalize(m))
	}
}

// TestGeneratorCoversEveryField proves the round trip above means
// something: the generator sets every message type, every field of Message
// and Entry, and both entry kinds.
func TestGeneratorCoversEveryField(t *testing.T) {
	rng := newRand(1)
	types := map[raft.MessageType]bool{}
	kinds := map[raft.EntryKind]bool{}
	messageFields := map[string]bool{}
	entryFields := map[string]bool{}
	for range 3000 {
		m := randomMessage(rng)
		types[m.Type] = true
		noteNonZeroFields(reflect.ValueOf(m), messageFields)
		for _, entry := range m.Entries {
			kinds[entry.Kind] = true
			noteNonZeroFields(reflect.ValueOf(entry), entryFields)
		}
	}
	for messageType := raft.MsgRequestVote; messageType <= raft.MsgTimeoutNow; messageType++ {
		if !types[messageType] {
			t.Errorf("no %v generated", messageType)
		}
	}
	if !kinds[raft.EntryCommand] || !kinds[raft.EntryNoop] {
		t.Errorf("entry kinds generated: %v, want both", kinds)
	}
	requireAllFields(t, reflect.TypeFor[raft.Message](), messageFields)
	requireAllFields(t, reflect.TypeFor[raft.Entry](), entryFields)
}

func noteNonZeroFields(value reflect.Value, seen map[string]bool) {
	for i := range value.NumField() {
		if !value.Field(i).IsZero() {
			seen[value.Type().Field(i).Name] = true
		}
	}
}

func requireAllFields(t *testing.T, structType reflect.Type, seen map[string]bool) {
	t.Helper()
	for i := range structType.NumField() {
		if name := structType.Field(i).Name; !seen[name] {
			t.Errorf("%s.%s is never set by the generator", structType.Name(), name)
		}
	}
}

func TestAppendMessageKeepsPrefix(t *testing.T) {
	m := typicalAppendEntries()
	data := AppendMessage([]byte("prefix"), m)
	if !bytes.HasPrefix(data, []byte("prefix")) || !bytes.Equal(data[6:], EncodeMessage(m)) {
		t.Fatalf("AppendMessage did not append the encoding after the prefix")
	}
}

// TestDecodedMessageOwnsItsMemory: commands are copied out of the input,
// and appending to one command cannot overwrite the next.
func TestDecodedMessageOwnsItsMemory(t *testing.T) {
	data := EncodeMessage(typicalAppendEntries())
	m, err := DecodeMessage(data)
	if err != nil {
		t.Fatal(err)
	}
	for i := range data {
		data[i] = 0xff
	}
	_ = append(m.Entries[0].Command, "overwrite?"...)
	requireEqual(t, m, typicalAppendEntries())
}

func TestHeartbeatIsSmall(t *testing.T) {
	heartbeat := raft.Message{Type: raft.MsgAppendEntries, From: 1, To: 2, Term: 3, LeaderCommit: 17}
	if size := len(EncodeMessage(heartbeat)); size != 18 {
		t.Fatalf("heartbeat encodes to %d bytes, want 18", size)
	}
}

// TestEveryTruncationIsMalformed: each proper prefix of a valid encoding is
// an error, never a panic and never a message.
func TestEveryTruncationIsMalformed(t *testing.T) {
	rng := newRand(2)
	for range 100 {
		data := EncodeMessage(randomMessage(rng))
		for cut := range len(data) {
			if _, err := DecodeMessage(data[:cut]); !errors.Is(err, ErrMalformed) {
				t.Fatalf("prefix of %d of %d bytes: error %v, want ErrMalformed", cut, len(data), err)
			}
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	entry := func(kind byte, command ...byte) []byte {
		return append(append([]byte{5, 2, kind}, appendUvarint(nil, uint64(len(command)))...), command...)
	}
	overflow := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}
	for _, test := range []struct {
		name     string
		data     []byte
		sentinel error
		field    string
	}{
		{"empty input", nil, ErrMalformed, "Version"},
		{"version 0", encodeFields(0, 5, 0, zeroFields(0)), ErrVersion, "Version"},
		{"version 2", encodeFields(2, 5, 0, zeroFields(0)), ErrVersion, "Version"},
		{"message type 0", encodeFields(1, 0, 0, zeroFields(0)), ErrMalformed, "Type"},
		{"message type 10", encodeFields(1, 10, 0, zeroFields(0)), ErrMalformed, "Type"},
		{"reserved flag bit", encodeFields(1, 5, 0x20, zeroFields(0)), ErrMalformed, "Flags"},
		{"From does not fit NodeID", encodeFields(1, 5, 0, []uint64{256}), ErrMalformed, "From"},
		{"To with a redundant varint byte", append(encodeFields(1, 5, 0, []uint64{1}), 0x82, 0x00), ErrMalformed, "To"},
		{"Term overflows 64 bits", append(encodeFields(1, 5, 0, []uint64{1, 2}), overflow...), ErrMalformed, "Term"},
		{"LogLength truncated", append(encodeFields(1, 5, 0, zeroFields(0)[:11]), 0x80), ErrMalformed, "LogLength"},
		{"trailing byte", encodeFields(1, 5, 0, zeroFields(0), 0), ErrMalformed, "end"},
		{"count larger than the bytes left", encodeFields(1, 5, 0, zeroFields(3), entry(0)...), ErrMalformed, "Entries"},
		{"unknown entry kind", encodeFields(1, 5, 0, zeroFields(1), entry(2)...), ErrMalformed, "Entries[0].Kind"},
		{"command longer than the bytes left", encodeFields(1, 5, 0, zeroFields(2), append(entry(0, 'x'), 5, 2, 0, 9, 'y')...), ErrMalformed, "Entries[1].Command"},
	} {
		t.Run(test.name, func(t *testing.T) {
			_, err := DecodeMessage(test.data)
			requireFieldError(t, err, test.sentinel, test.field)
			if !strings.Contains(err.Error(), test.field) {
				t.Fatalf("error %q does not name %s", err, test.field)
			}
		})
	}
}

func TestEntryCountBound(t *testing.T) {
	m := raft.Message{Type: raft.MsgAppendEntries, Entries: make([]raft.Entry, 5)}
	data := EncodeMessage(m)
	if _, err := DecodeMessageWithLimits(data, Limits{MaxEntries: 5}); err != nil {
		t.Fatalf("5 entries under MaxEntries 5: %v", err)
	}
	_, err := DecodeMessageWithLimits(data, Limits{MaxEntries: 4})
	requireFieldError(t, err, ErrTooLarge, "Entries")

	m.Entries = make([]raft.Entry, DefaultMaxEntries+1)
	_, err = DecodeMessage(EncodeMessage(m))
	requireFieldError(t, err, ErrTooLarge, "Entries")
}

func TestCommandLengthBound(t *testing.T) {
	m := raft.Message{Type: raft.MsgAppendEntries, Entries: []raft.Entry{{}, {Command: make([]byte, 101)}}}
	data := EncodeMessage(m)
	if _, err := DecodeMessageWithLimits(data, Limits{MaxCommandBytes: 101}); err != nil {
		t.Fatalf("101-byte command under MaxCommandBytes 101: %v", err)
	}
	_, err := DecodeMessageWithLimits(data, Limits{MaxCommandBytes: 100})
	requireFieldError(t, err, ErrTooLarge, "Entries[1].Command")
}

func TestMessageSizeBound(t *testing.T) {
	data := EncodeMessage(typicalAppendEntries())
	if _, err := DecodeMessageWithLimits(data, Limits{MaxMessageBytes: len(data)}); err != nil {
		t.Fatalf("message of exactly MaxMessageBytes: %v", err)
	}
	_, err := DecodeMessageWithLimits(data, Limits{MaxMessageBytes: len(data) - 1})
	requireFieldError(t, err, ErrTooLarge, "message")
}

// TestHugeClaimsDoNotAllocate: a length prefix claiming 2^60 entries, or a
// count within the limits that the bytes cannot hold, or a 2^40-byte
// command, fails before anything of that size is allocated.
func TestHugeClaimsDoNotAllocate(t *testing.T) {
	noLimits := Limits{MaxEntries: math.MaxInt, MaxCommandBytes: math.MaxInt}
	for _, test := range []struct {
		name     string
		data     []byte
		limits   Limits
		sentinel error
		field    string
	}{
		{"2^60 entries", encodeFields(1, 5, 0, zeroFields(1<<60)), Limits{}, ErrTooLarge, "Entries"},
		{"2^60 entries without a limit", encodeFields(1, 5, 0, zeroFields(1<<60)), noLimits, ErrMalformed, "Entries"},
		{"4096 entries in 4 bytes", encodeFields(1, 5, 0, zeroFields(4096), 0, 0, 0, 0), Limits{}, ErrMalformed, "Entries"},
		{"2^40-byte command", encodeFields(1, 5, 0, zeroFields(1), append([]byte{1, 1, 0}, appendUvarint(nil, 1<<40)...)...), Limits{}, ErrTooLarge, "Entries[0].Command"},
		{"2^40-byte command without a limit", encodeFields(1, 5, 0, zeroFields(1), append([]byte{1, 1, 0}, appendUvarint(nil, 1<<40)...)...), noLimits, ErrMalformed, "Entries[0].Command"},
	} {
		t.Run(test.name, func(t *testing.T) {
			_, err := DecodeMessageWithLimits(test.data, test.limits)
			requireFieldError(t, err, test.sentinel, test.field)
			allocated := bytesAllocated(func() { DecodeMessageWithLimits(test.data, test.limits) })
			if allocated > 4<<10 {
				t.Fatalf("a rejected claim allocated %d bytes", allocated)
			}
		})
	}
}

// bytesAllocated is the average heap allocation of f over a few runs.
func bytesAllocated(f func()) uint64 {
	const runs = 20
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		f()
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / runs
}
