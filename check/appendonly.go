package check

import (
	"fmt"

	"raftctl/raft"
)

// checkLeaderAppendOnly compares a leader's new log with its log at the
// previous observation, when it led the same term then (thesis §3.5):
// > Leader Append-Only: a leader never overwrites or deletes entries in
// > its log; it only appends new entries.
//
// changed is the first index where the new log differs from the stored
// copy, which still holds the previous log. Anything at or below the old
// last index that changed was overwritten or deleted.
//
// log holds the indexes after offset, a snapshot's last included index.
func (c *Checker) checkLeaderAppendOnly(node *nodeRecord, changed, offset raft.Index, log []raft.Entry) {
	c.counts[LeaderAppendOnly]++
	previous := node.log.length()
	if changed > previous || !node.log.known(changed) {
		return
	}
	old := node.log.entry(changed)
	key := violationKey{nodes: [2]raft.NodeID{node.id}, index: changed, terms: [3]raft.Term{node.term}}
	if int(changed-offset) > len(log) {
		c.report(key, Violation{
			Property: LeaderAppendOnly,
			Nodes:    []raft.NodeID{node.id},
			Index:    changed,
			Terms:    []raft.Term{node.term, old.Term},
			Evidence: fmt.Sprintf("%v, leader of term %d, deleted indexes %d to %d; index %d was %s",
				node.id, node.term, changed, previous, changed, c.describe(old)),
		})
		return
	}
	replacement := log[changed-offset-1]
	c.report(key, Violation{
		Property: LeaderAppendOnly,
		Nodes:    []raft.NodeID{node.id},
		Index:    changed,
		Terms:    []raft.Term{node.term, old.Term, replacement.Term},
		Evidence: fmt.Sprintf("%v, leader of term %d, overwrote index %d %s with %s",
			node.id, node.term, changed, c.describe(old), c.describe(replacement)),
	})
}
