package raft

import (
	"errors"
	"fmt"
)

// NodeID names a server. IDs start at 1; None (0) means "nobody", as in
// "voted for nobody" or "no known leader".
type NodeID uint8

// None is the NodeID of nobody.
const None NodeID = 0

func (id NodeID) String() string {
	if id == None {
		return "none"
	}
	return fmt.Sprintf("n%d", uint8(id))
}

// Term is Raft's logical clock (thesis §3.3): it only ever increases.
type Term uint64

// Index is the position of an entry in the log, starting at 1. Index 0 is
// the empty prefix that every log shares.
type Index uint64

// Role is what a server is doing in the current term (thesis Fig. 3.3).
// PreCandidate is the PreVote phase of thesis §9.6.
type Role uint8

const (
	Follower Role = iota
	PreCandidate
	Candidate
	Leader
)

var roleNames = [...]string{"follower", "precandidate", "candidate", "leader"}

func (role Role) String() string {
	if int(role) < len(roleNames) {
		return roleNames[role]
	}
	return fmt.Sprintf("role(%d)", uint8(role))
}

// HardState is what a server must persist before it answers (thesis §3.8):
// its current term and the candidate it voted for in that term.
type HardState struct {
	CurrentTerm Term
	VotedFor    NodeID
}

// Sentinel errors of the core.
var (
	// ErrNotLeader is returned by Propose on any role but Leader.
	ErrNotLeader = errors.New("not the leader")
	// ErrEmptyCluster is returned by NewNode when Config.Peers is empty.
	ErrEmptyCluster = errors.New("cluster has no members")
)
