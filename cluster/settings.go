package cluster

import (
	"fmt"
	"time"

	"raftctl/raft"
)

// Settings are the knobs of a local cluster: the core's switches and
// timings, in wall-clock units, and the client's patience.
type Settings struct {
	// Tick is how much virtual time one core tick stands for.
	Tick time.Duration
	// ElectionMin..ElectionMax is the election timeout range (thesis §3.4);
	// Heartbeat is the leader's heartbeat interval.
	ElectionMin, ElectionMax, Heartbeat time.Duration

	PreVote, CheckQuorum, LeaderNoop, ConflictHint, Stickiness bool
	MaxEntriesPerMessage, MaxInflight                          int
	Bugs                                                       raft.Bugs

	// LazySync is a storage fault: writes reach the disk UnsyncedWindow
	// after the node relied on them, and a crash loses them (lazysync.go).
	LazySync bool

	// DiskWrite is the virtual time one write to a node's disk takes
	// (disk.go). 0, the default, is an instant disk: a node writes each
	// batch the moment its core hands it over, as if the write cost
	// nothing. Above 0 the write is in flight for that long; the node's
	// core keeps taking messages and proposals, and hands the new work
	// over once the write is done. On bbolt the real write runs meanwhile
	// on a goroutine of its own, so the nodes' disks work concurrently.
	// Lazy sync ignores it: the cache acknowledges at once.
	DiskWrite time.Duration
	// DiskWriteOf overrides DiskWrite for single nodes (index 0 is n1): a
	// slow disk on one node. 0 leaves the node at DiskWrite.
	DiskWriteOf [MaxNodes]time.Duration

	// GroupCommit (thesis §10.2.2): a write carries every entry that
	// arrived while the disk was busy, in one transaction. Off, each entry
	// is a write of its own, DiskWrite long. It matters only when
	// DiskWrite is above 0.
	GroupCommit bool

	// ParallelWrite (thesis §10.2.1): a leader sends its AppendEntries
	// while it writes to its own disk, and counts itself towards
	// commitment only once its write is done, so an entry can commit on
	// the followers' disks alone (raft.Config.ParallelLeaderWrite).
	ParallelWrite bool

	// SnapshotThreshold: a node snapshots its state machine once its log
	// holds this many applied entries past its last snapshot (thesis
	// §5.1.2); 0 turns automatic snapshots off (compaction.go).
	//
	// DefaultSnapshotThreshold by default: far more entries than any
	// lesson or script writes, so the chapter-3 lessons and every trace
	// show logs from index 1, as the thesis figures do, while a long
	// session (a benchmark, a learner's loop of puts) keeps its memory
	// bounded. Lessons, `set snapshot-threshold N` and the chaos campaigns
	// set their own.
	SnapshotThreshold int
	// SnapshotGrowth: with F above 0, a node snapshots on its own only
	// once the entries past its last snapshot also take F times the bytes
	// of that snapshot, the expansion factor of thesis §5.1.2
	// (snapshot_policy.go); 0 leaves the entry count alone to decide.
	// 0 by default: with many distinct keys the factor 4 of the thesis
	// made a 5-node session 3% faster and its resident memory a quarter
	// larger (docs/performance.md), so it is a switch to try, not the
	// default.
	SnapshotGrowth int

	// SessionsOff: clients send their commands without a client session
	// (thesis §6.3), so the state machine cannot tell a retry from a new
	// request and a retried put may apply twice (sessions.go).
	SessionsOff bool

	// ClientTimeout bounds how long a client request may take.
	ClientTimeout time.Duration
}

// DefaultSnapshotThreshold is the default automatic snapshot threshold:
// a log of 10,000 entries is about 1 MB per node in memory, and no lesson
// or script comes near it.
const DefaultSnapshotThreshold = 10_000

// DefaultSettings: 10 ms ticks, elections 150-300 ms, heartbeats 50 ms,
// PreVote, CheckQuorum, the leader no-op and conflict hints on, a snapshot
// every DefaultSnapshotThreshold entries.
func DefaultSettings() Settings {
	defaults := raft.DefaultConfig(1, []raft.NodeID{1}, 0)
	tick := 10 * time.Millisecond
	return Settings{
		Tick:                 tick,
		ElectionMin:          time.Duration(defaults.ElectionTicksMin) * tick,
		ElectionMax:          time.Duration(defaults.ElectionTicksMax) * tick,
		Heartbeat:            time.Duration(defaults.HeartbeatTicks) * tick,
		PreVote:              defaults.PreVote,
		CheckQuorum:          defaults.CheckQuorum,
		LeaderNoop:           defaults.LeaderNoop,
		ConflictHint:         defaults.ConflictHint,
		Stickiness:           defaults.Stickiness,
		MaxEntriesPerMessage: defaults.MaxEntriesPerMessage,
		MaxInflight:          defaults.MaxInflight,
		SnapshotThreshold:    DefaultSnapshotThreshold,
		ClientTimeout:        3 * time.Second,
	}
}

// Validate reports the first setting that cannot work.
func (s Settings) Validate() error {
	if s.Tick <= 0 {
		return fmt.Errorf("tick %v: want a positive duration", s.Tick)
	}
	if s.SnapshotGrowth < 0 || s.SnapshotGrowth > 1000 {
		return fmt.Errorf("snapshot growth %d: want 0 (off) to 1000, e.g. 4", s.SnapshotGrowth)
	}
	if s.SnapshotThreshold < 0 {
		return fmt.Errorf("snapshot threshold %d: want 0 (off) or a number of entries", s.SnapshotThreshold)
	}
	if s.DiskWrite < 0 {
		return fmt.Errorf("disk write %v: want 0 (an instant disk) or a positive duration", s.DiskWrite)
	}
	for i, write := range s.DiskWriteOf {
		if write < 0 {
			return fmt.Errorf("disk write of n%d %v: want 0 (the cluster's) or a positive duration", i+1, write)
		}
	}
	if s.ClientTimeout <= 0 {
		return fmt.Errorf("client timeout %v: want a positive duration", s.ClientTimeout)
	}
	return s.config(1, []raft.NodeID{1}, 0).Validate()
}

// config turns the settings into one node's core configuration.
func (s Settings) config(id raft.NodeID, peers []raft.NodeID, seed uint64) raft.Config {
	ticks := func(d time.Duration) int { return int((d + s.Tick - 1) / s.Tick) }
	return raft.Config{
		ID:                   id,
		Peers:                peers,
		Seed:                 seed,
		ElectionTicksMin:     ticks(s.ElectionMin),
		ElectionTicksMax:     ticks(s.ElectionMax),
		HeartbeatTicks:       ticks(s.Heartbeat),
		PreVote:              s.PreVote,
		CheckQuorum:          s.CheckQuorum,
		LeaderNoop:           s.LeaderNoop,
		ConflictHint:         s.ConflictHint,
		Stickiness:           s.Stickiness,
		MaxEntriesPerMessage: s.MaxEntriesPerMessage,
		MaxInflight:          s.MaxInflight,
		ParallelLeaderWrite:  s.ParallelWrite,
		Bugs:                 s.Bugs,
	}
}
