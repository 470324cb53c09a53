package cluster

import (
	"raftctl/raft"
	"raftctl/store"
)

// stateMachineSnapshot is what a node hands raft.Node.Compact: its state
// machine with the client sessions (thesis §5.1, §6.3), or without them
// under the teaching bug SnapshotWithoutSessions.
func stateMachineSnapshot(kv *store.KV, bugs raft.Bugs) []byte {
	if bugs.SnapshotWithoutSessions {
		return kv.SnapshotDataWithoutSessions()
	}
	return kv.SnapshotData()
}
