package raft

// Storage is what the core reads from durable storage (thesis §3.8): only
// that, because it is all the core calls.
//
// The core reads it once, when a node is built (at first start and after
// every restart). After that the core never calls it: it hands the host a
// Ready batch, and the host writes the batch's snapshot, hard state and
// entries with its own storage's writes (store.Storage in this project)
// before it sends the batch's messages. That order is the persistence rule
// of thesis §3.8:
//
// > each server persists its current term and vote ... Each server also
// > persists new log entries before they are counted towards the entries'
// > commitment.
type Storage interface {
	// InitialState returns the persisted hard state and the log after the
	// snapshot, in index order starting at the snapshot's last included
	// index + 1 (index 1 without a snapshot). A new store returns zero
	// values.
	InitialState() (HardState, []Entry, error)
	// Snapshot returns the latest persisted snapshot (thesis §5.1), or an
	// empty one (LastIncludedIndex 0) when the log was never compacted.
	Snapshot() (Snapshot, error)
}
