package cluster

import (
	"errors"
	"fmt"

	"raftctl/check"
	"raftctl/raft"
	"raftctl/store"
)

// Log compaction in the simulator (thesis ch. 5): a node snapshots its
// key-value state machine (with the client sessions) by hand (`snapshot
// NODE`, Compact) or once its log holds Settings.SnapshotThreshold applied
// entries past its last snapshot; a leader sends its snapshot to a follower
// that needs compacted entries (InstallSnapshot, thesis Fig. 5.3); a
// restarted node loads its state machine from the stored snapshot and
// applies the log after it.

// Compactor is a cluster whose nodes can be told to snapshot now
// (`snapshot NODE`); Local is one.
type Compactor interface {
	Compact(id raft.NodeID) (raft.Index, error)
}

var _ Compactor = (*Local)(nil)

// Compact makes node id snapshot its state machine at its applied index
// and drop the log entries the snapshot covers (thesis §5.1). It returns
// the snapshot's last included index.
func (c *Local) Compact(id raft.NodeID) (raft.Index, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	node, err := c.runningNode(id)
	if err != nil {
		return 0, err
	}
	index := node.applied
	if index == 0 || index <= node.core.SnapshotIndex() {
		return 0, fmt.Errorf("%v has nothing new to snapshot: it has applied up to index %d and its snapshot covers up to %d (put something first)",
			id, index, node.core.SnapshotIndex())
	}
	if err := c.compact(node); err != nil {
		return 0, err
	}
	return index, nil
}

// compact snapshots node's state machine at its applied index.
func (c *Local) compact(node *localNode) error {
	data := stateMachineSnapshot(node.kv, c.settings.Bugs)
	if err := node.core.Compact(node.applied, data); err != nil {
		return err
	}
	node.snapshots.snapshotTaken(len(data))
	c.process(node)
	return nil
}

// maybeCompact takes a snapshot when the policy of snapshot_policy.go
// says it is due (thesis §5.1.2, "When to snapshot").
func (c *Local) maybeCompact(node *localNode) {
	if node.core == nil || !node.snapshots.due(c.settings, node.applied, node.core.SnapshotIndex()) {
		return
	}
	data := stateMachineSnapshot(node.kv, c.settings.Bugs)
	err := node.core.Compact(node.applied, data)
	switch {
	case err == nil:
		node.snapshots.snapshotTaken(len(data))
	case !errors.Is(err, raft.ErrJointConfiguration): // joint: the next apply tries again
		c.publish(Record{Kind: RecordFault, Node: node.id, Text: "snapshot failed", Err: err})
	}
}

// saveSnapshot persists a snapshot from a Ready batch, before the batch's
// entries and messages (thesis §3.8). Under lazy sync the cache is flushed
// first: the snapshot replaces entries that must be on disk to be replaced.
func (c *Local) saveSnapshot(node *localNode, snapshot raft.Snapshot) error {
	if err := c.flushUnsynced(node, c.now); err != nil {
		return err
	}
	return node.storage.SaveSnapshot(snapshot)
}

// restoreSnapshot resets node's state machine from a snapshot its leader
// sent (thesis Fig. 5.3: "Reset state machine using snapshot contents"),
// and has the checker compare the snapshot's last entry with what others
// applied there.
func (c *Local) restoreSnapshot(node *localNode, snapshot raft.Snapshot) {
	kv, err := store.RestoreKV(snapshot.LastIncludedIndex, snapshot.Data)
	if err != nil {
		c.publish(Record{Kind: RecordFault, Node: node.id, Text: "snapshot unreadable", Err: err})
		return
	}
	node.kv = kv
	node.applied = snapshot.LastIncludedIndex
	node.snapshots.snapshotTaken(len(snapshot.Data))
	c.report(c.checker.ObserveSnapshot(node.id, snapshot.LastIncludedIndex, snapshot.LastIncludedTerm))
}

// loadStateMachine builds a starting node's state machine from its stored
// snapshot (empty without one): a restart starts from the snapshot plus
// the log after it (thesis §5.1).
func (c *Local) loadStateMachine(node *localNode) error {
	snapshot, err := node.storage.Snapshot()
	if err != nil {
		return err
	}
	kv, err := store.RestoreKV(snapshot.LastIncludedIndex, snapshot.Data)
	if err != nil {
		return fmt.Errorf("%v: %w", node.id, err)
	}
	node.kv, node.applied = kv, snapshot.LastIncludedIndex
	node.snapshots.snapshotTaken(len(snapshot.Data))
	return nil
}

// storedLog is what a down node's storage holds: its snapshot's last
// included entry and the log after it.
func storedLog(storage nodeStorage) (raft.HardState, raft.Snapshot, []raft.Entry, error) {
	state, entries, err := storage.InitialState()
	if err != nil {
		return state, raft.Snapshot{}, nil, err
	}
	snapshot, err := storage.Snapshot()
	return state, snapshot, entries, err
}

// nodeView is what the checker sees of a running node. It reads the core
// field by field: Status would copy every follower's progress on each
// event, for nothing the checker looks at.
func nodeView(node *localNode, unchanged raft.Index) check.NodeView {
	core := node.core
	return check.NodeView{
		ID:            node.id,
		Role:          core.Role(),
		Term:          core.Term(),
		Reader:        core, // reads only what changed: the log stays in chunks
		LastIndex:     core.LastIndex(),
		CommitIndex:   core.CommitIndex(),
		SnapshotIndex: core.SnapshotIndex(),
		SnapshotTerm:  core.SnapshotTerm(),
		Unchanged:     unchanged,
		Written:       writtenIndex(node),
		WrittenKnown:  true,
	}
}

// writtenIndex is how far the node's log is on its disk, for the checker's
// Commit Quorum (check.NodeView.Written): not the entries of a write still
// running, nor those the core changed after it last handed its entries out
// to be saved (thesis §10.2.1). Everything else was saved before the node
// was shown (process.go, disk.go).
func writtenIndex(node *localNode) raft.Index {
	written := node.core.LastIndex()
	if node.writing != nil && len(node.writing.ready.Entries) > 0 {
		written = min(written, node.writing.ready.Entries[0].Index-1)
	}
	if from := node.core.UnsavedFrom(); from != 0 {
		written = min(written, from-1)
	}
	return written
}

// committedCommands returns the client commands committed in leader's
// log after its snapshot, and the state machine that holds the effect of
// those before it (for lost-write checks: a write inside the snapshot is
// found through the client's session).
func committedCommands(leader *localNode) []raft.Entry {
	log := leader.core.Log()
	commit := leader.core.CommitIndex()
	offset := leader.core.SnapshotIndex()
	if commit <= offset {
		return nil
	}
	return log[:min(int(commit-offset), len(log))]
}

// inSnapshot reports whether the client's request is covered by leader's
// snapshot: its session has seen that request or a later one. Requests of
// one client are sequential, so a later request in the session means this
// one was applied before it. index is where the request was answered.
func inSnapshot(leader *localNode, clientID, sequence uint64, index raft.Index) bool {
	if leader.kv == nil {
		return false
	}
	if leader.core != nil && leader.core.Config().Bugs.SnapshotWithoutSessions {
		// Snapshots hold no sessions to look in: a write the snapshot
		// covers cannot be looked for, and is not called lost.
		return index <= leader.core.SnapshotIndex()
	}
	latest, known := leader.kv.SessionSequence(clientID)
	return known && latest >= sequence
}

// campaignSnapshotThreshold is a campaign's automatic snapshot threshold:
// in a third of the seeds from 8 to 32 entries, so that nodes that fall
// behind need InstallSnapshot; off in the others. It comes from the seed,
// not from the campaign's random draws, which stay as they were.
//
// Not every seed, because a compacted history hides some violations: a
// follower that installs a snapshot applies none of the entries it covers
// one by one, and a write lost inside the final leader's snapshot can only
// be looked for in the client sessions (inSnapshot), which a later request
// of the same client satisfies. With snapshots in every seed, 1000 seeds no
// longer caught commit-old-term.
func campaignSnapshotThreshold(seed uint64) int {
	if seed%3 != 0 {
		return 0
	}
	return 8 + int(seed/3%25)
}
