package raft

import (
	"errors"
	"fmt"
	"slices"
)

// Membership changes (thesis chapter 4).
//
//   - One server at a time (thesis §4.1): AddServer and RemoveServer append a
//     configuration that differs from the current one by one voter, so any
//     majority of the old configuration overlaps any majority of the new.
//     It takes effect as soon as it is appended; a second change waits until
//     the first is committed, and (the errata in the README of the thesis's
//     source repository, from a 2015 raft-dev post) until the leader has
//     committed an entry of its own term.
//   - Catching up (thesis §4.2.1): a new server first receives the log as a
//     non-voting member, in rounds; it becomes a voter after a round shorter
//     than an election timeout, and the change is aborted after
//     MaxCatchUpRounds rounds.
//   - Removing the leader (thesis §4.2.2): a leader not in its configuration
//     still replicates it, without counting itself, and steps down once it
//     is committed.
//   - Joint consensus (thesis §4.3): Reconfigure appends C_old,new, whose
//     decisions need majorities of both, then C_new once C_old,new commits.

// MaxCatchUpRounds is how many rounds a new server gets to catch up (thesis
// §4.2.1 suggests about ten).
const MaxCatchUpRounds = 10

// Errors of membership changes.
var (
	// ErrChangeInProgress: the latest configuration is not committed yet,
	// or a server is catching up (thesis §4.1).
	ErrChangeInProgress = errors.New("configuration change in progress")
	// ErrNoCommitInTerm: the leader has not committed an entry of its term
	// yet (the single-server errata rule).
	ErrNoCommitInTerm = errors.New("the leader has not committed an entry of its term yet")
)

// catchUpState is a leader's new server being caught up (zero: none).
type catchUpState struct {
	server NodeID
	// round counts rounds from 1; roundTarget is the leader's last index
	// when the round began, roundStart the leader tick it began at.
	round       int
	roundTarget Index
	roundStart  int
	started     int
}

// AddServer starts adding server as a voter: it is caught up first, then
// the leader appends the new configuration (thesis §4.1, §4.2.1). It
// returns at once; watch Configuration and the events.
func (r *Node) AddServer(server NodeID) error {
	if err := r.canChangeConfiguration(); err != nil {
		return err
	}
	if server == None {
		return fmt.Errorf("no server to add")
	}
	if r.configuration.IsVoter(server) {
		return fmt.Errorf("%v is a voter already (configuration %v)", server, r.configuration)
	}
	r.catchUp = catchUpState{server: server, started: r.leaderTicks}
	r.updatePeers()
	r.emit(Event{Kind: EventCatchUpStarted, Peer: server, Index: r.log.lastIndex(), Section: "§4.2.1"})
	r.startCatchUpRound()
	r.sendAppend(server, false)
	return nil
}

// RemoveServer appends a configuration without server (thesis §4.1). The
// leader may remove itself (thesis §4.2.2).
func (r *Node) RemoveServer(server NodeID) error {
	if err := r.canChangeConfiguration(); err != nil {
		return err
	}
	if !r.configuration.IsVoter(server) {
		return fmt.Errorf("%v is not a voter (configuration %v)", server, r.configuration)
	}
	voters := slices.DeleteFunc(slices.Clone(r.configuration.Voters), func(id NodeID) bool { return id == server })
	if len(voters) == 0 {
		return fmt.Errorf("removing %v would leave no voter", server)
	}
	r.appendConfiguration(NewConfiguration(voters...))
	return nil
}

// Reconfigure changes the voters to an arbitrary set through joint
// consensus (thesis §4.3): C_old,new first, then C_new once it commits.
// With the UnsafeMembership teaching bug it switches straight to C_new,
// the mistake of thesis Fig. 4.2.
func (r *Node) Reconfigure(voters []NodeID) error {
	if err := r.canChangeConfiguration(); err != nil {
		return err
	}
	target := NewConfiguration(voters...)
	if target.Empty() {
		return fmt.Errorf("a configuration needs at least one voter")
	}
	if slices.Contains(target.Voters, None) {
		return fmt.Errorf("no node is named none")
	}
	if target.Equal(r.configuration) {
		return fmt.Errorf("the voters are %v already", target)
	}
	if r.config.Bugs.UnsafeMembership {
		r.appendConfiguration(target)
		return nil
	}
	target.OldVoters = slices.Clone(r.configuration.Voters)
	r.appendConfiguration(target)
	return nil
}

// canChangeConfiguration applies the preconditions of a change.
func (r *Node) canChangeConfiguration() error {
	if r.role != Leader {
		return ErrNotLeader
	}
	if r.transfer.target != None {
		return &TransferError{Target: r.transfer.target}
	}
	if r.config.Bugs.UnsafeMembership {
		return nil
	}
	if r.catchUp.server != None {
		return fmt.Errorf("%w: %v is catching up", ErrChangeInProgress, r.catchUp.server)
	}
	if r.configurationIndex > r.commitIndex {
		// > The leader ... will not start a new change until the previous
		// > one has been committed (thesis §4.1); a joint change counts
		// > until C_new is committed (thesis §4.3).
		return fmt.Errorf("%w: configuration %v at index %d is not committed", ErrChangeInProgress, r.configuration, r.configurationIndex)
	}
	if r.configuration.Joint() {
		return fmt.Errorf("%w: C_new of %v is not appended yet", ErrChangeInProgress, r.configuration)
	}
	if term, _ := r.log.term(r.commitIndex); term != r.term {
		// Errata to thesis §4.1 (raft-dev, 2015): without this, a leader of
		// a newer term can append a configuration that skips one a former
		// leader appended but never committed, and two disjoint majorities
		// follow.
		return ErrNoCommitInTerm
	}
	return nil
}

// appendConfiguration appends a configuration entry; it takes effect now.
func (r *Node) appendConfiguration(c Configuration) {
	index := r.log.lastIndex() + 1
	r.log.append(ConfigurationEntry(index, r.term, c))
	r.emit(Event{Kind: EventAppended, Index: index, LogTerm: r.term, Count: int(EntryConfiguration), Section: "§4.1"})
	r.refreshConfiguration()
	r.maybeCommit()
	r.broadcastAppend()
}

// startCatchUpRound begins a round: the server must reach the leader's
// last index as of now.
func (r *Node) startCatchUpRound() {
	r.catchUp.round++
	r.catchUp.roundTarget = r.log.lastIndex()
	r.catchUp.roundStart = r.leaderTicks
}

// tickCatchUp ends rounds as the new server reaches their targets (thesis
// §4.2.1):
//
// > The replication of entries to the new server is split into rounds ...
// > If the last round lasts less than an election timeout, then the leader
// > adds the new server to the cluster ... after a fixed number of rounds
// > ... the leader aborts the change.
//
// A round that never ends (a server that cannot be reached) aborts the
// change after MaxCatchUpRounds election timeouts.
func (r *Node) tickCatchUp() {
	catchUp := &r.catchUp
	if catchUp.server == None {
		return
	}
	progress := r.progress[catchUp.server]
	elapsed := r.leaderTicks - catchUp.roundStart
	if progress != nil && progress.MatchIndex >= catchUp.roundTarget {
		r.emit(Event{Kind: EventCatchUpRound, Peer: catchUp.server, Index: catchUp.roundTarget, Count: catchUp.round, OtherIndex: Index(elapsed), Section: "§4.2.1"})
		if elapsed < r.config.ElectionTicksMin {
			server := catchUp.server
			r.catchUp = catchUpState{}
			r.appendConfiguration(NewConfiguration(append(slices.Clone(r.configuration.Voters), server)...))
			return
		}
		if catchUp.round < MaxCatchUpRounds {
			r.startCatchUpRound()
			return
		}
	} else if r.leaderTicks-catchUp.started < MaxCatchUpRounds*r.config.ElectionTicksMax {
		return
	}
	r.emit(Event{Kind: EventCatchUpAborted, Peer: catchUp.server, Count: catchUp.round, Section: "§4.2.1"})
	r.catchUp = catchUpState{}
	r.updatePeers()
}

// CatchingUp returns the server the leader is catching up as a non-voting
// member, or None.
func (r *Node) CatchingUp() NodeID {
	if r.role != Leader {
		return None
	}
	return r.catchUp.server
}

// afterCommit carries on a membership change once its entry commits: a
// joint configuration is followed by C_new (thesis §4.3), and a leader that
// is not in a committed configuration steps down (thesis §4.2.2). It runs
// last in maybeCommit, whose callers check the role afterwards.
func (r *Node) afterCommit() {
	if r.role != Leader || r.configurationIndex == 0 || r.commitIndex < r.configurationIndex {
		return
	}
	if r.configuration.Joint() {
		// > Once C_old,new has been committed ... the leader [can] create a
		// > log entry describing C_new and replicate it to the cluster.
		// > (thesis §4.3)
		r.appendConfiguration(NewConfiguration(r.configuration.Voters...))
		return
	}
	if !r.configuration.IsVoter(r.id) {
		// > the leader steps down ... once the C_new entry is committed
		// > (thesis §4.2.2)
		r.emit(Event{Kind: EventStepDown, Reason: ReasonRemoved, Index: r.configurationIndex, Section: "§4.2.2"})
		r.becomeFollower(r.term, None, ReasonRemoved)
	}
}

// mayCampaign reports whether this node may start an election. A server
// with no configuration (it is joining) waits to be added (thesis §4.4); a
// server not in its configuration still campaigns until it knows that
// configuration is committed, since it may be needed until then (thesis
// §4.2.2); that is also what makes removed servers disruptive (thesis
// §4.2.3).
func (r *Node) mayCampaign() bool {
	if r.configuration.Empty() {
		return false
	}
	return r.configuration.IsVoter(r.id) || r.commitIndex < r.configurationIndex
}
