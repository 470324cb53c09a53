package check

import (
	"bytes"
	"fmt"

	"raftctl/raft"
)

// logCopy is the checker's own copy of one node's log after the node's
// snapshot: the term, kind and command bytes of every entry. The checker
// may not keep the slice a NodeView lends it, and a copy this compact is
// cheap to compare and to update at its end, where a Raft log changes.
//
// The entries lie in pages of consecutive indexes and their commands in an
// arena (records.go), so a growing log is never copied as it grows, and
// the pages and chunks that a snapshot covers are released.
//
// The copy holds what the node holds and nothing more: the entries up to
// floor, the last index of the node's snapshot (thesis §5.1), are dropped
// when the node drops them (compaction.go), so its memory follows the
// node's log, not the history.
type logCopy struct {
	// floor is the last index the copy does not hold: the node's snapshot's
	// last included index, 0 without a snapshot. floorTerm is that entry's
	// term (the snapshot's last included term), 0 when floor is 0.
	floor     raft.Index
	floorTerm raft.Term
	// last is the index of the last entry, floor for none.
	// Invariant: floor <= last.
	last raft.Index
	// pages[k] holds the entries of page number firstPage+k: the indexes
	// (firstPage+k)*logPageEntries+1 and on. Pages wholly at or below floor
	// are released.
	pages     []*logPage
	firstPage raft.Index
	// commands holds the entries' commands in index order.
	commands commandArena
}

// logPageEntries is how many entries a page of a log copy holds.
const logPageEntries = 256

type logPage [logPageEntries]copiedEntry

// copiedEntry is one entry of a logCopy; its command is in the copy's
// arena at commandAt, commandLength bytes.
type copiedEntry struct {
	term          raft.Term
	commandAt     int64
	commandLength uint32
	kind          raft.EntryKind
}

func (e *copiedEntry) command() commandRef {
	return commandRef{at: e.commandAt, length: e.commandLength}
}

// length returns the index of the last entry, floor for an empty copy.
func (l *logCopy) length() raft.Index { return l.last }

// known reports whether the copy holds the entry at index: not compacted
// (at or below floor) and not past the end.
func (l *logCopy) known(index raft.Index) bool {
	return index > l.floor && index <= l.last
}

// at returns the entry at index, which the copy must hold.
func (l *logCopy) at(index raft.Index) *copiedEntry {
	position := index - 1
	return &l.pages[position/logPageEntries-l.firstPage][position%logPageEntries]
}

// term returns the term of the entry at index: the snapshot's last
// included term at floor, and 0 where the copy holds nothing.
func (l *logCopy) term(index raft.Index) raft.Term {
	if index == l.floor {
		return l.floorTerm
	}
	if !l.known(index) {
		return 0
	}
	return l.at(index).term
}

// kind returns the kind of the entry at index, which the copy must hold.
func (l *logCopy) kind(index raft.Index) raft.EntryKind { return l.at(index).kind }

// command returns the command bytes of the entry at index, which the copy
// must hold. The slice aliases the copy: read it before the copy changes.
func (l *logCopy) command(index raft.Index) []byte {
	return l.commands.bytes(l.at(index).command())
}

// entry rebuilds the entry at index, for evidence.
func (l *logCopy) entry(index raft.Index) raft.Entry {
	copied := l.at(index)
	return raft.Entry{Index: index, Term: copied.term, Kind: copied.kind, Command: l.commands.bytes(copied.command())}
}

// holds reports whether the entry at index, which the copy must hold,
// equals e in term, kind and command.
func (l *logCopy) holds(index raft.Index, e raft.Entry) bool {
	copied := l.at(index)
	return copied.term == e.Term && copied.kind == e.Kind && bytes.Equal(l.commands.bytes(copied.command()), e.Command)
}

// sameEntry reports whether two copies hold the same entry at index, which
// both must hold.
func sameEntry(a, b *logCopy, index raft.Index) bool {
	copiedA, copiedB := a.at(index), b.at(index)
	return copiedA.term == copiedB.term && copiedA.kind == copiedB.kind &&
		bytes.Equal(a.commands.bytes(copiedA.command()), b.commands.bytes(copiedB.command()))
}

// difference finds where the node's log in v first differs from the copy,
// whose floor is the view's snapshot index. It returns the entries it
// compared, which hold indexes offset+1, offset+2, ... up to the node's
// last (the view's Log, or what it read through the view's Reader), and
// changed, the first index at which the node's log differs from the copy.
func (l *logCopy) difference(v NodeView) (log []raft.Entry, offset, changed raft.Index) {
	if v.Reader == nil {
		return v.Log, l.floor, l.firstDifference(l.floor, v.Log, v.Unchanged)
	}
	// Read from the last entry the host vouches for and the copy holds,
	// compared as a guard; from the floor when there is none.
	from := max(min(v.Unchanged, l.last, v.LastIndex), l.floor+1)
	log = l.read(v, from)
	changed = l.firstDifference(from-1, log, v.Unchanged)
	if changed == from && from > l.floor+1 {
		// The guard failed: the promise was wrong, and the entries below
		// it may differ too. Read and compare them all.
		from = l.floor + 1
		log = l.read(v, from)
		changed = l.firstDifference(from-1, log, 0)
	}
	return log, from - 1, changed
}

// read returns the view's entries from index from to its last, through
// its Reader.
func (l *logCopy) read(v NodeView, from raft.Index) []raft.Entry {
	if from > v.LastIndex {
		return nil
	}
	log := v.Reader.Entries(from, v.LastIndex)
	if raft.Index(len(log)) != v.LastIndex-from+1 {
		// A host bug, not a safety violation.
		panic(fmt.Sprintf("check: %v's LogReader returned %d entries for indexes %d to %d; NodeView.LastIndex must be the node's last index",
			v.ID, len(log), from, v.LastIndex))
	}
	return log
}

// firstDifference returns the first index at which log, holding indexes
// offset+1, offset+2, ... up to the node's last, differs from the copy,
// which holds the node's entries up to offset (offset >= floor): an entry
// that changed, or the first index only one of them has. It returns
// length+1 when they are equal. Every entry above unchanged is compared,
// because the checker must not assume that the core only ever truncates
// and appends; below it the host vouches for the entries, and only the
// last of them is compared, as a guard against a wrong promise.
func (l *logCopy) firstDifference(offset raft.Index, log []raft.Entry, unchanged raft.Index) raft.Index {
	shared := min(offset+raft.Index(len(log)), l.last)
	from := offset + 1
	if vouched := min(unchanged, shared); vouched >= from && l.holds(vouched, log[vouched-offset-1]) {
		from = vouched + 1
	}
	// The same test as holds, one page at a time, with the arena's chunk
	// looked up only when a command lies in another one: this loop runs
	// over every entry the host does not vouch for.
	arena := &l.commands
	var chunk []byte
	chunkStart, chunkEnd := int64(0), int64(-1)
	for index := from; index <= shared; {
		number := (index - 1) / logPageEntries
		page := l.pages[number-l.firstPage]
		for end := min(shared, (number+1)*logPageEntries); index <= end; index++ {
			copied, e := &page[(index-1)%logPageEntries], &log[index-offset-1]
			if copied.term != e.Term || copied.kind != e.Kind || int(copied.commandLength) != len(e.Command) {
				return index
			}
			switch at := copied.commandAt; {
			case copied.commandLength == 0:
			case copied.commandLength > arenaChunkBytes/4:
				if !bytes.Equal(arena.large[at], e.Command) {
					return index
				}
			default:
				if at < chunkStart || at >= chunkEnd {
					number := (at - arena.first) / arenaChunkBytes
					chunk, chunkStart = arena.chunks[number], arena.first+number*arenaChunkBytes
					chunkEnd = chunkStart + arenaChunkBytes
				}
				if string(chunk[at-chunkStart:at-chunkStart+int64(copied.commandLength)]) != string(e.Command) {
					return index
				}
			}
		}
	}
	return shared + 1
}

// truncate keeps the entries up to index.
func (l *logCopy) truncate(index raft.Index) {
	index = max(index, l.floor)
	if index >= l.last {
		return
	}
	l.commands.truncate(l.at(index + 1).commandAt)
	l.last = index
	// Release the pages past the new end.
	keep := 0
	if l.last > l.floor {
		keep = int((l.last-1)/logPageEntries-l.firstPage) + 1
	}
	clear(l.pages[keep:])
	l.pages = l.pages[:keep]
}

// replaceFrom makes the copy equal to the node's log, given that they
// agree below index; log holds the node's entries offset+1, offset+2, ...
// up to its last, and the copy holds those up to offset. A log that grows
// at its end costs only the new entries.
func (l *logCopy) replaceFrom(node raft.NodeID, index, offset raft.Index, log []raft.Entry) {
	l.truncate(index - 1)
	for k := int(l.last - offset); k < len(log); k++ {
		e := &log[k]
		if want := offset + raft.Index(k+1); e.Index != want {
			// A host bug, not a safety violation: positions would no longer
			// mean indexes, and every later verdict would be wrong.
			panic(fmt.Sprintf("check: %v's log holds index %d where %d belongs; NodeView.Log must hold indexes SnapshotIndex+1, +2, ... in order",
				node, e.Index, want))
		}
		l.append(e)
	}
}

// append adds e at the end of the copy.
func (l *logCopy) append(e *raft.Entry) {
	number := (e.Index - 1) / logPageEntries
	if len(l.pages) == 0 {
		l.firstPage = number
	}
	for number-l.firstPage >= raft.Index(len(l.pages)) {
		l.pages = append(l.pages, new(logPage))
	}
	reference := l.commands.add(e.Command)
	*l.at(e.Index) = copiedEntry{term: e.Term, commandAt: reference.at, commandLength: reference.length, kind: e.Kind}
	l.last = e.Index
}

// compactThrough drops the entries up to index, which the copy holds or
// which is its floor, as the node did when it took a snapshot there
// (thesis §5.1): the pages and command chunks wholly below it are
// released.
func (l *logCopy) compactThrough(index raft.Index) {
	if index <= l.floor {
		return
	}
	l.floorTerm = l.term(index)
	l.floor = index
	lowest := l.commands.next
	if l.last > l.floor {
		lowest = l.at(l.floor + 1).commandAt
	}
	l.commands.forgetBelow(lowest)
	for len(l.pages) > 0 && (l.firstPage+1)*logPageEntries <= l.floor {
		l.pages[0] = nil
		l.pages = l.pages[1:]
		l.firstPage++
	}
}

// reset empties the copy and starts it after a snapshot whose last entry
// is at index with term: the node's log before it is not known.
func (l *logCopy) reset(index raft.Index, term raft.Term) {
	l.truncate(l.floor)
	l.commands.forgetBelow(l.commands.next)
	clear(l.pages)
	l.pages = l.pages[:0]
	l.floor, l.last, l.floorTerm = index, index, term
	if index == 0 {
		l.floorTerm = 0
	}
}
