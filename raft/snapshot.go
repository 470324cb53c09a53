package raft

import (
	"errors"
	"fmt"
	"slices"
)

// Log compaction by snapshots (thesis ch. 5, §5.1, Fig. 5.1, Fig. 5.3).
//
// > Each server takes snapshots independently, covering just the committed
// > entries in its log. (thesis §5.1)
//
// The host decides when (a size threshold, or by hand) and serializes its
// state machine at an applied index; Compact turns that into the node's
// snapshot and drops the entries it covers. A leader that must send a
// follower entries it no longer has sends its snapshot instead, with
// InstallSnapshot (thesis Fig. 5.3).
//
// Differs from thesis Fig. 5.3: the snapshot travels in one chunk. The
// thesis's offset and done fields exist to split a large snapshot over
// several RPCs; a teaching cluster's state machine is small, so every
// InstallSnapshot carries the whole snapshot (offset 0, done true) and the
// fields are left out.

// Snapshot is a state machine's state at LastIncludedIndex, standing in for
// the log entries 1..LastIncludedIndex (thesis §5.1, Fig. 5.1).
type Snapshot struct {
	// LastIncludedIndex and LastIncludedTerm are the last entry the
	// snapshot replaces: the AppendEntries consistency check for the next
	// entry needs them (thesis §5.1).
	LastIncludedIndex Index
	LastIncludedTerm  Term
	// Configuration is the voters of the latest cluster configuration as
	// of LastIncludedIndex (thesis §5.1, "the latest configuration as of
	// the last included index"), which the entries it replaces may have
	// held, sorted; a node restarting from the snapshot, or installing it,
	// uses it until a configuration entry follows (configuration.go).
	// Compact refuses an index whose configuration is joint.
	Configuration []NodeID
	// Data is the host's state machine, serialized by the host; the core
	// never reads it.
	Data []byte
}

// IsEmpty reports whether the snapshot stands for no entries: no snapshot.
func (s Snapshot) IsEmpty() bool { return s.LastIncludedIndex == 0 }

// clone copies the snapshot, so neither side of a message or a Ready can
// change the other's.
func (s Snapshot) clone() Snapshot {
	s.Configuration = slices.Clone(s.Configuration)
	s.Data = slices.Clone(s.Data)
	return s
}

// ErrCompacted is returned by Compact for an index the log has already
// compacted.
var ErrCompacted = errors.New("already compacted")

// ErrNotApplied is returned by Compact for an index the state machine has
// not applied yet.
var ErrNotApplied = errors.New("not applied yet")

// Compact makes data, the host's state machine serialized right after it
// applied the entry at index, the node's snapshot, and drops the log
// entries up to index (thesis §5.1). The snapshot comes back in the next
// Ready, for the host to persist before anything else in that batch; until
// then, its storage still holds the entries, which is safe.
//
// index must be applied (acknowledged with Advance) and past the current
// snapshot.
func (r *Node) Compact(index Index, data []byte) error {
	if index <= r.log.snapshotIndex {
		return fmt.Errorf("%w: %v's snapshot already covers index %d (last included index %d)", ErrCompacted, r.id, index, r.log.snapshotIndex)
	}
	if index > r.lastApplied {
		return fmt.Errorf("%w: %v has applied up to index %d, cannot snapshot index %d (thesis §5.1: only committed, applied entries)", ErrNotApplied, r.id, r.lastApplied, index)
	}
	configuration := r.configurationAt(index)
	if configuration.Joint() {
		return ErrJointConfiguration
	}
	term, _ := r.log.term(index)
	discarded := int(index - r.log.snapshotIndex)
	r.snapshot = Snapshot{LastIncludedIndex: index, LastIncludedTerm: term, Configuration: slices.Clone(configuration.Voters), Data: slices.Clone(data)}
	r.log.compactTo(index, term)
	r.snapshotToSave = true
	r.emit(Event{Kind: EventSnapshotTaken, Index: index, LogTerm: term, Count: discarded, OtherIndex: r.log.lastIndex(), Section: "§5.1"})
	return nil
}

// compactTo drops the entries up to index, whose entry has term: the
// snapshot replaces them. When the log does not reach index, or holds
// another entry there, it is discarded whole (thesis Fig. 5.3, receiver
// rules 6 and 7).
func (l *raftLog) compactTo(index Index, term Term) (kept int) {
	if held, present := l.term(index); present && held == term && index <= l.lastIndex() {
		l.entries.dropFirst(int(index - l.snapshotIndex))
	} else {
		l.entries.reset()
		l.durable.truncated(index + 1)
	}
	l.snapshotIndex, l.snapshotTerm = index, term
	if l.unstableFrom != 0 && l.unstableFrom <= index {
		l.unstableFrom = index + 1
		if l.unstableFrom > l.lastIndex() {
			l.unstableFrom = 0
		}
	}
	return l.entries.length()
}

// LastIndex returns the index of the node's last log entry (the
// snapshot's last included index when no entry follows it).
func (r *Node) LastIndex() Index { return r.log.lastIndex() }

// SnapshotIndex returns the last index the node's snapshot covers (0
// without a snapshot): its log starts at the next index.
func (r *Node) SnapshotIndex() Index { return r.log.snapshotIndex }

// SnapshotTerm returns the term of the last entry the node's snapshot
// covers (0 without a snapshot). With Role, Term, CommitIndex and
// SnapshotIndex it lets a host that looks at the node after every step
// skip Status, which copies the leader's progress.
func (r *Node) SnapshotTerm() Term { return r.log.snapshotTerm }

// Snapshot returns a copy of the node's latest snapshot (empty without one).
func (r *Node) Snapshot() Snapshot { return r.snapshot.clone() }

// sendSnapshot sends peer the leader's snapshot, because the entries the
// follower needs next are compacted (thesis §5.1):
//
// > the leader must occasionally send snapshots to followers that lag
// > behind. This happens when the leader has already discarded the next log
// > entry that it needs to send to a follower.
//
// Until the follower answers, the leader sends it nothing else but the
// snapshot again at heartbeats: RPCs are retried indefinitely (thesis §3.7).
func (r *Node) sendSnapshot(peer NodeID, heartbeat bool) {
	progress := r.progress[peer]
	if progress.PendingSnapshot != 0 && !heartbeat {
		return
	}
	progress.State = Probe
	progress.Inflight = progress.Inflight[:0]
	progress.ProbeSent = true
	progress.PendingSnapshot = r.log.snapshotIndex
	snapshot := r.snapshot.clone()
	r.emit(Event{Kind: EventSnapshotSent, Peer: peer, Index: snapshot.LastIncludedIndex, LogTerm: snapshot.LastIncludedTerm, Count: len(snapshot.Data), OtherIndex: progress.NextIndex, Section: "§5.1"})
	r.send(Message{Type: MsgInstallSnapshot, To: peer, Snapshot: &snapshot, LeaderCommit: r.commitIndex, ReadRound: r.readRound})
}

// needsSnapshot reports whether sending peer what it needs next takes
// entries (or the term of an entry) the leader has compacted.
func (r *Node) needsSnapshot(progress *Progress, heartbeat bool) bool {
	if r.log.snapshotIndex == 0 {
		return false
	}
	if progress.NextIndex <= r.log.snapshotIndex {
		return true
	}
	// A heartbeat in Replicate is anchored at MatchIndex, whose term the
	// leader must still know.
	return heartbeat && progress.State == Replicate && progress.NextIndex > r.log.lastIndex() &&
		r.log.compacted(progress.MatchIndex) && progress.MatchIndex != r.log.snapshotIndex
}

// handleInstallSnapshot is the receiver side of InstallSnapshot (thesis
// Fig. 5.3). The message's term equals ours (stepTerm saw to that).
func (r *Node) handleInstallSnapshot(m Message) {
	if r.role == Leader {
		return // two leaders in one term: see handleAppendEntries
	}
	if r.role != Follower || r.leader != m.From {
		r.becomeFollower(m.Term, m.From, ReasonLeaderHeard)
	}
	r.electionElapsed = 0
	r.ticksSinceLeader = 0
	reply := Message{Type: MsgInstallSnapshotResp, To: m.From, ReadRound: m.ReadRound, Success: true}
	if m.Snapshot == nil || m.Snapshot.IsEmpty() {
		reply.Success = false
		r.send(reply)
		return
	}
	snapshot := m.Snapshot.clone()
	index, term := snapshot.LastIncludedIndex, snapshot.LastIncludedTerm
	reply.MatchIndex = index
	if index <= r.commitIndex {
		// Everything it covers is committed here already, and committed
		// entries are the same on every server (thesis §3.6.3): a delayed or
		// repeated snapshot changes nothing.
		r.emit(Event{Kind: EventSnapshotInstalled, Peer: m.From, Index: index, LogTerm: term, OtherIndex: r.commitIndex, Reason: ReasonAlreadyCommitted, Section: "Fig. 5.3"})
		r.send(reply)
		return
	}
	// > If existing log entry has same index and term as snapshot's last
	// > included entry, retain log entries following it and reply.
	// > Discard the entire log. Reset state machine using snapshot contents
	// > (and load snapshot's cluster configuration). (thesis Fig. 5.3)
	held, present := r.log.term(index)
	kept := r.log.compactTo(index, term)
	reason := ReasonLogDiscarded
	if present && held == term {
		reason = ReasonLogSuffixKept
	}
	r.snapshot = snapshot
	r.snapshotToSave, r.snapshotToRestore = true, true
	r.commitIndex, r.handedCommit = index, index
	r.refreshConfiguration() // the snapshot's, or a kept entry's (thesis §4.1)
	r.emit(Event{Kind: EventSnapshotInstalled, Peer: m.From, Index: index, LogTerm: term, Count: kept, OtherIndex: r.log.lastIndex(), Reason: reason, Section: "Fig. 5.3"})
	// The commit index stops at the snapshot: the entries kept after it
	// are not known to match the leader's yet (only AppendEntries checks
	// that), so the leader's commit index says nothing about them.
	r.send(reply)
}

// handleInstallSnapshotResponse records that the follower now holds
// everything up to the snapshot's last included index.
func (r *Node) handleInstallSnapshotResponse(m Message) {
	progress := r.heardFrom(m)
	if !m.Success {
		return
	}
	progress.PendingSnapshot = 0
	advanced := progress.acknowledge(m.MatchIndex)
	progress.becomeReplicate()
	if advanced {
		r.maybeCommit()
	}
	r.sendAppend(m.From, false)
}

// skipCompacted trims an AppendEntries whose PrevLogIndex lies inside the
// follower's snapshot (a delayed message, or a leader that does not know
// yet how far the follower got): the entries up to the snapshot's last
// included index are committed, and committed entries are the same on
// every server (thesis §3.6.3), so the request is checked from that index
// on instead.
func (r *Node) skipCompacted(m Message) Message {
	if !r.log.compacted(m.PrevLogIndex) || m.PrevLogIndex == r.log.snapshotIndex {
		return m
	}
	var entries []Entry
	for _, entry := range m.Entries {
		if entry.Index > r.log.snapshotIndex {
			entries = append(entries, entry)
		}
	}
	m.PrevLogIndex, m.PrevLogTerm, m.Entries = r.log.snapshotIndex, r.log.snapshotTerm, entries
	return m
}
