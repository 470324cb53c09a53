package check

import (
	"bytes"
	"fmt"

	"raftctl/raft"
)

// appliedEntry is the first entry any node applied at an index.
type appliedEntry struct {
	node raft.NodeID
	term raft.Term
	kind raft.EntryKind
	// command is the checker's own copy (records.go).
	command commandRef
}

// entry rebuilds the entry at index, with its command from commands.
func (a appliedEntry) entry(index raft.Index, commands *commandArena) raft.Entry {
	return raft.Entry{Index: index, Term: a.term, Kind: a.kind, Command: commands.bytes(a.command)}
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
	record := c.records.slot(e.Index)
	if record == nil {
		// Index 0, or an index forgotten because no node can apply it any
		// more (Checker.forgetRecords).
		return
	}
	if !record.appliedSeen {
		record.applied = appliedEntry{node: node, term: e.Term, kind: e.Kind, command: c.keepCommand(record, e)}
		record.appliedSeen = true
		return
	}
	first := &record.applied
	if first.term == e.Term && first.kind == e.Kind && bytes.Equal(c.records.commands.bytes(first.command), e.Command) {
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
			first.node, e.Index, c.describe(first.entry(e.Index, &c.records.commands)), node, e.Index, c.describe(e)),
	})
}

// keepCommand returns where to find e's command for record, sharing the
// bytes of the entry seen committed there when it is the same.
func (c *Checker) keepCommand(record *indexRecord, e raft.Entry) commandRef {
	if record.committedSeen && bytes.Equal(c.records.commands.bytes(record.committed.command), e.Command) {
		return record.committed.command
	}
	return c.records.keepCommand(e.Index, e.Command)
}
