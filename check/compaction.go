package check

import (
	"fmt"

	"raftctl/raft"
)

// Compacted logs (thesis ch. 5). A node that took or installed a snapshot
// shows the checker only its log after the snapshot (NodeView.Log starts at
// SnapshotIndex+1). The checker compares what exists:
//
//   - When the checker's copy of the node's log already holds the
//     snapshot's last included entry (same index, same term), the copy
//     keeps the entries up to it, exactly as the node held them when it
//     compacted them: they stay in Log Matching and Leader Completeness.
//   - Otherwise (a snapshot installed from the leader, a restart the
//     checker did not see) the copy holds placeholders up to the snapshot
//     index, below its floor: no entry there is compared, recorded as
//     committed, or demanded of a leader.
//   - A state machine loaded from a snapshot is checked with
//     ObserveSnapshot: its last included entry must be the entry others
//     applied at that index (State Machine Safety).

// adjustForSnapshot prepares node's copy for a view whose log starts after
// snapshotIndex.
func (l *logCopy) adjustForSnapshot(snapshotIndex raft.Index, snapshotTerm raft.Term) {
	switch {
	case snapshotIndex < l.floor:
		// The node went back to an older (or no) snapshot: a wiped disk.
		// Nothing of the copy is known to be the node's any more.
		l.truncate(0)
		l.floor = 0
	case snapshotIndex == 0 || snapshotIndex <= l.floor:
		return
	case snapshotIndex <= l.length() && l.term(snapshotIndex) == snapshotTerm:
		return // the copy holds what the node compacted
	}
	if snapshotIndex == 0 {
		return
	}
	l.truncate(0)
	for range snapshotIndex {
		l.terms = append(l.terms, 0)
		l.kinds = append(l.kinds, 0)
		l.ends = append(l.ends, 0)
	}
	l.floor = snapshotIndex
}

// truncate keeps the first keep entries.
func (l *logCopy) truncate(keep int) {
	l.terms, l.kinds, l.ends = l.terms[:keep], l.kinds[:keep], l.ends[:keep]
	end := 0
	if keep > 0 {
		end = l.ends[keep-1]
	}
	l.commands = l.commands[:end]
}

// known reports whether the copy holds a real entry at index, not a
// placeholder below the floor.
func (l *logCopy) known(index raft.Index) bool {
	return index > l.floor && index <= l.length()
}

// firstDifferenceAfter is firstDifference for a log that holds indexes
// offset+1, offset+2, ...; the copy is known to agree up to offset.
func (l *logCopy) firstDifferenceAfter(offset raft.Index, log []raft.Entry, unchanged raft.Index) raft.Index {
	if offset == 0 {
		return l.firstDifference(log, unchanged)
	}
	for k := range log {
		index := offset + raft.Index(k) + 1
		if index > l.length() {
			return index
		}
		if index > unchanged && !l.holds(index, log[k]) {
			return index
		}
	}
	return offset + raft.Index(len(log)) + 1
}

// replaceFromAfter is replaceFrom for a log that holds indexes offset+1,
// offset+2, ...
func (l *logCopy) replaceFromAfter(node raft.NodeID, offset, index raft.Index, log []raft.Entry) {
	if offset == 0 {
		l.replaceFrom(node, index, log)
		return
	}
	keep := max(min(int(index-1), len(l.terms)), int(offset))
	l.truncate(keep)
	for k := keep - int(offset); k < len(log); k++ {
		e := log[k]
		if want := offset + raft.Index(k) + 1; e.Index != want {
			panic(fmt.Sprintf("check: %v's log holds index %d where %d belongs; NodeView.Log must hold indexes SnapshotIndex+1, +2, ... in order",
				node, e.Index, want))
		}
		l.terms = append(l.terms, e.Term)
		l.kinds = append(l.kinds, e.Kind)
		l.commands = append(l.commands, e.Command...)
		l.ends = append(l.ends, len(l.commands))
	}
}

// ObserveSnapshot checks a state machine that node loaded from a snapshot
// whose last included entry is at index with term: as far as the checker
// knows what was applied at that index, it must be an entry of that term
// (thesis §3.6.3, State Machine Safety). It returns the violations found.
func (c *Checker) ObserveSnapshot(node raft.NodeID, index raft.Index, term raft.Term) []Violation {
	c.mutex.Lock()
	defer c.mutex.Unlock()
	found := len(c.violations)
	c.counts[StateMachineSafety]++
	first, seen := c.applied[index]
	if index == 0 || !seen || first.term == term {
		return nil
	}
	c.report(violationKey{index: index, terms: [3]raft.Term{term}, detail: "snapshot"}, Violation{
		Property: StateMachineSafety,
		Nodes:    []raft.NodeID{first.node, node},
		Index:    index,
		Terms:    []raft.Term{first.term, term},
		Evidence: fmt.Sprintf("%v applied index %d %s but %v loaded a snapshot whose index %d has term %d",
			first.node, index, c.describe(first.entry(index)), node, index, term),
	})
	return c.foundSince(found)
}
