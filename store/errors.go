package store

import "errors"

// Sentinel errors. Errors returned by this package wrap one of them with %w
// and add the details (what was wrong, what was expected), so callers test
// with errors.Is and users read the details.
var (
	// ErrEntryIndexZero: a log starts at index 1; index 0 is the empty
	// prefix every log shares and never holds an entry.
	ErrEntryIndexZero = errors.New("store: entry index 0 (log indexes start at 1)")
	// ErrEntriesNotContiguous: entries given to Save must have consecutive
	// indexes.
	ErrEntriesNotContiguous = errors.New("store: entries are not contiguous")
	// ErrLogGap: entries given to Save must start at most one past the
	// stored log's last index, or the log would have a hole.
	ErrLogGap = errors.New("store: entries leave a gap after the last stored index")

	// ErrInvalidCommand: a command's bytes do not decode, or it breaks a
	// bound (unknown operation, key or value too long).
	ErrInvalidCommand = errors.New("store: invalid command")
	// ErrEntryOutOfOrder: KV.Apply must receive entries in index order,
	// each one past the last applied index.
	ErrEntryOutOfOrder = errors.New("store: entry applied out of order")
	// ErrStaleRequest: a client's request carries a sequence number lower
	// than the latest one the state machine has seen from that client
	// (thesis §6.3). Its result is no longer kept.
	ErrStaleRequest = errors.New("store: stale request")
	// ErrUnknownEntryKind: an entry whose kind the state machine does not
	// know.
	ErrUnknownEntryKind = errors.New("store: unknown entry kind")
)
