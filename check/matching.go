package check

import (
	"fmt"

	"raftctl/raft"
)

// checkLogMatching compares the observed node's log with the latest log of
// every other node, crashed ones included (thesis §3.5):
// > Log Matching: if two logs contain an entry with the same index and
// > term, then the logs are identical in all entries up through the given
// > index.
//
// Put the other way: once two logs differ at index d, they may not hold the
// same term at any index from d on. For each pair the checker keeps the
// length of their common prefix (nodeRecord.agreed). When the observed log
// changed from index changed on, the pair still agrees up to the smaller of
// that prefix and changed-1, so only the changed suffix is compared again:
// indexes below changed were examined, with exactly the same entries, when
// the pair was last compared.
func (c *Checker) checkLogMatching(node *nodeRecord, changed raft.Index) {
	for _, other := range c.nodes {
		if other == node {
			continue
		}
		c.counts[LogMatching]++
		limit := min(node.log.length(), other.log.length())
		common := min(node.agreed[other.id], changed-1, limit)
		// Placeholders of compacted entries are not compared (compaction.go).
		common = max(common, min(max(node.log.floor, other.log.floor), limit))
		for common < limit && sameEntry(&node.log, &other.log, common+1) {
			common++
		}
		node.agreed[other.id], other.agreed[node.id] = common, common
		if common == limit {
			continue
		}
		for index := limit; index >= max(common+1, changed); index-- {
			if node.log.term(index) == other.log.term(index) {
				c.reportLogMismatch(node, other, index, common+1)
				break
			}
		}
	}
}

// reportLogMismatch reports two logs that hold the same term at shared but
// differ at the earlier (or same) index differ.
func (c *Checker) reportLogMismatch(a, b *nodeRecord, shared, differ raft.Index) {
	if a.id > b.id {
		a, b = b, a
	}
	term := a.log.term(shared)
	termA, termB := a.log.term(differ), b.log.term(differ)
	evidence := fmt.Sprintf("%v and %v both hold index %d term %d but differ at index %d (%v has %s, %v has %s)",
		a.id, b.id, shared, term, differ, a.id, c.describe(a.log.entry(differ)), b.id, c.describe(b.log.entry(differ)))
	if shared == differ {
		evidence = fmt.Sprintf("%v and %v both hold index %d term %d but with different commands (%s and %s)",
			a.id, b.id, shared, term, c.content(a.log.entry(shared)), c.content(b.log.entry(shared)))
	}
	c.report(violationKey{
		nodes: [2]raft.NodeID{a.id, b.id},
		index: differ,
		terms: [3]raft.Term{termA, termB},
	}, Violation{
		Property: LogMatching,
		Nodes:    []raft.NodeID{a.id, b.id},
		Index:    shared,
		Terms:    []raft.Term{term, termA, termB},
		Evidence: evidence,
	})
}
