package store

import (
	"fmt"

	"raftctl/raft"
)

// KV is the replicated key-value state machine (thesis §2.1): every server
// applies the same committed entries in the same order, so every server's
// KV holds the same data and gives the same results.
//
// KV is not safe for concurrent use. Its host applies entries and reads
// from one goroutine (the cluster serializes access), and a lock here
// would hide a host that does not.
type KV struct {
	// data holds the keys and values, in key order too (kv_table.go).
	data table
	// sessions holds each client's latest request and its result (thesis
	// §6.3), keyed by ClientID.
	sessions map[uint64]*session
	// activity orders the sessions by their latest command, for expiry
	// (session.go).
	activity activityQueue
	// snapshotSize is the length of the last SnapshotData.
	snapshotSize int
	// Invariant: appliedIndex is the index of the last entry passed to
	// Apply without an ErrEntryOutOfOrder error (the thesis's lastApplied).
	appliedIndex raft.Index
}

// Result is what applying one entry produced, for the client that proposed
// it.
type Result struct {
	// Value: for put the new value, for get the current value, for del
	// the deleted value.
	Value string
	// Found: for get and del, whether the key existed; always true for put.
	Found bool
	// Index is the log index where the command executed. For a duplicate
	// that is the index of the first copy, not of the retry.
	Index raft.Index
	// Duplicate reports that the command was a retry of the client's
	// latest request and was answered from its session, not executed.
	Duplicate bool
}

// NewKV returns an empty state machine that has applied nothing.
func NewKV() *KV {
	return &KV{sessions: make(map[uint64]*session)}
}

// Apply applies the committed entry. Entries must arrive in log order:
// entry.Index must be AppliedIndex()+1, or Apply returns an error wrapping
// ErrEntryOutOfOrder and changes nothing.
//
// Every other entry advances the applied index, even when Apply returns an
// error: the log is what it is, and every replica skips an entry it cannot
// use in the same way. A no-op entry (thesis §6.4) does nothing else.
func (kv *KV) Apply(entry raft.Entry) (Result, error) {
	return kv.apply(entry, DecodeCommand)
}

// ApplyDecoded is Apply for a host that has decoded the entry's command
// already, with DecodeCommand on the same bytes (command and err are what
// it returned): replicas in one process share the decoded strings instead
// of holding one copy each of every key and value.
func (kv *KV) ApplyDecoded(entry raft.Entry, command Command, err error) (Result, error) {
	return kv.apply(entry, func([]byte) (Command, error) { return command, err })
}

func (kv *KV) apply(entry raft.Entry, decode func([]byte) (Command, error)) (Result, error) {
	if want := kv.appliedIndex + 1; entry.Index != want {
		return Result{}, fmt.Errorf("%w: got index %d, want %d (applied index is %d)",
			ErrEntryOutOfOrder, entry.Index, want, kv.appliedIndex)
	}
	kv.appliedIndex = entry.Index
	kv.expireSessions(entry.Index)
	switch entry.Kind {
	case raft.EntryNoop, raft.EntryConfiguration:
		// A configuration entry changes the cluster, not the data (thesis
		// §4.1): the core acts on it when it is appended.
		return Result{Index: entry.Index}, nil
	case raft.EntryCommand:
		command, err := decode(entry.Command)
		if err != nil {
			return Result{Index: entry.Index}, fmt.Errorf("entry %d: %w", entry.Index, err)
		}
		return kv.applyCommand(entry.Index, command)
	default:
		return Result{Index: entry.Index}, fmt.Errorf("%w: entry %d has kind %d (want command or no-op)",
			ErrUnknownEntryKind, entry.Index, entry.Kind)
	}
}

// execute runs a command against the data, with no regard for sessions.
func (kv *KV) execute(index raft.Index, command Command) Result {
	switch command.Op {
	case OpPut:
		kv.data.put(command.Key, command.Value)
		return Result{Value: command.Value, Found: true, Index: index}
	case OpDelete:
		value, found := kv.data.remove(command.Key)
		return Result{Value: value, Found: found, Index: index}
	default: // OpGet: DecodeCommand admits no other operation.
		value, found := kv.Get(command.Key)
		return Result{Value: value, Found: found, Index: index}
	}
}

// Get returns the value of key as of the last applied entry. It reads this
// replica only: a linearizable read goes through the log or a read index
// (thesis §6.4).
func (kv *KV) Get(key string) (string, bool) {
	entry, found := kv.data.get(key)
	if !found {
		return "", false
	}
	return string(kv.data.value(entry)), true
}

// AppliedIndex returns the index of the last entry applied (the thesis's
// lastApplied), 0 before the first.
func (kv *KV) AppliedIndex() raft.Index { return kv.appliedIndex }

// Len returns the number of keys.
func (kv *KV) Len() int { return kv.data.count }

// Keys returns the keys in sorted order, so that output built from them is
// the same on every replica and in every run.
func (kv *KV) Keys() []string {
	kv.data.order.merge(&kv.data)
	keys := make([]string, len(kv.data.order.sorted))
	for i, entry := range kv.data.order.sorted {
		keys[i] = string(kv.data.key(entry))
	}
	return keys
}

// Snapshot returns a copy of the data. Sessions are not included.
func (kv *KV) Snapshot() map[string]string {
	data := make(map[string]string, kv.data.count)
	for entry := range kv.data.entries {
		if kv.data.entries[entry].offset != deletedEntry {
			data[string(kv.data.key(uint32(entry)))] = string(kv.data.value(uint32(entry)))
		}
	}
	return data
}
