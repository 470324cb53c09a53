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
// scanning its whole log at every observation, and remembers the
// configuration in effect at the log copy's floor, so that a node that
// compacts its configuration entries into a snapshot keeps its
// configuration (a snapshot holds the latest configuration as of its last
// included index: thesis §5.1, paper §7).
type configurationTracker struct {
	// index is the latest configuration entry among entries floor+1 ..
	// scanned (0: none).
	index, scanned raft.Index
	// atFloor says what configuration is in effect at the copy's floor,
	// before any configuration entry the copy holds.
	atFloor floorConfiguration
	// decoded is the configuration of the entry at decodedIndex, decoded
	// once rather than at every check; decodedIndex is 0 when none is.
	decoded      raft.Configuration
	decodedIndex raft.Index
	decodedValid bool
}

// floorConfiguration is what is known of the configuration in effect at a
// log copy's floor.
type floorConfiguration struct {
	// unknown is set when the floor came with a snapshot the checker did
	// not see built (installed from the leader, or a restart): the
	// configuration it holds is not shown to the checker.
	unknown bool
	// fromEntry is false while no configuration entry was ever compacted:
	// the bootstrap configuration is in effect.
	fromEntry     bool
	configuration raft.Configuration
}

// update rescans what changed: the log is unchanged below changed.
func (t *configurationTracker) update(log *logCopy, changed raft.Index) {
	stale := t.index > 0 && (!log.known(t.index) || log.kind(t.index) != raft.EntryConfiguration)
	if t.index >= changed || stale {
		t.index, t.scanned = 0, 0
		t.decodedIndex = 0
	}
	t.scanned = max(min(t.scanned, changed-1), log.floor)
	for index := t.scanned + 1; index <= log.length(); index++ {
		if log.kind(index) == raft.EntryConfiguration {
			t.index = index
		}
	}
	t.scanned = log.length()
}

// compact records the configuration in effect at index before the copy
// drops the entries up to it: its latest configuration entry at or below
// index, or what was in effect at the old floor.
func (t *configurationTracker) compact(log *logCopy, index raft.Index) {
	if t.index == 0 || t.index > index {
		return
	}
	configuration, err := raft.DecodeConfiguration(log.command(t.index))
	t.atFloor = floorConfiguration{unknown: err != nil, fromEntry: true, configuration: configuration}
	t.index, t.decodedIndex = 0, 0
}

// reset forgets everything: the copy now starts after a snapshot at
// index the checker did not see built (0: an empty log, the bootstrap).
func (t *configurationTracker) reset(index raft.Index) {
	*t = configurationTracker{atFloor: floorConfiguration{unknown: index > 0}, scanned: index}
}

// configuration returns the node's configuration, and false when the
// checker cannot know it: no configuration entry and no bootstrap, or a
// snapshot whose configuration the checker was not shown.
func (c *Checker) configuration(node *nodeRecord) (raft.Configuration, bool) {
	tracker := &node.configuration
	if tracker.index == 0 {
		switch {
		case tracker.atFloor.unknown:
			return raft.Configuration{}, false
		case tracker.atFloor.fromEntry:
			return tracker.atFloor.configuration, true
		}
		return c.bootstrap, c.bootstrapKnown
	}
	if tracker.decodedIndex != tracker.index {
		configuration, err := raft.DecodeConfiguration(node.log.command(tracker.index))
		tracker.decoded, tracker.decodedIndex, tracker.decodedValid = configuration, tracker.index, err == nil
	}
	return tracker.decoded, tracker.decodedValid
}

// checkCommitQuorum checks a leader's commit index when it advances in
// its term: the entry there must be held, with the same term and on disk,
// by a quorum of the leader's configuration (thesis §3.6, §4.1, §4.3).
// Log Matching makes the entries before it held too. A leader that
// commits and steps down in one observation (a removed leader whose new
// configuration commits, thesis §4.2.2) committed as leader: it is checked
// too, since in its term no one else could have told it the commit index.
func (c *Checker) checkCommitQuorum(node *nodeRecord, ledThisTerm bool, commitIndex raft.Index) {
	if node.role != raft.Leader {
		defer func() { node.commitChecked = 0 }()
	}
	if !ledThisTerm || commitIndex <= node.commitChecked || commitIndex > node.log.length() {
		node.commitChecked = max(node.commitChecked, commitIndex)
		return
	}
	node.commitChecked = commitIndex
	configuration, known := c.configuration(node)
	if !known {
		return
	}
	c.counts[CommitQuorum]++
	term := node.log.term(commitIndex)
	if term == 0 {
		return // inside the leader's snapshot: not known (compaction.go)
	}
	// A node holds the entry once it is on its disk: an entry in memory
	// only does not count (thesis §3.8, §10.2.1).
	holds := func(id raft.NodeID) bool {
		record, seen := c.seen(id)
		return seen && record.log.term(commitIndex) == term && commitIndex <= record.written
	}
	if configuration.HasQuorum(holds) {
		return
	}
	var holders []string
	for _, id := range configuration.Members() {
		if holds(id) {
			holders = append(holders, id.String())
		}
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
