package cluster

import "raftctl/raft"

// When a node snapshots on its own (thesis §5.1.2, "When to snapshot").
// Snapshotting too often wastes disk bandwidth and energy; too rarely, the
// log takes space and a restart replays long. The thesis's policy: take a
// snapshot once the log is larger than the previous snapshot by an
// expansion factor, so that the work of writing snapshots stays in
// proportion to the work of writing the log, however large the state
// machine grows. A node here snapshots once its log past the last snapshot
// holds Settings.SnapshotThreshold applied entries and, with
// Settings.SnapshotGrowth F above 0, those entries take at least F times
// the bytes of the last snapshot.
//
// With a few keys the snapshot is small and the entry count decides;
// with many distinct keys the snapshot is large, and snapshots come at
// longer and longer intervals instead of encoding the whole state machine
// every SnapshotThreshold entries, at the price of longer logs. Off by
// default (Settings.SnapshotGrowth 0); `set snapshot-growth 4` turns it on.

// entryBytes is what an entry costs in the log besides its command: its
// index, term and kind as stored.
const entryBytes = 24

// snapshotPolicy follows the sizes the policy compares, for one node.
type snapshotPolicy struct {
	// logBytes is the size of the entries applied since the last snapshot.
	logBytes int
	// snapshotBytes is the size of the last snapshot's data, 0 without one.
	snapshotBytes int
}

// applied counts an entry the node's state machine applied.
func (p *snapshotPolicy) applied(entry raft.Entry) {
	p.logBytes += len(entry.Command) + entryBytes
}

// snapshotTaken starts the count again after a snapshot of size bytes:
// one the node took, loaded at a restart or installed from its leader.
func (p *snapshotPolicy) snapshotTaken(size int) {
	p.logBytes, p.snapshotBytes = 0, size
}

// due reports whether a node that applied up to applied, with a snapshot
// up to snapshotIndex, should snapshot now.
func (p *snapshotPolicy) due(settings Settings, applied, snapshotIndex raft.Index) bool {
	threshold := settings.SnapshotThreshold
	if threshold <= 0 || applied < snapshotIndex+raft.Index(threshold) {
		return false
	}
	return p.logBytes >= settings.SnapshotGrowth*p.snapshotBytes
}
