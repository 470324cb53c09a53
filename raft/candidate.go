package raft

// Candidates and PreCandidates (thesis §3.4 leader election, §3.6.1 the
// election restriction, §9.6 PreVote).

// startElection is what happens when the election timer fires.
func (r *Node) startElection() {
	r.emit(Event{Kind: EventElectionTimeout, Count: r.electionElapsed, Section: "§3.4"})
	if r.config.PreVote {
		r.becomePreCandidate()
	} else {
		r.becomeCandidate(ReasonElectionTimeout)
	}
}

// becomePreCandidate asks the cluster whether it would vote for us in the
// next term, without raising our term (thesis §9.6):
//
// > a candidate only increments its term if it first learns from a
// > majority of the cluster that they would be willing to grant the
// > candidate their votes
func (r *Node) becomePreCandidate() {
	previous := r.role
	r.role = PreCandidate
	r.leader = None
	r.votes = map[NodeID]bool{r.id: true}
	r.resetElectionTimer()
	r.emit(Event{Kind: EventRoleChanged, PreviousRole: previous, Role: PreCandidate, Reason: ReasonElectionTimeout, Section: "§9.6"})
	if r.decideElection() {
		return
	}
	r.broadcastVoteRequest(MsgPreVote, r.term+1)
}

// becomeCandidate starts an election (thesis §3.4): "a follower increments
// its current term and transitions to candidate state. It then votes for
// itself and issues RequestVote RPCs in parallel".
func (r *Node) becomeCandidate(reason Reason) {
	previous := r.role
	r.setTerm(r.term+1, r.id)
	r.role = Candidate
	r.leader = None
	r.votes = map[NodeID]bool{r.id: true}
	r.resetElectionTimer()
	r.emit(Event{Kind: EventRoleChanged, PreviousRole: previous, Role: Candidate, Reason: reason, Section: sectionOfRoleChange(reason)})
	if r.decideElection() {
		return
	}
	r.broadcastVoteRequest(MsgRequestVote, r.term)
}

func (r *Node) broadcastVoteRequest(kind MessageType, term Term) {
	for _, peer := range r.peers {
		if peer != r.id {
			r.send(Message{Type: kind, To: peer, Term: term, LastLogIndex: r.log.lastIndex(), LastLogTerm: r.log.lastTerm()})
		}
	}
}

// retryVoteRequests asks again the servers that have not answered: a
// crashed server misses the first request, and RPCs are retried
// indefinitely (thesis §3.7).
func (r *Node) retryVoteRequests() {
	kind, term := MsgRequestVote, r.term
	if r.role == PreCandidate {
		kind, term = MsgPreVote, r.term+1
	}
	for _, peer := range r.peers {
		if _, answered := r.votes[peer]; !answered && peer != r.id {
			r.send(Message{Type: kind, To: peer, Term: term, LastLogIndex: r.log.lastIndex(), LastLogTerm: r.log.lastTerm()})
		}
	}
}

// stepCandidate counts an answer to our (Pre)Vote request.
func (r *Node) stepCandidate(m Message) {
	preVote := m.Type == MsgPreVoteResp
	switch {
	case preVote && r.role != PreCandidate, !preVote && r.role != Candidate:
		return // an answer to an election we are no longer running
	case preVote && m.VoteGranted && m.Term != r.term+1:
		return // a grant for another round
	}
	if _, counted := r.votes[m.From]; counted {
		return // a duplicate
	}
	r.votes[m.From] = m.VoteGranted
	granted, _ := r.voteCounts()
	r.emit(Event{Kind: EventVoteReceived, Peer: m.From, PreVote: preVote, VotedFor: voteTarget(m), Count: granted, Quorum: r.quorum(), Section: sectionOfVote(preVote)})
	r.decideElection()
}

// decideElection ends the (pre)election once a majority has answered
// either way, and reports whether it did.
func (r *Node) decideElection() bool {
	granted, refused := r.voteCounts()
	switch {
	case granted >= r.quorum() && r.role == PreCandidate:
		r.becomeCandidate(ReasonPreVoteWon)
	case granted >= r.quorum():
		r.becomeLeader(granted)
	case refused >= r.quorum() && r.role == PreCandidate:
		r.becomeFollower(r.term, None, ReasonPreVoteLost)
	case refused >= r.quorum():
		r.becomeFollower(r.term, None, ReasonElectionLost)
	default:
		return false
	}
	return true
}

// handleRequestVote is the receiver side of RequestVote and PreVote
// (thesis Fig. 3.1, §9.6). The request's term is not older than ours.
func (r *Node) handleRequestVote(m Message) {
	preVote := m.Type == MsgPreVote
	refuse := func(event Event) {
		event.Kind, event.Peer, event.PreVote = EventVoteRefused, m.From, preVote
		r.emit(event)
		r.send(Message{Type: voteResponseType(m.Type), To: m.From})
	}
	if preVote {
		if m.Term <= r.term {
			refuse(Event{Reason: ReasonStaleTerm, OtherTerm: m.Term, Section: "§9.6"})
			return
		}
		if r.leaderRecentlyHeard() {
			// > ... and the voters have not received heartbeats from a valid
			// > leader for at least a baseline election timeout (thesis §9.6)
			refuse(Event{Reason: ReasonLeaderRecentlyHeard, VotedFor: r.leader, Section: "§9.6"})
			return
		}
	} else if r.votedFor != None && r.votedFor != m.From {
		// > Each server will vote for at most one candidate in a given term,
		// > on a first-come-first-served basis (thesis §3.4)
		refuse(Event{Reason: ReasonAlreadyVoted, VotedFor: r.votedFor, Section: "§3.4"})
		return
	}
	if !r.config.Bugs.NoElectionRestriction && !r.log.isUpToDate(m.LastLogIndex, m.LastLogTerm) {
		// > The voter denies its vote if its own log is more up-to-date than
		// > that of the candidate. (thesis §3.6.1)
		refuse(Event{Reason: ReasonLogNotUpToDate, Index: m.LastLogIndex, LogTerm: m.LastLogTerm,
			OtherIndex: r.log.lastIndex(), OtherTerm: r.log.lastTerm(), Section: "§3.6.1"})
		return
	}
	response := Message{Type: voteResponseType(m.Type), To: m.From, VoteGranted: true}
	if preVote {
		response.Term = m.Term
	} else {
		r.setTerm(r.term, m.From)
		r.resetElectionTimer()
	}
	r.emit(Event{Kind: EventVoteGranted, Peer: m.From, PreVote: preVote, Index: m.LastLogIndex, LogTerm: m.LastLogTerm, Section: sectionOfVote(preVote)})
	r.send(response)
}

func voteResponseType(request MessageType) MessageType {
	if request == MsgPreVote {
		return MsgPreVoteResp
	}
	return MsgRequestVoteResp
}

// voteTarget is the candidate a granted answer counts for (None if refused).
func voteTarget(m Message) NodeID {
	if m.VoteGranted {
		return m.To
	}
	return None
}

func sectionOfVote(preVote bool) string {
	if preVote {
		return "§9.6"
	}
	return "§3.4"
}
