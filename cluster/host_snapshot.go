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
}

// maybeCompact snapshots once the log holds SnapshotThreshold applied
// entries past the last snapshot (thesis §5.1.2).
func (h *Host) maybeCompact() {
	threshold := h.config.Settings.SnapshotThreshold
	if threshold <= 0 || h.core == nil || h.applied < h.core.SnapshotIndex()+raft.Index(threshold) {
		return
	}
	if err := h.core.Compact(h.applied, h.kv.SnapshotData()); err != nil {
		h.logger.Error("snapshot failed", "error", err)
	}
}
