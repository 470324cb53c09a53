package raft

import (
	"fmt"
	"slices"
	"testing"
)

// A minimal in-memory host for unit tests: a FIFO network without time,
// cuts, and crash/restart from a trivial storage.

type testStorage struct {
	state    HardState
	entries  []Entry
	snapshot Snapshot
	saves    int
}

func (s *testStorage) Snapshot() (Snapshot, error) { return s.snapshot.clone(), nil }

func (s *testStorage) InitialState() (HardState, []Entry, error) {
	return s.state, slices.Clone(s.entries), nil
}

func (s *testStorage) Save(state HardState, entries []Entry) error {
	s.saves++
	s.state = state
	if len(entries) > 0 {
		first := entries[0].Index
		offset := s.snapshot.LastIncludedIndex
		if first <= offset || first > offset+Index(len(s.entries))+1 {
			return fmt.Errorf("gap at %d", first)
		}
		s.entries = append(s.entries[:first-offset-1], entries...)
	}
	return nil
}

type testCluster struct {
	t        *testing.T
	configs  map[NodeID]Config
	nodes    map[NodeID]*Node
	storages map[NodeID]*testStorage
	queue    []Message
	// cut[from][to] drops messages on that link.
	cut    map[[2]NodeID]bool
	events []Event
	// reads are the confirmed reads, by node.
	reads map[NodeID][]ReadState
	// machines are the nodes' state machines: the commands applied, in
	// order (snapshot_test.go).
	machines map[NodeID][]string
}

func newTestCluster(t *testing.T, n int, configure func(*Config)) *testCluster {
	t.Helper()
	tc := &testCluster{t: t, configs: map[NodeID]Config{}, nodes: map[NodeID]*Node{},
		storages: map[NodeID]*testStorage{}, cut: map[[2]NodeID]bool{}, reads: map[NodeID][]ReadState{},
		machines: map[NodeID][]string{}}
	var peers []NodeID
	for i := 1; i <= n; i++ {
		peers = append(peers, NodeID(i))
	}
	for _, id := range peers {
		config := DefaultConfig(id, peers, 7)
		config.PreVote, config.CheckQuorum, config.LeaderNoop = false, false, false
		if configure != nil {
			configure(&config)
		}
		tc.configs[id] = config
		tc.storages[id] = &testStorage{}
		tc.start(id)
	}
	return tc
}

func (tc *testCluster) start(id NodeID) {
	tc.t.Helper()
	node, err := NewNode(tc.configs[id], tc.storages[id])
	if err != nil {
		tc.t.Fatal(err)
	}
	tc.nodes[id] = node
	tc.machines[id] = decodeMachine(tc.storages[id].snapshot.Data)
	tc.process(id)
}

func (tc *testCluster) kill(id NodeID) { delete(tc.nodes, id) }

// process carries out a node's Ready batches in the order thesis §3.8
// demands.
func (tc *testCluster) process(id NodeID) {
	node := tc.nodes[id]
	for node != nil && node.HasReady() {
		ready := node.Ready()
		if !ready.Snapshot.IsEmpty() {
			tc.storages[id].saveSnapshot(ready.Snapshot)
		}
		if ready.MustSave {
			if err := tc.storages[id].Save(ready.HardState, ready.Entries); err != nil {
				tc.t.Fatal(err)
			}
		}
		tc.events = append(tc.events, ready.Events...)
		tc.reads[id] = append(tc.reads[id], ready.ReadStates...)
		tc.queue = append(tc.queue, ready.EarlyMessages...) // Config.ParallelLeaderWrite
		tc.queue = append(tc.queue, ready.Messages...)
		if ready.RestoreStateMachine {
			tc.machines[id] = decodeMachine(ready.Snapshot.Data)
		}
		for _, entry := range ready.CommittedEntries {
			if entry.Kind == EntryCommand {
				tc.machines[id] = append(tc.machines[id], string(entry.Command))
			}
		}
		node.Advance(ready)
	}
}

// stabilize delivers messages until none are left.
func (tc *testCluster) stabilize() {
	for steps := 0; len(tc.queue) > 0; steps++ {
		if steps > 100000 {
			tc.t.Fatal("network never went quiet")
		}
		m := tc.queue[0]
		tc.queue = tc.queue[1:]
		tc.deliver(m)
	}
}

func (tc *testCluster) deliver(m Message) {
	node, up := tc.nodes[m.To]
	if !up || tc.cut[[2]NodeID{m.From, m.To}] {
		return
	}
	node.Step(m)
	tc.process(m.To)
}

func (tc *testCluster) isolate(id NodeID) {
	for other := range tc.configs {
		if other != id {
			tc.cut[[2]NodeID{id, other}] = true
			tc.cut[[2]NodeID{other, id}] = true
		}
	}
}

func (tc *testCluster) heal() { tc.cut = map[[2]NodeID]bool{} }

func (tc *testCluster) campaign(id NodeID) {
	tc.nodes[id].Campaign()
	tc.process(id)
}

func (tc *testCluster) tick(id NodeID, n int) {
	for range n {
		if node := tc.nodes[id]; node != nil {
			node.Tick()
			tc.process(id)
		}
	}
}

func (tc *testCluster) tickAll(n int) {
	for range n {
		for id := NodeID(1); int(id) <= len(tc.configs); id++ {
			tc.tick(id, 1)
		}
		tc.stabilize()
	}
}

func (tc *testCluster) propose(id NodeID, command string) Index {
	tc.t.Helper()
	index, _, err := tc.nodes[id].Propose([]byte(command))
	if err != nil {
		tc.t.Fatalf("propose on %v: %v", id, err)
	}
	tc.process(id)
	return index
}

// eventsOf returns the events of one kind, and forgets all events.
func (tc *testCluster) eventsOf(kind EventKind) []Event {
	var found []Event
	for _, event := range tc.events {
		if event.Kind == kind {
			found = append(found, event)
		}
	}
	return found
}

func (tc *testCluster) clearEvents() { tc.events = nil }

func (tc *testCluster) requireRole(id NodeID, role Role, term Term) {
	tc.t.Helper()
	node := tc.nodes[id]
	if node.Role() != role || node.Term() != term {
		tc.t.Fatalf("%v is %v in term %d, want %v in term %d", id, node.Role(), node.Term(), role, term)
	}
}
