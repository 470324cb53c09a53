package main

import (
	"fmt"
	"io"
	"log"

	etcd "go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"

	"raftctl/workload"
)

// etcdSystem is three etcd RawNodes on MemoryStorage, driven by one
// deterministic loop that carries messages between them in memory: the
// same loop as raftctl's core target.
type etcdSystem struct {
	nodes  []*etcdNode
	leader *etcdNode
	next   int // commands issued
	// queue holds the messages sent and not yet delivered; spare is the
	// other buffer, swapped in while queue is being delivered.
	queue, spare []*raftpb.Message
}

type etcdNode struct {
	raw     *etcd.RawNode
	storage *etcd.MemoryStorage
	machine *workload.StateMachine
}

// etcdElectionTicks bounds the ticks the election may take.
const etcdElectionTicks = 1000

// etcdTarget is etcd's RawNode with at most window AppendEntries in flight
// per follower (MaxInflightMsgs): 8 is raftctl's own window, 256 etcd's
// server default.
func etcdTarget(window int) workload.Target {
	return workload.Target{Name: fmt.Sprintf("etcd-%d", window), Start: func(uint64, string) (workload.System, error) {
		return startEtcd(window)
	}}
}

func startEtcd(window int) (*etcdSystem, error) {
	s := &etcdSystem{}
	// Every node starts from the same snapshot at index 1, which holds
	// the configuration: the three voters.
	bootstrap := &raftpb.Snapshot{Metadata: &raftpb.SnapshotMetadata{
		ConfState: &raftpb.ConfState{Voters: []uint64{1, 2, 3}},
		Index:     new(uint64(1)),
		Term:      new(uint64(1)),
	}}
	quiet := &etcd.DefaultLogger{Logger: log.New(io.Discard, "", 0)}
	for id := uint64(1); id <= 3; id++ {
		storage := etcd.NewMemoryStorage()
		if err := storage.ApplySnapshot(bootstrap); err != nil {
			return nil, fmt.Errorf("etcd: bootstrap: %w", err)
		}
		raw, err := etcd.NewRawNode(&etcd.Config{
			ID:              id,
			ElectionTick:    10,
			HeartbeatTick:   1,
			Storage:         storage,
			MaxSizePerMsg:   1 << 20,
			MaxInflightMsgs: window,
			CheckQuorum:     true,
			PreVote:         true,
			Logger:          quiet,
		})
		if err != nil {
			return nil, fmt.Errorf("etcd: %w", err)
		}
		s.nodes = append(s.nodes, &etcdNode{raw: raw, storage: storage, machine: workload.NewStateMachine()})
	}
	for range etcdElectionTicks {
		for _, node := range s.nodes {
			node.raw.Tick()
		}
		if err := s.settle(); err != nil {
			return nil, err
		}
		for _, node := range s.nodes {
			if node.raw.BasicStatus().RaftState == etcd.StateLeader {
				s.leader = node
				return s, nil
			}
		}
	}
	return nil, fmt.Errorf("etcd: no leader after %d ticks", etcdElectionTicks)
}

// step handles every node's Ready, then delivers the messages they sent.
// It reports whether there was anything to do.
func (s *etcdSystem) step() (bool, error) {
	moved := false
	for _, node := range s.nodes {
		if node.raw.HasReady() {
			if err := s.handleReady(node); err != nil {
				return false, err
			}
			moved = true
		}
	}
	if len(s.queue) > 0 {
		messages := s.queue
		s.queue = s.spare[:0]
		for _, message := range messages {
			if err := s.nodes[message.GetTo()-1].raw.Step(message); err != nil {
				return false, fmt.Errorf("etcd: n%d steps %v: %w", message.GetTo(), message.GetType(), err)
			}
		}
		clear(messages)
		s.spare = messages[:0]
		moved = true
	}
	return moved, nil
}

// handleReady does a node's work in the order etcd's documentation asks:
// persist the entries and hard state, then send, then apply, then Advance.
func (s *etcdSystem) handleReady(node *etcdNode) error {
	ready := node.raw.Ready()
	if !etcd.IsEmptySnap(ready.Snapshot) {
		if err := node.storage.ApplySnapshot(ready.Snapshot); err != nil {
			return fmt.Errorf("etcd: snapshot: %w", err)
		}
	}
	if err := node.storage.Append(ready.Entries); err != nil {
		return fmt.Errorf("etcd: append: %w", err)
	}
	if !etcd.IsEmptyHardState(ready.HardState) {
		if err := node.storage.SetHardState(ready.HardState); err != nil {
			return fmt.Errorf("etcd: hard state: %w", err)
		}
	}
	s.queue = append(s.queue, ready.Messages...)
	for _, entry := range ready.CommittedEntries {
		// Empty entries are the ones a new leader appends.
		if entry.GetType() == raftpb.EntryType_EntryNormal && len(entry.GetData()) > 0 {
			node.machine.Apply(entry.GetData())
		}
	}
	node.raw.Advance(ready)
	return nil
}

// settle steps until there is nothing left to do.
func (s *etcdSystem) settle() error { return workload.Settle(s.step) }

func (s *etcdSystem) Commit(count, inFlight int, stamps *workload.Stamps) error {
	next, err := workload.CommitInLoop("etcd", s.next, count, inFlight, stamps, s.leader.machine, s.leader.raw.Propose, s.step)
	s.next = next
	return err
}

func (s *etcdSystem) Verify() error {
	return workload.Verify(s.next, s.leader.machine.Applied(), s.leader.machine.Get)
}

func (s *etcdSystem) Close() error { return nil }
