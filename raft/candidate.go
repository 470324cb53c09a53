package raft

// Candidates and PreCandidates (thesis §3.4 leader election, §3.6.1 the
// election restriction, §9.6 PreVote).

// startElection is what happens when the election timer fires.
func (r *Node) startElection() {
	r.emit(Event{Kind: EventElectionTimeout, Count: r.electionElapsed, Section: "§3.4"})
	r.transferElection = false
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
	for _, peer := range r.configuration.Members() {
		if peer != r.id {
			r.send(Message{Type: kind, To: peer, Term: term, LastLogIndex: r.log.lastIndex(), LastLogTerm: r.log.lastTerm(), MayDisrupt: r.transferElection && kind == MsgRequestVote})
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
	for _, peer := range r.configuration.Members() {
		if _, answered := r.votes[peer]; !answered && peer != r.id {
			r.send(Message{Type: kind, To: peer, Term: term, LastLogIndex: r.log.lastIndex(), LastLogTerm: r.log.lastTerm(), MayDisrupt: r.transferElection && kind == MsgRequestVote})
		}
	}
}

// stepCandidate counts an answer to our (Pre)Vote request.
func (r *Node) stepCandidate(m Message) {
	preVote := m.Type == MsgPreVoteResp
	switch {
	case preVote && r.role != PreCandidate, !preVote && r.role != Candidate:
		return // an answer to an election we are no longer running
	case m.RequestTerm != r.electionTerm():
		// An answer to a request of another election, such as a refusal
		// of our request of an older term that arrives after we moved on
		// (thesis §3.4: votes count for one term only).
		r.emit(Event{Kind: EventVoteIgnored, Peer: m.From, PreVote: preVote, VotedFor: voteTarget(m), OtherTerm: m.RequestTerm, Section: "§3.4"})
		return
	}
	if _, counted := r.votes[m.From]; counted {
		return // a duplicate
	}
	r.votes[m.From] = m.VoteGranted
	granted, _ := r.voteCounts()
	r.emit(Event{Kind: EventVoteReceived, Peer: m.From, PreVote: preVote, VotedFor: voteTarget(m), Count: granted, Quorum: r.electionQuorum(), Configuration: r.jointConfiguration(), Section: sectionOfVote(preVote)})
	r.decideElection()
}

// electionTerm is the term the running (pre)election asks votes for.
func (r *Node) electionTerm() Term {
	if r.role == PreCandidate {
		return r.term + 1
	}
	return r.term
}

// decideElection ends the (pre)election once it is decided, and reports
// whether it did. A candidate wins with a majority; refusals do not end a
// real election:
//
// > a candidate continues in this state until one of three things happens:
// > (a) it wins the election, (b) another server establishes itself as
// > leader, or (c) another election timeout goes by without a winner.
// > (thesis §3.4)
//
// Differs from thesis §9.6, which does not say what a refused pre-candidate
// does: like etcd's raft, it goes back to being a follower once a majority
// has refused. It never raised its term, so nothing else changes, and its
// election timer runs on as before.
func (r *Node) decideElection() bool {
	granted, _ := r.voteCounts()
	// Votes count per configuration, of both halves when joint (thesis
	// §4.3); a candidate outside its configuration does not count its own
	// (thesis §4.2.2).
	won := r.hasElectionQuorum(func(id NodeID) bool { return r.votes[id] })
	lost := !r.hasElectionQuorum(func(id NodeID) bool {
		vote, answered := r.votes[id]
		return vote || !answered
	})
	switch {
	case won && r.role == PreCandidate:
		r.becomeCandidate(ReasonPreVoteWon)
	case won:
		r.becomeLeader(granted)
	case lost && r.role == PreCandidate:
		r.becomeFollower(r.term, None, ReasonPreVoteLost)
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
		r.send(Message{Type: voteResponseType(m.Type), To: m.From, RequestTerm: m.Term})
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
	response := Message{Type: voteResponseType(m.Type), To: m.From, VoteGranted: true, RequestTerm: m.Term}
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
