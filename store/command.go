package store

import "fmt"

// Op is what a client command does to the key-value state machine.
type Op uint8

// The zero Op is not an operation, so a zeroed command never decodes.
const (
	OpPut Op = iota + 1
	OpGet
	OpDelete
)

var opNames = [...]string{OpPut: "put", OpGet: "get", OpDelete: "del"}

func (op Op) String() string {
	if op.valid() {
		return opNames[op]
	}
	return fmt.Sprintf("op(%d)", uint8(op))
}

func (op Op) valid() bool { return op >= OpPut && op <= OpDelete }

// Bounds on a command. They keep one entry small enough to replicate in
// one message and stop a corrupt length from allocating gigabytes.
const (
	MaxKeyLength   = 1 << 10  // bytes
	MaxValueLength = 64 << 10 // bytes
)

// Command is a client request carried by an EntryCommand entry.
//
// ClientID and Sequence form the client session of thesis §6.3: a client
// numbers its requests, so the state machine can tell a retry from a new
// request. ClientID 0 means no session: the command always executes.
type Command struct {
	Op       Op
	Key      string
	Value    string
	ClientID uint64
	Sequence uint64
}

// Validate reports whether command fits the bounds that DecodeCommand enforces.
// A host checks a command before it proposes it, rather than committing an
// entry that every replica will then reject.
func (command Command) Validate() error {
	if !command.Op.valid() {
		return fmt.Errorf("%w: unknown operation %d (want put, get or del)", ErrInvalidCommand, uint8(command.Op))
	}
	if len(command.Key) > MaxKeyLength {
		return fmt.Errorf("%w: key is %d bytes, want at most %d", ErrInvalidCommand, len(command.Key), MaxKeyLength)
	}
	if len(command.Value) > MaxValueLength {
		return fmt.Errorf("%w: value is %d bytes, want at most %d", ErrInvalidCommand, len(command.Value), MaxValueLength)
	}
	return nil
}
