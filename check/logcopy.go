package check

import (
	"bytes"
	"fmt"

	"raftctl/raft"
)

// logCopy is the checker's own copy of one node's log after the node's
// snapshot: the term, kind and command bytes of every entry, with all
// commands packed in one buffer. The checker may not keep the slice a
// NodeView lends it, and a copy this compact is cheap to compare and to
// update at its end, where a Raft log changes.
//
// The copy holds what the node holds and nothing more: the entries up to
// floor, the last index of the node's snapshot (thesis §5.1), are dropped
// when the node drops them (compaction.go), so its memory follows the
// node's log, not the history.
//
// Invariant: entries[front+k] is the entry at index floor+k+1; the
// commands of the live entries lie one after another in commands, the
// command of entries[k] ending at entries[k].end-commandsStart.
type logCopy struct {
	// floor is the last index the copy does not hold: the node's snapshot's
	// last included index, 0 without a snapshot. floorTerm is that entry's
	// term (the snapshot's last included term), 0 when floor is 0.
	floor     raft.Index
	floorTerm raft.Term
	// entries[:front] are compacted entries not yet cleared away: they are
	// moved out once they outnumber the live ones, so that compacting
	// costs amortized constant time per entry and the memory is reused.
	entries []copiedEntry
	front   int
	// commands[:liveStart-commandsStart] are the commands of the
	// compacted entries; commandsStart counts the bytes cleared away before
	// commands[0], so that an end recorded before stays valid after.
	commands      []byte
	commandsStart int
	liveStart     int
}

// copiedEntry is one entry of a logCopy, without its command bytes.
type copiedEntry struct {
	term raft.Term
	// end is where the entry's command ends in the stream of commands
	// copied into this logCopy, counted from the first one ever copied.
	end  int
	kind raft.EntryKind
}

// length returns the index of the last entry, floor for an empty copy.
func (l *logCopy) length() raft.Index { return l.floor + raft.Index(len(l.entries)-l.front) }

// known reports whether the copy holds the entry at index: not compacted
// (at or below floor) and not past the end.
func (l *logCopy) known(index raft.Index) bool {
	return index > l.floor && index <= l.length()
}

// at returns the entry at index, which the copy must hold.
func (l *logCopy) at(index raft.Index) *copiedEntry { return &l.entries[l.front+int(index-l.floor-1)] }

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
	position := l.front + int(index-l.floor-1)
	start := l.liveStart
	if position > l.front {
		start = l.entries[position-1].end
	}
	return l.commands[start-l.commandsStart : l.entries[position].end-l.commandsStart]
}

// entry rebuilds the entry at index, for evidence.
func (l *logCopy) entry(index raft.Index) raft.Entry {
	copied := l.at(index)
	return raft.Entry{Index: index, Term: copied.term, Kind: copied.kind, Command: l.command(index)}
}

// holds reports whether the entry at index, which the copy must hold,
// equals e in term, kind and command.
func (l *logCopy) holds(index raft.Index, e raft.Entry) bool {
	copied := l.at(index)
	return copied.term == e.Term && copied.kind == e.Kind && bytes.Equal(l.command(index), e.Command)
}

// sameEntry reports whether two copies hold the same entry at index, which
// both must hold.
func sameEntry(a, b *logCopy, index raft.Index) bool {
	copiedA, copiedB := a.at(index), b.at(index)
	return copiedA.term == copiedB.term && copiedA.kind == copiedB.kind &&
		bytes.Equal(a.command(index), b.command(index))
}

// firstDifference returns the first index at which log, holding indexes
// floor+1, floor+2, ..., differs from the copy: an entry that changed, or
// the first index only one of them has. It returns length+1 when they are
// equal. Every entry above unchanged is compared, because the checker must
// not assume that the core only ever truncates and appends; below it the
// host vouches for the entries, and only the last of them is compared, as
// a guard against a wrong promise.
func (l *logCopy) firstDifference(log []raft.Entry, unchanged raft.Index) raft.Index {
	live := l.entries[l.front:]
	shared := min(len(log), len(live))
	skip := 0
	if unchanged > l.floor {
		skip = min(int(unchanged-l.floor), shared)
	}
	if skip > 0 && !l.holds(l.floor+raft.Index(skip), log[skip-1]) {
		skip = 0
	}
	start := l.liveStart
	if skip > 0 {
		start = live[skip-1].end
	}
	for k := skip; k < shared; k++ {
		// The same test as holds, written as one pass over the buffer:
		// this loop runs over every entry the host does not vouch for.
		e, copied := &log[k], &live[k]
		if copied.term != e.Term || copied.kind != e.Kind ||
			!bytes.Equal(l.commands[start-l.commandsStart:copied.end-l.commandsStart], e.Command) {
			return l.floor + raft.Index(k+1)
		}
		start = copied.end
	}
	return l.floor + raft.Index(shared+1)
}

// truncate keeps the entries up to index.
func (l *logCopy) truncate(index raft.Index) {
	keep := min(int(max(index, l.floor)-l.floor), len(l.entries)-l.front)
	l.entries = l.entries[:l.front+keep]
	end := l.liveStart
	if keep > 0 {
		end = l.entries[l.front+keep-1].end
	}
	l.commands = l.commands[:end-l.commandsStart]
}

// replaceFrom makes the copy equal to log, which holds indexes floor+1,
// floor+2, ..., given that they already agree below index. It reuses the
// copy's memory, so a log that grows at its end costs only the new
// entries.
func (l *logCopy) replaceFrom(node raft.NodeID, index raft.Index, log []raft.Entry) {
	l.truncate(index - 1)
	end := l.commandsStart + len(l.commands)
	for k := len(l.entries) - l.front; k < len(log); k++ {
		e := &log[k]
		if want := l.floor + raft.Index(k+1); e.Index != want {
			// A host bug, not a safety violation: positions would no longer
			// mean indexes, and every later verdict would be wrong.
			panic(fmt.Sprintf("check: %v's log holds index %d where %d belongs; NodeView.Log must hold indexes SnapshotIndex+1, +2, ... in order",
				node, e.Index, want))
		}
		l.commands = append(l.commands, e.Command...)
		end += len(e.Command)
		l.entries = append(l.entries, copiedEntry{term: e.Term, end: end, kind: e.Kind})
	}
}

// compactThrough drops the entries up to index, which the copy holds or
// which is its floor, as the node did when it took a snapshot there
// (thesis §5.1).
func (l *logCopy) compactThrough(index raft.Index) {
	if index <= l.floor {
		return
	}
	l.floorTerm = l.term(index)
	l.front += int(index - l.floor)
	l.liveStart = l.entries[l.front-1].end
	l.floor = index
	if live := len(l.entries) - l.front; l.front >= live {
		// Move the live entries to the front: each compacted entry pays for
		// at most one live entry moved.
		l.entries = append(l.entries[:0], l.entries[l.front:]...)
		l.front = 0
		l.commands = append(l.commands[:0], l.commands[l.liveStart-l.commandsStart:]...)
		l.commandsStart = l.liveStart
	}
}

// reset empties the copy and starts it after a snapshot whose last entry
// is at index with term: the node's log before it is not known.
func (l *logCopy) reset(index raft.Index, term raft.Term) {
	l.entries, l.front = l.entries[:0], 0
	l.commandsStart += len(l.commands)
	l.commands = l.commands[:0]
	l.liveStart = l.commandsStart
	l.floor, l.floorTerm = index, term
	if index == 0 {
		l.floorTerm = 0
	}
}
