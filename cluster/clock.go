package cluster

import (
	"fmt"
	"time"
)

// The virtual clock. Nothing happens unless time is advanced: a message
// arrives at its delivery time, a node's disk finishes a write at its end
// (disk.go), a node ticks at its phase, a client retries at its wake time.
// Ties go to deliveries, then writes, then clients, then ticks, and among
// nodes to the lower id, so a history depends only on the seed and the
// operations. Before any of them, the proposals clients made at this
// instant go to the disks (disk.go, processProposal).

type happening uint8

const (
	nothing happening = iota
	proposals
	delivery
	writeDone
	clientWake
	nodeTick
)

// next returns the earliest pending happening, its time and its node (for
// writes and ticks).
func (c *Local) next() (time.Duration, happening, *localNode) {
	at, kind := time.Duration(0), nothing
	var which *localNode
	if len(c.disk.proposed) > 0 {
		// The instant's proposals go to the disks before anything else
		// happens (disk.go, processProposal).
		return c.now, proposals, nil
	}
	if when, ok := c.network.NextDeliveryTime(); ok {
		at, kind = when, delivery
	}
	if when, writer := c.nextWrite(); writer != nil && (kind == nothing || when < at) {
		at, kind, which = when, writeDone, writer
	}
	if when, ok := c.clients.nextWake(); ok && (kind == nothing || when < at) {
		at, kind, which = when, clientWake, nil
	}
	for _, node := range c.nodes {
		if kind == nothing || node.nextTick < at {
			at, kind, which = node.nextTick, nodeTick, node
		}
	}
	return at, kind, which
}

// stepUntil performs the next happening if it is due no later than limit,
// and reports whether it did.
func (c *Local) stepUntil(limit time.Duration) bool {
	at, kind, node := c.next()
	if kind == nothing || at > limit {
		return false
	}
	c.now = max(c.now, at)
	switch kind {
	case proposals:
		c.processProposed()
	case delivery:
		if envelope, ok := c.network.PopDue(c.now); ok {
			c.deliver(envelope.ID, envelope.Message)
		}
	case writeDone:
		c.finishWrite(node)
	case clientWake:
		c.clients.wake(c)
	case nodeTick:
		node.nextTick += c.tickInterval(node)
		if node.core != nil {
			node.core.Tick()
			c.process(node)
		}
	}
	return true
}

// advanceTo runs everything due up to t and sets the clock to t.
func (c *Local) advanceTo(t time.Duration) {
	for c.stepUntil(t) {
	}
	c.now = max(c.now, t)
}

// runUntil runs the cluster until done holds or the clock passes deadline,
// and reports whether done holds. An interrupt stops it where it is.
func (c *Local) runUntil(done func() bool, deadline time.Duration) bool {
	for !done() {
		if c.stopped() {
			return false
		}
		if !c.stepUntil(deadline) {
			c.now = max(c.now, deadline)
			return done()
		}
	}
	return true
}

// Tick advances the virtual clock by n ticks.
func (c *Local) Tick(n int) {
	c.Advance(time.Duration(n) * c.Settings().Tick)
}

// Advance moves the virtual clock forward by d, running everything due.
func (c *Local) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	// runUntil, not advanceTo: an interrupt stops it.
	c.runUntil(func() bool { return false }, c.now+d)
}

// RunUntil advances time until done holds (checked after every happening,
// with the cluster locked: done must not call the cluster's methods; use
// the View it is given) or timeout passes. It reports whether done held.
func (c *Local) RunUntil(done func(View) bool, timeout time.Duration) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	view := View{c}
	return c.runUntil(func() bool { return done(view) }, c.now+timeout)
}

// maxStabilizeDeliveries bounds Stabilize: a correct cluster goes quiet
// long before this many messages.
const maxStabilizeDeliveries = 1_000_000

// Stabilize delivers every message in flight, and the messages they
// cause, until the network is quiet and no disk is writing. Timers do not
// advance: deliveries and the ends of writes take their turns in time
// order without moving the clock.
func (c *Local) Stabilize() (delivered int, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for delivered < maxStabilizeDeliveries {
		if c.stopped() {
			return delivered, ErrInterrupted
		}
		if len(c.disk.proposed) > 0 {
			c.processProposed()
			continue
		}
		if when, writer := c.nextWrite(); writer != nil {
			if deliverAt, ok := c.network.NextDeliveryTime(); !ok || when < deliverAt {
				c.finishWrite(writer)
				continue
			}
		}
		envelope, ok := c.network.PopNext()
		if !ok {
			if _, writer := c.nextWrite(); writer != nil {
				continue // the next message was dropped on arrival
			}
			return delivered, nil
		}
		c.deliver(envelope.ID, envelope.Message)
		delivered++
	}
	return delivered, fmt.Errorf("the network did not go quiet after %d messages", delivered)
}

// Campaign fires a node's election timer now.
func (c *Local) Campaign(id NodeID) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	node, err := c.runningNode(id)
	if err != nil {
		return err
	}
	node.core.Campaign()
	c.process(node)
	return nil
}

// runningNode returns a node that is up, or an error that says why not.
func (c *Local) runningNode(id NodeID) (*localNode, error) {
	node, err := c.node(id)
	if err != nil {
		return nil, err
	}
	if node.core == nil {
		return nil, fmt.Errorf("%v: %w", id, ErrNodeDown)
	}
	return node, nil
}
