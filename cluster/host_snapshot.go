package cluster

import (
	"fmt"

	"raftctl/raft"
	"raftctl/store"
)

// Log compaction on a real node (thesis ch. 5), as in Local
// (compaction.go): the snapshot is persisted before anything else of its
// batch, a snapshot from the leader replaces the state machine, a restart
// loads the stored snapshot, and the node compacts past
// Settings.SnapshotThreshold.

// loadStateMachine builds the state machine from the stored snapshot
// (empty without one).
func (h *Host) loadStateMachine() error {
	snapshot, err := h.config.Storage.Snapshot()
	if err != nil {
		return err
	}
	kv, err := store.RestoreKV(snapshot.LastIncludedIndex, snapshot.Data)
	if err != nil {
		return fmt.Errorf("%v: %w", h.config.ID, err)
	}
	h.kv, h.applied = kv, snapshot.LastIncludedIndex
	h.snapshots.snapshotTaken(len(snapshot.Data))
	return nil
}

// restoreSnapshot resets the state machine from the leader's snapshot
// (thesis Fig. 5.3).
func (h *Host) restoreSnapshot(snapshot raft.Snapshot) {
	kv, err := store.RestoreKV(snapshot.LastIncludedIndex, snapshot.Data)
	if err != nil {
		h.publish(Record{Kind: RecordFault, Node: h.config.ID, Text: "snapshot unreadable", Err: err})
		h.logger.Error("snapshot unreadable", "error", err)
		return
	}
	h.kv, h.applied = kv, snapshot.LastIncludedIndex
	h.snapshots.snapshotTaken(len(snapshot.Data))
}

// maybeCompact snapshots when the policy of snapshot_policy.go says it is
// due (thesis §5.1.2).
func (h *Host) maybeCompact() {
	if h.core == nil || !h.snapshots.due(h.config.Settings, h.applied, h.core.SnapshotIndex()) {
		return
	}
	data := stateMachineSnapshot(h.kv, h.config.Settings.Bugs)
	if err := h.core.Compact(h.applied, data); err != nil {
		h.logger.Error("snapshot failed", "error", err)
		return
	}
	h.snapshots.snapshotTaken(len(data))
}
