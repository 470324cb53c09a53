package check

import (
	"fmt"

	"raftctl/raft"
)

// appliedEntry is the first entry any node applied at an index.
type appliedEntry struct {
	node raft.NodeID
	term raft.Term
	kind raft.EntryKind
	// command is the checker's own copy.
	command []byte
}

func (a appliedEntry) entry(index raft.Index) raft.Entry {
	return raft.Entry{Index: index, Term: a.term, Kind: a.kind, Command: a.command}
}

// checkStateMachineSafety compares an applied entry with the first entry
// applied at its index by any node (thesis §3.6.3):
// > State Machine Safety: if a server has applied a log entry at a given
// > index to its state machine, no other server will ever apply a
// > different log entry for the same index.
//
// Each different entry applied at an index is reported once, naming the
// first node that applied it.
func (c *Checker) checkStateMachineSafety(node raft.NodeID, e raft.Entry) {
	c.counts[StateMachineSafety]++
	if e.Index == 0 {
		return
	}
	if c.applied == nil {
		c.applied = map[raft.Index]appliedEntry{}
	}
	first, seen := c.applied[e.Index]
	if !seen {
		c.applied[e.Index] = appliedEntry{node: node, term: e.Term, kind: e.Kind, command: append([]byte(nil), e.Command...)}
		return
	}
	if first.term == e.Term && first.kind == e.Kind && string(first.command) == string(e.Command) {
		return
	}
	c.report(violationKey{
		index:  e.Index,
		terms:  [3]raft.Term{e.Term},
		detail: string(rune(e.Kind)) + string(e.Command),
	}, Violation{
		Property: StateMachineSafety,
		Nodes:    []raft.NodeID{first.node, node},
		Index:    e.Index,
		Terms:    []raft.Term{first.term, e.Term},
		Evidence: fmt.Sprintf("%v applied index %d %s but %v applied index %d %s",
			first.node, e.Index, c.describe(first.entry(e.Index)), node, e.Index, c.describe(e)),
	})
}
