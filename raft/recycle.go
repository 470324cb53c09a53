package raft

// Recycling the slices of Ready. A busy node hands its host a Ready for
// every few messages; building each one's Messages and Events from an
// empty slice allocated and copied them again and again, a large share of
// the core's allocations. Instead each kind of work has two slices that
// take turns: one fills while the host holds the other.
//
// The host is done with a Ready's slices when it calls Advance, and it
// calls Ready again only after that (ready.go), so the slices of a Ready
// are reused from the next call of Ready on: a host that keeps messages
// or events past Advance copies them (the values, as append(dst,
// ready.Messages...) does). The entries that messages carry are never
// reused: they are the log's own, which never changes an entry once
// handed out (log_chunks.go).

// spareWork holds the slices handed out in the previous Ready, to be
// filled again once the host has moved past them.
type spareWork struct {
	messages   []Message
	events     []Event
	readStates []ReadState
	// early is filled by takeEarlyMessages as the Ready is built, and
	// earlyHanded is the previous Ready's EarlyMessages (parallel_write.go).
	early, earlyHanded []Message
}

// handOutWork moves the messages, events and read states produced since
// the last Ready into ready, and takes the slices of the previous Ready
// back to fill next.
func (r *Node) handOutWork(ready *Ready) {
	ready.Messages, r.messages, r.spare.messages = swapBuffers(r.messages, r.spare.messages)
	ready.Events, r.events, r.spare.events = swapBuffers(r.events, r.spare.events)
	ready.ReadStates, r.readStates, r.spare.readStates = swapBuffers(r.readStates, r.spare.readStates)
}

// swapBuffers hands out filled (nil when empty, as before recycling) and
// returns the spare emptied for filling, and filled as the next spare.
// Emptying clears the spare's values so that it keeps no entries or
// snapshots alive.
func swapBuffers[T any](filled, spare []T) (handed, next, nextSpare []T) {
	if len(filled) == 0 {
		return nil, filled, spare
	}
	clear(spare)
	// Capped, so that a host appending to the slice it was handed gets a
	// copy instead of writing into an array the node fills again later.
	return filled[:len(filled):len(filled)], spare[:0], filled
}
