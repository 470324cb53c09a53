package raft

import (
	"fmt"
	"slices"
)

// Config holds a node's identity, its timing, and the switches that turn
// extensions and teaching bugs on and off, so a lesson can replay the same
// seed with one rule changed.
type Config struct {
	// ID is this node; Peers is every member of the cluster, ID included.
	ID    NodeID
	Peers []NodeID
	// Joining: the node is new and starts with no configuration: it does
	// not campaign until a configuration entry that names it reaches its
	// log (thesis §4.4). Peers is then ignored.
	Joining bool
	// Seed drives every random choice of this node (its election timeouts).
	Seed uint64

	// Election timeouts are drawn uniformly from [ElectionTicksMin,
	// ElectionTicksMax] (thesis §3.4, §9.3); the leader sends heartbeats every
	// HeartbeatTicks. With a 10 ms tick the defaults are 150-300 ms and 50 ms.
	ElectionTicksMin int
	ElectionTicksMax int
	HeartbeatTicks   int

	// PreVote: a candidate first asks whether it could win before it raises
	// its term (thesis §9.6).
	PreVote bool
	// CheckQuorum: a leader that has not heard from a majority within an
	// election timeout steps down (thesis §6.2).
	CheckQuorum bool
	// LeaderNoop: a new leader appends an empty entry of its term, so that
	// earlier entries commit promptly (thesis §6.4).
	LeaderNoop bool
	// ConflictHint: a follower that rejects AppendEntries tells the leader
	// the conflicting term and its first index, or its log length, so the
	// leader skips a whole term per round trip (thesis §3.5, §4.2.1).
	ConflictHint bool
	// Stickiness: a server that heard from a current leader within the
	// minimum election timeout ignores RequestVote (thesis §4.2.3), and
	// does not campaign itself. Leases need it (thesis §6.4.1, read.go).
	Stickiness bool

	// Batching and pipelining (thesis §10.2.2): at most MaxEntriesPerMessage
	// entries per AppendEntries, and at most MaxInflight AppendEntries in
	// flight to one follower. MaxInflight 1 turns pipelining off.
	MaxEntriesPerMessage int
	MaxInflight          int
	// ParallelLeaderWrite: the leader sends AppendEntries while it writes
	// to its own disk (thesis §10.2.1, parallel_write.go). Hosts then send
	// Ready.EarlyMessages first. With it or without, the leader counts
	// itself towards commitment only up to what its host has acknowledged
	// durable.
	ParallelLeaderWrite bool

	// Bugs are deliberately wrong rules, for lessons and to prove that the
	// checkers can fail. All off by default.
	Bugs Bugs
}

// Bugs are teaching switches that each break one rule of the thesis.
type Bugs struct {
	// CommitOldTerm commits entries of earlier terms by counting replicas,
	// the mistake of thesis Fig. 3.7.
	CommitOldTerm bool
	// NoElectionRestriction grants votes without comparing logs (breaks
	// thesis §3.6.1).
	NoElectionRestriction bool
	// ForgetVote leaves votedFor out of what is persisted (breaks thesis
	// §3.8): after a restart the node can vote twice in one term.
	ForgetVote bool
	// LeaseWithoutStickiness serves lease reads without the §4.2.3 rule
	// (breaks thesis §6.4.1): a follower can grant a pre-vote, acknowledge
	// the old leader's heartbeat, then grant the real vote, so a new
	// leader is elected while the old one still trusts its lease.
	LeaseWithoutStickiness bool
	// UnsafeMembership lets Reconfigure switch straight to the new voters
	// without joint consensus, and lets a change start before the previous
	// one commits (breaks thesis §4.1, §4.3): thesis Fig. 4.2's two
	// disjoint majorities.
	UnsafeMembership bool
	// LeaderCountsUnwritten makes a leader under the parallel write count
	// every entry of its log for itself, written to its disk or not
	// (breaks thesis §10.2.1, which lets the leader count itself only once
	// its own write is done): an entry can commit on the leader's memory
	// and one follower's disk, and a crash of the leader loses it.
	LeaderCountsUnwritten bool
	// LeaseAfterTransfer trusts leases again once a leadership transfer is
	// abandoned, though its TimeoutNow may still reach the target, which
	// is then elected with the votes of servers that still hear the old
	// leader (breaks thesis §3.10 with §6.4.1): a stale read.
	LeaseAfterTransfer bool
	// LeaderDropsUncommitted makes a leader that no longer hears from a
	// majority (CheckQuorum, thesis §6.2) delete the entries it could not
	// commit and go on leading, instead of stepping down (breaks Leader
	// Append-Only, thesis §3.5: a leader never deletes entries in its log).
	LeaderDropsUncommitted bool
	// SkipPrevTerm makes a follower's consistency check look only for an
	// entry at PrevLogIndex, not at its term (breaks thesis §3.5: "If the
	// follower does not find an entry in its log with the same index and
	// term, then it refuses the new entries"): the follower appends the
	// leader's entries after an entry of another term, so two logs share
	// an entry but not the entries before it (Log Matching), and it may
	// apply a command the cluster never committed.
	SkipPrevTerm bool
	// HalfQuorum makes a (pre-)candidate win with the votes of half of the
	// voters (n/2 rather than n/2+1) instead of a majority (breaks thesis
	// §3.4: "a candidate wins an election if it receives votes from a
	// majority of the servers in the full cluster"). Two halves need not
	// overlap, so two candidates can win the same term (Election Safety);
	// with three voters a candidate's own vote elects it. Commitment still
	// counts a majority.
	HalfQuorum bool
	// ReadBeforeOwnCommit lets a leader take its commit index as the read
	// index before it has committed an entry of its own term (breaks
	// thesis §6.4 step 1: "If the leader has not yet marked an entry from
	// its current term committed, it waits until it has done so"): a new
	// leader's commit index can lag behind what its predecessor committed
	// and acknowledged, so a ReadIndex or lease read returns a stale value.
	ReadBeforeOwnCommit bool
	// AcceptStaleTerm makes a follower or candidate handle AppendEntries
	// from a leader of an older term as if it were current (breaks thesis
	// §3.3: "If a server receives a request with a stale term number, it
	// rejects the request"): a deposed leader's entries overwrite entries
	// that its successor committed. The server keeps its term and role.
	AcceptStaleTerm bool
	// RemovedLeaderCountsSelf makes a leader that is not a voter of its
	// latest configuration count its own log towards commitment anyway
	// (breaks thesis §4.2.2: the leader "replicates log entries but does
	// not count itself in majorities"): the change that removes it commits
	// on the leader and a minority of the new configuration, so a majority
	// of the new configuration need not hold a committed entry.
	RemovedLeaderCountsSelf bool
	// ForgetTerm leaves currentTerm out of what is persisted: storage
	// always holds term 0 (breaks thesis §3.8, where currentTerm is
	// persistent state, written before the server answers). A restarted
	// node comes back in term 0; when a candidate of a term it had voted
	// in asks, it takes that term up as a new one, with no vote cast, and
	// can vote twice in one term.
	ForgetTerm bool
	// SnapshotWithoutSessions leaves the client sessions out of the state
	// machine's snapshots (breaks thesis §6.3: the sessions are part of the
	// replicated state, so snapshots must hold them): a server that starts from one has
	// forgotten which commands it executed, and executes a retry again.
	// The core never reads it: the hosts (cluster.Local, cluster.Host)
	// pass it to the state machine when they snapshot.
	SnapshotWithoutSessions bool
}

// bugSwitches names each teaching bug and finds its switch in Bugs: one
// table behind BugNames, SetBug and Enabled.
var bugSwitches = []struct {
	name  string
	field func(*Bugs) *bool
}{
	{"commit-old-term", func(b *Bugs) *bool { return &b.CommitOldTerm }},
	{"no-election-restriction", func(b *Bugs) *bool { return &b.NoElectionRestriction }},
	{"forget-vote", func(b *Bugs) *bool { return &b.ForgetVote }},
	{"lease-without-stickiness", func(b *Bugs) *bool { return &b.LeaseWithoutStickiness }},
	{"unsafe-membership", func(b *Bugs) *bool { return &b.UnsafeMembership }},
	{"leader-counts-unwritten", func(b *Bugs) *bool { return &b.LeaderCountsUnwritten }},
	{"lease-after-transfer", func(b *Bugs) *bool { return &b.LeaseAfterTransfer }},
	{"leader-drops-uncommitted", func(b *Bugs) *bool { return &b.LeaderDropsUncommitted }},
	{"skip-prev-term", func(b *Bugs) *bool { return &b.SkipPrevTerm }},
	{"half-quorum", func(b *Bugs) *bool { return &b.HalfQuorum }},
	{"read-before-own-commit", func(b *Bugs) *bool { return &b.ReadBeforeOwnCommit }},
	{"accept-stale-term", func(b *Bugs) *bool { return &b.AcceptStaleTerm }},
	{"removed-leader-counts-self", func(b *Bugs) *bool { return &b.RemovedLeaderCountsSelf }},
	{"forget-term", func(b *Bugs) *bool { return &b.ForgetTerm }},
	{"snapshot-without-sessions", func(b *Bugs) *bool { return &b.SnapshotWithoutSessions }},
}

// BugNames lists the teaching bugs by the names the REPL uses.
var BugNames = func() []string {
	names := make([]string, len(bugSwitches))
	for i, bug := range bugSwitches {
		names[i] = bug.name
	}
	return names
}()

// SetBug turns the named teaching bug on or off.
func (b *Bugs) SetBug(name string, on bool) error {
	for _, bug := range bugSwitches {
		if bug.name == name {
			*bug.field(b) = on
			return nil
		}
	}
	return fmt.Errorf("unknown bug %q (bugs: %v)", name, BugNames)
}

// Enabled lists the names of the bugs that are on.
func (b Bugs) Enabled() []string {
	var names []string
	for _, bug := range bugSwitches {
		if *bug.field(&b) {
			names = append(names, bug.name)
		}
	}
	return names
}

// DefaultConfig is the configuration of a production-like node: PreVote,
// CheckQuorum, the leader no-op and conflict hints on; stickiness off.
func DefaultConfig(id NodeID, peers []NodeID, seed uint64) Config {
	return Config{
		ID:                   id,
		Peers:                peers,
		Seed:                 seed,
		ElectionTicksMin:     15,
		ElectionTicksMax:     30,
		HeartbeatTicks:       5,
		PreVote:              true,
		CheckQuorum:          true,
		LeaderNoop:           true,
		ConflictHint:         true,
		MaxEntriesPerMessage: 64,
		MaxInflight:          8,
	}
}

// Validate reports the first thing wrong with c.
func (c Config) Validate() error {
	switch {
	case c.Joining:
		if c.ID == None {
			return fmt.Errorf("a joining node needs an id")
		}
	case len(c.Peers) == 0:
		return ErrEmptyCluster
	case c.ID == None || !slices.Contains(c.Peers, c.ID):
		return fmt.Errorf("node %v is not one of the peers %v", c.ID, c.Peers)
	}
	if c.ElectionTicksMin < 1 || c.ElectionTicksMax < c.ElectionTicksMin {
		return fmt.Errorf("election timeout %d-%d ticks: want 1 <= min <= max", c.ElectionTicksMin, c.ElectionTicksMax)
	}
	// A heartbeat slower than the election timeout is allowed on purpose:
	// the timing lesson shows what it breaks (thesis §3.9).
	if c.HeartbeatTicks < 1 {
		return fmt.Errorf("heartbeat %d ticks: want at least 1", c.HeartbeatTicks)
	}
	if c.MaxEntriesPerMessage < 1 || c.MaxInflight < 1 {
		return fmt.Errorf("batching: want at least 1 entry per message and 1 message in flight")
	}
	return nil
}

// UpdateConfig changes a running node's timing and switches, so a learner
// can flip a rule without restarting the cluster. ID, Peers and Seed stay.
// New timings apply from the next timer reset.
func (r *Node) UpdateConfig(config Config) error {
	config.ID, config.Peers, config.Seed, config.Joining = r.config.ID, r.config.Peers, r.config.Seed, r.config.Joining
	if err := config.Validate(); err != nil {
		return err
	}
	r.config = config
	return nil
}
