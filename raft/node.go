package raft

import (
	"fmt"
	"math/rand/v2"
)

// Node is one Raft server as a pure state machine. It never blocks, reads
// no clock and does no I/O: the host calls Tick, Step, Propose and
// Campaign, then collects the work they produced with Ready, carries it
// out (persist, then send and apply), and acknowledges it with Advance.
// A Node is not safe for concurrent use.
type Node struct {
	config Config
	id     NodeID
	// peers are the servers this node talks to: the voters of its
	// configuration, and on a leader the server it catches up
	// (configuration.go).
	peers []NodeID

	// Membership (configuration.go, membership.go): the latest
	// configuration in the log (or bootstrap before any), and the index and
	// term of the entry that holds it (0 for bootstrap).
	bootstrap          Configuration
	configuration      Configuration
	configurationIndex Index
	configurationTerm  Term
	// Leaders: the server being caught up (thesis §4.2.1) and the
	// leadership transfer in progress (thesis §3.10).
	catchUp  catchUpState
	transfer transferState
	// timeoutNowTerm is the last term in which this leader sent TimeoutNow:
	// for the rest of that term it trusts no lease (read.go).
	timeoutNowTerm Term
	// transferElection: this candidacy was started by TimeoutNow, so its
	// RequestVotes may disrupt a current leader (thesis §4.2.3).
	transferElection bool

	role Role
	// Persistent state (thesis Fig. 3.1), saved through Ready.
	term     Term
	votedFor NodeID
	log      raftLog

	// Volatile state (thesis Fig. 3.1).
	// Invariant: lastApplied <= commitIndex <= log.lastIndex().
	commitIndex Index
	lastApplied Index
	// handedCommit is the last committed index handed to the host to apply.
	handedCommit Index

	leader NodeID
	// Timers, in ticks. electionElapsed counts since the last reset of the
	// election timer; ticksSinceLeader counts since a current leader was
	// last heard (for PreVote and stickiness, thesis §9.6, §4.2.3).
	electionElapsed           int
	randomizedElectionTimeout int
	heartbeatElapsed          int
	ticksSinceLeader          int
	// restarted: the node came back from storage and cannot know whether
	// it heard a leader just before the crash, so for the first minimum
	// election timeout it acts as if it had (read.go: leases rely on it).
	restarted bool

	// Candidates: the answers received, by voter.
	votes map[NodeID]bool
	// Leaders: one Progress per follower.
	progress progressTable
	// Leaders: reads (read.go). leaderTicks counts ticks since the node
	// became leader; readRound numbers heartbeat rounds, roundSentAt holds
	// when recent ones were sent.
	leaderTicks int
	readRound   uint64
	roundSentAt [roundsKept]int
	reads       []pendingRead

	random *rand.Rand

	// Work for the host, handed out by Ready.
	messages       []Message
	events         []Event
	readStates     []ReadState
	hardStateDirty bool
	// spare holds the slices of the previous Ready, reused (recycle.go).
	spare spareWork

	// Log compaction (snapshot.go): the latest snapshot, and whether the
	// host has yet to persist it (and restore its state machine from it).
	snapshot          Snapshot
	snapshotToSave    bool
	snapshotToRestore bool
}

// NewNode builds a node from its configuration and what its storage holds:
// a fresh node on empty storage, or a restarted one (thesis §3.8). A
// restarted node comes back as a follower with its term, vote and log;
// commitIndex and lastApplied start at 0 and are learned again, or at the
// snapshot's last included index when storage holds a snapshot: the host
// loads its state machine from that snapshot (thesis §5.1).
func NewNode(config Config, storage Storage) (*Node, error) {
	if err := config.Validate(); err != nil {
		return nil, err
	}
	state, entries, err := storage.InitialState()
	if err != nil {
		return nil, fmt.Errorf("reading storage of %v: %w", config.ID, err)
	}
	snapshot, err := storage.Snapshot()
	if err != nil {
		return nil, fmt.Errorf("reading the snapshot of %v: %w", config.ID, err)
	}
	for i, entry := range entries {
		if want := snapshot.LastIncludedIndex + Index(i+1); entry.Index != want {
			return nil, fmt.Errorf("storage of %v: entry %d has index %d, want %d", config.ID, i, entry.Index, want)
		}
	}
	bootstrap := NewConfiguration(config.Peers...)
	if config.Joining {
		bootstrap = Configuration{}
	}
	r := &Node{
		config:    config,
		id:        config.ID,
		bootstrap: bootstrap,
		term:      state.CurrentTerm,
		votedFor:  state.VotedFor,
		log:       raftLog{snapshotIndex: snapshot.LastIncludedIndex, snapshotTerm: snapshot.LastIncludedTerm},
		random:    rand.New(rand.NewPCG(config.Seed, uint64(config.ID))),
		// Term 0: the node has never been in any election, so it heard no
		// leader before.
		restarted: state.CurrentTerm > 0,
		snapshot:  snapshot.clone(),
		// A snapshot holds committed, applied entries only (thesis §5.1).
		commitIndex:  snapshot.LastIncludedIndex,
		lastApplied:  snapshot.LastIncludedIndex,
		handedCommit: snapshot.LastIncludedIndex,
	}
	r.log.entries.push(entries...)
	r.log.durable.index = r.log.lastIndex() // read back from storage
	r.refreshConfiguration()
	r.events = nil // the configuration read back from storage is no news
	r.becomeFollower(r.term, None, ReasonRestarted)
	return r, nil
}

// ID returns the node's identity.
func (r *Node) ID() NodeID { return r.id }

// Tick advances the node's logical clock by one tick.
func (r *Node) Tick() {
	if r.role == Leader {
		r.tickLeader()
	} else {
		r.tickElection()
	}
}

// Campaign fires the election timer now, as if it had run out.
//
// With Stickiness on, a server that heard a current leader within the
// minimum election timeout refuses its own vote as it would refuse anyone
// else's (thesis §4.2.3): its timer could not have run out that early, and
// a lease (thesis §6.4.1) counts on no server voting in that window.
func (r *Node) Campaign() {
	if r.role == Leader {
		return
	}
	if r.config.Stickiness && r.leaderRecentlyHeard() {
		r.emit(Event{Kind: EventVoteRefused, Peer: r.id, Reason: ReasonLeaderRecentlyHeard, VotedFor: r.leader, Section: "§4.2.3"})
		return
	}
	if !r.mayCampaign() {
		r.emit(Event{Kind: EventVoteRefused, Peer: r.id, Reason: ReasonNotVoter, Section: "§4.2.1"})
		return
	}
	r.startElection()
}

// Propose appends a command to the log of a leader and starts replicating
// it. It returns the index and term the entry occupies; the entry is
// committed when CommittedEntries hands it out. On any other role it
// returns ErrNotLeader and changes nothing.
func (r *Node) Propose(command []byte) (Index, Term, error) {
	if r.role != Leader {
		return 0, 0, ErrNotLeader
	}
	if r.transfer.target != None {
		// > The prior leader stops accepting new client requests.
		// > (thesis §3.10)
		return 0, 0, &TransferError{Target: r.transfer.target}
	}
	index := r.appendEntry(EntryCommand, command)
	r.broadcastAppend()
	return index, r.term, nil
}

// Step handles one message from another node.
func (r *Node) Step(m Message) {
	// > servers process incoming RPC requests without consulting their
	// > current configurations (thesis §4.1): a new server must accept
	// > the leader that is adding it.
	if m.To != r.id || m.From == r.id || m.From == None {
		return // not for us: ignore
	}
	if !r.stepTerm(m) {
		return
	}
	switch m.Type {
	case MsgRequestVote, MsgPreVote:
		r.handleRequestVote(m)
	case MsgAppendEntries:
		r.handleAppendEntries(m)
	case MsgPreVoteResp, MsgRequestVoteResp:
		r.stepCandidate(m)
	case MsgAppendEntriesResp:
		if r.role == Leader && r.progress[m.From] != nil {
			r.handleAppendEntriesResponse(m)
		}
	case MsgTimeoutNow:
		r.handleTimeoutNow(m)
	case MsgInstallSnapshot:
		r.handleInstallSnapshot(m)
	case MsgInstallSnapshotResp:
		if r.role == Leader && r.progress[m.From] != nil {
			r.handleInstallSnapshotResponse(m)
		}
	}
}

// stepTerm applies the term rules of thesis §3.3 that hold for every
// message, and reports whether the message should be handled further.
//
// > If a server receives a request with a stale term number, it rejects
// > the request. ... If one server's current term is smaller than the
// > other's, then it updates its current term to the larger value.
func (r *Node) stepTerm(m Message) bool {
	switch {
	case m.Term > r.term:
		// A PreVote request carries the term its sender would use, and a
		// granted PreVote answer echoes it: neither raises anyone's term
		// (thesis §9.6).
		if m.Type == MsgPreVote || (m.Type == MsgPreVoteResp && m.VoteGranted) {
			return true
		}
		if m.Type == MsgRequestVote && r.config.Stickiness && r.leaderRecentlyHeard() && !m.MayDisrupt {
			// > if a server receives a RequestVote request within the minimum
			// > election timeout of hearing from a current leader, it does not
			// > update its term or grant its vote. (thesis §4.2.3)
			// A RequestVote of a leadership transfer says it may disrupt.
			r.emit(Event{Kind: EventVoteRefused, Peer: m.From, Reason: ReasonLeaderRecentlyHeard, VotedFor: r.leader, Section: "§4.2.3"})
			return false
		}
		r.emit(Event{Kind: EventTermChanged, Peer: m.From, OtherTerm: r.term, Term: m.Term, Reason: ReasonHigherTerm, Section: "§3.3"})
		leader := None
		if m.Type == MsgAppendEntries || m.Type == MsgInstallSnapshot {
			leader = m.From
		}
		r.becomeFollower(m.Term, leader, ReasonHigherTerm)
		return true
	case m.Term < r.term:
		if m.Type == MsgAppendEntries && r.role != Leader && r.config.Bugs.AcceptStaleTerm {
			return true // the teaching bug: handled as if current
		}
		r.rejectStale(m)
		return false
	}
	return true
}

// rejectStale answers a request from an older term so that its sender
// learns the newer term and steps down (thesis §3.3). Stale answers are
// dropped.
func (r *Node) rejectStale(m Message) {
	switch m.Type {
	case MsgAppendEntries:
		r.emit(Event{Kind: EventAppendRejected, Peer: m.From, Index: m.PrevLogIndex, LogTerm: m.PrevLogTerm, OtherTerm: m.Term, Reason: ReasonStaleTerm, Section: "§3.3"})
		r.send(Message{Type: MsgAppendEntriesResp, To: m.From, PrevLogIndex: m.PrevLogIndex})
	case MsgInstallSnapshot:
		r.send(Message{Type: MsgInstallSnapshotResp, To: m.From})
	case MsgRequestVote, MsgPreVote:
		r.emit(Event{Kind: EventVoteRefused, Peer: m.From, PreVote: m.Type == MsgPreVote, OtherTerm: m.Term, Reason: ReasonStaleTerm, Section: "§3.3"})
		r.send(Message{Type: voteResponseType(m.Type), To: m.From, RequestTerm: m.Term})
	}
}

// send queues a message; the current term is stamped unless the message
// carries its own (PreVote).
func (r *Node) send(m Message) {
	m.From = r.id
	if m.Term == 0 {
		m.Term = r.term
	}
	r.messages = append(r.messages, m)
}

// emit records a decision for the host to show and check.
func (r *Node) emit(event Event) {
	event.Node = r.id
	if event.Term == 0 {
		event.Term = r.term
	}
	r.events = append(r.events, event)
}

// setTerm changes the persistent term and vote together.
func (r *Node) setTerm(term Term, votedFor NodeID) {
	if term != r.term || votedFor != r.votedFor {
		r.hardStateDirty = true
	}
	r.term = term
	r.votedFor = votedFor
}

// resetElectionTimer restarts the election timer with a new random timeout
// (thesis §3.4: randomized timeouts make split votes rare).
func (r *Node) resetElectionTimer() {
	r.electionElapsed = 0
	spread := r.config.ElectionTicksMax - r.config.ElectionTicksMin + 1
	r.randomizedElectionTimeout = r.config.ElectionTicksMin + r.random.IntN(spread)
}

// leaderRecentlyHeard reports whether a current leader was heard within the
// minimum election timeout (thesis §9.6, §4.2.3). A leader hears itself.
func (r *Node) leaderRecentlyHeard() bool {
	if r.role == Leader {
		return true
	}
	return (r.leader != None || r.restarted) && r.ticksSinceLeader < r.config.ElectionTicksMin
}

// commitTo raises the commit index (never lowers it).
func (r *Node) commitTo(index Index, reason Reason, section string) {
	if index <= r.commitIndex {
		return
	}
	mustHold(index <= r.log.lastIndex(), "commit index within the log", "§3.5")
	mustHold(index > r.log.snapshotIndex, "commit index past the snapshot", "§5.1")
	r.emit(Event{Kind: EventCommitted, OtherIndex: r.commitIndex, Index: index, Reason: reason, Section: section})
	r.commitIndex = index
	if r.role == Leader {
		r.readIndexKnown()
	}
}
