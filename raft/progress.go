package raft

import "iter"

// A leader's view of each follower (thesis Fig. 3.1, "Volatile state on
// leaders"), with the flow control of thesis §10.2.2.

// ProgressState says how the leader sends to one follower.
type ProgressState uint8

const (
	// Probe: the leader does not know where the follower's log matches; it
	// sends one AppendEntries at a time and lowers NextIndex on rejection
	// (thesis §3.5).
	Probe ProgressState = iota
	// Replicate: the logs match up to MatchIndex; the leader streams batches
	// without waiting for each answer, up to a window (thesis §10.2.2).
	Replicate
)

func (s ProgressState) String() string {
	if s == Replicate {
		return "replicate"
	}
	return "probe"
}

// Progress is the leader's record of one follower.
type Progress struct {
	// NextIndex is the index of the next entry to send (thesis Fig. 3.1).
	// Invariant: MatchIndex < NextIndex.
	NextIndex Index
	// MatchIndex is the highest index known to be replicated on the follower.
	MatchIndex Index
	State      ProgressState
	// ProbeSent: in Probe, an AppendEntries is out and unanswered.
	ProbeSent bool
	// Inflight holds the last index of each AppendEntries sent in Replicate
	// and not yet acknowledged, in increasing order.
	Inflight []Index
	// ReadRound is the latest heartbeat round the follower answered
	// (thesis §6.4).
	ReadRound uint64
	// RecentActive: the follower answered since the last quorum check
	// (thesis §6.2).
	RecentActive bool
	// Suspect is the last index in flight at the previous heartbeat. If
	// MatchIndex has not reached it by the next heartbeat, a message was
	// probably lost.
	Suspect Index
	// PendingSnapshot is the last included index of a snapshot sent to the
	// follower and not yet answered (0: none), thesis §5.1 (snapshot.go).
	PendingSnapshot Index
}

func (p *Progress) becomeProbe(next Index) {
	p.State = Probe
	p.NextIndex = max(next, p.MatchIndex+1)
	p.ProbeSent = false
	p.PendingSnapshot = 0
	p.Inflight = p.Inflight[:0]
}

func (p *Progress) becomeReplicate() {
	p.State = Replicate
	p.NextIndex = p.MatchIndex + 1
	p.ProbeSent = false
	p.PendingSnapshot = 0
	p.Inflight = p.Inflight[:0]
}

// acknowledge records that the follower holds everything up to match, and
// frees the window slots that covered it.
func (p *Progress) acknowledge(match Index) bool {
	if match <= p.MatchIndex {
		return false
	}
	p.MatchIndex = match
	p.NextIndex = max(p.NextIndex, match+1)
	freed := 0
	for freed < len(p.Inflight) && p.Inflight[freed] <= match {
		freed++
	}
	p.Inflight = append(p.Inflight[:0], p.Inflight[freed:]...)
	return true
}

// progressTable is the leader's Progress of each follower, indexed by
// NodeID (nil: not a follower). An array rather than a map: ids are
// small, and the leader looks a follower up for every message it sends
// or receives, where hashing the id was a tenth of the core's time.
type progressTable [256]*Progress

// all yields the followers' Progress, in increasing order of id.
func (t *progressTable) all() iter.Seq2[NodeID, *Progress] {
	return func(yield func(NodeID, *Progress) bool) {
		for id, progress := range t {
			if progress != nil && !yield(NodeID(id), progress) {
				return
			}
		}
	}
}

// count is the number of followers in the table.
func (t *progressTable) count() int {
	n := 0
	for _, progress := range t {
		if progress != nil {
			n++
		}
	}
	return n
}
