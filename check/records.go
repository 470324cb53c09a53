package check

import (
	"bytes"
	"slices"

	"raftctl/raft"
)

// indexRecords is what the checker remembers about each index of the
// history, beyond the nodes' logs: the entries seen committed there
// (Leader Completeness) and the first entry applied there (State Machine
// Safety). It is a window over the indexes from base+1 on, a slice rather
// than a map: the indexes a run touches are consecutive, and an
// observation reads the records of neighbouring indexes one after another.
//
// The window's front is dropped once no check can need it any more
// (Checker.forgetRecords): its memory follows the span of indexes some node
// may still hold, not the length of the history.
type indexRecords struct {
	// base is the index before the first record: records[front] is the
	// record of base+1. records[:front] are forgotten records not yet
	// cleared away, moved out once they outnumber the kept ones.
	base    raft.Index
	records []indexRecord
	front   int
	// far holds the records of indexes too far from the window to make
	// room for (a stray index from a real cluster's record stream, such as
	// 1<<62, must not make the window that long); nil in every normal run.
	far map[raft.Index]*indexRecord
	// forgotten is the last index forgotten for good: no record is kept at
	// it or below (Checker.forgetRecords).
	forgotten raft.Index
	// commands holds the command bytes of the records.
	commands commandSlab
}

// indexRecord is what is remembered about one index.
type indexRecord struct {
	// committed is the first entry seen committed at the index, when
	// committedSeen; otherCommitted holds the entries seen committed there
	// that differ from it, only ever after a safety violation.
	committed      committedEntry
	otherCommitted []committedEntry
	committedSeen  bool
	// applied is the first entry any node applied at the index, when
	// appliedSeen.
	applied     appliedEntry
	appliedSeen bool
}

// committedCount returns how many different entries were seen committed at
// the record's index.
func (r *indexRecord) committedCount() int {
	if !r.committedSeen {
		return 0
	}
	return 1 + len(r.otherCommitted)
}

// committedEntry returns the k-th entry seen committed at the record's
// index, k < committedCount().
func (r *indexRecord) committedEntry(k int) *committedEntry {
	if k == 0 {
		return &r.committed
	}
	return &r.otherCommitted[k-1]
}

// last returns the highest index with a record slot, base for none.
func (w *indexRecords) last() raft.Index { return w.base + raft.Index(len(w.records)-w.front) }

// find returns the record of index, or nil when there is none.
func (w *indexRecords) find(index raft.Index) *indexRecord {
	if w.far != nil {
		if record, found := w.far[index]; found {
			return record
		}
	}
	if index <= w.base || index > w.last() {
		return nil
	}
	return &w.records[w.front+int(index-w.base-1)]
}

// maximumGap is how many indexes beyond its size the window grows by at
// once to reach a new index; an index further away gets a record of its
// own in far.
const maximumGap = 1 << 16

// slot returns the record of index, making room for it. Growing down to
// an index below the window (a node whose history starts lower than the
// first one seen) makes room for as many indexes again as the window
// holds, so that a node walking down one index at a time costs amortized
// constant time. It returns nil for index 0 and for forgotten indexes (at
// or below forgotten, see forgetThrough).
func (w *indexRecords) slot(index raft.Index) *indexRecord {
	if index == 0 || index <= w.forgotten {
		return nil
	}
	if record := w.find(index); record != nil {
		return record
	}
	kept := raft.Index(len(w.records) - w.front)
	switch {
	case kept == 0:
		w.records, w.front, w.base = w.records[:0], 0, index-1
	case index > w.base+kept+max(kept, maximumGap) || index <= w.base && w.base-index >= max(kept, maximumGap):
		if w.far == nil {
			w.far = make(map[raft.Index]*indexRecord)
		}
		record := &indexRecord{}
		w.far[index] = record
		return record
	case index <= w.base:
		newBase := max(min(index-1, w.base-min(kept, w.base)), w.forgotten)
		grown := make([]indexRecord, int(w.base-newBase+kept))
		copy(grown[w.base-newBase:], w.records[w.front:])
		w.records, w.front, w.base = grown, 0, newBase
	}
	for index > w.last() {
		w.records = append(w.records, indexRecord{})
	}
	return &w.records[w.front+int(index-w.base-1)]
}

// farIndexes returns the indexes from from on that have a record in far,
// in order.
func (w *indexRecords) farIndexes(from raft.Index) []raft.Index {
	var indexes []raft.Index
	for index := range w.far {
		if index >= from {
			indexes = append(indexes, index)
		}
	}
	slices.Sort(indexes)
	return indexes
}

// forgetThrough forgets the records of index and the indexes below it, for
// good: slot refuses them from now on.
func (w *indexRecords) forgetThrough(index raft.Index) {
	if index <= w.forgotten {
		return
	}
	w.forgotten = index
	for far := range w.far {
		if far <= index {
			delete(w.far, far)
		}
	}
	if index <= w.base {
		return
	}
	dropped := min(int(index-w.base), len(w.records)-w.front)
	// Clear the forgotten records at once, so that their command bytes can
	// be collected.
	clear(w.records[w.front : w.front+dropped])
	w.front += dropped
	w.base += raft.Index(dropped)
	if kept := len(w.records) - w.front; w.front >= kept {
		// Move the kept records to the front: each forgotten record pays
		// for at most one kept record moved.
		copy(w.records, w.records[w.front:])
		clear(w.records[kept:])
		w.records, w.front = w.records[:kept], 0
	}
}

// commandSlab copies small commands into shared chunks, so that
// remembering a command costs no allocation of its own. A chunk is freed
// when no record refers to it any more; records are dropped roughly in
// index order, and so are the chunks.
type commandSlab struct {
	chunk []byte
}

// slabChunkBytes is the size of one chunk; commands larger than a quarter
// of it get their own allocation.
const slabChunkBytes = 16 << 10

// copy returns a copy of command that the caller may keep.
func (s *commandSlab) copy(command []byte) []byte {
	if len(command) == 0 {
		return nil
	}
	if len(command) > slabChunkBytes/4 {
		return bytes.Clone(command)
	}
	if cap(s.chunk)-len(s.chunk) < len(command) {
		s.chunk = make([]byte, 0, slabChunkBytes)
	}
	start := len(s.chunk)
	s.chunk = append(s.chunk, command...)
	return s.chunk[start:len(s.chunk):len(s.chunk)]
}

// forgetRecords drops the records no check can need any more: those of
// the indexes below every node's snapshot (the lowest floor of all the log
// copies, crashed nodes included, whose storage survives). The reasoning,
// property by property (thesis Fig. 3.2):
//
//   - State Machine Safety compares an entry a node applies with the first
//     one applied at its index. A node applies only indexes above its
//     state machine's, which starts at its snapshot's last index at least
//     (thesis §5.1: a restart loads the snapshot, an InstallSnapshot
//     replaces the state machine), so no node can apply an index below
//     every snapshot again. ObserveSnapshot compares a snapshot's last
//     index, which is some node's floor, never below the lowest one: the
//     record there is kept.
//   - Leader Completeness demands of a leader the committed entries above
//     its snapshot (checkLeaderHolds); below every node's snapshot, no
//     leader's log holds an entry to compare.
//   - Election Safety, Leader Append-Only and Log Matching do not use
//     these records.
//
// A node the checker has not seen yet, or one whose disk was wiped,
// starts with an empty log: it can come to hold an index below every
// snapshot only inside a snapshot (InstallSnapshot), never as an entry to
// apply one by one, because every leader's log starts above its own
// snapshot. The lowest floor is taken over the nodes seen so far: a host
// shows the checker every node before any of them compacts (cluster.Local
// observes each node as it starts).
func (c *Checker) forgetRecords() {
	if len(c.nodes) == 0 {
		return
	}
	lowest := c.nodes[0].log.floor
	for _, node := range c.nodes[1:] {
		lowest = min(lowest, node.log.floor)
	}
	if lowest > 1 {
		c.records.forgetThrough(lowest - 1)
	}
}
