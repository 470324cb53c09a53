package raft

// Storage is what the core needs from durable storage (thesis §3.8).
//
// The core reads it once, when a node is built (at first start and after
// every restart). After that the core never calls it: it hands the host a
// Ready batch, and the host writes the batch's HardState and Entries with
// Save before it sends the batch's messages. That order is the persistence
// rule of thesis §3.8:
//
// > each server persists its current term and vote ... Each server also
// > persists new log entries before they are counted towards the entries'
// > commitment.
type Storage interface {
	// InitialState returns the persisted hard state and the whole log, in
	// index order starting at index 1. A new store returns zero values.
	InitialState() (HardState, []Entry, error)
	// Save makes the hard state and the entries durable, in one atomic
	// step. When entries is not empty, the stored log from entries[0].Index
	// onward is replaced by entries (a conflicting suffix is truncated,
	// thesis §3.5).
	Save(state HardState, entries []Entry) error
}
