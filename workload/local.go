package workload

import (
	"fmt"
	"time"

	"raftctl/cluster"
	"raftctl/raft"
	"raftctl/store"
)

// localSystem is cluster.Local with its default settings, driven through
// its client API as the REPL's clients are.
type localSystem struct {
	cluster *cluster.Local
	leader  cluster.NodeID
	next    int // commands issued
	// appliedCount counts the commands the leader applied (written by the
	// Subscribe callback, with the cluster locked).
	appliedCount int
	cancel       func()

	// The pipeline: a ring of calls, oldest at head; slot i is client
	// i+1, so every outstanding command has a client of its own.
	ring      []*cluster.Call
	head      int
	oldestHas func(cluster.View) bool
}

// localPatience bounds how much virtual time one wait may take.
const localPatience = time.Minute

// LocalTarget is cluster.Local on memory with its default settings, or on
// bbolt (cluster.Open) with DiskSettings when durable.
func LocalTarget(durable bool) Target {
	name := "local"
	if durable {
		name = "local-bbolt"
	}
	return Target{Name: name, Durable: durable, Start: func(seed uint64, dir string) (System, error) {
		return startLocal(seed, dir)
	}}
}

// DiskSettings are cluster.DefaultSettings with the disk switches of a
// durable cluster on: a write carries every entry that arrived while the
// disk was busy (group commit, thesis §10.2.2), and the leader writes in
// parallel with sending its AppendEntries (thesis §10.2.1).
//
// A write takes 10 ms of virtual time, longer than the simulated network's
// 1-5 ms: the followers' writes then start (in virtual time, so in real
// time too) before the leader's ends, and the three bbolt transactions run
// at once. With writes shorter than the latency the leader's real write
// would be waited for before the followers' began.
func DiskSettings() cluster.Settings {
	settings := cluster.DefaultSettings()
	settings.DiskWrite = 10 * time.Millisecond
	settings.GroupCommit = true
	settings.ParallelWrite = true
	return settings
}

func startLocal(seed uint64, dir string) (System, error) {
	var c *cluster.Local
	var err error
	if dir == "" {
		c, err = cluster.New(3, seed, cluster.DefaultSettings())
	} else {
		c, err = cluster.Open(3, seed, DiskSettings(), dir)
	}
	if err != nil {
		return nil, fmt.Errorf("local: %w", err)
	}
	if !c.RunUntil(func(v cluster.View) bool { return len(v.Leaders()) == 1 }, 10*time.Second) {
		c.Close()
		return nil, fmt.Errorf("local: no leader after 10 s of virtual time")
	}
	s := &localSystem{cluster: c, leader: c.Leaders()[0]}
	s.cancel = c.Subscribe(func(record cluster.Record) {
		if record.Kind == cluster.RecordApply && record.Node == s.leader && record.Entry.Kind == raft.EntryCommand {
			s.appliedCount++
		}
	})
	s.oldestHas = func(cluster.View) bool { return s.ring[s.head].Done }
	return s, nil
}

func (s *localSystem) command() store.Command {
	value := Value(s.next)
	command := store.Command{Op: store.OpPut, Key: Key(s.next), Value: string(value[:])}
	s.next++
	return command
}

func (s *localSystem) Commit(count, inFlight int, stamps *Stamps) error {
	if inFlight <= 1 {
		for j := range count {
			stamps.Issued(j)
			call, err := s.cluster.Do(cluster.ReplClientID, s.command(), raft.None)
			if err := s.check(call, err); err != nil {
				return err
			}
			stamps.Applied(j)
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
			stamps.Issued(submitted)
			call, err := s.cluster.Submit(uint64(slot+1), s.command(), raft.None)
			if err != nil {
				return fmt.Errorf("local: %w", err)
			}
			s.ring[slot] = call
			submitted++
			outstanding++
		}
		// Calls finish in log order, so waiting for the oldest is waiting
		// for the first.
		if !s.cluster.RunUntil(s.oldestHas, localPatience) {
			return fmt.Errorf("local: command unfinished after %v of virtual time", localPatience)
		}
		for outstanding > 0 && s.ring[s.head].Done {
			if err := s.check(s.ring[s.head], nil); err != nil {
				return err
			}
			stamps.Applied(completed)
			s.ring[s.head] = nil
			s.head = (s.head + 1) % inFlight
			completed++
			outstanding--
		}
	}
	return nil
}

func (s *localSystem) check(call *cluster.Call, err error) error {
	switch {
	case err != nil:
		return fmt.Errorf("local: %w", err)
	case call.Err != nil:
		return fmt.Errorf("local: put %s: %w", call.Command.Key, call.Err)
	case call.ServedBy != s.leader:
		return fmt.Errorf("local: put %s served by %v, want the leader %v", call.Command.Key, call.ServedBy, s.leader)
	}
	return nil
}

func (s *localSystem) Verify() error {
	return Verify(s.next, s.appliedCount, func(key string) (string, bool, error) {
		return s.cluster.GetLocal(key, s.leader)
	})
}

func (s *localSystem) Close() error {
	s.cancel()
	return s.cluster.Close()
}

// Writes counts the storage writes of the cluster's nodes (WriteCounter).
func (s *localSystem) Writes() uint64 { return s.cluster.Writes() }
