package raft

import (
	"errors"
)

// Read-only queries without writing to the log (thesis §6.4). A read
// through the log is linearizable but costs a log entry and a disk write;
// a leader can instead:
//
//   - ReadIndex (thesis §6.4): note its commit index, confirm with a round
//     of heartbeats that a majority still follows it, and serve the read
//     once its state machine has applied up to that index;
//   - lease (thesis §6.4.1): skip the round while a majority acknowledged
//     a heartbeat within an election timeout, trusting bounded clock
//     drift: no other leader can have been elected in that time.
//
// Every AppendEntries carries the leader's current heartbeat round
// (ReadRound) and every answer echoes it, so an answer in the leader's term
// proves the follower still recognized it when that round was sent.

// ReadState is a read the leader has confirmed: serve it from the state
// machine once it has applied Index.
type ReadState struct {
	Request uint64
	Index   Index
}

var (
	// ErrNoLease: the leader's lease is not (or no longer) valid; read
	// with ReadIndex or through the log instead.
	ErrNoLease = errors.New("no valid lease: a majority has not answered a heartbeat recently")
	// ErrLeaseUnsafe: without stickiness a follower can vote for a new
	// leader while it still hears the old one, so no lease holds.
	ErrLeaseUnsafe = errors.New("lease reads need stickiness on (`set stickiness on`): followers that hear the leader must refuse real votes (thesis §4.2.3); PreVote alone lets a new leader be elected while the lease holds (thesis §6.4.1)")
	// ErrLeaseAfterTimeoutNow: the leader sent TimeoutNow in this term, so
	// its target may still be elected at any moment.
	ErrLeaseAfterTimeoutNow = errors.New("no lease for the rest of this term: the leader sent TimeoutNow, and its target may still get it and be elected whatever the others heard (thesis §3.10, §4.2.3); read with read=index")
)

// leaseDriftPercent is the clock drift the lease allows for: a lease lasts
// this percentage of the minimum election timeout (thesis §6.4.1, "the
// leader would use a lease ... until start + election timeout / clock drift
// bound").
const leaseDriftPercent = 90

// roundsKept is how many recent rounds' send times a leader remembers.
const roundsKept = 64

// pendingRead is a ReadIndex request waiting for its confirmation.
type pendingRead struct {
	request uint64
	// round: confirmed once a majority answered this round or a later one.
	round uint64
	// index is the read index, 0 until the leader has committed an entry
	// of its term (thesis §6.4 step 1).
	index Index
}

// ReadIndex asks the leader to confirm a read (request is the host's id for
// it). The confirmation comes out in Ready.ReadStates. With lease, a valid
// lease confirms it at once; otherwise it returns ErrNoLease. On any other
// role it returns ErrNotLeader.
func (r *Node) ReadIndex(request uint64, lease bool) error {
	if r.role != Leader {
		return ErrNotLeader
	}
	if r.transfer.target != None {
		// No reads either: the lease ends when a transfer starts (thesis
		// §6.4.1), and the target may win before a read round returns.
		return &TransferError{Target: r.transfer.target}
	}
	// > If the leader has not yet marked an entry from its current term
	// > committed, it waits until it has done so. (thesis §6.4) The
	// teaching bug ReadBeforeOwnCommit does not wait.
	index := Index(0)
	if term, _ := r.log.term(r.commitIndex); term == r.term || r.config.Bugs.ReadBeforeOwnCommit {
		index = r.commitIndex
	}
	if lease {
		if !r.leaseSafe() {
			return ErrLeaseUnsafe
		}
		if r.leaseEndedByTransfer() {
			return ErrLeaseAfterTimeoutNow
		}
		if index == 0 || r.leaderTicks >= r.leaseUntil() {
			return ErrNoLease
		}
		r.readStates = append(r.readStates, ReadState{Request: request, Index: index})
		r.emit(Event{Kind: EventReadConfirmed, Index: index, Count: r.leaseUntil() - r.leaderTicks, Reason: ReasonLease, Section: "§6.4.1"})
		return nil
	}
	// A new round of heartbeats, now, rather than at the next interval.
	r.broadcastHeartbeat()
	r.reads = append(r.reads, pendingRead{request: request, round: r.readRound, index: index})
	r.confirmReads()
	return nil
}

// leaseSafe reports whether this node may trust a lease at all.
//
// The lease argument of thesis §6.4.1 is that no other server can be
// elected before start + election timeout / drift bound. That holds only if
// every server that acknowledged the round refuses real votes for a minimum
// election timeout after it heard the leader: the §4.2.3 rule,
//
// > if a server receives a RequestVote request within the minimum election
// > timeout of hearing from a current leader, it does not update its term or
// > grant its vote. (thesis §4.2.3)
//
// which Config.Stickiness turns on (stepTerm applies it to requests, and
// Campaign to a server's vote for itself). PreVote (thesis §9.6) is not
// enough: it filters only the pre-vote round, so a follower can grant a
// pre-vote, then acknowledge the old leader's heartbeat (extending its
// lease), then grant the real vote. The teaching bug LeaseWithoutStickiness
// trusts leases anyway, to show that stale read.
func (r *Node) leaseSafe() bool {
	return r.config.Stickiness || r.config.Bugs.LeaseWithoutStickiness
}

// leaseEndedByTransfer reports whether this leader sent TimeoutNow in its
// current term. The target of a TimeoutNow campaigns at once, and its
// RequestVotes get votes even from servers that heard this leader a moment
// ago (they may disrupt: thesis §3.10, §4.2.3), so the argument of a lease
// fails. And a TimeoutNow may arrive long after the transfer was abandoned
// (a slow link), so the lease stays off for the rest of the term, not only
// while the transfer runs. The teaching bug LeaseAfterTransfer trusts
// leases again once the transfer is abandoned.
func (r *Node) leaseEndedByTransfer() bool {
	return r.timeoutNowTerm == r.term && !r.config.Bugs.LeaseAfterTransfer
}

// startRound begins a heartbeat round: the AppendEntries sent from now on
// carry its number.
func (r *Node) startRound() {
	r.readRound++
	r.roundSentAt[r.readRound%roundsKept] = r.leaderTicks
}

// majorityRound is the latest round a majority (the leader included) has
// answered.
func (r *Node) majorityRound() uint64 {
	return QuorumIndex(r.configuration, func(id NodeID) uint64 {
		if id == r.id {
			return r.readRound
		}
		return r.progress[id].ReadRound
	})
}

// leaseUntil is the leader tick when its lease ends: the send time of the
// latest round a majority answered, plus the lease length.
func (r *Node) leaseUntil() int {
	round := r.majorityRound()
	if r.transfer.target != None || r.leaseEndedByTransfer() {
		return 0 // the lease ends when a transfer starts (thesis §6.4.1)
	}
	if round == 0 || r.readRound-round >= roundsKept {
		return 0
	}
	return r.roundSentAt[round%roundsKept] + r.config.ElectionTicksMin*leaseDriftPercent/100
}

// confirmReads hands out the reads a majority has confirmed, once their
// read index is known.
func (r *Node) confirmReads() {
	if len(r.reads) == 0 {
		return
	}
	confirmed := r.majorityRound()
	waiting := r.reads[:0]
	for _, read := range r.reads {
		if read.round > confirmed || read.index == 0 {
			waiting = append(waiting, read)
			continue
		}
		r.readStates = append(r.readStates, ReadState{Request: read.request, Index: read.index})
		r.emit(Event{Kind: EventReadConfirmed, Index: read.index, Count: int(read.round), Quorum: r.quorum(), Reason: ReasonHeartbeatRound, Section: "§6.4"})
	}
	r.reads = waiting
}

// readIndexKnown fills in the read index of waiting reads once the leader
// has committed an entry of its term (thesis §6.4 step 1).
func (r *Node) readIndexKnown() {
	for i := range r.reads {
		if r.reads[i].index == 0 {
			r.reads[i].index = r.commitIndex
		}
	}
	r.confirmReads()
}

// LeaseTicks is how many ticks this leader's lease still holds (thesis
// §6.4.1): 0 on other roles, when leases are not trusted, or once the
// lease has run out.
func (r *Node) LeaseTicks() int {
	if r.role != Leader || !r.leaseSafe() {
		return 0
	}
	return max(0, r.leaseUntil()-r.leaderTicks)
}
