package wire

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error from this package matches one of them with
// errors.Is; decoding errors are a *FieldError that also names the field.
var (
	// ErrMalformed: the bytes are not a valid encoding (truncated, an
	// unknown message type or entry kind, a value that does not fit its Go
	// type, a non-canonical varint, trailing bytes).
	ErrMalformed = errors.New("malformed")
	// ErrTooLarge: a length or count is above its Limits field.
	ErrTooLarge = errors.New("too large")
	// ErrVersion: the message was written by a format version this build
	// cannot read.
	ErrVersion = errors.New("unsupported version")
	// ErrUnauthenticated: a frame's tag does not match its contents.
	ErrUnauthenticated = errors.New("wire: frame failed authentication (wrong cluster key, or the frame was altered)")
	// ErrReplay: a sequenced frame was already accepted, is older than one
	// that was, or is addressed to another node.
	ErrReplay = errors.New("replayed frame")
	// ErrShortKey: the cluster key is shorter than MinKeyBytes.
	ErrShortKey = fmt.Errorf("wire: cluster key must be at least %d bytes", MinKeyBytes)
)

// FieldError says which field of a message, envelope or frame was wrong,
// where, and why.
type FieldError struct {
	// Field is the field's name in raft.Message ("LeaderCommit"), with the
	// entry for entry fields ("Entries[3].Command"), or a part of the
	// format ("Version", "Flags", "frame length", "end").
	Field string
	// Offset is the byte offset where the field starts.
	Offset int
	// Err is ErrMalformed, ErrTooLarge, ErrVersion or ErrReplay.
	Err error
	// Reason says what was found and what was expected.
	Reason string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("wire: %s at byte %d: %v: %s", e.Field, e.Offset, e.Err, e.Reason)
}

func (e *FieldError) Unwrap() error { return e.Err }
