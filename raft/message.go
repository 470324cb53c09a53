package raft

import "fmt"

// EntryKind tells a state-machine command from an entry the core writes
// for itself.
type EntryKind uint8

const (
	// EntryCommand carries a client command for the state machine.
	EntryCommand EntryKind = iota
	// EntryNoop is the empty entry a new leader appends to commit entries of
	// earlier terms promptly (thesis §6.4).
	EntryNoop
)

// Entry is one slot of the replicated log (thesis Fig. 3.1: "each entry
// contains command for state machine, and term when entry was received by
// leader").
type Entry struct {
	Index   Index
	Term    Term
	Kind    EntryKind
	Command []byte
}

// MessageType names the RPCs of thesis Fig. 3.1 and the extensions.
type MessageType uint8

const (
	MsgRequestVote MessageType = iota + 1
	MsgRequestVoteResp
	MsgPreVote
	MsgPreVoteResp
	MsgAppendEntries
	MsgAppendEntriesResp
	MsgInstallSnapshot
	MsgInstallSnapshotResp
	MsgTimeoutNow
)

var messageTypeNames = map[MessageType]string{
	MsgRequestVote:         "RequestVote",
	MsgRequestVoteResp:     "RequestVoteResp",
	MsgPreVote:             "PreVote",
	MsgPreVoteResp:         "PreVoteResp",
	MsgAppendEntries:       "AppendEntries",
	MsgAppendEntriesResp:   "AppendEntriesResp",
	MsgInstallSnapshot:     "InstallSnapshot",
	MsgInstallSnapshotResp: "InstallSnapshotResp",
	MsgTimeoutNow:          "TimeoutNow",
}

func (t MessageType) String() string {
	if name, ok := messageTypeNames[t]; ok {
		return name
	}
	return fmt.Sprintf("MessageType(%d)", uint8(t))
}

// IsResponse reports whether t answers another message.
func (t MessageType) IsResponse() bool {
	switch t {
	case MsgRequestVoteResp, MsgPreVoteResp, MsgAppendEntriesResp, MsgInstallSnapshotResp:
		return true
	}
	return false
}

// Message is every RPC and every response. Field names follow thesis
// Fig. 3.1; a message uses only the fields of its type.
type Message struct {
	Type MessageType
	From NodeID
	To   NodeID
	// Term is the sender's currentTerm. In a PreVote request it is the term
	// the sender would campaign in (its term + 1), and in a PreVote response
	// it echoes that term when the vote is granted (thesis §9.6).
	Term Term

	// RequestVote and PreVote: the candidate's last log entry (thesis §3.6.1).
	LastLogIndex Index
	LastLogTerm  Term

	// AppendEntries (thesis §3.5). In a response, PrevLogIndex echoes the
	// request's, so the leader can tell which request was answered.
	PrevLogIndex Index
	PrevLogTerm  Term
	Entries      []Entry
	LeaderCommit Index

	// Responses.
	VoteGranted bool
	Success     bool
	// MatchIndex is, on success, the last index the follower now shares with
	// the leader.
	MatchIndex Index
	// Conflict hints on a rejected AppendEntries (thesis §3.5, fast log
	// repair, and §4.2.1's log length). Set only when Config.ConflictHint is on.
	ConflictTerm  Term
	ConflictIndex Index
	LogLength     Index
	// HintGiven tells the leader the hint fields are meaningful.
	HintGiven bool

	// RequestTerm, in a RequestVote or PreVote response, is the term of the
	// request it answers (a PreVote's proposed term), so that a candidate
	// counts an answer only for the election it asked in: a refusal of an
	// older request, answered after the candidate moved on to a newer
	// term, says nothing about the newer election.
	RequestTerm Term

	// ReadRound numbers the leader's heartbeat rounds: AppendEntries carries
	// the current one and its answer echoes it, to confirm reads (thesis
	// §6.4).
	ReadRound uint64

	// MayDisrupt, in a RequestVote, says the candidate campaigns because
	// the leader asked it to (TimeoutNow, thesis §3.10), so voters must not
	// ignore it for having heard that leader recently (thesis §4.2.3).
	MayDisrupt bool
	// Snapshot is what InstallSnapshot carries (thesis Fig. 5.3): the
	// leader's last included index and term, its configuration and the
	// state machine's data, in one chunk (snapshot.go). Its response
	// answers with Success and, in MatchIndex, the last included index.
	Snapshot *Snapshot
}
