package raft

// Status is a snapshot of a node's state, for `status`, the dashboard and
// tests.
type Status struct {
	ID          NodeID
	Role        Role
	Term        Term
	VotedFor    NodeID
	Leader      NodeID
	CommitIndex Index
	LastApplied Index
	LastIndex   Index
	LastTerm    Term
	// SnapshotIndex and SnapshotTerm are the snapshot's last included entry
	// (0 without one): the log holds SnapshotIndex+1..LastIndex (thesis §5.1).
	SnapshotIndex Index
	SnapshotTerm  Term
	// ElectionElapsed and ElectionTimeout are the election timer, in ticks.
	ElectionElapsed int
	ElectionTimeout int
	// Progress is the leader's view of each follower (nil on other roles).
	Progress map[NodeID]Progress
	// Configuration is the latest in the node's log (thesis §4.1), held by
	// the entry at ConfigurationIndex (0: the bootstrap configuration).
	Configuration      Configuration
	ConfigurationIndex Index
}

// Status returns the node's current state.
func (r *Node) Status() Status {
	status := Status{
		ID:                 r.id,
		Role:               r.role,
		Term:               r.term,
		VotedFor:           r.votedFor,
		Leader:             r.leader,
		CommitIndex:        r.commitIndex,
		LastApplied:        r.lastApplied,
		LastIndex:          r.log.lastIndex(),
		LastTerm:           r.log.lastTerm(),
		SnapshotIndex:      r.log.snapshotIndex,
		SnapshotTerm:       r.log.snapshotTerm,
		ElectionElapsed:    r.electionElapsed,
		ElectionTimeout:    r.randomizedElectionTimeout,
		Configuration:      r.configuration,
		ConfigurationIndex: r.configurationIndex,
	}
	if r.role == Leader {
		status.Progress = make(map[NodeID]Progress, r.progress.count())
		// One array holds every follower's copy of Inflight: the host may
		// call Status after every step (cluster.Local does).
		total := 0
		for _, progress := range r.progress.all() {
			total += len(progress.Inflight)
		}
		inflight := make([]Index, 0, total)
		for id, progress := range r.progress.all() {
			copied := *progress
			start := len(inflight)
			inflight = append(inflight, progress.Inflight...)
			copied.Inflight = inflight[start:len(inflight):len(inflight)]
			if len(copied.Inflight) == 0 {
				copied.Inflight = nil
			}
			status.Progress[id] = copied
		}
	}
	return status
}

// Role returns the node's role.
func (r *Node) Role() Role { return r.role }

// Term returns the node's current term.
func (r *Node) Term() Term { return r.term }

// Leader returns the leader this node knows of, or None.
func (r *Node) Leader() NodeID { return r.leader }

// CommitIndex returns the highest index known to be committed.
func (r *Node) CommitIndex() Index { return r.commitIndex }

// Log returns the node's log after its snapshot: index SnapshotIndex()+1
// first (index 1 without a snapshot). Do not change it. Its entries never
// change once handed out (log_chunks.go), so a slice kept is a stable
// view of the log as it was. It costs a copy of the log when the log
// spans more than one chunk: it is for display and tests; a host that
// reads the log on every step reads the part it needs with Entries.
func (r *Node) Log() []Entry { return r.log.entries.slice(0, r.log.entries.length()) }

// Entries returns the entries with from <= index <= to, or nil when the
// log does not hold them all (past its end, or compacted). Unlike Log it
// leaves the log in chunks (log_chunks.go): a host that reads only what
// changed since it last looked costs nothing per entry it does not read.
// The entries never change; do not change them either.
func (r *Node) Entries(from, to Index) []Entry { return r.log.entriesBetween(from, to) }

// EntryTerm returns the term of the entry at index, and false when the log
// holds no such entry; the snapshot's last included index has the
// snapshot's term, and index 0 term 0.
func (r *Node) EntryTerm(index Index) (Term, bool) { return r.log.term(index) }

// Config returns the node's configuration.
func (r *Node) Config() Config { return r.config }
