package raft

// The log (thesis §3.5, Fig. 3.5): entries numbered from 1, each with the
// term in which a leader created it. The core keeps the log in memory and
// tells the host which suffix to persist.
//
// After log compaction (thesis ch. 5) the log starts after a snapshot: the
// entries up to snapshotIndex are gone, replaced by the state they produced,
// and only the index and term of the last of them are remembered (thesis
// §5.1: "the last included index ... and the last included term"), so the
// AppendEntries consistency check still works for the first entry after it.

// raftLog is a node's log. Position i of entries holds index
// snapshotIndex+i+1.
type raftLog struct {
	entries logChunks
	// snapshotIndex and snapshotTerm are the last entry the snapshot
	// replaces (0 and 0 without a snapshot).
	// Invariant: snapshotIndex <= the node's commitIndex.
	snapshotIndex Index
	snapshotTerm  Term
	// unstableFrom is the first index not yet handed to the host for
	// persisting; 0 when everything is handed over.
	unstableFrom Index
	// durable follows what the host has persisted (parallel_write.go).
	durable durableState
}

func (l *raftLog) lastIndex() Index { return l.snapshotIndex + Index(l.entries.length()) }

func (l *raftLog) lastTerm() Term {
	if l.entries.length() == 0 {
		return l.snapshotTerm
	}
	return l.entries.at(l.entries.length() - 1).Term
}

// firstIndex is the first index the log still holds an entry for.
func (l *raftLog) firstIndex() Index { return l.snapshotIndex + 1 }

// term returns the term of the entry at index, and false when the log has
// no such entry: past its end, or compacted into the snapshot. Index 0 is
// the empty prefix, with term 0; the snapshot's last included index has
// the snapshot's term.
func (l *raftLog) term(index Index) (Term, bool) {
	switch {
	case index == l.snapshotIndex:
		return l.snapshotTerm, true
	case index < l.snapshotIndex || index > l.lastIndex():
		return 0, false
	}
	return l.entries.at(int(index - l.snapshotIndex - 1)).Term, true
}

// compacted reports whether index is covered by the snapshot: its entry is
// gone (index 0 is never compacted).
func (l *raftLog) compacted(index Index) bool {
	return index != 0 && index <= l.snapshotIndex
}

// entriesFrom returns at most max entries starting at index. The slice
// shares the log's memory (log_chunks.go) when it can: an entry never
// changes once it is in the log, so a message may carry the log's own
// entries and still never change after it is sent. It is capped, so
// appending to it copies.
func (l *raftLog) entriesFrom(index Index, max int) []Entry {
	if index > l.lastIndex() || index <= l.snapshotIndex {
		return nil
	}
	start := int(index - l.snapshotIndex - 1)
	return l.entries.slice(start, min(start+max, l.entries.length()))
}

// entriesBetween returns the entries with from <= index <= to, sharing the
// log's memory as entriesFrom does.
func (l *raftLog) entriesBetween(from, to Index) []Entry {
	if from <= l.snapshotIndex || from > to || to > l.lastIndex() {
		return nil
	}
	return l.entries.slice(int(from-l.snapshotIndex-1), int(to-l.snapshotIndex))
}

// append adds an entry at the end and marks it for persisting.
func (l *raftLog) append(entry Entry) {
	l.entries.push(entry)
	l.markUnstable(entry.Index)
}

// appendAll adds entries, which follow the log's last entry, at the end.
func (l *raftLog) appendAll(entries []Entry) {
	if len(entries) == 0 {
		return
	}
	l.entries.push(entries...)
	l.markUnstable(entries[0].Index)
}

// truncateFrom removes the entries from index on (thesis §3.5: "If an
// existing entry conflicts with a new one (same index but different terms),
// delete the existing entry and all that follow it").
//
// The entries removed may still be in messages or in a Ready (entriesFrom
// shares the log's memory), so they stay as they were in memory: the
// entries that replace them go elsewhere (log_chunks.go).
func (l *raftLog) truncateFrom(index Index) {
	l.entries.truncate(int(index - l.snapshotIndex - 1))
	l.markUnstable(index)
	l.durable.truncated(index)
}

func (l *raftLog) markUnstable(index Index) {
	if l.unstableFrom == 0 || index < l.unstableFrom {
		l.unstableFrom = index
	}
}

// takeUnstable returns the entries the host must persist, and forgets them.
func (l *raftLog) takeUnstable() []Entry {
	if l.unstableFrom == 0 {
		return nil
	}
	entries := l.entriesBetween(max(l.unstableFrom, l.firstIndex()), l.lastIndex())
	l.unstableFrom = 0
	return entries
}

// isUpToDate reports whether a log ending at (lastIndex, lastTerm) is at
// least as up-to-date as this one (thesis §3.6.1):
//
// > If the logs have last entries with different terms, then the log with
// > the later term is more up-to-date. If the logs end with the same term,
// > then whichever log is longer is more up-to-date.
func (l *raftLog) isUpToDate(lastIndex Index, lastTerm Term) bool {
	if lastTerm != l.lastTerm() {
		return lastTerm > l.lastTerm()
	}
	return lastIndex >= l.lastIndex()
}

// firstIndexOfTerm returns the first index of the run of entries that share
// the term of the entry at index (the conflict hint of thesis §3.5). It
// stops at the first entry after the snapshot: nothing before it is left
// to compare.
func (l *raftLog) firstIndexOfTerm(index Index) Index {
	term, _ := l.term(index)
	for index > l.firstIndex() {
		previous, _ := l.term(index - 1)
		if previous != term {
			break
		}
		index--
	}
	return index
}
