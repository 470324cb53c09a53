package cluster

import (
	"fmt"
	"strings"

	"raftctl/net/sim"
)

// Network faults. The client is outside the network: partitions and cuts
// are between nodes only.

// Partition cuts every link between groups; nodes not named form one more
// group together.
func (c *Local) Partition(groups [][]NodeID) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.network.Partition(groups); err != nil {
		return err
	}
	c.publish(Record{Kind: RecordFault, Text: partitionText(groups)})
	return nil
}

// partitionText is the fault's trace line: "partition n1|n2,n3".
func partitionText(groups [][]NodeID) string {
	names := make([]string, len(groups))
	for i, group := range groups {
		parts := make([]string, len(group))
		for j, id := range group {
			parts[j] = id.String()
		}
		names[i] = strings.Join(parts, ",")
	}
	return "partition " + strings.Join(names, "|")
}

// Cut cuts the link from -> to, and to -> from when bothWays.
func (c *Local) Cut(from, to NodeID, bothWays bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkLink(from, to); err != nil {
		return err
	}
	if from == to {
		return fmt.Errorf("cut %v-%v: a node has no link to itself", from, to)
	}
	c.network.Cut(from, to, bothWays)
	arrow := "->"
	if bothWays {
		arrow = "-"
	}
	c.publish(Record{Kind: RecordFault, Text: fmt.Sprintf("cut %v%s%v", from, arrow, to)})
	return nil
}

// Heal restores every link and resets every drop, duplication and delay
// setting.
func (c *Local) Heal() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.network.Heal()
	c.publish(Record{Kind: RecordFault, Text: "healed"})
}

// SetNetwork sets the unreliability of every link.
func (c *Local) SetNetwork(config sim.LinkConfig) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.network.SetDefault(config)
}

// Network returns the network-wide link settings.
func (c *Local) Network() sim.LinkConfig {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.network.Default()
}

// SetLink sets the unreliability of one link (both ways when bothWays).
func (c *Local) SetLink(from, to NodeID, config sim.LinkConfig, bothWays bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkLink(from, to); err != nil {
		return err
	}
	return c.network.SetLink(from, to, config, bothWays)
}

// InFlight lists the messages in flight, in delivery order.
func (c *Local) InFlight() []sim.Envelope {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.network.InFlight()
}

// DeliverLink delivers the next count messages on from -> to now
// (count <= 0: all of them), and returns how many it delivered.
func (c *Local) DeliverLink(from, to NodeID, count int) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkLink(from, to); err != nil {
		return 0, err
	}
	envelopes := c.network.DeliverLink(from, to, count)
	for _, envelope := range envelopes {
		c.deliver(envelope.ID, envelope.Message)
	}
	return len(envelopes), nil
}

// DropLink drops the next count messages on from -> to (count <= 0: all).
func (c *Local) DropLink(from, to NodeID, count int) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkLink(from, to); err != nil {
		return 0, err
	}
	return c.network.DropLink(from, to, count), nil
}

// DeliverMessage delivers one in-flight message by id.
func (c *Local) DeliverMessage(id uint64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	envelope, ok := c.network.TakeByID(id)
	if !ok {
		return fmt.Errorf("no message %d in flight (see msgs)", id)
	}
	c.deliver(envelope.ID, envelope.Message)
	return nil
}

// DropMessage drops one in-flight message by id.
func (c *Local) DropMessage(id uint64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.network.DropByID(id) {
		return fmt.Errorf("no message %d in flight (see msgs)", id)
	}
	return nil
}

// NetworkStats returns the network's counters.
func (c *Local) NetworkStats() sim.Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.network.Stats()
}

// checkLink reports an unknown node at either end of a link.
func (c *Local) checkLink(from, to NodeID) error {
	if _, err := c.node(from); err != nil {
		return err
	}
	_, err := c.node(to)
	return err
}
