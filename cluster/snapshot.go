package cluster

import (
	"raftctl/raft"
)

// A Snapshot is the cluster as plain data at one virtual instant, for a
// picture of it (the browser draws nodes, links, messages in flight and
// logs from it). It is read from the cluster's state, never from text.
type Snapshot struct {
	// Now is the virtual time in nanoseconds; Tick is a tick's length.
	Now  int64 `json:"now"`
	Tick int64 `json:"tick"`
	// Live pacing: Speed is virtual seconds per wall second (0 when
	// paced by commands); Paused freezes the clock.
	Speed    float64           `json:"speed"`
	Paused   bool              `json:"paused"`
	Nodes    []NodeSnapshot    `json:"nodes"`
	Cuts     []CutSnapshot     `json:"cuts"`
	Messages []MessageSnapshot `json:"messages"`
}

// NodeSnapshot is one node. A down node shows what its storage holds.
type NodeSnapshot struct {
	ID       string `json:"id"`
	Role     string `json:"role"`
	Term     uint64 `json:"term"`
	VotedFor string `json:"votedFor"`
	Leader   string `json:"leader"`
	Commit   uint64 `json:"commit"`
	Last     uint64 `json:"last"`
	Applied  uint64 `json:"applied"`
	Up       bool   `json:"up"`
	// Group is the node's partition group (0 when there is no partition).
	Group int `json:"group"`
	// The election timer, in ticks (thesis §3.4).
	ElectionElapsed int `json:"electionElapsed"`
	ElectionTimeout int `json:"electionTimeout"`
	// LogTerms are the terms of entries LogStart+1 .. Last: the log's tail,
	// at most SnapshotLogEntries entries.
	LogStart uint64   `json:"logStart"`
	LogTerms []uint64 `json:"logTerms"`
}

// CutSnapshot is a direction of a link that drops what crosses it (a
// partition or a cut).
type CutSnapshot struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// MessageSnapshot is one message in flight, with its virtual send and
// arrival times in nanoseconds.
type MessageSnapshot struct {
	ID        uint64 `json:"id"`
	From      string `json:"from"`
	To        string `json:"to"`
	Type      string `json:"type"`
	Entries   int    `json:"entries"`
	Response  bool   `json:"response"`
	SentAt    int64  `json:"sentAt"`
	DeliverAt int64  `json:"deliverAt"`
}

// SnapshotLogEntries bounds the log tail a snapshot carries per node, and
// SnapshotMessages the messages in flight it lists (the earliest to arrive).
const (
	SnapshotLogEntries = 64
	SnapshotMessages   = 200
)

// Snapshot returns the cluster as plain data. It takes the cluster's lock
// for as long as copying takes.
func (c *Local) Snapshot() Snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	snapshot := Snapshot{Now: int64(c.now), Tick: int64(c.settings.Tick)}
	if c.live != nil {
		snapshot.Speed, snapshot.Paused = c.live.speed, c.live.paused
	}
	for _, node := range c.nodes {
		snapshot.Nodes = append(snapshot.Nodes, c.nodeSnapshot(node))
	}
	for _, from := range c.ids {
		for _, to := range c.ids {
			if from != to && !c.network.Connected(from, to) {
				snapshot.Cuts = append(snapshot.Cuts, CutSnapshot{From: from.String(), To: to.String()})
			}
		}
	}
	for _, envelope := range c.network.InFlight() {
		if len(snapshot.Messages) == SnapshotMessages {
			break
		}
		message := envelope.Message
		snapshot.Messages = append(snapshot.Messages, MessageSnapshot{
			ID: envelope.ID, From: message.From.String(), To: message.To.String(),
			Type: message.Type.String(), Entries: len(message.Entries), Response: message.Type.IsResponse(),
			SentAt: int64(envelope.SentAt), DeliverAt: int64(envelope.DeliverAt),
		})
	}
	return snapshot
}

func (c *Local) nodeSnapshot(node *localNode) NodeSnapshot {
	status := c.nodeStatus(node)
	snapshot := NodeSnapshot{
		ID: node.id.String(), Role: status.Role.String(), Term: uint64(status.Term),
		Commit: uint64(status.CommitIndex), Last: uint64(status.LastIndex), Applied: uint64(status.LastApplied),
		Up: status.Up, Group: status.Group,
		ElectionElapsed: status.ElectionElapsed, ElectionTimeout: status.ElectionTimeout,
	}
	if status.VotedFor != raft.None {
		snapshot.VotedFor = status.VotedFor.String()
	}
	if status.Leader != raft.None {
		snapshot.Leader = status.Leader.String()
	}
	if !status.Up {
		snapshot.Role = "down"
	}
	var entries []raft.Entry
	if node.core != nil {
		// The last SnapshotLogEntries only: Log would join the core's
		// chunks into one array for good (raft/log_chunks.go).
		last := node.core.LastIndex()
		first := max(node.core.SnapshotIndex()+1, last-min(last, SnapshotLogEntries)+1)
		entries = node.core.Entries(first, last)
	} else {
		_, entries, _ = node.storage.InitialState()
	}
	start := max(0, len(entries)-SnapshotLogEntries)
	snapshot.LogStart = uint64(status.LastIndex) - uint64(len(entries)-start)
	for _, entry := range entries[start:] {
		snapshot.LogTerms = append(snapshot.LogTerms, uint64(entry.Term))
	}
	return snapshot
}
