package sim

import (
	"errors"
	"testing"

	"raftctl/raft"
)

func TestPartition(t *testing.T) {
	tests := []struct {
		name   string
		groups [][]raft.NodeID
		// wantGroups[i] is the group of node i+1.
		wantGroups []int
		wantErr    error
	}{
		{
			name:       "one node named is isolated from the rest",
			groups:     [][]raft.NodeID{{1}},
			wantGroups: []int{1, 2, 2, 2, 2},
		},
		{
			name:       "two groups named, none left over",
			groups:     [][]raft.NodeID{{1, 2}, {3, 4, 5}},
			wantGroups: []int{1, 1, 2, 2, 2},
		},
		{
			name:       "groups numbered in the order given, the rest last",
			groups:     [][]raft.NodeID{{4}, {2, 1}},
			wantGroups: []int{2, 2, 3, 1, 3},
		},
		{
			name:       "everyone in one group is no split at all",
			groups:     [][]raft.NodeID{{1, 2, 3, 4, 5}},
			wantGroups: []int{1, 1, 1, 1, 1},
		},
		{
			name:    "a node in two groups",
			groups:  [][]raft.NodeID{{1, 2}, {2, 3}},
			wantErr: ErrInvalidPartition,
		},
		{
			name:    "a node named twice in one group",
			groups:  [][]raft.NodeID{{1, 1}},
			wantErr: ErrInvalidPartition,
		},
		{
			name:    "an empty group",
			groups:  [][]raft.NodeID{{1}, {}},
			wantErr: ErrInvalidPartition,
		},
		{
			name:    "no groups",
			groups:  nil,
			wantErr: ErrInvalidPartition,
		},
		{
			name:    "an unknown node",
			groups:  [][]raft.NodeID{{1, 9}},
			wantErr: ErrUnknownNode,
		},
		{
			name:    "raft.None is no node",
			groups:  [][]raft.NodeID{{raft.None}},
			wantErr: ErrUnknownNode,
		},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			n := New(1, fiveNodes)
			// An earlier partition that a failed call must leave in place.
			if err := n.Partition([][]raft.NodeID{{5}}); err != nil {
				t.Fatal(err)
			}
			err := n.Partition(test.groups)
			if !errors.Is(err, test.wantErr) {
				t.Fatalf("Partition(%v) = %v, want %v", test.groups, err, test.wantErr)
			}
			wantGroups := test.wantGroups
			if test.wantErr != nil {
				wantGroups = []int{2, 2, 2, 2, 1}
			}
			for i, want := range wantGroups {
				id := raft.NodeID(i + 1)
				if got := n.Group(id); got != want {
					t.Errorf("Group(%v) = %d, want %d", id, got, want)
				}
			}
			for _, from := range fiveNodes {
				for _, to := range fiveNodes {
					want := wantGroups[from-1] == wantGroups[to-1]
					if got := n.Connected(from, to); got != want {
						t.Errorf("Connected(%v, %v) = %v, want %v", from, to, got, want)
					}
				}
			}
		})
	}
}

func TestPartitionErrorSaysWhatToType(t *testing.T) {
	n := New(1, []raft.NodeID{1, 2, 3})
	err := n.Partition([][]raft.NodeID{{7}})
	if want := "unknown node n7 (nodes: n1 n2 n3)"; err == nil || err.Error() != want {
		t.Errorf("Partition({n7}) = %v, want %q", err, want)
	}
}

func TestGroupIsZeroWithoutPartition(t *testing.T) {
	n := New(1, fiveNodes)
	for _, id := range append(fiveNodes, 9) {
		if got := n.Group(id); got != 0 {
			t.Errorf("Group(%v) = %d, want 0", id, got)
		}
	}
}

func TestPartitionReplacesPartitionButKeepsCuts(t *testing.T) {
	n := New(1, fiveNodes)
	n.Cut(1, 2, false)
	if err := n.Partition([][]raft.NodeID{{3}}); err != nil {
		t.Fatal(err)
	}
	if err := n.Partition([][]raft.NodeID{{4}}); err != nil {
		t.Fatal(err)
	}
	if !n.Connected(3, 1) {
		t.Error("n3 is still cut off after a new partition replaced the old one")
	}
	if n.Connected(4, 1) {
		t.Error("n4 reaches n1 across the new partition")
	}
	if n.Connected(1, 2) {
		t.Error("the cut n1 -> n2 was undone by a partition")
	}
}

func TestPartitionDropsAtSend(t *testing.T) {
	n := New(1, fiveNodes)
	log := watchDrops(n)
	if err := n.Partition([][]raft.NodeID{{1}}); err != nil {
		t.Fatal(err)
	}
	n.Send(0, message(1, 2, 1))
	n.Send(0, message(3, 1, 1))
	n.Send(0, message(2, 3, 1))
	if got := n.Len(); got != 1 {
		t.Fatalf("%d in flight, want only n2 -> n3", got)
	}
	want := []DropReason{DropPartition, DropPartition}
	if len(log.reasons) != len(want) || log.reasons[0] != want[0] || log.reasons[1] != want[1] {
		t.Errorf("drop reasons %v, want %v", log.reasons, want)
	}
	checkStats(t, n)
}
