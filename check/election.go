package check

import (
	"fmt"

	"raftctl/raft"
)

// checkElectionSafety remembers the leader of the node's term and reports a
// second one (thesis §3.4):
// > Election Safety: at most one leader can be elected in a given term.
//
// Terms are never forgotten: a second leader is a violation even if the
// first one crashed long ago.
func (c *Checker) checkElectionSafety(node *nodeRecord) {
	c.counts[ElectionSafety]++
	first, known := c.leaders[node.term]
	if !known {
		c.leaders[node.term] = node.id
		return
	}
	if first == node.id {
		return
	}
	c.report(violationKey{nodes: [2]raft.NodeID{first, node.id}, terms: [3]raft.Term{node.term}}, Violation{
		Property: ElectionSafety,
		Nodes:    []raft.NodeID{first, node.id},
		Terms:    []raft.Term{node.term},
		Evidence: fmt.Sprintf("%v and %v both leaders in term %d", first, node.id, node.term) + c.configurationNote(first, node.id),
	})
}
