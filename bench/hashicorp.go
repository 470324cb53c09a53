package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	hashicorp "github.com/hashicorp/raft"
	raftboltdb "github.com/hashicorp/raft-boltdb/v2"

	"raftctl/workload"
)

// hashicorpSystem is three hashicorp/raft nodes on connected in-memory
// transports, their logs in memory or in raft-boltdb files.
type hashicorpSystem struct {
	nodes      []*hashicorp.Raft
	transports []*hashicorp.InmemTransport
	machines   []*hashicorpFSM
	closers    []func() error
	leader     int
	next       int // commands issued
}

// hashicorpTimeout is the heartbeat, election and leader lease timeout:
// short, so the election is quick, and long enough that a busy machine
// whose disk stalls does not depose the leader mid-run (at 100 ms,
// raft-boltdb runs lost leadership on a loaded 2-core machine).
const hashicorpTimeout = 500 * time.Millisecond

// hashicorpPatience bounds one wait: for a leader, or for a command.
const hashicorpPatience = 30 * time.Second

// hashicorpTarget is hashicorp/raft with InmemStore, or with raft-boltdb
// (one bbolt file per node, synced on every commit) when durable.
func hashicorpTarget(durable bool) workload.Target {
	name := "hashicorp"
	if durable {
		name = "hashicorp-boltdb"
	}
	return workload.Target{Name: name, Durable: durable, Start: func(_ uint64, dir string) (workload.System, error) {
		return startHashicorp(dir)
	}}
}

func startHashicorp(dir string) (*hashicorpSystem, error) {
	s := &hashicorpSystem{}
	var configuration hashicorp.Configuration
	for i := range 3 {
		address, transport := hashicorp.NewInmemTransport(hashicorp.ServerAddress(fmt.Sprintf("n%d", i+1)))
		s.transports = append(s.transports, transport)
		configuration.Servers = append(configuration.Servers, hashicorp.Server{
			Suffrage: hashicorp.Voter,
			ID:       hashicorp.ServerID(address),
			Address:  address,
		})
	}
	for _, from := range s.transports {
		for _, to := range s.transports {
			from.Connect(to.LocalAddr(), to)
		}
	}
	for i, transport := range s.transports {
		config := hashicorp.DefaultConfig()
		config.LocalID = configuration.Servers[i].ID
		config.HeartbeatTimeout = hashicorpTimeout
		config.ElectionTimeout = hashicorpTimeout
		config.LeaderLeaseTimeout = hashicorpTimeout
		config.CommitTimeout = 5 * time.Millisecond
		config.SnapshotThreshold = math.MaxUint64
		config.SnapshotInterval = time.Hour
		config.Logger = hclog.NewNullLogger()
		var logs hashicorp.LogStore
		var stable hashicorp.StableStore
		if dir == "" {
			memory := hashicorp.NewInmemStore()
			logs, stable = memory, memory
		} else {
			bolt, err := raftboltdb.NewBoltStore(filepath.Join(dir, fmt.Sprintf("n%d.db", i+1)))
			if err != nil {
				s.Close()
				return nil, fmt.Errorf("hashicorp: raft-boltdb: %w", err)
			}
			s.closers = append(s.closers, bolt.Close)
			logs, stable = bolt, bolt
		}
		snapshots := hashicorp.NewInmemSnapshotStore()
		if err := hashicorp.BootstrapCluster(config, logs, stable, snapshots, transport, configuration); err != nil {
			s.Close()
			return nil, fmt.Errorf("hashicorp: bootstrap: %w", err)
		}
		machine := &hashicorpFSM{machine: workload.NewStateMachine(), seen: map[int]bool{}}
		node, err := hashicorp.NewRaft(config, machine, logs, stable, snapshots, transport)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("hashicorp: %w", err)
		}
		s.nodes = append(s.nodes, node)
		s.machines = append(s.machines, machine)
	}
	// Polling is fine here: the election is not measured.
	deadline := time.Now().Add(hashicorpPatience)
	for s.leader = -1; s.leader < 0; {
		for i, node := range s.nodes {
			if node.State() == hashicorp.Leader {
				s.leader = i
			}
		}
		if time.Now().After(deadline) {
			s.Close()
			return nil, fmt.Errorf("hashicorp: no leader after %v", hashicorpPatience)
		}
		time.Sleep(time.Millisecond)
	}
	return s, nil
}

// Commit runs as many client goroutines as commands in flight, each
// applying one command at a time and waiting for it: hashicorp/raft's
// Apply blocks its caller until the leader's FSM applied the command, so
// this is how its users keep several in flight.
func (s *hashicorpSystem) Commit(count, inFlight int, stamps *workload.Stamps) error {
	leader := s.nodes[s.leader]
	first := s.next
	var taken atomic.Int64
	var wait sync.WaitGroup
	errs := make([]error, max(inFlight, 1))
	for client := range errs {
		wait.Go(func() {
			for {
				j := int(taken.Add(1)) - 1
				if j >= count {
					return
				}
				stamps.Issued(j)
				// Error returns once the leader's FSM has applied the command.
				if err := leader.Apply(workload.Payload(first+j), hashicorpPatience).Error(); err != nil {
					errs[client] = fmt.Errorf("hashicorp: apply: %w", err)
					return
				}
				stamps.Applied(j)
			}
		})
	}
	wait.Wait()
	s.next += count
	return errors.Join(errs...)
}

// Verify checks what Commit's goroutines allow: they race each other, so
// a key's last value is the last command of that key to reach the log,
// not always the last one issued. The leader must have applied every
// command issued exactly once, and every key must hold a value some
// command wrote to it.
func (s *hashicorpSystem) Verify() error {
	machine := s.machines[s.leader]
	if applied := machine.machine.Applied(); applied != s.next || len(machine.seen) != s.next || machine.repeated > 0 {
		return fmt.Errorf("hashicorp: leader applied %d commands, %d distinct, %d twice; want each of %d once",
			applied, len(machine.seen), machine.repeated, s.next)
	}
	for k := range min(s.next, workload.KeyCount) {
		key := workload.Key(k)
		value, found, _ := machine.machine.Get(key)
		i, err := strconv.ParseInt(value, 16, 64)
		if !found || err != nil || int(i) >= s.next || workload.Key(int(i)) != key {
			return fmt.Errorf("hashicorp: leader has %s = %q (found: %v), want the value of a command for %s", key, value, found, key)
		}
	}
	return nil
}

func (s *hashicorpSystem) Close() error {
	var errs []error
	for _, node := range s.nodes {
		errs = append(errs, node.Shutdown().Error())
	}
	for _, transport := range s.transports {
		errs = append(errs, transport.Close())
	}
	for _, close := range s.closers {
		errs = append(errs, close())
	}
	return errors.Join(errs...)
}

// hashicorpFSM applies payloads to a state machine and notes which
// commands it applied (its Apply runs on one goroutine of hashicorp's).
// It never snapshots: snapshots are off.
type hashicorpFSM struct {
	machine  *workload.StateMachine
	seen     map[int]bool
	repeated int
}

func (f *hashicorpFSM) Apply(log *hashicorp.Log) any {
	f.machine.Apply(log.Data)
	if i, err := strconv.ParseInt(string(log.Data[8:]), 16, 64); err == nil {
		if f.seen[int(i)] {
			f.repeated++
		}
		f.seen[int(i)] = true
	}
	return nil
}

func (f *hashicorpFSM) Snapshot() (hashicorp.FSMSnapshot, error) {
	return nil, errors.New("snapshots are off in this benchmark")
}

func (f *hashicorpFSM) Restore(io.ReadCloser) error {
	return errors.New("snapshots are off in this benchmark")
}
