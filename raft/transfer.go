package raft

import (
	"errors"
	"fmt"
)

// Leadership transfer (thesis §3.10). The leader hands its role to another
// server in three steps:
//
// > 1. The prior leader stops accepting new client requests.
// > 2. The prior leader fully updates the target server's log to match its
// >    own, using the normal log replication mechanism.
// > 3. The prior leader sends a TimeoutNow request to the target server.
//
// The target then starts an election at once, with a term one higher, and
// its RequestVotes say so (MayDisrupt), so that voters that still hear the
// prior leader do not ignore them under the §4.2.3 rule. If the target has
// not taken over within an election timeout, the leader gives up and
// accepts client requests again.
//
// The thesis notes that its author never implemented or evaluated this
// extension (thesis §3.10); the steps are the thesis's, the details (one
// TimeoutNow, the minimum election timeout as the deadline) are ours.

// ErrTransferring is returned by Propose, ReadIndex and membership changes
// while the leader is handing leadership over (thesis §3.10, step 1).
var ErrTransferring = errors.New("leader is transferring leadership")

// TransferError says which server the leadership is going to.
type TransferError struct{ Target NodeID }

func (e *TransferError) Error() string {
	return fmt.Sprintf("%v to %v", ErrTransferring, e.Target)
}

func (e *TransferError) Unwrap() error { return ErrTransferring }

// transferState is a leader's transfer in progress (zero: none).
type transferState struct {
	target NodeID
	// elapsed counts the leader's ticks since the transfer started.
	elapsed int
	// timeoutNowSent: TimeoutNow went out; it is sent once.
	timeoutNowSent bool
}

// TransferLeadership starts handing leadership to target (thesis §3.10).
// It returns at once; the transfer finishes when target wins its election,
// or is abandoned after an election timeout (see Transferring).
func (r *Node) TransferLeadership(target NodeID) error {
	if r.role != Leader {
		return ErrNotLeader
	}
	if r.transfer.target != None {
		return &TransferError{Target: r.transfer.target}
	}
	if target == r.id {
		return fmt.Errorf("%v is the leader already", target)
	}
	if !r.isVoter(target) {
		return fmt.Errorf("%v is not a voter of the configuration %v", target, r.configuration)
	}
	r.transfer = transferState{target: target}
	// > the prior leader stops accepting new client requests (step 1); a
	// lease ends too: the target may be elected before it would run out
	// (thesis §6.4.1: "the lease must expire before leadership transfer").
	r.emit(Event{Kind: EventTransferStarted, Peer: target, Index: r.log.lastIndex(), OtherIndex: r.progress[target].MatchIndex, Section: "§3.10"})
	r.maybeSendTimeoutNow()
	if !r.transfer.timeoutNowSent {
		// Step 2 starts now: resend from what the target is known to hold,
		// rather than wait for a heartbeat to notice lost batches.
		r.progress[target].becomeProbe(r.progress[target].MatchIndex + 1)
		r.sendAppend(target, false)
	}
	return nil
}

// Transferring returns the target of the leader's transfer in progress, or
// None.
func (r *Node) Transferring() NodeID {
	if r.role != Leader {
		return None
	}
	return r.transfer.target
}

// maybeSendTimeoutNow sends TimeoutNow once the target holds the leader's
// whole log (thesis §3.10 step 3).
func (r *Node) maybeSendTimeoutNow() {
	if r.role != Leader || r.transfer.target == None || r.transfer.timeoutNowSent {
		return
	}
	progress := r.progress[r.transfer.target]
	if progress == nil || progress.MatchIndex < r.log.lastIndex() {
		return
	}
	r.transfer.timeoutNowSent = true
	r.timeoutNowTerm = r.term
	r.emit(Event{Kind: EventTimeoutNowSent, Peer: r.transfer.target, Index: progress.MatchIndex, Section: "§3.10"})
	r.send(Message{Type: MsgTimeoutNow, To: r.transfer.target})
}

// tickTransfer abandons a transfer that has not finished within an
// election timeout (thesis §3.10): "If the transfer does not complete
// within an election timeout, the prior leader aborts the transfer and
// resumes accepting client requests."
func (r *Node) tickTransfer() {
	if r.transfer.target == None {
		return
	}
	r.transfer.elapsed++
	if r.transfer.elapsed >= r.config.ElectionTicksMin {
		r.emit(Event{Kind: EventTransferAborted, Peer: r.transfer.target, Count: r.transfer.elapsed, Section: "§3.10"})
		r.transfer = transferState{}
	}
}

// handleTimeoutNow is the target's side: campaign now, in term+1, skipping
// PreVote (the leader asked for it, thesis §3.10), with RequestVotes that
// may disrupt a current leader (thesis §4.2.3).
func (r *Node) handleTimeoutNow(m Message) {
	if r.role == Leader {
		return
	}
	if !r.isVoter(r.id) {
		r.emit(Event{Kind: EventTimeoutNowReceived, Peer: m.From, Reason: ReasonNotVoter, Section: "§4.2.1"})
		return
	}
	r.emit(Event{Kind: EventTimeoutNowReceived, Peer: m.From, Section: "§3.10"})
	r.transferElection = true
	r.becomeCandidate(ReasonTimeoutNow)
}
