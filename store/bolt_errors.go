package store

import "errors"

// Sentinel errors of the durable store. Like the others in this package,
// the errors OpenBolt returns wrap one of them with %w and add the file, what
// was found and what to do, so a host tests with errors.Is and a user reads
// the details.
var (
	// ErrInUse: another process (or another Bolt in this process) holds the
	// store's file lock. Two writers on one bbolt file would corrupt it, so
	// bbolt locks the file and OpenBolt gives up after BoltOptions.LockTimeout.
	ErrInUse = errors.New("store: in use")
	// ErrNotAStore: the file exists but is not a raftctl store: not a bbolt
	// file at all, or a bbolt file without the raftctl format marker. OpenBolt
	// leaves such a file unchanged.
	ErrNotAStore = errors.New("store: not a raftctl store")
	// ErrCorrupt: the file is a raftctl store, but something in it cannot be
	// read back: a damaged page, a truncated file, or an entry or hard state
	// that does not decode. OpenBolt leaves such a file unchanged.
	ErrCorrupt = errors.New("store: corrupt store")
)
