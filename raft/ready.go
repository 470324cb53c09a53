package raft

// Ready is a batch of work the core hands to its host. The host must, in
// this order (thesis §3.8):
//  1. persist Snapshot when it is not empty (thesis §5.1: the snapshot
//     first, since the entries it replaces may be dropped);
//  2. persist HardState and Entries when MustSave is set;
//  3. send Messages;
//  4. when RestoreStateMachine is set, reset the state machine from
//     Snapshot.Data (thesis Fig. 5.3), then apply CommittedEntries, in
//     order;
//  5. call Advance.
//
// With Config.ParallelLeaderWrite the host may first send EarlyMessages,
// then persist (asynchronously, stepping messages into the node
// meanwhile), and goes on from step 3 once the write is done (thesis
// §10.2.1). It never calls Ready again before it has called Advance.
//
// Events may be shown at any time. The slices Messages, Events and
// ReadStates are reused from the next call of Ready on (recycle.go): a
// host that keeps them past Advance copies them.
type Ready struct {
	HardState HardState
	// MustSave is set when the hard state changed or there are entries to
	// persist.
	MustSave bool
	// Entries replace the stored log from Entries[0].Index on. They and
	// CommittedEntries share the log's memory, whose entries never change
	// (log_chunks.go): a host may keep them without copying, but not
	// change them.
	Entries []Entry
	// Snapshot, when not empty, is a new snapshot to persist: taken by
	// Compact, or received from the leader. Storing it drops the stored
	// entries up to its last included index; when the stored log does not
	// hold that entry with that term, the whole stored log goes (thesis
	// Fig. 5.3).
	Snapshot Snapshot
	// RestoreStateMachine: the snapshot came from the leader, and the
	// state machine must be replaced by its data before CommittedEntries
	// are applied.
	RestoreStateMachine bool
	Messages            []Message
	// EarlyMessages, set only with Config.ParallelLeaderWrite on a leader
	// whose hard state is not changing, are its AppendEntries: the host
	// may send them before or while it persists this Ready (thesis
	// §10.2.1, parallel_write.go). Every other message stays in Messages.
	EarlyMessages    []Message
	CommittedEntries []Entry
	Events           []Event
	// ReadStates are reads the leader confirmed (thesis §6.4): answer each
	// once the state machine has applied its Index.
	ReadStates []ReadState
}

// HasReady reports whether Ready would return any work.
func (r *Node) HasReady() bool {
	return len(r.messages) > 0 || len(r.events) > 0 || len(r.readStates) > 0 || r.hardStateDirty ||
		r.log.unstableFrom != 0 || r.commitIndex > r.handedCommit || r.snapshotToSave
}

// Ready hands out the work produced since the last call.
func (r *Node) Ready() Ready {
	var ready Ready
	r.handOutWork(&ready) // Messages, Events and ReadStates (recycle.go)
	ready.HardState = HardState{CurrentTerm: r.term, VotedFor: r.votedFor}
	if r.config.Bugs.ForgetVote {
		// Teaching bug: the vote is never written down, so a restarted
		// node can vote again in the same term (breaks thesis §3.8).
		ready.HardState.VotedFor = None
	}
	if r.config.Bugs.ForgetTerm {
		// Teaching bug: currentTerm is never written down, so a restarted
		// node comes back in term 0 and takes up a term it already voted
		// in as a new one (breaks thesis §3.8).
		ready.HardState.CurrentTerm = 0
	}
	if r.snapshotToSave {
		ready.Snapshot = r.snapshot.clone()
		ready.RestoreStateMachine = r.snapshotToRestore
		r.snapshotToSave, r.snapshotToRestore = false, false
	}
	ready.Entries = r.log.takeUnstable()
	r.handOutForSaving(ready.Entries)
	ready.MustSave = r.hardStateDirty || len(ready.Entries) > 0
	r.takeEarlyMessages(&ready, r.hardStateDirty)
	r.hardStateDirty = false
	if r.commitIndex > r.handedCommit {
		ready.CommittedEntries = r.log.entriesBetween(r.handedCommit+1, r.commitIndex)
		r.handedCommit = r.commitIndex
	}
	return ready
}

// Advance acknowledges that the host carried out a Ready: its state is
// durable, its messages are sent and its committed entries are applied.
// A leader may commit here, once its own write is done (thesis §3.8,
// §10.2.1).
func (r *Node) Advance(ready Ready) {
	if ready.RestoreStateMachine {
		r.lastApplied = max(r.lastApplied, ready.Snapshot.LastIncludedIndex)
	}
	if n := len(ready.CommittedEntries); n > 0 {
		r.lastApplied = max(r.lastApplied, ready.CommittedEntries[n-1].Index)
	}
	r.acknowledgeDurable(ready)
}
