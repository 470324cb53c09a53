package wire

import (
	"encoding/binary"
	"fmt"
	"math/bits"

	"raftctl/raft"
)

// Version is the message format this package writes and the only one it
// reads. Change it, and the layout in the package doc, whenever the layout
// changes.
const Version = 1

// Bits of the Flags byte.
const (
	flagVoteGranted = 1 << iota
	flagSuccess
	flagHintGiven
	// flagSnapshot is bit 3 (snapshot.go).
	flagMayDisrupt = 1 << 4

	knownFlags = flagVoteGranted | flagSuccess | flagHintGiven | flagSnapshot | flagMayDisrupt
)

// minEntryBytes is the smallest encoded entry: Index, Term, Kind and a zero
// Length take one byte each. A count of entries that could not fit in the
// bytes left is a lie, caught before the entries are allocated.
const minEntryBytes = 4

// maxNodeID is the largest value raft.NodeID holds; it follows the type if
// the type ever widens.
const maxNodeID = uint64(^raft.NodeID(0))

// EncodeMessage returns the encoding of m (layout in the package doc).
func EncodeMessage(m raft.Message) []byte {
	return AppendMessage(make([]byte, 0, encodedSize(m)), m)
}

// AppendMessage appends the encoding of m to buffer and returns the extended
// buffer, so a sender can reuse one buffer for every message.
//
// It does not validate m: a message with an unknown type or entry kind, or
// beyond the receiver's Limits, is encoded as it is and rejected by the
// receiver's decoder.
func AppendMessage(buffer []byte, m raft.Message) []byte {
	var flags byte
	if m.VoteGranted {
		flags |= flagVoteGranted
	}
	if m.Success {
		flags |= flagSuccess
	}
	if m.HintGiven {
		flags |= flagHintGiven
	}
	if m.MayDisrupt {
		flags |= flagMayDisrupt
	}
	if m.Snapshot != nil {
		flags |= flagSnapshot
	}
	buffer = append(buffer, Version, byte(m.Type), flags)
	for _, value := range [...]uint64{
		uint64(m.From), uint64(m.To),
		uint64(m.Term),
		uint64(m.LastLogIndex), uint64(m.LastLogTerm),
		uint64(m.PrevLogIndex), uint64(m.PrevLogTerm),
		uint64(m.LeaderCommit),
		uint64(m.MatchIndex),
		uint64(m.ConflictTerm), uint64(m.ConflictIndex), uint64(m.LogLength),
		m.ReadRound, uint64(m.RequestTerm),
		uint64(len(m.Entries)),
	} {
		buffer = binary.AppendUvarint(buffer, value)
	}
	for _, entry := range m.Entries {
		buffer = binary.AppendUvarint(buffer, uint64(entry.Index))
		buffer = binary.AppendUvarint(buffer, uint64(entry.Term))
		buffer = append(buffer, byte(entry.Kind))
		buffer = binary.AppendUvarint(buffer, uint64(len(entry.Command)))
		buffer = append(buffer, entry.Command...)
	}
	return appendSnapshot(buffer, m.Snapshot)
}

// encodedSize is len(EncodeMessage(m)), computed without encoding.
func encodedSize(m raft.Message) int {
	size := 3 + uvarintSize(uint64(m.From)) + uvarintSize(uint64(m.To)) +
		uvarintSize(uint64(m.Term)) +
		uvarintSize(uint64(m.LastLogIndex)) + uvarintSize(uint64(m.LastLogTerm)) +
		uvarintSize(uint64(m.PrevLogIndex)) + uvarintSize(uint64(m.PrevLogTerm)) +
		uvarintSize(uint64(m.LeaderCommit)) +
		uvarintSize(uint64(m.MatchIndex)) +
		uvarintSize(uint64(m.ConflictTerm)) + uvarintSize(uint64(m.ConflictIndex)) +
		uvarintSize(uint64(m.LogLength)) + uvarintSize(m.ReadRound) +
		uvarintSize(uint64(m.RequestTerm)) + uvarintSize(uint64(len(m.Entries)))
	for _, entry := range m.Entries {
		size += uvarintSize(uint64(entry.Index)) + uvarintSize(uint64(entry.Term)) + 1 +
			uvarintSize(uint64(len(entry.Command))) + len(entry.Command)
	}
	return size + snapshotSize(m.Snapshot)
}

// uvarintSize is the number of bytes binary.AppendUvarint writes for value:
// seven bits per byte, and at least one byte.
func uvarintSize(value uint64) int {
	return (bits.Len64(value|1) + 6) / 7
}

// DecodeMessage decodes one message under the default Limits. See
// DecodeMessageWithLimits.
func DecodeMessage(data []byte) (raft.Message, error) {
	return DecodeMessageWithLimits(data, Limits{})
}

// DecodeMessageWithLimits decodes data, which must hold exactly one message,
// and checks every length and count against limits before allocating for
// it. Errors are a *FieldError wrapping ErrMalformed, ErrTooLarge or
// ErrVersion. The message does not share memory with data.
func DecodeMessageWithLimits(data []byte, limits Limits) (raft.Message, error) {
	limits = limits.orDefaults()
	if len(data) > limits.MaxMessageBytes {
		return raft.Message{}, &FieldError{Field: "message", Err: ErrTooLarge,
			Reason: fmt.Sprintf("%d bytes, limit MaxMessageBytes is %d", len(data), limits.MaxMessageBytes)}
	}
	d := decoder{data: data, entry: -1}

	if version := d.byte("Version"); d.err == nil && version != Version {
		d.fail(ErrVersion, "got version %d, this build reads version %d", version, Version)
	}
	m := raft.Message{Type: raft.MessageType(d.byte("Type"))}
	if d.err == nil && !knownMessageType(m.Type) {
		d.fail(ErrMalformed, "unknown message type %d (known: %d..%d)",
			uint8(m.Type), uint8(raft.MsgRequestVote), uint8(raft.MsgTimeoutNow))
	}
	flags := d.byte("Flags")
	if d.err == nil && flags&^knownFlags != 0 {
		d.fail(ErrMalformed, "reserved bits set in %#08b (known bits: %#08b)", flags, knownFlags)
	}
	m.VoteGranted = flags&flagVoteGranted != 0
	m.Success = flags&flagSuccess != 0
	m.HintGiven = flags&flagHintGiven != 0
	m.MayDisrupt = flags&flagMayDisrupt != 0

	m.From = d.nodeID("From")
	m.To = d.nodeID("To")
	m.Term = raft.Term(d.uvarint("Term"))
	m.LastLogIndex = raft.Index(d.uvarint("LastLogIndex"))
	m.LastLogTerm = raft.Term(d.uvarint("LastLogTerm"))
	m.PrevLogIndex = raft.Index(d.uvarint("PrevLogIndex"))
	m.PrevLogTerm = raft.Term(d.uvarint("PrevLogTerm"))
	m.LeaderCommit = raft.Index(d.uvarint("LeaderCommit"))
	m.MatchIndex = raft.Index(d.uvarint("MatchIndex"))
	m.ConflictTerm = raft.Term(d.uvarint("ConflictTerm"))
	m.ConflictIndex = raft.Index(d.uvarint("ConflictIndex"))
	m.LogLength = raft.Index(d.uvarint("LogLength"))
	m.ReadRound = d.uvarint("ReadRound")
	m.RequestTerm = raft.Term(d.uvarint("RequestTerm"))
	m.Entries = d.entries(limits)
	if flags&flagSnapshot != 0 {
		m.Snapshot = d.snapshot()
	}
	if d.begin("end") && d.offset != len(data) {
		d.fail(ErrMalformed, "%d trailing bytes after the last entry", len(data)-d.offset)
	}
	if d.err != nil {
		return raft.Message{}, d.err
	}
	return m, nil
}

// knownMessageType reports whether t is one of the raft.Msg constants.
func knownMessageType(t raft.MessageType) bool {
	return t >= raft.MsgRequestVote && t <= raft.MsgTimeoutNow
}

// knownEntryKind reports whether kind is one of the raft.Entry constants.
func knownEntryKind(kind raft.EntryKind) bool {
	return kind == raft.EntryCommand || kind == raft.EntryNoop || kind == raft.EntryConfiguration
}

// decoder reads fields from data in order. The first error sticks: later
// reads return zero values, so the decoding reads as a list of fields with
// one error check at the end.
type decoder struct {
	data   []byte
	offset int
	// field and start name the field being read, for errors.
	field string
	start int
	// entry is the index of the entry being read, or -1 outside Entries.
	entry int
	err   error
}

// fail records the first error, naming the field being read.
func (d *decoder) fail(err error, format string, args ...any) {
	if d.err != nil {
		return
	}
	field := d.field
	if d.entry >= 0 {
		field = fmt.Sprintf("Entries[%d].%s", d.entry, field)
	}
	d.err = &FieldError{Field: field, Offset: d.start, Err: err, Reason: fmt.Sprintf(format, args...)}
}

// begin starts reading field and reports whether decoding may go on.
func (d *decoder) begin(field string) bool {
	if d.err != nil {
		return false
	}
	d.field, d.start = field, d.offset
	return true
}

func (d *decoder) remaining() int { return len(d.data) - d.offset }

func (d *decoder) byte(field string) byte {
	if !d.begin(field) {
		return 0
	}
	if d.remaining() < 1 {
		d.fail(ErrMalformed, "truncated: need 1 byte, have 0")
		return 0
	}
	b := d.data[d.offset]
	d.offset++
	return b
}

func (d *decoder) uvarint(field string) uint64 {
	if !d.begin(field) {
		return 0
	}
	value, n := binary.Uvarint(d.data[d.offset:])
	switch {
	case n == 0:
		d.fail(ErrMalformed, "truncated varint")
		return 0
	case n < 0:
		d.fail(ErrMalformed, "varint overflows 64 bits")
		return 0
	case n > 1 && d.data[d.offset+n-1] == 0:
		// A last byte of zero adds nothing: the shorter form is the
		// only one accepted, which keeps the encoding canonical.
		d.fail(ErrMalformed, "varint of %d bytes has a redundant trailing zero byte", n)
		return 0
	}
	d.offset += n
	return value
}

func (d *decoder) nodeID(field string) raft.NodeID {
	value := d.uvarint(field)
	if d.err == nil && value > maxNodeID {
		d.fail(ErrMalformed, "%d does not fit raft.NodeID (at most %d)", value, maxNodeID)
		return 0
	}
	return raft.NodeID(value)
}

// entries reads the entry count and the entries. The count is checked
// against MaxEntries and against the bytes left before the slice is made,
// and each command length before the command is read; the commands are then
// copied into one buffer, so the message does not keep data alive.
func (d *decoder) entries(limits Limits) []raft.Entry {
	count := d.uvarint("Entries")
	if d.err != nil || count == 0 {
		return nil
	}
	if count > uint64(limits.MaxEntries) {
		d.fail(ErrTooLarge, "%d entries, limit MaxEntries is %d", count, limits.MaxEntries)
		return nil
	}
	if count > uint64(d.remaining()/minEntryBytes) {
		d.fail(ErrMalformed, "truncated: %d entries need at least %d bytes, have %d",
			count, count*minEntryBytes, d.remaining())
		return nil
	}
	entries := make([]raft.Entry, count)
	commandBytes := 0
	for i := range entries {
		d.entry = i
		entry := &entries[i]
		entry.Index = raft.Index(d.uvarint("Index"))
		entry.Term = raft.Term(d.uvarint("Term"))
		entry.Kind = raft.EntryKind(d.byte("Kind"))
		if d.err == nil && !knownEntryKind(entry.Kind) {
			d.fail(ErrMalformed, "unknown entry kind %d (known: %d command, %d no-op, %d configuration)",
				uint8(entry.Kind), uint8(raft.EntryCommand), uint8(raft.EntryNoop), uint8(raft.EntryConfiguration))
		}
		entry.Command = d.command(limits)
		commandBytes += len(entry.Command)
	}
	d.entry = -1
	if d.err != nil {
		return nil
	}
	// Copy the commands, which still alias data, into one buffer. Each
	// command's capacity ends where it does, so appending to one cannot
	// overwrite the next.
	buffer := make([]byte, 0, commandBytes)
	for i := range entries {
		if command := entries[i].Command; len(command) > 0 {
			start := len(buffer)
			buffer = append(buffer, command...)
			entries[i].Command = buffer[start:len(buffer):len(buffer)]
		}
	}
	return entries
}

// command reads a command's length and returns its bytes, still aliasing
// data; nil for length zero.
func (d *decoder) command(limits Limits) []byte {
	length := d.uvarint("Command")
	if d.err != nil || length == 0 {
		return nil
	}
	if length > uint64(limits.MaxCommandBytes) {
		d.fail(ErrTooLarge, "%d bytes, limit MaxCommandBytes is %d", length, limits.MaxCommandBytes)
		return nil
	}
	if length > uint64(d.remaining()) {
		d.fail(ErrMalformed, "truncated: need %d bytes, have %d", length, d.remaining())
		return nil
	}
	command := d.data[d.offset : d.offset+int(length)]
	d.offset += int(length)
	return command
}
