package check

import (
	"slices"
	"sync"

	"raftctl/raft"
)

// NodeView is what the host shows the checker of one node after the node
// processed a batch of work.
type NodeView struct {
	ID   raft.NodeID
	Role raft.Role
	// Term is the node's current term.
	Term raft.Term
	// Log holds the entries at indexes SnapshotIndex+1, +2, ... in order
	// (1, 2, 3, ... without a snapshot). The checker does not keep this
	// slice: it copies what it needs, so the host may reuse it.
	Log         []raft.Entry
	CommitIndex raft.Index
	// SnapshotIndex and SnapshotTerm are the last entry the node's snapshot
	// replaces (thesis §5.1), 0 without one; Log then holds the entries at
	// SnapshotIndex+1, SnapshotIndex+2, ... (compaction.go).
	SnapshotIndex raft.Index
	SnapshotTerm  raft.Term
	// Unchanged, when not 0, is the host's word that entries 1..Unchanged
	// are as they were at this node's previous observation (the host knows:
	// the core hands it every changed entry to persist). The checker then
	// compares only the entries above it, so an observation costs the size
	// of the change, not of the log. 0 means "compare everything".
	Unchanged raft.Index
	// Reader, when set, stands for Log: the checker reads through it only
	// the entries it needs, up to LastIndex, the node's last index: those
	// above Unchanged and the last entry below it (compared, as a guard
	// against a wrong promise), or every entry after the snapshot when its
	// copy does not hold them. A raft.Node is a LogReader, and a host that
	// passes it never makes the node join its log into one array.
	Reader    LogReader
	LastIndex raft.Index
	// Written, when WrittenKnown, is how far the log shown is on the
	// node's disk: the entries above it are in its memory only, in a write
	// still running or waiting for the next one (thesis §10.2.1). Commit
	// Quorum counts a node as holding an entry only once it is written: an
	// entry counts towards commitment once it is stored (thesis §3.8). A
	// host that saves everything before it shows a node leaves
	// WrittenKnown false, and every entry shown counts as written.
	Written      raft.Index
	WrittenKnown bool
}

// LogReader reads entries of a node's log, as raft.Node.Entries does.
type LogReader interface {
	// Entries returns the entries with from <= index <= to, or nil when
	// the log does not hold them all. The checker does not keep the slice.
	Entries(from, to raft.Index) []raft.Entry
}

// Checker checks the five properties of thesis Fig. 3.2 over the whole
// history of a run. Create one with New.
type Checker struct {
	mutex         sync.Mutex
	formatCommand CommandFormat

	// nodes holds every node seen so far, in ID order, with its latest
	// observation. A crashed node keeps its entry: its storage survives.
	nodes []*nodeRecord
	// leaders maps each term to the first node seen as its leader
	// (Election Safety).
	leaders map[raft.Term]raft.NodeID
	// records holds, per index, the entries seen committed there (Leader
	// Completeness) and the first entry applied there (State Machine
	// Safety), from the lowest snapshot of any node on (records.go).
	records indexRecords

	violations []Violation
	reported   map[violationKey]bool
	counts     [propertyCount]int

	// bootstrap is the configuration before any configuration entry, when
	// known (quorum.go).
	bootstrap      raft.Configuration
	bootstrapKnown bool
}

// nodeRecord is the checker's memory of one node.
type nodeRecord struct {
	id   raft.NodeID
	role raft.Role
	term raft.Term
	log  logCopy
	// committedThrough is the last index of log whose entry has been
	// recorded as committed.
	// Invariant: committedThrough <= log.length().
	committedThrough raft.Index
	// agreed[id] is the length of the common prefix of this log and node
	// id's log, as last compared (Log Matching). An array rather than a
	// map: it is read for every pair at every observation.
	// Invariant: agreed[id] equals the record of id's agreed[this id].
	agreed [256]raft.Index
	// configuration finds the node's latest configuration entry, and
	// commitChecked is the commit index Commit Quorum checked last, while
	// the node leads (quorum.go).
	configuration configurationTracker
	commitChecked raft.Index
	// written is how far log is on the node's disk (NodeView.Written).
	written raft.Index
}

// New returns a checker that has seen nothing yet.
func New(options ...Option) *Checker {
	c := &Checker{
		formatCommand: plainCommand,
		leaders:       make(map[raft.Term]raft.NodeID),
		reported:      make(map[violationKey]bool),
	}
	for _, option := range options {
		option(c)
	}
	return c
}

// ObserveNode checks the node's new state against everything seen before,
// and returns the violations this observation revealed. A violation that
// stays visible is reported once, when first seen.
func (c *Checker) ObserveNode(v NodeView) []Violation {
	c.mutex.Lock()
	defer c.mutex.Unlock()
	found := len(c.violations)

	node, seenBefore := c.node(v.ID)
	ledThisTerm := seenBefore && node.role == raft.Leader && node.term == v.Term
	// Leader Append-Only compares with the previous log, so it runs before
	// the copy is updated; every other check reads the new log.
	if node.adjustForSnapshot(v.SnapshotIndex, v.SnapshotTerm) {
		c.forgetRecords()
	}
	log, offset, changed := node.log.difference(v)
	if ledThisTerm && v.Role == raft.Leader {
		c.checkLeaderAppendOnly(node, changed, offset, log)
	}
	node.log.replaceFrom(v.ID, changed, offset, log)
	node.configuration.update(&node.log, changed)
	node.role, node.term = v.Role, v.Term
	node.written = node.log.length()
	if v.WrittenKnown {
		node.written = min(v.Written, node.written)
	}
	node.committedThrough = min(node.committedThrough, changed-1)

	if v.Role == raft.Leader {
		c.checkElectionSafety(node)
	}
	c.checkLogMatching(node, changed)
	c.recordCommitted(node, v.CommitIndex)
	c.checkCommitQuorum(node, ledThisTerm, v.CommitIndex)
	if v.Role == raft.Leader {
		// A leader already checked in this term only needs its changed
		// suffix checked; entries committed since were checked against it
		// when they were recorded.
		from := raft.Index(1)
		if ledThisTerm {
			from = changed
		}
		c.checkLeaderHoldsCommitted(node, from)
	}
	return c.foundSince(found)
}

// ObserveApply checks an entry the node applies to its state machine, and
// returns the violations it revealed.
func (c *Checker) ObserveApply(node raft.NodeID, e raft.Entry) []Violation {
	c.mutex.Lock()
	defer c.mutex.Unlock()
	found := len(c.violations)
	c.checkStateMachineSafety(node, e)
	return c.foundSince(found)
}

// foundSince returns a copy of the violations found after the first count,
// or nil when there are none, the common case.
func (c *Checker) foundSince(count int) []Violation {
	if len(c.violations) == count {
		return nil
	}
	return slices.Clone(c.violations[count:])
}

// Violations returns every violation found so far, in the order found.
func (c *Checker) Violations() []Violation {
	c.mutex.Lock()
	defer c.mutex.Unlock()
	return slices.Clone(c.violations)
}

// Counts returns how many checks of each property ran, so that a summary
// can show the checker was at work and not merely silent:
//
//   - Election Safety: one per observation of a leader.
//   - Leader Append-Only: one per observation of a node that was already
//     leader of the same term at its previous observation.
//   - Log Matching: one per pair of logs compared.
//   - Leader Completeness: one per observation of a leader, plus one per
//     committed entry compared with a leader's log.
//   - State Machine Safety: one per applied entry.
func (c *Checker) Counts() map[Property]int {
	c.mutex.Lock()
	defer c.mutex.Unlock()
	counts := make(map[Property]int, propertyCount)
	for _, p := range AllProperties() {
		counts[p] = c.counts[p]
	}
	return counts
}

// node returns the record of id, creating it on first sight, and whether
// it existed.
func (c *Checker) node(id raft.NodeID) (*nodeRecord, bool) {
	position, found := slices.BinarySearchFunc(c.nodes, id, func(record *nodeRecord, id raft.NodeID) int {
		return int(record.id) - int(id)
	})
	if found {
		return c.nodes[position], true
	}
	record := &nodeRecord{id: id}
	c.nodes = slices.Insert(c.nodes, position, record)
	return record, false
}

// report records a violation unless the same one was reported before.
func (c *Checker) report(key violationKey, v Violation) {
	key.property = v.Property
	if c.reported[key] {
		return
	}
	c.reported[key] = true
	c.violations = append(c.violations, v)
}
