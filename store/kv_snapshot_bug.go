package store

// SnapshotDataWithoutSessions is SnapshotData with the client sessions left
// out, for the teaching bug snapshot-without-sessions (raft.Bugs
// SnapshotWithoutSessions). It breaks thesis §6.3: the sessions are part
// of the replicated state, so snapshots must hold them. A server that starts from
// such a snapshot, after a restart or an InstallSnapshot, has forgotten
// which commands it executed, and executes a client's retry of one of them
// a second time.
func (kv *KV) SnapshotDataWithoutSessions() []byte { return kv.snapshotData(false) }
