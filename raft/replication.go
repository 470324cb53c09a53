package raft

// Log replication from the leader's side (thesis §3.5), with batching and
// pipelining (thesis §10.2.2).

// broadcastAppend sends whatever each follower is missing.
func (r *Node) broadcastAppend() {
	if r.role != Leader {
		return // stepped down on the way (membership.go, afterCommit)
	}
	for _, peer := range r.peers {
		if peer != r.id {
			r.sendAppend(peer, false)
		}
	}
}

// broadcastHeartbeat sends every follower an AppendEntries, empty if it
// has nothing to catch up (thesis §3.4: "Leaders send periodic heartbeats
// (AppendEntries RPCs that carry no log entries) to all followers in
// order to maintain their authority"). It also resends what seems lost:
// RPCs to an unresponsive follower are retried indefinitely (thesis §3.7).
func (r *Node) broadcastHeartbeat() {
	r.startRound()
	r.emit(Event{Kind: EventHeartbeat, Section: "§3.4"})
	for _, peer := range r.peers {
		if peer == r.id {
			continue
		}
		progress := r.progress[peer]
		if progress.State == Replicate && progress.Suspect > progress.MatchIndex {
			// What was in flight at the last heartbeat is still unanswered:
			// assume it was lost and probe again from the last match.
			progress.becomeProbe(progress.MatchIndex + 1)
		}
		progress.Suspect = 0
		if n := len(progress.Inflight); n > 0 {
			progress.Suspect = progress.Inflight[n-1]
		}
		r.sendAppend(peer, true)
	}
}

// sendAppend sends peer AppendEntries as its progress allows. A heartbeat
// always sends something.
func (r *Node) sendAppend(peer NodeID, heartbeat bool) {
	progress := r.progress[peer]
	if progress == nil {
		return // removed from the configuration, or no longer leader
	}
	if r.needsSnapshot(progress, heartbeat) {
		r.sendSnapshot(peer, heartbeat)
		return
	}
	last := r.log.lastIndex()
	switch progress.State {
	case Probe:
		// One request at a time, until the follower's log is found to match.
		if progress.ProbeSent && !heartbeat {
			return
		}
		r.sendEntries(peer, progress.NextIndex)
		progress.ProbeSent = true
	case Replicate:
		sent := false
		for progress.NextIndex <= last && len(progress.Inflight) < r.config.MaxInflight {
			lastSent := r.sendEntries(peer, progress.NextIndex)
			progress.Inflight = append(progress.Inflight, lastSent)
			progress.NextIndex = lastSent + 1
			sent = true
		}
		if !sent && heartbeat {
			// Anchored at MatchIndex, which the follower is known to hold, so
			// the consistency check passes even while batches are in flight.
			r.sendAppendEntries(peer, progress.MatchIndex, nil)
		}
	}
}

// sendEntries sends one batch starting at next and returns the index of
// its last entry (next-1 when there is nothing to send).
func (r *Node) sendEntries(peer NodeID, next Index) Index {
	entries := r.log.entriesFrom(next, r.config.MaxEntriesPerMessage)
	r.sendAppendEntries(peer, next-1, entries)
	return next - 1 + Index(len(entries))
}

func (r *Node) sendAppendEntries(peer NodeID, prevIndex Index, entries []Entry) {
	prevTerm, _ := r.log.term(prevIndex)
	r.send(Message{Type: MsgAppendEntries, To: peer, PrevLogIndex: prevIndex, PrevLogTerm: prevTerm, Entries: entries, LeaderCommit: r.commitIndex, ReadRound: r.readRound})
}

// heardFrom notes what any answer of a follower tells the leader,
// accepted or not, and returns the follower's progress: the follower is
// active (CheckQuorum, thesis §6.2), and it has heard the leader's read
// rounds up to the one it echoes (thesis §6.4).
func (r *Node) heardFrom(m Message) *Progress {
	progress := r.progress[m.From]
	progress.RecentActive = true
	if m.ReadRound > progress.ReadRound {
		progress.ReadRound = m.ReadRound
		r.confirmReads()
	}
	return progress
}

// handleAppendEntriesResponse updates a follower's progress.
func (r *Node) handleAppendEntriesResponse(m Message) {
	progress := r.heardFrom(m)
	if m.Success {
		advanced := progress.acknowledge(m.MatchIndex)
		if progress.State == Probe && (advanced || m.PrevLogIndex == progress.NextIndex-1) {
			progress.becomeReplicate()
		}
		if advanced {
			r.maybeCommit()
			r.maybeSendTimeoutNow()
		}
		r.sendAppend(m.From, false)
		return
	}
	// A rejection answers a request we may have given up on already.
	if progress.State == Probe && m.PrevLogIndex != progress.NextIndex-1 {
		return
	}
	if progress.State == Replicate && m.PrevLogIndex <= progress.MatchIndex {
		return
	}
	// > After a rejection, the leader decrements nextIndex and retries the
	// > AppendEntries RPC. (thesis §3.5)
	next := m.PrevLogIndex
	if m.HintGiven {
		if m.LogLength < m.PrevLogIndex {
			// The follower's log is shorter: continue right after its end
			// (thesis §4.2.1).
			next = m.LogLength + 1
		} else {
			// Skip the whole conflicting term (thesis §3.5).
			next = m.ConflictIndex
		}
	}
	// nextIndex never goes below matchIndex+1: the follower acknowledged
	// those entries. A follower that rejects there has lost entries it
	// had stored (a wiped or lying disk, thesis §3.8); a retry now would
	// be rejected the same way, and with duplicated messages the retries
	// would multiply. The next heartbeat probes again.
	if progress.State == Probe && max(next, 1, progress.MatchIndex+1) == progress.NextIndex {
		return
	}
	progress.becomeProbe(max(next, 1))
	r.emit(Event{Kind: EventNextIndexLowered, Peer: m.From, OtherIndex: m.PrevLogIndex + 1, Index: progress.NextIndex, Section: "§3.5"})
	r.sendAppend(m.From, false)
}
