package compare

import (
	"fmt"
	"time"

	"raftctl/cluster"
	"raftctl/raft"
	"raftctl/store"
)

// raftctlSystem is cluster.Local with default settings, driven through
// its client API as cluster/bench_test.go does.
type raftctlSystem struct {
	cluster *cluster.Local
	leader  cluster.NodeID
	next    int // commands issued
	// appliedCount counts the commands the leader applied (written by the
	// Subscribe callback, with the cluster locked).
	appliedCount int
	cancel       func()

	// The pipeline: a ring of calls, oldest at head; slot i is client i+1.
	ring      []*cluster.Call
	head      int
	oldestHas func(cluster.View) bool
}

// raftctlPatience bounds how much virtual time one wait may take.
const raftctlPatience = time.Minute

func startRaftctl(seed uint64) (system, error) {
	c, err := cluster.New(3, seed, cluster.DefaultSettings())
	if err != nil {
		return nil, err
	}
	if !c.RunUntil(func(v cluster.View) bool { return len(v.Leaders()) == 1 }, 10*time.Second) {
		return nil, fmt.Errorf("raftctl: no leader after 10 s of virtual time")
	}
	s := &raftctlSystem{cluster: c, leader: c.Leaders()[0]}
	s.cancel = c.Subscribe(func(record cluster.Record) {
		if record.Kind == cluster.RecordApply && record.Node == s.leader && record.Entry.Kind == raft.EntryCommand {
			s.appliedCount++
		}
	})
	s.oldestHas = func(cluster.View) bool { return s.ring[s.head].Done }
	return s, nil
}

func (s *raftctlSystem) command() store.Command {
	value := commandValue(s.next)
	command := store.Command{Op: store.OpPut, Key: commandKey(s.next), Value: string(value[:])}
	s.next++
	return command
}

func (s *raftctlSystem) commit(count, inFlight int) error {
	if inFlight <= 1 {
		for range count {
			call, err := s.cluster.Do(cluster.ReplClientID, s.command(), raft.None)
			if err := s.check(call, err); err != nil {
				return err
			}
		}
		return nil
	}
	if len(s.ring) != inFlight {
		s.ring, s.head = make([]*cluster.Call, inFlight), 0
	}
	submitted, completed, outstanding := 0, 0, 0
	for completed < count {
		for submitted < count && outstanding < inFlight {
			slot := (s.head + outstanding) % inFlight
			call, err := s.cluster.Submit(uint64(slot+1), s.command(), raft.None)
			if err != nil {
				return fmt.Errorf("raftctl: %w", err)
			}
			s.ring[slot] = call
			submitted++
			outstanding++
		}
		// Calls finish in log order, so waiting for the oldest is waiting
		// for the first.
		if !s.cluster.RunUntil(s.oldestHas, raftctlPatience) {
			return fmt.Errorf("raftctl: command unfinished after %v of virtual time", raftctlPatience)
		}
		for outstanding > 0 && s.ring[s.head].Done {
			if err := s.check(s.ring[s.head], nil); err != nil {
				return err
			}
			s.ring[s.head] = nil
			s.head = (s.head + 1) % inFlight
			completed++
			outstanding--
		}
	}
	return nil
}

func (s *raftctlSystem) check(call *cluster.Call, err error) error {
	switch {
	case err != nil:
		return fmt.Errorf("raftctl: %w", err)
	case call.Err != nil:
		return fmt.Errorf("raftctl: put %s: %w", call.Command.Key, call.Err)
	case call.ServedBy != s.leader:
		return fmt.Errorf("raftctl: put %s served by %v, want the leader %v", call.Command.Key, call.ServedBy, s.leader)
	}
	return nil
}

func (s *raftctlSystem) issued() int { return s.next }

func (s *raftctlSystem) applied() int { return s.appliedCount }

func (s *raftctlSystem) get(key string) (string, bool, error) {
	return s.cluster.GetLocal(key, s.leader)
}

func (s *raftctlSystem) close() error {
	s.cancel()
	return s.cluster.Close()
}
