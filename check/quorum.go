package check

import (
	"fmt"
	"slices"
	"strings"

	"raftctl/raft"
)

// Configurations (thesis chapter 4). The properties of thesis Fig. 3.2 hold
// whatever the configuration; what changes is the quorum they rest on: an
// entry a leader commits must be stored on a majority of the leader's
// configuration, and on a majority of both halves of a joint one (thesis
// §4.1, §4.3). The checker reads each node's configuration from its log,
// the way the node does: the latest configuration entry, committed or not,
// or the bootstrap configuration (WithBootstrapConfiguration) before any.

// WithBootstrapConfiguration tells the checker the voters a cluster starts
// with, before any configuration entry. Without it the checker checks
// commit quorums only once a log holds a configuration entry.
func WithBootstrapConfiguration(voters []raft.NodeID) Option {
	return func(c *Checker) {
		c.bootstrap = raft.NewConfiguration(voters...)
		c.bootstrapKnown = true
	}
}

// configurationTracker finds a node's latest configuration entry without
// scanning its whole log at every observation.
type configurationTracker struct {
	// index is the latest configuration entry among entries 1..scanned
	// (0: none).
	index, scanned raft.Index
}

// update rescans what changed: the log is unchanged below changed.
func (t *configurationTracker) update(log *logCopy, changed raft.Index) {
	// A snapshot may have replaced the copy with placeholders (compaction.go).
	stale := t.index > 0 && (t.index <= log.floor || t.index > log.length() || log.kinds[t.index-1] != raft.EntryConfiguration)
	if t.index >= changed || stale {
		t.index, t.scanned = 0, 0
	}
	t.scanned = min(t.scanned, changed-1)
	for index := t.scanned + 1; index <= log.length(); index++ {
		if log.kinds[index-1] == raft.EntryConfiguration {
			t.index = index
		}
	}
	t.scanned = log.length()
}

// configuration returns the node's configuration, and false when the
// checker cannot know it: no configuration entry and no bootstrap, or a
// snapshot that compacted the entries where one may have been.
func (c *Checker) configuration(node *nodeRecord) (raft.Configuration, bool) {
	if node.configuration.index == 0 {
		if node.log.floor > 0 {
			return raft.Configuration{}, false
		}
		return c.bootstrap, c.bootstrapKnown
	}
	configuration, err := raft.DecodeConfiguration(node.log.command(node.configuration.index))
	return configuration, err == nil
}

// checkCommitQuorum checks a leader's commit index when it advances in
// its term: the entry there must be held, with the same term, by a quorum
// of the leader's configuration (thesis §3.6, §4.1, §4.3). Log Matching
// makes the entries before it held too.
func (c *Checker) checkCommitQuorum(node *nodeRecord, ledThisTerm bool, commitIndex raft.Index) {
	if node.role != raft.Leader || !ledThisTerm || commitIndex <= node.commitChecked || commitIndex > node.log.length() {
		node.commitChecked = max(node.commitChecked, commitIndex)
		if node.role != raft.Leader {
			node.commitChecked = 0
		}
		return
	}
	node.commitChecked = commitIndex
	configuration, known := c.configuration(node)
	if !known {
		return
	}
	c.counts[CommitQuorum]++
	term := node.log.term(commitIndex)
	var holders []string
	holds := func(id raft.NodeID) bool {
		record, seen := c.seen(id)
		held := seen && record.log.term(commitIndex) == term
		if held {
			holders = append(holders, id.String())
		}
		return held
	}
	if configuration.HasQuorum(holds) {
		return
	}
	// HasQuorum may stop early: list every holder for the evidence.
	holders = holders[:0]
	for _, id := range configuration.Members() {
		holds(id)
	}
	held := "none of them"
	if len(holders) > 0 {
		held = "only " + strings.Join(holders, ",")
	}
	c.report(violationKey{nodes: [2]raft.NodeID{node.id}, terms: [3]raft.Term{node.term}, index: commitIndex}, Violation{
		Property: CommitQuorum,
		Nodes:    []raft.NodeID{node.id},
		Terms:    []raft.Term{node.term},
		Index:    commitIndex,
		Evidence: fmt.Sprintf("%v, leader of term %d, committed index %d (term %d), held by %s of the voters %v",
			node.id, node.term, commitIndex, term, held, configuration),
	})
}

// configurationNote names the configuration each node uses, for the
// evidence of Election Safety: with membership changes, two leaders of one
// term come from two configurations whose majorities do not overlap
// (thesis Fig. 4.2).
func (c *Checker) configurationNote(ids ...raft.NodeID) string {
	var parts []string
	for _, id := range ids {
		record, seen := c.seen(id)
		if !seen {
			continue
		}
		if configuration, known := c.configuration(record); known {
			parts = append(parts, fmt.Sprintf("%v with voters %v", id, configuration))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

// seen returns the record of id if the checker has observed it.
func (c *Checker) seen(id raft.NodeID) (*nodeRecord, bool) {
	position, found := slices.BinarySearchFunc(c.nodes, id, func(record *nodeRecord, id raft.NodeID) int {
		return int(record.id) - int(id)
	})
	if !found {
		return nil, false
	}
	return c.nodes[position], true
}
