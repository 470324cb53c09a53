package workload

import (
	"errors"
	"fmt"
	"path/filepath"

	"raftctl/raft"
	"raftctl/store"
)

// coreSystem is three raft.Nodes driven by a thin deterministic loop that
// carries their messages in memory: the core's own cost, with as little
// host around it as a host can have.
type coreSystem struct {
	nodes  []*coreNode
	leader *coreNode
	next   int // commands issued
	// queue holds the messages sent and not yet delivered; spare is the
	// other buffer, swapped in while queue is being delivered.
	queue, spare []raft.Message
}

type coreNode struct {
	node    *raft.Node
	storage store.Storage
	closer  func() error
	machine *StateMachine
}

// CoreTarget is the bare core on memory (store.Memory), or on one bbolt
// file per node when durable.
func CoreTarget(durable bool) Target {
	name := "core"
	if durable {
		name = "core-bbolt"
	}
	return Target{Name: name, Durable: durable, Start: func(seed uint64, dir string) (System, error) {
		return startCore(seed, dir)
	}}
}

func startCore(seed uint64, dir string) (System, error) {
	s := &coreSystem{}
	peers := []raft.NodeID{1, 2, 3}
	for _, id := range peers {
		node := &coreNode{machine: NewStateMachine(), closer: func() error { return nil }}
		if dir == "" {
			node.storage = store.NewMemory()
		} else {
			bolt, err := store.OpenBolt(filepath.Join(dir, fmt.Sprintf("n%d.db", id)), store.BoltOptions{})
			if err != nil {
				s.Close()
				return nil, fmt.Errorf("core: %w", err)
			}
			node.storage, node.closer = bolt, bolt.Close
		}
		s.nodes = append(s.nodes, node)
		var err error
		if node.node, err = raft.NewNode(raft.DefaultConfig(id, peers, seed), node.storage); err != nil {
			s.Close()
			return nil, fmt.Errorf("core: %w", err)
		}
	}
	// n1 campaigns at once: nothing in the measurement depends on who
	// leads, and the loop stays deterministic without ticking timers.
	s.nodes[0].node.Campaign()
	if err := s.settle(); err != nil {
		s.Close()
		return nil, err
	}
	for _, node := range s.nodes {
		if node.node.Role() == raft.Leader {
			s.leader = node
		}
	}
	if s.leader == nil {
		s.Close()
		return nil, errors.New("core: no leader after n1 campaigned")
	}
	return s, nil
}

// step hands every node's Ready to its host, then delivers the messages
// they sent. It reports whether there was anything to do.
func (s *coreSystem) step() (bool, error) {
	moved := false
	for _, node := range s.nodes {
		if !node.node.HasReady() {
			continue
		}
		moved = true
		// The order of raft.Ready: persist, send, apply, Advance (thesis §3.8).
		ready := node.node.Ready()
		if !ready.Snapshot.IsEmpty() {
			// Nothing compacts here (the core compacts only when its host
			// asks), so no snapshot should ever come.
			return false, fmt.Errorf("core: n%d was handed a snapshot to store; this loop never compacts", node.node.ID())
		}
		if ready.MustSave {
			if err := node.storage.Save(ready.HardState, ready.Entries); err != nil {
				return false, fmt.Errorf("core: n%d saves: %w", node.node.ID(), err)
			}
		}
		s.queue = append(s.queue, ready.Messages...)
		for _, entry := range ready.CommittedEntries {
			if entry.Kind == raft.EntryCommand && len(entry.Command) > 0 {
				node.machine.Apply(entry.Command)
			}
		}
		node.node.Advance(ready)
	}
	if len(s.queue) > 0 {
		messages := s.queue
		s.queue = s.spare[:0]
		for _, message := range messages {
			s.nodes[message.To-1].node.Step(message)
		}
		clear(messages)
		s.spare = messages[:0]
		moved = true
	}
	return moved, nil
}

// settle steps until there is nothing left to do.
func (s *coreSystem) settle() error { return Settle(s.step) }

func (s *coreSystem) Commit(count, inFlight int, stamps *Stamps) error {
	next, err := CommitInLoop("core", s.next, count, inFlight, stamps, s.leader.machine, func(command []byte) error {
		_, _, err := s.leader.node.Propose(command)
		return err
	}, s.step)
	s.next = next
	return err
}

func (s *coreSystem) Verify() error {
	return Verify(s.next, s.leader.machine.Applied(), s.leader.machine.Get)
}

func (s *coreSystem) Close() error {
	var errs []error
	for _, node := range s.nodes {
		errs = append(errs, node.closer())
	}
	return errors.Join(errs...)
}

// Writes counts the storage writes of the nodes (WriteCounter).
func (s *coreSystem) Writes() uint64 {
	var total uint64
	for _, node := range s.nodes {
		if counter, ok := node.storage.(interface{ Saves() uint64 }); ok {
			total += counter.Saves()
		}
	}
	return total
}
