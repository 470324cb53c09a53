package store

import (
	"encoding/binary"
	"fmt"
)

// The encoding of a Command, in order:
//
//	op        1 byte
//	ClientID  uvarint
//	Sequence  uvarint
//	key       uvarint length, then the bytes
//	value     uvarint length, then the bytes
//
// It is compact because every byte is replicated to every server and
// written to every log. Decoding is strict: varints must be minimal and
// nothing may follow the value, so each command has exactly one encoding
// and a replica that decodes an entry re-encodes the same bytes.

// EncodeCommand returns the binary encoding of command. It does not check its
// bounds: call Validate first, or DecodeCommand will reject the bytes.
func EncodeCommand(command Command) []byte {
	size := 1 + 4*binary.MaxVarintLen64 + len(command.Key) + len(command.Value)
	data := make([]byte, 0, size)
	data = append(data, byte(command.Op))
	data = binary.AppendUvarint(data, command.ClientID)
	data = binary.AppendUvarint(data, command.Sequence)
	data = binary.AppendUvarint(data, uint64(len(command.Key)))
	data = append(data, command.Key...)
	data = binary.AppendUvarint(data, uint64(len(command.Value)))
	data = append(data, command.Value...)
	return data
}

// DecodeCommand parses the encoding of a command. It returns an error
// wrapping ErrInvalidCommand, and never panics, on any malformed input:
// a log may hold any bytes.
func DecodeCommand(data []byte) (Command, error) {
	reader := commandReader{data: data}
	var command Command
	if len(reader.data) == 0 {
		return Command{}, fmt.Errorf("%w: empty (want at least an operation byte)", ErrInvalidCommand)
	}
	command.Op = Op(reader.data[0])
	reader.data = reader.data[1:]
	if !command.Op.valid() {
		return Command{}, fmt.Errorf("%w: unknown operation %d (want put, get or del)", ErrInvalidCommand, uint8(command.Op))
	}
	command.ClientID = reader.uvarint("client id")
	command.Sequence = reader.uvarint("sequence")
	command.Key = reader.text("key", MaxKeyLength)
	command.Value = reader.text("value", MaxValueLength)
	if reader.err == nil && len(reader.data) > 0 {
		reader.err = fmt.Errorf("%w: %d trailing bytes after the value", ErrInvalidCommand, len(reader.data))
	}
	if reader.err != nil {
		return Command{}, reader.err
	}
	return command, nil
}

// commandReader reads fields from the front of data and remembers the first
// error, so DecodeCommand reads as a list of fields.
type commandReader struct {
	data []byte
	err  error
}

// uvarint reads a minimally encoded unsigned varint.
func (reader *commandReader) uvarint(field string) uint64 {
	return reader.uvarintOf(field, "")
}

// uvarintOf is uvarint for a field named by two words, joined only when
// an error needs the name: every command decodes two lengths.
func (reader *commandReader) uvarintOf(field, detail string) uint64 {
	if reader.err != nil {
		return 0
	}
	value, length := binary.Uvarint(reader.data)
	switch {
	case length == 0:
		reader.err = fmt.Errorf("%w: %s%s is cut short", ErrInvalidCommand, field, detail)
		return 0
	case length < 0:
		reader.err = fmt.Errorf("%w: %s%s overflows 64 bits", ErrInvalidCommand, field, detail)
		return 0
	case length != uvarintLength(value):
		reader.err = fmt.Errorf("%w: %s%s is not minimally encoded", ErrInvalidCommand, field, detail)
		return 0
	}
	reader.data = reader.data[length:]
	return value
}

// text reads a length-prefixed string of at most limit bytes.
func (reader *commandReader) text(field string, limit int) string {
	length := reader.uvarintOf(field, " length")
	if reader.err != nil {
		return ""
	}
	if length > uint64(limit) {
		reader.err = fmt.Errorf("%w: %s is %d bytes, want at most %d", ErrInvalidCommand, field, length, limit)
		return ""
	}
	if length > uint64(len(reader.data)) {
		reader.err = fmt.Errorf("%w: %s is %d bytes, but only %d remain", ErrInvalidCommand, field, length, len(reader.data))
		return ""
	}
	text := string(reader.data[:length])
	reader.data = reader.data[length:]
	return text
}

// uvarintLength is how many bytes binary.AppendUvarint writes for value.
func uvarintLength(value uint64) int {
	length := 1
	for value >= 0x80 {
		value >>= 7
		length++
	}
	return length
}
