package raft

// dropUncommitted is the teaching bug LeaderDropsUncommitted: a leader
// that has not heard from a majority for an election timeout deletes the
// entries it could not commit and goes on leading, as if they had never
// been proposed, instead of stepping down (thesis §6.2). It breaks Leader
// Append-Only (thesis §3.5): "a leader never overwrites or deletes entries
// in its log". Followers may hold the deleted entries; the leader's next
// entries take their indexes in the same term, so two logs then hold
// different entries with the same index and term (Log Matching), and a
// client may be told its command succeeded when another one took its
// place. It reports whether it deleted anything; with nothing to delete
// the leader steps down as usual.
func (r *Node) dropUncommitted() bool {
	from := max(r.commitIndex, r.log.snapshotIndex) + 1
	last := r.log.lastIndex()
	if from > last {
		return false
	}
	r.log.truncateFrom(from)
	r.emit(Event{Kind: EventTruncated, Index: from, OtherIndex: last, Reason: ReasonQuorumLost, Section: "§3.5"})
	kept := r.log.lastIndex()
	for _, progress := range r.progress.all() {
		progress.MatchIndex = min(progress.MatchIndex, kept)
		progress.becomeProbe(kept + 1)
	}
	return true
}
