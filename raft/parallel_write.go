package raft

// Writing to the leader's disk in parallel (thesis §10.2.1), behind
// Config.ParallelLeaderWrite.
//
// The leader sends its AppendEntries before its own write to disk
// finishes; it may commit an entry of its term as soon as a majority of
// match indexes cover it, even before its own write is done (thesis
// §10.2.1, "Writing to the leader's disk in parallel").
//
// With the switch or without, the leader's own match index is the last
// entry its host has acknowledged durable by passing its Ready to Advance:
// an entry in the leader's memory only is on no disk (thesis §3.8). Without
// the switch the host persists a Ready before it sends the Ready's
// messages, so the followers' answers come after the leader's write
// anyway; a leader that is a majority on its own commits at Advance. With
// it, the host may send the leader's AppendEntries first
// (Ready.EarlyMessages) and persist meanwhile, and an entry may commit on
// the followers alone, before the leader's own write is done: it is still
// on a majority of disks. Followers are unchanged: they persist before
// they answer.

// durableState follows which entries of the log the host has made durable.
// Invariant: index <= saving when saving is not 0; both are at most the
// log's last index, less any entries truncated since.
type durableState struct {
	// index is the last entry the host acknowledged durable: loaded from
	// storage, or handed out in a Ready that was then passed to Advance.
	index Index
	// saving is the last entry of the Ready handed out and not yet passed
	// to Advance (0: none).
	saving Index
}

// truncated forgets durability from index on: the entries there are gone
// (thesis §3.5) and new ones will take their indexes, so a write of the
// old ones, acknowledged later, says nothing about the new.
func (d *durableState) truncated(index Index) {
	d.index = min(d.index, index-1)
	if d.saving != 0 {
		d.saving = min(d.saving, index-1)
	}
}

// ownMatchIndex is the index the node counts for itself towards
// commitment (quorum.go): its last durable entry (thesis §3.8, §10.2.1).
func (r *Node) ownMatchIndex() Index {
	if r.config.Bugs.LeaderCountsUnwritten {
		// Teaching bug: every entry in memory counts, written or not
		// (breaks thesis §10.2.1).
		return r.log.lastIndex()
	}
	return min(r.log.durable.index, r.log.lastIndex())
}

// handOutForSaving records that entries are handed to the host to persist.
func (r *Node) handOutForSaving(entries []Entry) {
	if n := len(entries); n > 0 {
		r.log.durable.saving = entries[n-1].Index
	}
}

// acknowledgeDurable records, at Advance, that the host persisted the
// Ready's entries; a leader may now count them for itself and commit.
func (r *Node) acknowledgeDurable(ready Ready) {
	n := len(ready.Entries)
	if n == 0 {
		return
	}
	saved := min(ready.Entries[n-1].Index, r.log.durable.saving)
	r.log.durable.saving = 0
	if saved <= r.log.durable.index {
		return
	}
	r.log.durable.index = saved
	if r.role == Leader {
		r.maybeCommit()
	}
}

// takeEarlyMessages moves out of ready.Messages those the host may send
// before it persists this Ready (thesis §10.2.1): a leader's
// AppendEntries, when the hard state it persists is not changing. Its
// term and vote must be durable before anything of the term is sent
// (thesis §3.8), so a dirty hard state keeps every message for after the
// save. Every other message also waits: only the leader's own write runs
// in parallel.
func (r *Node) takeEarlyMessages(ready *Ready, hardStateDirty bool) {
	if !r.mayWriteInParallel(hardStateDirty) {
		return
	}
	// The early ones go to a recycled slice (recycle.go).
	ready.Messages, r.spare.early = splitAppendEntries(ready.Messages, r.spare.early)
	if len(ready.Messages) == 0 {
		ready.Messages = nil
	}
	ready.EarlyMessages, r.spare.early, r.spare.earlyHanded = swapBuffers(r.spare.early, r.spare.earlyHanded)
}

// mayWriteInParallel reports whether the node's AppendEntries may leave
// before its own write: a leader under the parallel write whose term and
// vote are already durable (thesis §3.8).
func (r *Node) mayWriteInParallel(hardStateDirty bool) bool {
	return r.config.ParallelLeaderWrite && r.role == Leader && !hardStateDirty
}

// splitAppendEntries moves the AppendEntries out of messages, in place,
// onto early, keeping each list in the order it was sent.
func splitAppendEntries(messages, early []Message) (kept, earlyOut []Message) {
	kept = messages[:0]
	for _, m := range messages {
		if m.Type == MsgAppendEntries {
			early = append(early, m)
		} else {
			kept = append(kept, m)
		}
	}
	clear(messages[len(kept):])
	return kept, early
}

// WhileWriting is the work a node hands its host between two Readies,
// while the host's disk is still busy with the first one's write
// (TakeWhileWriting).
type WhileWriting struct {
	// EarlyMessages are the leader's AppendEntries sent since the last
	// Ready, under the parallel write: they need not wait for any write of
	// the leader's (thesis §10.2.1), so followers get new entries without
	// waiting for the leader's disk. The entries they carry are in the
	// next Ready's Entries, for the leader's next write.
	EarlyMessages []Message
	// CommittedEntries are the entries committed since the last Ready: an
	// entry on a majority of disks may be applied and answered while this
	// node's own write runs on (thesis §10.2.1). The host applies them, in
	// order, before it steps the node again; they count as applied.
	CommittedEntries []Entry
	// Events are the node's decisions since the last Ready, handed out
	// with the work above so that the trace explains it.
	Events []Event
}

// TakeWhileWriting hands out what a node's host may do while its disk is
// busy with the last Ready's write: the leader's early AppendEntries and
// the newly committed entries, with the events so far. It is empty when
// there is neither. No committed entries while a snapshot waits to be
// saved and restored (the next Ready carries it, and entries after it
// must wait for it); no early messages without the parallel write, or
// while the node's term or vote waits to be written (thesis §3.8).
func (r *Node) TakeWhileWriting() WhileWriting {
	var work WhileWriting
	if r.mayWriteInParallel(r.hardStateDirty) {
		r.messages, work.EarlyMessages = splitAppendEntries(r.messages, nil)
	}
	if !r.snapshotToSave && r.commitIndex > r.handedCommit {
		work.CommittedEntries = r.log.entriesBetween(r.handedCommit+1, r.commitIndex)
		r.handedCommit = r.commitIndex
		r.lastApplied = r.commitIndex
	}
	if len(work.EarlyMessages) == 0 && len(work.CommittedEntries) == 0 {
		return WhileWriting{}
	}
	// A copy: the events slices take turns with the Ready the host still
	// holds (recycle.go).
	work.Events = append([]Event(nil), r.events...)
	clear(r.events)
	r.events = r.events[:0]
	return work
}

// UnsavedFrom is the first index whose entry changed since the last Ready
// handed the log's new entries out (an append, or a truncation), or 0
// when none did. Entries below it are as that Ready left them: a host
// that observes the node between Readies can promise that much.
func (r *Node) UnsavedFrom() Index { return r.log.unstableFrom }
