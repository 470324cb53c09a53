package sim

import (
	"fmt"
	"slices"

	"raftctl/raft"
)

// AddNode makes id a member of the network, for a server that joins the
// cluster (thesis §4.1). Its links start open with the default
// configuration; while a partition is in effect it forms a group of its
// own, cut off until Heal or the next Partition.
func (n *Network) AddNode(id raft.NodeID) error {
	if id == raft.None {
		return fmt.Errorf("node ID 0 is raft.None, not a node")
	}
	if n.knows(id) {
		return fmt.Errorf("%v is a member already", id)
	}
	if size := int(id) + 1; size > n.size {
		known := make([]bool, size)
		copy(known, n.known)
		group := make([]int, size)
		copy(group, n.group)
		links := make([]link, size*size)
		for from := range n.size {
			for to := range n.size {
				links[from*size+to] = n.links[from*n.size+to]
			}
		}
		n.size, n.known, n.group, n.links = size, known, group, links
	}
	n.known[id] = true
	n.nodes = append(n.nodes, id)
	slices.Sort(n.nodes)
	if highest := slices.Max(n.group); highest > 0 {
		n.group[id] = highest + 1
	}
	return nil
}
