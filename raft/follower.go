package raft

// Followers (thesis §3.3, §3.4, §3.5): passive; they answer leaders and
// candidates, and start an election when they hear from no leader.

// becomeFollower makes the node a follower of leader (or of nobody yet) in
// term. It is the only way into the Follower role.
func (r *Node) becomeFollower(term Term, leader NodeID, reason Reason) {
	previousRole, previousLeader := r.role, r.leader
	if term != r.term {
		r.setTerm(term, None)
	}
	r.role = Follower
	r.leader = leader
	r.votes = nil
	r.progress = progressTable{}
	// Reads waiting for confirmation are dropped: the host's request
	// times out and asks the new leader (thesis §6.4).
	r.reads = nil
	if leader != None {
		r.ticksSinceLeader = 0
	}
	r.resetElectionTimer()
	if previousRole != Follower || leader != previousLeader || reason == ReasonRestarted {
		r.emit(Event{Kind: EventRoleChanged, PreviousRole: previousRole, Role: Follower, Peer: leader, Reason: reason, Section: sectionOfRoleChange(reason)})
	}
}

// tickElection is the election timer of followers and candidates (thesis
// §3.4): "If a follower receives no communication over a period of time
// called the election timeout, then it assumes there is no viable leader
// and begins an election".
func (r *Node) tickElection() {
	r.electionElapsed++
	r.ticksSinceLeader++
	if r.electionElapsed >= r.randomizedElectionTimeout {
		if !r.mayCampaign() {
			r.resetElectionTimer() // a joining or removed server waits (membership.go)
			return
		}
		r.startElection()
		return
	}
	if r.role != Follower && r.electionElapsed%r.config.HeartbeatTicks == 0 {
		r.retryVoteRequests()
	}
}

// handleAppendEntries is the receiver side of AppendEntries (thesis
// Fig. 3.1). The message's term equals ours (stepTerm saw to that), or
// with the teaching bug AcceptStaleTerm is older: then the server keeps
// its term, role, leader and timer, and handles only the entries.
func (r *Node) handleAppendEntries(m Message) {
	if r.role == Leader {
		// Two leaders in one term: impossible with correct rules (Election
		// Safety, thesis §3.4). Teaching bugs can cause it; check/ reports it.
		return
	}
	if stale := m.Term < r.term; !stale {
		if r.role != Follower || r.leader != m.From {
			// > If the leader's term ... is at least as large as the candidate's
			// > current term, then the candidate recognizes the leader as
			// > legitimate and returns to follower state. (thesis §3.4)
			r.becomeFollower(m.Term, m.From, ReasonLeaderHeard)
		}
		r.electionElapsed = 0
		r.ticksSinceLeader = 0
	}

	reply := Message{Type: MsgAppendEntriesResp, To: m.From, PrevLogIndex: m.PrevLogIndex, ReadRound: m.ReadRound}
	m = r.skipCompacted(m)
	// The consistency check (thesis §3.5): "If the follower does not find an
	// entry in its log with the same index and term, then it refuses the
	// new entries." The teaching bug SkipPrevTerm checks the index only.
	ourTerm, present := r.log.term(m.PrevLogIndex)
	if !present || (ourTerm != m.PrevLogTerm && !r.config.Bugs.SkipPrevTerm) {
		rejection := Event{Kind: EventAppendRejected, Peer: m.From, Index: m.PrevLogIndex, LogTerm: m.PrevLogTerm, Section: "§3.5"}
		if !present {
			rejection.Reason, rejection.OtherIndex = ReasonMissingEntry, r.log.lastIndex()
		} else {
			rejection.Reason, rejection.OtherIndex, rejection.OtherTerm = ReasonTermMismatch, m.PrevLogIndex, ourTerm
		}
		r.emit(rejection)
		if r.config.ConflictHint {
			reply.HintGiven = true
			reply.LogLength = r.log.lastIndex()
			if present {
				reply.ConflictTerm = ourTerm
				reply.ConflictIndex = r.log.firstIndexOfTerm(m.PrevLogIndex)
			}
		}
		r.send(reply)
		return
	}

	lastNew := r.appendFromLeader(m.PrevLogIndex, m.Entries)
	r.maybeRefreshConfiguration(m.Entries)
	accepted := Event{Kind: EventAppendAccepted, Peer: m.From, Index: m.PrevLogIndex, LogTerm: m.PrevLogTerm, Count: len(m.Entries), OtherIndex: r.log.lastIndex(), Section: "§3.5"}
	if ourTerm != m.PrevLogTerm {
		accepted.OtherTerm = ourTerm // only under SkipPrevTerm: the trace says so
	}
	r.emit(accepted)
	// > If leaderCommit > commitIndex, set commitIndex = min(leaderCommit,
	// > index of last new entry) (thesis Fig. 3.1)
	r.commitTo(min(m.LeaderCommit, lastNew), ReasonLeaderCommit, "§3.5")
	reply.Success = true
	reply.MatchIndex = lastNew
	r.send(reply)
}

// appendFromLeader stores entries that follow prevIndex, keeping what
// already matches (a delayed or repeated AppendEntries changes nothing,
// thesis §3.7) and truncating only at a real conflict (thesis §3.5). It
// returns the index of the last entry the leader sent.
func (r *Node) appendFromLeader(prevIndex Index, entries []Entry) Index {
	for i, entry := range entries {
		existing, present := r.log.term(entry.Index)
		if present && existing == entry.Term {
			continue
		}
		if present {
			r.emit(Event{Kind: EventTruncated, Index: entry.Index, OtherTerm: existing, LogTerm: entry.Term, OtherIndex: r.log.lastIndex(), Section: "§3.5"})
			r.log.truncateFrom(entry.Index)
		}
		r.log.appendAll(entries[i:])
		if present && entry.Index <= r.commitIndex {
			// A committed entry overwritten: impossible under the rules,
			// but a teaching bug or a storage fault (a wiped disk, lazy
			// sync) can get here. check/ reports the violation; the node
			// goes on with the leader's entries, applying them again.
			r.commitIndex = min(r.commitIndex, r.log.lastIndex())
			r.handedCommit = min(r.handedCommit, entry.Index-1)
		}
		break
	}
	return prevIndex + Index(len(entries))
}

// sectionOfRoleChange cites the rule behind a role change.
func sectionOfRoleChange(reason Reason) string {
	switch reason {
	case ReasonHigherTerm:
		return "§3.3"
	case ReasonPreVoteWon, ReasonPreVoteLost:
		return "§9.6"
	case ReasonQuorumLost:
		return "§6.2"
	case ReasonRestarted:
		return "§3.8"
	}
	return "§3.4"
}
