package check

import (
	"bytes"
	"fmt"

	"raftctl/raft"
)

// committedEntry is an entry seen committed: some node held it at an index
// no greater than its CommitIndex.
type committedEntry struct {
	index raft.Index
	term  raft.Term
	kind  raft.EntryKind
	// command is the checker's own copy, for evidence (records.go).
	command commandRef
	// commitTerm is the lowest term of a node seen holding the entry
	// committed. The entry was committed in that term or earlier, so every
	// leader of a higher term must hold it: using the node's term never
	// blames a leader wrongly, and the lowest one blames the most leaders.
	commitTerm raft.Term
	// node is the node seen holding it committed in commitTerm.
	node raft.NodeID
}

// entry rebuilds the entry, with its command from commands.
func (e committedEntry) entry(commands *commandArena) raft.Entry {
	return raft.Entry{Index: e.index, Term: e.term, Kind: e.kind, Command: commands.bytes(e.command)}
}

// recordCommitted records the entries of the node's log up to its commit
// index that were not recorded yet, and checks each new one against the
// current leaders. Only the entries above node.committedThrough are new:
// the ones below are unchanged since they were recorded.
func (c *Checker) recordCommitted(node *nodeRecord, commitIndex raft.Index) {
	through := min(commitIndex, node.log.length())
	for index := max(node.committedThrough, node.log.floor) + 1; index <= through; index++ {
		c.recordCommittedEntry(node, index)
	}
	node.committedThrough = max(node.committedThrough, through)
}

// recordCommittedEntry records that node holds the entry at index
// committed in its current term.
func (c *Checker) recordCommittedEntry(node *nodeRecord, index raft.Index) {
	slot := c.records.slot(index)
	if slot == nil {
		return // forgotten: no leader can lack it any more (Checker.forgetRecords)
	}
	for k := range c.records.committedCount(index, slot) {
		record := c.records.committedEntry(index, slot, k)
		if !node.log.holds(index, record.entry(&c.records.commands)) {
			continue
		}
		if node.term < record.commitTerm {
			record.commitTerm, record.node = node.term, node.id
			c.checkCurrentLeadersHold(*record)
		}
		return
	}
	held := node.log.at(index)
	command := node.log.command(index)
	var reference commandRef
	if slot.appliedSeen && bytes.Equal(c.records.commands.bytes(slot.applied.command), command) {
		reference = slot.applied.command
	} else {
		reference = c.records.keepCommand(index, command)
	}
	record := committedEntry{
		index:      index,
		term:       held.term,
		kind:       held.kind,
		command:    reference,
		commitTerm: node.term,
		node:       node.id,
	}
	c.records.addCommitted(index, slot, record)
	c.checkCurrentLeadersHold(record)
}

// checkCurrentLeadersHold checks a newly committed entry against every node
// whose latest observation shows it leading a higher term. That covers
// leaders seen before the commit was, including crashed ones, whose last
// log is the log they had as leaders.
func (c *Checker) checkCurrentLeadersHold(record committedEntry) {
	for _, leader := range c.nodes {
		if leader.role == raft.Leader && leader.term > record.commitTerm {
			c.checkLeaderHolds(leader, record)
		}
	}
}

// checkLeaderHoldsCommitted checks a leader's log against every entry
// committed at index from or above in an earlier term (thesis §3.6):
// > Leader Completeness: if a log entry is committed in a given term, then
// > that entry will be present in the logs of the leaders for all
// > higher-numbered terms.
//
// A node seen leading a term for the first time is checked from index 1;
// afterwards only the part of its log that changed needs checking again.
func (c *Checker) checkLeaderHoldsCommitted(leader *nodeRecord, from raft.Index) {
	c.counts[LeaderCompleteness]++
	for index := max(from, c.records.low); index <= c.records.high; index++ {
		if slot := c.records.paged(index); slot != nil {
			c.checkLeaderHoldsAt(leader, index, slot)
		}
	}
	for _, index := range c.records.farIndexes(from) {
		c.checkLeaderHoldsAt(leader, index, c.records.far[index])
	}
}

// checkLeaderHoldsAt checks a leader's log against the entries committed
// at index, whose record is slot, in a term before the leader's.
func (c *Checker) checkLeaderHoldsAt(leader *nodeRecord, index raft.Index, slot *indexRecord) {
	for k := range c.records.committedCount(index, slot) {
		if record := c.records.committedEntry(index, slot, k); record.commitTerm < leader.term {
			c.checkLeaderHolds(leader, *record)
		}
	}
}

// checkLeaderHolds reports a leader whose log lacks a committed entry.
// The caller ensures the leader's term is higher than the commit term.
func (c *Checker) checkLeaderHolds(leader *nodeRecord, record committedEntry) {
	c.counts[LeaderCompleteness]++
	if record.index < leader.log.floor {
		return // inside the leader's snapshot, not compared (compaction.go)
	}
	if record.index == leader.log.floor {
		// The snapshot's last included entry: only its term is known.
		if record.term == leader.log.floorTerm {
			return
		}
	} else if record.index <= leader.log.length() && leader.log.holds(record.index, record.entry(&c.records.commands)) {
		return
	}
	holds := "has no entry at that index"
	switch {
	case record.index == leader.log.floor:
		holds = fmt.Sprintf("holds term %d there (its snapshot's last entry)", leader.log.floorTerm)
	case record.index <= leader.log.length():
		holds = "holds " + c.describe(leader.log.entry(record.index))
	}
	c.report(violationKey{
		nodes: [2]raft.NodeID{leader.id},
		index: record.index,
		terms: [3]raft.Term{record.term, leader.term},
	}, Violation{
		Property: LeaderCompleteness,
		Nodes:    []raft.NodeID{leader.id, record.node},
		Index:    record.index,
		Terms:    []raft.Term{record.term, record.commitTerm, leader.term},
		Evidence: fmt.Sprintf("%v saw index %d %s committed in term %d, but %v, leader of term %d, %s",
			record.node, record.index, c.describe(record.entry(&c.records.commands)), record.commitTerm, leader.id, leader.term, holds),
	})
}
