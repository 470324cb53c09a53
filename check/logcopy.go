package check

import (
	"bytes"
	"fmt"

	"raftctl/raft"
)

// logCopy is the checker's own copy of one node's log: the term, kind and
// command bytes of every entry, with all commands packed in one buffer. The
// checker may not keep the slice a NodeView lends it, and a copy this
// compact is cheap to compare and to update at its end, where a Raft log
// changes.
//
// Invariant: len(terms) == len(kinds) == len(ends), and ends is
// non-decreasing with ends[len(ends)-1] == len(commands).
type logCopy struct {
	terms []raft.Term
	kinds []raft.EntryKind
	// ends[k] is where the command of the entry at index k+1 ends in
	// commands; it starts where the previous one ends.
	ends     []int
	commands []byte
	// floor: the entries up to it are placeholders for entries compacted
	// before the checker saw them (compaction.go); 0 when there are none.
	floor raft.Index
}

// length returns the index of the last entry, 0 for an empty log.
func (l *logCopy) length() raft.Index { return raft.Index(len(l.terms)) }

// term returns the term of the entry at index, and 0 when there is none.
func (l *logCopy) term(index raft.Index) raft.Term {
	if index == 0 || index > l.length() {
		return 0
	}
	return l.terms[index-1]
}

// command returns the command bytes of the entry at index. The slice
// aliases the copy: read it before the copy changes.
func (l *logCopy) command(index raft.Index) []byte {
	start := 0
	if index > 1 {
		start = l.ends[index-2]
	}
	return l.commands[start:l.ends[index-1]]
}

// entry rebuilds the entry at index, for evidence.
func (l *logCopy) entry(index raft.Index) raft.Entry {
	return raft.Entry{Index: index, Term: l.terms[index-1], Kind: l.kinds[index-1], Command: l.command(index)}
}

// holds reports whether the entry at index equals e in term, kind and
// command.
func (l *logCopy) holds(index raft.Index, e raft.Entry) bool {
	return l.terms[index-1] == e.Term && l.kinds[index-1] == e.Kind && bytes.Equal(l.command(index), e.Command)
}

// sameEntry reports whether two copies hold the same entry at index, which
// both must have.
func sameEntry(a, b *logCopy, index raft.Index) bool {
	return a.terms[index-1] == b.terms[index-1] && a.kinds[index-1] == b.kinds[index-1] &&
		bytes.Equal(a.command(index), b.command(index))
}

// firstDifference returns the first index at which log differs from the
// copy: an entry that changed, or the first index only one of them has.
// It returns length+1 when they are equal. Every entry above unchanged is
// compared, because the checker must not assume that the core only ever
// truncates and appends; below it the host vouches for the entries, and
// only the last of them is compared, as a guard against a wrong promise.
func (l *logCopy) firstDifference(log []raft.Entry, unchanged raft.Index) raft.Index {
	shared := min(len(log), len(l.terms))
	skip := min(int(unchanged), shared)
	if skip > 0 && !l.holds(raft.Index(skip), log[skip-1]) {
		skip = 0
	}
	start := 0
	if skip > 0 {
		start = l.ends[skip-1]
	}
	for k := skip; k < shared; k++ {
		// The same test as holds, written as one pass over the buffer:
		// this loop runs over every entry at every observation.
		e := &log[k]
		end := l.ends[k]
		if l.terms[k] != e.Term || l.kinds[k] != e.Kind || !bytes.Equal(l.commands[start:end], e.Command) {
			return raft.Index(k + 1)
		}
		start = end
	}
	return raft.Index(shared + 1)
}

// replaceFrom makes the copy equal to log, given that they already agree
// below index. It reuses the copy's memory, so a log that grows at its end
// costs only the new entries.
func (l *logCopy) replaceFrom(node raft.NodeID, index raft.Index, log []raft.Entry) {
	keep := min(int(index-1), len(l.terms))
	l.terms = l.terms[:keep]
	l.kinds = l.kinds[:keep]
	l.ends = l.ends[:keep]
	end := 0
	if keep > 0 {
		end = l.ends[keep-1]
	}
	l.commands = l.commands[:end]
	for k := keep; k < len(log); k++ {
		e := log[k]
		if e.Index != raft.Index(k+1) {
			// A host bug, not a safety violation: positions would no longer
			// mean indexes, and every later verdict would be wrong.
			panic(fmt.Sprintf("check: %v's log holds index %d at position %d; NodeView.Log must hold indexes 1, 2, 3, ... in order",
				node, e.Index, k+1))
		}
		l.terms = append(l.terms, e.Term)
		l.kinds = append(l.kinds, e.Kind)
		l.commands = append(l.commands, e.Command...)
		l.ends = append(l.ends, len(l.commands))
	}
}
