package check

import (
	"fmt"

	"raftctl/raft"
)

// Compacted logs (thesis ch. 5). A node that took or installed a snapshot
// shows the checker only its log after the snapshot (NodeView.Log starts at
// SnapshotIndex+1). The checker keeps what the node keeps:
//
//   - The copy of a node's log holds the entries after the node's snapshot
//     and the snapshot's last included index and term (its floor). When
//     the node compacts entries the copy held (same index, same term at
//     the snapshot's last entry), the copy drops them too, and remembers
//     the configuration in effect there (a snapshot holds the latest
//     configuration as of its last included index: thesis §5.1, paper
//     §7). Otherwise
//     (a snapshot installed from the leader, a restart the checker did not
//     see, a wiped disk) the copy starts afresh at the snapshot, and its
//     configuration is unknown until a configuration entry follows.
//   - Entries inside a snapshot are not compared (Log Matching), not
//     recorded as committed, and not demanded of a leader (Leader
//     Completeness), except the snapshot's last included entry, whose term
//     is known. A snapshot covers only committed entries (each server
//     snapshots its committed, applied state independently: thesis §5.1,
//     paper §7), and each of them was compared with every other log,
//     recorded as committed and checked against every leader while the
//     node still held it; the records of committed and applied entries
//     outlive the copies (Checker.forgetRecords). What is given up: an
//     entry another node comes to hold later at an index inside this
//     node's snapshot is not compared with this node there. It is still
//     compared with every node that holds that index, with the entry
//     recorded committed there once it leads (Leader Completeness), and
//     with the entry applied there once it applies it (State Machine
//     Safety).
//   - A state machine loaded from a snapshot is checked with
//     ObserveSnapshot: its last included entry must be the entry others
//     applied at that index (State Machine Safety).

// adjustForSnapshot prepares node's copy for a view whose log starts after
// snapshotIndex, whose entry has snapshotTerm. It returns whether the
// copy's floor moved.
func (node *nodeRecord) adjustForSnapshot(snapshotIndex raft.Index, snapshotTerm raft.Term) bool {
	log := &node.log
	switch {
	case snapshotIndex == log.floor && (snapshotIndex == 0 || snapshotTerm == log.floorTerm):
		return false
	case snapshotIndex > log.floor && snapshotIndex <= log.length() && log.term(snapshotIndex) == snapshotTerm:
		// The node compacted entries the copy holds (thesis §5.1).
		node.configuration.compact(log, snapshotIndex)
		log.compactThrough(snapshotIndex)
		return true
	}
	// An older or no snapshot (a wiped disk), or one the copy does not
	// hold: nothing of the copy is known to be the node's any more.
	log.reset(snapshotIndex, snapshotTerm)
	node.configuration.reset(snapshotIndex)
	node.committedThrough = min(node.committedThrough, snapshotIndex)
	return true
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
	record := c.records.find(index)
	if index == 0 || record == nil || !record.appliedSeen || record.applied.term == term {
		return nil
	}
	first := &record.applied
	c.report(violationKey{index: index, terms: [3]raft.Term{term}, detail: "snapshot"}, Violation{
		Property: StateMachineSafety,
		Nodes:    []raft.NodeID{first.node, node},
		Index:    index,
		Terms:    []raft.Term{first.term, term},
		Evidence: fmt.Sprintf("%v applied index %d %s but %v loaded a snapshot whose index %d has term %d",
			first.node, index, c.describe(first.entry(index, &c.records.commands)), node, index, term),
	})
	return c.foundSince(found)
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
