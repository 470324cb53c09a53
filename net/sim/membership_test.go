package sim

import (
	"testing"

	"raftctl/raft"
)

func TestAddNodeJoinsTheNetwork(t *testing.T) {
	network := New(1, []raft.NodeID{1, 2, 3})
	network.Cut(1, 2, true)
	if err := network.AddNode(4); err != nil {
		t.Fatal(err)
	}
	if !network.Connected(1, 4) || !network.Connected(4, 3) {
		t.Fatal("the new node's links are not open")
	}
	if network.Connected(1, 2) {
		t.Fatal("adding a node healed a cut")
	}
	if err := network.AddNode(4); err == nil {
		t.Fatal("adding a member twice accepted")
	}
	if err := network.Partition([][]raft.NodeID{{1}, {2, 3}}); err != nil {
		t.Fatal(err)
	}
	if err := network.AddNode(5); err != nil {
		t.Fatal(err)
	}
	if network.Connected(5, 1) || network.Connected(5, 2) {
		t.Fatal("a node added during a partition is not cut off")
	}
}
