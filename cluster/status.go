package cluster

import (
	"slices"

	"raftctl/raft"
)

// NodeStatus is one row of `status`.
type NodeStatus struct {
	raft.Status
	Up bool
	// Group is the node's partition group (0 when there is no partition).
	Group int
	// Unreachable: a Remote could not reach the node (Up is false).
	Unreachable bool
}

// View reads the cluster while it is locked (inside RunUntil).
type View struct{ c *Local }

// Status returns one row per node. A down node shows what its storage
// holds: term, vote and log.
func (v View) Status() []NodeStatus {
	rows := make([]NodeStatus, 0, len(v.c.nodes))
	for _, node := range v.c.nodes {
		rows = append(rows, v.c.nodeStatus(node))
	}
	return rows
}

// Leaders returns the running nodes that believe they lead, in id order.
func (v View) Leaders() []NodeID {
	var leaders []NodeID
	for _, node := range v.c.nodes {
		if node.core != nil && node.core.Role() == raft.Leader {
			leaders = append(leaders, node.id)
		}
	}
	return leaders
}

// Status returns one row per node.
func (c *Local) Status() []NodeStatus {
	c.mu.Lock()
	defer c.mu.Unlock()
	return View{c}.Status()
}

// Leaders returns the running nodes that believe they lead.
func (c *Local) Leaders() []NodeID {
	c.mu.Lock()
	defer c.mu.Unlock()
	return View{c}.Leaders()
}

func (c *Local) nodeStatus(node *localNode) NodeStatus {
	row := NodeStatus{Group: c.network.Group(node.id)}
	if node.core != nil {
		row.Status = node.core.Status()
		row.Up = true
		return row
	}
	state, snapshot, entries, _ := storedLog(node.storage)
	row.ID = node.id
	row.Term = state.CurrentTerm
	row.VotedFor = state.VotedFor
	row.SnapshotIndex, row.SnapshotTerm = snapshot.LastIncludedIndex, snapshot.LastIncludedTerm
	row.LastIndex, row.LastTerm = snapshot.LastIncludedIndex+raft.Index(len(entries)), snapshot.LastIncludedTerm
	if n := len(entries); n > 0 {
		row.LastTerm = entries[n-1].Term
	}
	return row
}

// Log returns a copy of a node's log (from storage when it is down): the
// entries after its snapshot, each with its index.
func (c *Local) Log(id NodeID) ([]raft.Entry, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	node, err := c.node(id)
	if err != nil {
		return nil, err
	}
	if node.core == nil {
		_, entries, err := node.storage.InitialState()
		return entries, err
	}
	return slices.Clone(node.core.Log()), nil
}

// KV returns a copy of a running node's state machine.
func (c *Local) KV(id NodeID) (map[string]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	node, err := c.runningNode(id)
	if err != nil {
		return nil, err
	}
	return node.kv.Snapshot(), nil
}
