package raft

// The log (thesis §3.5, Fig. 3.5): entries numbered from 1, each with the
// term in which a leader created it. The core keeps the whole log in memory
// and tells the host which suffix to persist.

// raftLog is a node's log. entries[i] holds index i+1.
type raftLog struct {
	entries []Entry
	// unstableFrom is the first index not yet handed to the host for
	// persisting; 0 when everything is handed over.
	unstableFrom Index
}

func (l *raftLog) lastIndex() Index { return Index(len(l.entries)) }

func (l *raftLog) lastTerm() Term {
	if len(l.entries) == 0 {
		return 0
	}
	return l.entries[len(l.entries)-1].Term
}

// term returns the term of the entry at index, and false when the log has
// no such entry. Index 0 is the empty prefix, with term 0.
func (l *raftLog) term(index Index) (Term, bool) {
	if index == 0 {
		return 0, true
	}
	if index > l.lastIndex() {
		return 0, false
	}
	return l.entries[index-1].Term, true
}

// entriesFrom copies at most max entries starting at index. Copies, because
// the log's backing array is reused after a truncation and a message must
// not change after it is sent.
func (l *raftLog) entriesFrom(index Index, max int) []Entry {
	if index > l.lastIndex() || index == 0 {
		return nil
	}
	end := min(int(index-1)+max, len(l.entries))
	return append([]Entry(nil), l.entries[index-1:end]...)
}

// entriesBetween copies the entries with from <= index <= to.
func (l *raftLog) entriesBetween(from, to Index) []Entry {
	if from == 0 || from > to || to > l.lastIndex() {
		return nil
	}
	return append([]Entry(nil), l.entries[from-1:to]...)
}

// append adds an entry at the end and marks it for persisting.
func (l *raftLog) append(entry Entry) {
	l.entries = append(l.entries, entry)
	l.markUnstable(entry.Index)
}

// truncateFrom removes the entries from index on (thesis §3.5: "If an
// existing entry conflicts with a new one (same index but different terms),
// delete the existing entry and all that follow it").
func (l *raftLog) truncateFrom(index Index) {
	l.entries = l.entries[:index-1]
	l.markUnstable(index)
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
	entries := l.entriesBetween(l.unstableFrom, l.lastIndex())
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
// the term of the entry at index (the conflict hint of thesis §3.5).
func (l *raftLog) firstIndexOfTerm(index Index) Index {
	term, _ := l.term(index)
	for index > 1 && l.entries[index-2].Term == term {
		index--
	}
	return index
}
