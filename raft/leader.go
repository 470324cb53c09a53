package raft

// Leaders (thesis §3.4 heartbeats, §3.6.2 the commitment rule, §6.2
// CheckQuorum, §6.4 the leader no-op).

// becomeLeader takes leadership after winning an election with votes
// votes. It is the only way into the Leader role.
func (r *Node) becomeLeader(votes int) {
	previous := r.role
	r.role = Leader
	r.leader = r.id
	r.votes = nil
	r.heartbeatElapsed = 0
	r.electionElapsed = 0
	r.leaderTicks, r.readRound, r.reads = 0, 0, nil
	r.transfer, r.catchUp = transferState{}, catchUpState{}
	// A server caught up by an earlier leadership of ours is not a peer now.
	r.peers = r.configuration.Members()
	r.startRound()
	r.progress = progressTable{}
	for _, peer := range r.peers {
		if peer != r.id {
			// > When a leader first comes to power, it initializes all
			// > nextIndex values to the index just after the last one in its
			// > log. (thesis §3.5)
			r.progress[peer] = &Progress{NextIndex: r.log.lastIndex() + 1, RecentActive: true}
		}
	}
	r.emit(Event{Kind: EventRoleChanged, PreviousRole: previous, Role: Leader, Reason: ReasonElectionWon, Count: votes, Quorum: r.electionQuorum(), Configuration: r.jointConfiguration(), Section: "§3.4"})
	if r.config.LeaderNoop {
		// > Upon becoming leader, append no-op entry to log (thesis §6.4,
		// > Fig. 6.1)
		r.appendEntry(EntryNoop, nil)
	}
	// The first round of AppendEntries announces the new leader (thesis §3.4).
	r.broadcastAppend()
}

// appendEntry adds an entry of the current term to the leader's log.
func (r *Node) appendEntry(kind EntryKind, command []byte) Index {
	entry := Entry{Index: r.log.lastIndex() + 1, Term: r.term, Kind: kind, Command: command}
	r.log.append(entry)
	section := "§3.5"
	if kind == EntryNoop {
		section = "§6.4"
	}
	r.emit(Event{Kind: EventAppended, Index: entry.Index, LogTerm: entry.Term, Count: int(kind), Section: section})
	// A leader counts the entry for itself once it is written (Advance):
	// this commits only under the teaching bug LeaderCountsUnwritten.
	r.maybeCommit()
	return entry.Index
}

// tickLeader drives heartbeats and CheckQuorum.
func (r *Node) tickLeader() {
	r.leaderTicks++
	r.heartbeatElapsed++
	r.electionElapsed++
	r.tickTransfer()
	r.tickCatchUp()
	if r.role != Leader {
		return
	}
	if r.config.CheckQuorum && r.electionElapsed >= r.config.ElectionTicksMin {
		r.electionElapsed = 0
		if !r.quorumActive() {
			if r.config.Bugs.LeaderDropsUncommitted && r.dropUncommitted() {
				return
			}
			// > If election timeout elapses without successful round of
			// > heartbeats to majority of servers, convert to follower.
			// > (thesis §6.2, Fig. 6.1)
			r.emit(Event{Kind: EventStepDown, Reason: ReasonQuorumLost, Section: "§6.2"})
			r.becomeFollower(r.term, None, ReasonQuorumLost)
			return
		}
		for _, progress := range r.progress.all() {
			progress.RecentActive = false
		}
	}
	if r.heartbeatElapsed >= r.config.HeartbeatTicks {
		r.heartbeatElapsed = 0
		r.broadcastHeartbeat()
	}
}

// quorumActive reports whether a majority (the leader included) answered
// since the last check.
func (r *Node) quorumActive() bool {
	return r.configuration.HasQuorum(func(id NodeID) bool {
		return id == r.id || r.progress[id].RecentActive
	})
}

// maybeCommit advances the commit index to the highest index stored on a
// majority, if that entry is of the current term (thesis §3.6.2):
//
// > Raft never commits log entries from previous terms by counting
// > replicas. Only log entries from the leader's current term are
// > committed by counting replicas.
func (r *Node) maybeCommit() {
	index := r.majorityMatchIndex()
	if index <= r.commitIndex {
		return
	}
	term, _ := r.log.term(index)
	switch {
	case term == r.term:
		r.commitTo(index, ReasonCounted, "§3.6.2")
	case r.config.Bugs.CommitOldTerm:
		r.commitTo(index, ReasonCountedOld, "Fig. 3.7")
	default:
		return
	}
	// Tell the followers now rather than at the next heartbeat, so that
	// they apply promptly.
	for _, peer := range r.peers {
		if peer != r.id && r.progress[peer].State == Replicate {
			r.sendAppend(peer, true)
		}
	}
	r.afterCommit()
}
