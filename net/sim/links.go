package sim

import (
	"fmt"

	"raftctl/raft"
)

// A link is open unless one of two independent faults closes it: a
// partition (groups of nodes that cannot reach each other, always both
// ways) or a cut (one direction of one link, set by hand). A new partition
// replaces the previous one and leaves cuts alone; Heal clears both.

// linkState returns the state of from -> to. Both must be members.
func (n *Network) linkState(from, to raft.NodeID) *link {
	return &n.links[int(from)*n.size+int(to)]
}

// blocked reports whether from -> to is closed, and why. When a link is
// both partitioned and cut, the partition is named, as the wider fault.
func (n *Network) blocked(from, to raft.NodeID) (DropReason, bool) {
	switch {
	case !n.knows(from) || !n.knows(to):
		return DropUnknownNode, true
	case n.group[from] != n.group[to]:
		return DropPartition, true
	case n.linkState(from, to).cut:
		return DropCut, true
	}
	return 0, false
}

// Connected reports whether a message sent now from -> to would cross
// (loss aside). A node is always connected to itself; an unknown node to
// nobody.
func (n *Network) Connected(from, to raft.NodeID) bool {
	if from == to {
		return n.knows(from)
	}
	_, blocked := n.blocked(from, to)
	return !blocked
}

// Group returns the partition group of id: 0 when there is no partition (or
// id is unknown), otherwise 1.. in the order the groups were given to
// Partition, the nodes left unnamed last.
func (n *Network) Group(id raft.NodeID) int {
	if !n.knows(id) {
		return 0
	}
	return n.group[id]
}

// Partition splits the nodes into groups that cannot reach each other;
// links inside a group stay as they were. Nodes not named form one more
// group together, so Partition([][]raft.NodeID{{1}}) isolates n1. It
// replaces any earlier partition. On error nothing changes.
func (n *Network) Partition(groups [][]raft.NodeID) error {
	if len(groups) == 0 {
		return fmt.Errorf("%w: no groups given: name at least one group (e.g. n1|n2,n3), or heal to reconnect everyone",
			ErrInvalidPartition)
	}
	group := make([]int, n.size)
	for i, members := range groups {
		number := i + 1
		if len(members) == 0 {
			return fmt.Errorf("%w: group %d is empty: every group needs at least one node", ErrInvalidPartition, number)
		}
		for _, id := range members {
			if !n.knows(id) {
				return n.unknownNode(id)
			}
			if group[id] == number {
				return fmt.Errorf("%w: %v is named twice in group %d", ErrInvalidPartition, id, number)
			}
			if group[id] != 0 {
				return fmt.Errorf("%w: %v is named in group %d and group %d: a node can be in one group only",
					ErrInvalidPartition, id, group[id], number)
			}
			group[id] = number
		}
	}
	rest := len(groups) + 1
	for _, id := range n.nodes {
		if group[id] == 0 {
			group[id] = rest
		}
	}
	n.group = group
	return nil
}

// Cut closes from -> to, and to -> from too if bothWays. A one-way cut
// shows faults a partition cannot, such as a leader whose heartbeats still
// arrive but whose acknowledgments do not, which is what CheckQuorum
// (thesis §6.2) is for. Unknown nodes and from == to are ignored: the
// cluster checks names before it calls.
func (n *Network) Cut(from, to raft.NodeID, bothWays bool) {
	if from == to || !n.knows(from) || !n.knows(to) {
		return
	}
	n.linkState(from, to).cut = true
	if bothWays {
		n.linkState(to, from).cut = true
	}
}

// Heal restores the links to how New built them: no partition, no cut,
// every link on DefaultLinkConfig. Envelopes in flight stay in flight and
// arrive as usual now that their links are open; Stats keeps counting.
func (n *Network) Heal() {
	clear(n.group)
	clear(n.links)
	n.defaultConfig = DefaultLinkConfig()
}

// SetDefault sets the config of every link that has none of its own.
func (n *Network) SetDefault(c LinkConfig) error {
	if err := c.Validate(); err != nil {
		return err
	}
	n.defaultConfig = c
	return nil
}

// Default returns the config of links that have none of their own.
func (n *Network) Default() LinkConfig {
	return n.defaultConfig
}

// SetLink gives from -> to (and to -> from if bothWays) a config of its
// own, which later calls to SetDefault do not change. On error nothing
// changes.
func (n *Network) SetLink(from, to raft.NodeID, c LinkConfig, bothWays bool) error {
	if err := c.Validate(); err != nil {
		return err
	}
	for _, id := range []raft.NodeID{from, to} {
		if !n.knows(id) {
			return n.unknownNode(id)
		}
	}
	if from == to {
		return fmt.Errorf("a link joins two different nodes, got %v -> %v: messages to oneself do not use the network", from, to)
	}
	n.linkState(from, to).setConfig(c)
	if bothWays {
		n.linkState(to, from).setConfig(c)
	}
	return nil
}

func (state *link) setConfig(c LinkConfig) {
	state.custom = true
	state.config = c
}

// Link returns the config that applies to from -> to: its own if SetLink
// gave it one, the default otherwise (and for unknown nodes).
func (n *Network) Link(from, to raft.NodeID) LinkConfig {
	if !n.knows(from) || !n.knows(to) {
		return n.defaultConfig
	}
	if state := n.linkState(from, to); state.custom {
		return state.config
	}
	return n.defaultConfig
}
