package cluster

import (
	"fmt"
	"time"

	"raftctl/raft"
)

// Clock drift (thesis §6.4.1). The core counts ticks; the host decides how
// long a tick lasts. A node whose clock runs at rate R ticks R times as
// often as a correct one: R = 2 runs fast (its timers fire early), R = 0.5
// runs slow (its timers fire late).
//
// A leader's lease (raft/read.go) lasts leaseDriftPercent (90%) of the
// minimum election timeout, counted in the leader's ticks: it assumes no
// clock runs more than about 10% apart from another. Within that bound no
// follower can time out and elect a new leader before the lease ends; a
// leader whose clock runs slower than that (or followers' clocks faster)
// keeps trusting its lease after a new leader was elected, and serves stale
// reads, which the linearizability checker catches.
//
// > the leader would use a lease ... until start + election timeout / clock
// > drift bound (thesis §6.4.1)

// Bounds of a clock rate: a clock ten times too slow or too fast is far
// beyond any real drift, and keeps the simulation's tick counts sane.
const (
	MinClockRate = 0.1
	MaxClockRate = 10.0
)

// DriftingClocks is a cluster whose nodes' clock rates can be set: only
// a virtual clock (Local) can run one node's time faster than another's.
type DriftingClocks interface {
	SetClockRate(id raft.NodeID, rate float64) error
	ClockRate(id raft.NodeID) (float64, error)
}

var _ DriftingClocks = (*Local)(nil)

// SetClockRate makes node id's clock run at rate times real time (1: a
// correct clock). The rate belongs to the machine, so it survives a
// restart of the node.
func (c *Local) SetClockRate(id raft.NodeID, rate float64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	node, err := c.node(id)
	if err != nil {
		return err
	}
	if !(rate >= MinClockRate && rate <= MaxClockRate) {
		return fmt.Errorf("clock rate %g: want %g to %g (1 is a correct clock, 1.1 runs 10%% fast)", rate, MinClockRate, MaxClockRate)
	}
	// The next tick keeps its time; the ones after it follow the new rate.
	node.clockRate = rate
	c.publish(Record{Kind: RecordFault, Node: id, Text: fmt.Sprintf("clock runs at %gx real time", rate)})
	return nil
}

// ClockRate returns how fast node id's clock runs (1: correct).
func (c *Local) ClockRate(id raft.NodeID) (float64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	node, err := c.node(id)
	if err != nil {
		return 0, err
	}
	return rateOf(node), nil
}

func rateOf(node *localNode) float64 {
	if node.clockRate == 0 {
		return 1
	}
	return node.clockRate
}

// tickInterval is the real (virtual) time between two ticks of node's
// clock.
func (c *Local) tickInterval(node *localNode) time.Duration {
	rate := rateOf(node)
	if rate == 1 {
		return c.settings.Tick
	}
	return max(time.Duration(float64(c.settings.Tick)/rate), 1)
}
