package sim

import (
	"testing"
	"time"

	"raftctl/raft"
)

// fiveNodes is the cluster most tests run on.
var fiveNodes = []raft.NodeID{1, 2, 3, 4, 5}

// message returns a heartbeat from -> to; term tells messages apart.
func message(from, to raft.NodeID, term raft.Term) raft.Message {
	return raft.Message{Type: raft.MsgAppendEntries, From: from, To: to, Term: term}
}

// dropLog records what the OnDrop observer was told.
type dropLog struct {
	envelopes []Envelope
	reasons   []DropReason
}

func (log *dropLog) observe(e Envelope, reason DropReason) {
	log.envelopes = append(log.envelopes, e)
	log.reasons = append(log.reasons, reason)
}

func watchDrops(n *Network) *dropLog {
	log := &dropLog{}
	n.OnDrop(log.observe)
	return log
}

// popAll pops every envelope in delivery order without moving the clock.
func popAll(n *Network) []Envelope {
	var delivered []Envelope
	for {
		e, ok := n.PopNext()
		if !ok {
			return delivered
		}
		delivered = append(delivered, e)
	}
}

// checkStats asserts the conservation law of Stats.
func checkStats(t *testing.T, n *Network) {
	t.Helper()
	s := n.Stats()
	if s.Sent+s.Duplicated != s.Delivered+s.Dropped+uint64(n.Len()) {
		t.Errorf("stats %+v with %d in flight: want Sent + Duplicated = Delivered + Dropped + in flight", s, n.Len())
	}
}

// fixedDelay is a link with a known latency and no faults.
func fixedDelay(d time.Duration) LinkConfig {
	return LinkConfig{DelayMin: d, DelayMax: d}
}
