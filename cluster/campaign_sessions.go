package cluster

import (
	"math/rand/v2"
	"time"

	"raftctl/raft"
	"raftctl/store"
)

// A retry across a restart from snapshots, at the end of a quarter of the
// campaigns (thesis §6.3: the sessions are part of the replicated state,
// so snapshots must hold them). A client's put reaches the others but its leader never
// hears them, so the client waits on that leader; the others elect a new
// leader, which commits the put and answers a read of its value; they
// snapshot and restart from their snapshots; another client overwrites
// and reads the key; then the first client gives up on its old leader and
// sends the same request again. Its session, in the snapshot, answers the
// retry; a snapshot without sessions lets the put execute twice, undoing
// the other client's write, and a last read shows it.

// retriesAcrossSnapshots decides which seeds run it, from a stream of its
// own so the campaign's other draws stay as they were ("sessions").
func retriesAcrossSnapshots(seed uint64) bool {
	return rand.New(rand.NewPCG(seed, 0x73657373696f6e73)).IntN(4) == 0
}

// retryAcrossSnapshots runs the scenario with leader as the client's first
// leader; clientID and clientID+1 are the two clients.
func (c *Local) retryAcrossSnapshots(leader NodeID, clientID uint64) {
	node := c.nodes[leader-1]
	if node.core == nil || node.core.Role() != raft.Leader {
		return
	}
	configuration, _ := node.core.Configuration()
	var others []*localNode
	for _, id := range configuration.Members() {
		if other := c.nodes[id-1]; id != leader && other.core != nil {
			others = append(others, other)
		}
	}
	if len(others) == 0 {
		return
	}
	// The client waits on its leader for four election timeouts before it
	// asks elsewhere (client.go): it must not give up before that.
	timeout := c.settings.ClientTimeout
	c.settings.ClientTimeout = 4*c.settings.ElectionMax + 2*time.Second
	defer func() { c.settings.ClientTimeout = timeout }()

	for _, other := range others {
		c.network.Cut(other.id, leader, false) // the answers are lost
	}
	c.clients.leaderGuess = leader
	retried, err := c.submit(clientID, store.Command{Op: store.OpPut, Key: "session", Value: "first"}, raft.None)
	if err != nil {
		return
	}
	stored := func() bool {
		for _, other := range others {
			if other.core == nil || other.core.LastIndex() < retried.index {
				return false
			}
		}
		return retried.index > 0
	}
	if !c.runUntil(stored, c.now+100*time.Millisecond) {
		return
	}
	for _, other := range others {
		c.network.Cut(leader, other.id, true)
	}
	// Clients go to the new leader, not to the old one cut off.
	newLeader := func() bool {
		for _, other := range others {
			if other.core != nil && other.core.Role() == raft.Leader {
				c.clients.leaderGuess = other.id
				return true
			}
		}
		return false
	}
	wait := func(call *Call) bool {
		c.runUntil(func() bool { return call.Done }, call.deadline)
		return call.Err == nil
	}
	// A new leader commits the put with this read, which pins the put
	// before everything that follows.
	if !c.runUntil(newLeader, c.now+2*time.Second) {
		return
	}
	read, _ := c.submit(clientID+1, store.Command{Op: store.OpGet, Key: "session"}, raft.None)
	if !wait(read) {
		return
	}
	c.runUntil(func() bool { return false }, c.now+20*time.Millisecond)
	for _, other := range others {
		if other.core != nil && other.applied > other.core.SnapshotIndex() {
			_ = c.compact(other)
		}
	}
	for _, other := range others {
		if other.core != nil {
			c.crash(other)
		}
	}
	for _, other := range others {
		other.restarts++
		if err := c.start(other); err != nil {
			return
		}
	}
	if !c.runUntil(newLeader, c.now+2*time.Second) {
		return
	}
	second, _ := c.submit(clientID+1, store.Command{Op: store.OpPut, Key: "session", Value: "second"}, raft.None)
	if !wait(second) {
		return
	}
	read, _ = c.submit(clientID+1, store.Command{Op: store.OpGet, Key: "session"}, raft.None)
	if !wait(read) || !wait(retried) {
		return
	}
	read, _ = c.submit(clientID+1, store.Command{Op: store.OpGet, Key: "session"}, raft.None)
	wait(read)
}
