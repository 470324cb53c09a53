package raft

// Every decision of the core is reported as an Event: traces, `why`, the
// dashboard, lessons and checkers read events, never log text. The core
// fills in the facts; the REPL decides how to say them.

// EventKind names a decision.
type EventKind uint8

const (
	// EventElectionTimeout: no leader heard for Count ticks (thesis §3.4).
	EventElectionTimeout EventKind = iota + 1
	// EventRoleChanged: PreviousRole -> Role in Term, because of Reason.
	EventRoleChanged
	// EventTermChanged: OtherTerm -> Term, learned from Peer (thesis §3.3).
	EventTermChanged
	// EventVoteGranted: this node voted for Peer (PreVote tells which kind).
	EventVoteGranted
	// EventVoteRefused: this node refused Peer, because of Reason (having
	// voted for VotedFor, or heard a leader recently). For a
	// log comparison, Index/LogTerm are the candidate's last entry and
	// OtherIndex/OtherTerm this node's.
	EventVoteRefused
	// EventVoteReceived: a candidate counted Peer's answer; Count votes of
	// Quorum needed so far.
	EventVoteReceived
	// EventAppendAccepted: a follower accepted AppendEntries from Peer with
	// PrevLogIndex Index and Count entries; OtherIndex is its new last index.
	EventAppendAccepted
	// EventAppendRejected: a follower refused AppendEntries from Peer at
	// PrevLogIndex Index (term LogTerm) because of Reason; OtherIndex and
	// OtherTerm hold what it has there (its log length when missing).
	EventAppendRejected
	// EventTruncated: a follower removed its entries from Index on, which
	// conflicted with the leader's (thesis §3.5).
	EventTruncated
	// EventAppended: a leader appended an entry at Index in its term (a
	// client command, or a no-op after election, thesis §6.4).
	EventAppended
	// EventNextIndexLowered: a leader lowered Peer's nextIndex from
	// OtherIndex to Index after a rejection (thesis §3.5).
	EventNextIndexLowered
	// EventCommitted: CommitIndex moved from OtherIndex to Index; Reason
	// tells whether by counting replicas or from the leader's commit index.
	EventCommitted
	// EventHeartbeat: a leader sent a round of heartbeats (thesis §3.4).
	EventHeartbeat
	// EventStepDown: a leader gave up leadership (Reason).
	EventStepDown
	// EventReadConfirmed: a leader confirmed a read at read index Index
	// (thesis §6.4): by a majority answering heartbeat round Count
	// (ReasonHeartbeatRound), or by its lease, with Count ticks left
	// (ReasonLease).
	EventReadConfirmed
	// EventVoteIgnored: a candidate ignored Peer's answer (a grant when
	// VotedFor is set) to a request of another election, whose term was
	// OtherTerm (thesis §3.4).
	EventVoteIgnored

	// Log compaction (thesis ch. 5, snapshot.go).

	// EventSnapshotTaken: the node compacted its log into a snapshot up to
	// Index (term LogTerm), dropping Count entries; OtherIndex is its last
	// index (thesis §5.1).
	EventSnapshotTaken
	// EventSnapshotSent: a leader sent Peer its snapshot up to Index (term
	// LogTerm, Count bytes of state) because Peer needs entry OtherIndex,
	// which is compacted (thesis §5.1, Fig. 5.3).
	EventSnapshotSent
	// EventSnapshotInstalled: a follower installed Peer's snapshot up to
	// Index (term LogTerm), keeping Count entries after it (Reason tells
	// whether its log matched, or the snapshot was already committed
	// here); OtherIndex is its last index (thesis Fig. 5.3).
	EventSnapshotInstalled

	// Leadership transfer (thesis §3.10, transfer.go).

	// EventTransferStarted: the leader stops taking client requests and
	// brings Peer up to date (thesis §3.10 steps 1-2). Index is the leader's
	// last index, OtherIndex the target's matchIndex.
	EventTransferStarted
	// EventTimeoutNowSent: Peer's log matches the leader's up to Index; the
	// leader sends TimeoutNow (thesis §3.10 step 3).
	EventTimeoutNowSent
	// EventTimeoutNowReceived: this node got TimeoutNow from leader Peer and
	// campaigns at once (Reason tells when it refuses instead).
	EventTimeoutNowReceived
	// EventTransferAborted: the transfer to Peer did not finish within Count
	// ticks; the leader resumes (thesis §3.10).
	EventTransferAborted

	// Membership changes (thesis ch. 4, membership.go).

	// EventConfigurationChanged: the node now uses Configuration, held by
	// the entry at Index (thesis §4.1: in effect once appended).
	EventConfigurationChanged
	// EventCatchUpStarted: the leader starts replicating to Peer as a
	// non-voting member (thesis §4.2.1).
	EventCatchUpStarted
	// EventCatchUpRound: Peer reached Index, the leader's last index when
	// round Count began, in OtherIndex ticks (thesis §4.2.1).
	EventCatchUpRound
	// EventCatchUpAborted: Peer did not catch up within Count rounds.
	EventCatchUpAborted
	// EventConfigurationRefused: the leader refused a change (Reason).
	EventConfigurationRefused
)

var eventKindNames = map[EventKind]string{
	EventElectionTimeout:  "election-timeout",
	EventRoleChanged:      "role-changed",
	EventTermChanged:      "term-changed",
	EventVoteGranted:      "vote-granted",
	EventVoteRefused:      "vote-refused",
	EventVoteReceived:     "vote-received",
	EventAppendAccepted:   "append-accepted",
	EventAppendRejected:   "append-rejected",
	EventTruncated:        "truncated",
	EventAppended:         "appended",
	EventNextIndexLowered: "next-index-lowered",
	EventCommitted:        "committed",
	EventHeartbeat:        "heartbeat",
	EventStepDown:         "step-down",
	EventReadConfirmed:    "read-confirmed",
	EventVoteIgnored:      "vote-ignored",

	// Log compaction (thesis ch. 5).
	EventSnapshotTaken:     "snapshot-taken",
	EventSnapshotSent:      "snapshot-sent",
	EventSnapshotInstalled: "snapshot-installed",

	// Leadership transfer (thesis §3.10).
	EventTransferStarted:    "transfer-started",
	EventTimeoutNowSent:     "timeout-now-sent",
	EventTimeoutNowReceived: "timeout-now-received",
	EventTransferAborted:    "transfer-aborted",

	// Membership changes (thesis ch. 4).
	EventConfigurationChanged: "configuration-changed",
	EventCatchUpStarted:       "catch-up-started",
	EventCatchUpRound:         "catch-up-round",
	EventCatchUpAborted:       "catch-up-aborted",
	EventConfigurationRefused: "configuration-refused",
}

func (k EventKind) String() string {
	if name, ok := eventKindNames[k]; ok {
		return name
	}
	return "event?"
}

// Reason is the rule behind a decision.
type Reason uint8

const (
	ReasonNone Reason = iota
	// Votes.
	ReasonStaleTerm           // the request's term is older than ours (thesis §3.3)
	ReasonAlreadyVoted        // we voted for someone else in this term (thesis §3.4)
	ReasonLogNotUpToDate      // our log is more up-to-date (thesis §3.6.1)
	ReasonLeaderRecentlyHeard // we heard a leader within the minimum election timeout (thesis §9.6, §4.2.3)
	ReasonIsLeader            // a leader does not vote for others
	// AppendEntries.
	ReasonMissingEntry // no entry at PrevLogIndex (thesis §3.5)
	ReasonTermMismatch // the entry at PrevLogIndex has another term (thesis §3.5)
	// Role changes.
	ReasonElectionTimeout // the election timer fired (thesis §3.4)
	ReasonPreVoteWon      // a majority would vote for us (thesis §9.6)
	ReasonPreVoteLost     // a majority would not (thesis §9.6)
	ReasonElectionWon     // a majority voted for us (thesis §3.4)
	ReasonHigherTerm      // a message carried a higher term (thesis §3.3)
	ReasonLeaderHeard     // AppendEntries from the leader of our term (thesis §3.4)
	ReasonQuorumLost      // no majority heard within an election timeout (thesis §6.2)
	ReasonRestarted       // built again from storage (thesis §3.8)
	// Commits.
	ReasonCounted      // stored on a majority, entry of the current term (thesis §3.6.2)
	ReasonCountedOld   // teaching bug: an old-term entry counted (thesis Fig. 3.7)
	ReasonLeaderCommit // the leader's commit index said so (thesis §3.5)
	// Reads.
	ReasonHeartbeatRound // a majority answered a heartbeat round (thesis §6.4)
	ReasonLease          // the lease still holds (thesis §6.4.1)

	// Snapshots (thesis Fig. 5.3).
	ReasonLogSuffixKept    // the log held the snapshot's last entry: the entries after it stay
	ReasonLogDiscarded     // the log did not: it is discarded whole
	ReasonAlreadyCommitted // the snapshot covers only entries committed here already
	// Leadership transfer and membership (transfer.go, membership.go).
	// ReasonTimeoutNow: a leader asked this node to campaign (thesis §3.10).
	ReasonTimeoutNow
	// ReasonNotVoter: the node is not a voter of its configuration
	// (thesis §4.2.1), so it does not campaign.
	ReasonNotVoter
	// ReasonRemoved: the leader is not in its committed configuration
	// (thesis §4.2.2).
	ReasonRemoved
)

var reasonTexts = map[Reason]string{
	ReasonNone:                "",
	ReasonStaleTerm:           "stale term",
	ReasonAlreadyVoted:        "already voted",
	ReasonLogNotUpToDate:      "log not up-to-date",
	ReasonLeaderRecentlyHeard: "leader recently heard",
	ReasonIsLeader:            "is the leader",
	ReasonMissingEntry:        "missing entry",
	ReasonTermMismatch:        "term mismatch",
	ReasonElectionTimeout:     "election timeout",
	ReasonPreVoteWon:          "prevote won",
	ReasonPreVoteLost:         "prevote lost",
	ReasonElectionWon:         "election won",
	ReasonHigherTerm:          "higher term",
	ReasonLeaderHeard:         "leader heard",
	ReasonQuorumLost:          "quorum lost",
	ReasonRestarted:           "restarted",
	ReasonCounted:             "counted replicas",
	ReasonCountedOld:          "counted replicas of an old term",
	ReasonLeaderCommit:        "leader commit",
	ReasonHeartbeatRound:      "heartbeat round",
	ReasonLease:               "lease",

	// Snapshots.
	ReasonLogSuffixKept:    "log suffix kept",
	ReasonLogDiscarded:     "log discarded",
	ReasonAlreadyCommitted: "already committed",
	ReasonTimeoutNow:       "timeout now",
	ReasonNotVoter:         "not a voter",
	ReasonRemoved:          "removed from the configuration",
}

func (reason Reason) String() string { return reasonTexts[reason] }

// Event is one decision, with the facts that drove it and the thesis
// section of the rule. Which fields are set depends on Kind (see there).
type Event struct {
	Node    NodeID
	Kind    EventKind
	Term    Term
	Section string
	Reason  Reason

	Peer         NodeID
	VotedFor     NodeID
	Role         Role
	PreviousRole Role
	PreVote      bool

	Index      Index
	LogTerm    Term
	OtherIndex Index
	OtherTerm  Term
	Count      int
	Quorum     int
	// Configuration, in membership events, is the configuration as text
	// (configuration.go).
	Configuration string
}
