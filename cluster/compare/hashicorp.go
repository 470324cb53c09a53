package compare

import (
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/hashicorp/go-hclog"
	hashicorp "github.com/hashicorp/raft"
)

// hashicorpSystem is three hashicorp/raft nodes on in-memory stores and
// connected in-memory transports.
type hashicorpSystem struct {
	nodes      []*hashicorp.Raft
	transports []*hashicorp.InmemTransport
	machines   []*stateMachine
	leader     int
	next       int // commands issued
	ring       []hashicorp.ApplyFuture
}

// hashicorpTimeout is the heartbeat, election and leader lease timeout:
// short, so the election is quick, and long enough that a busy machine
// (or -race) does not depose the leader mid-run.
const hashicorpTimeout = 100 * time.Millisecond

// hashicorpPatience bounds one wait: for a leader, or for a command.
const hashicorpPatience = 10 * time.Second

func startHashicorp() (system, error) {
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
		logs, snapshots := hashicorp.NewInmemStore(), hashicorp.NewInmemSnapshotStore()
		if err := hashicorp.BootstrapCluster(config, logs, logs, snapshots, transport, configuration); err != nil {
			s.close()
			return nil, fmt.Errorf("hashicorp: bootstrap: %w", err)
		}
		machine := newStateMachine()
		node, err := hashicorp.NewRaft(config, hashicorpFSM{machine}, logs, logs, snapshots, transport)
		if err != nil {
			s.close()
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
			s.close()
			return nil, fmt.Errorf("hashicorp: no leader after %v", hashicorpPatience)
		}
		time.Sleep(time.Millisecond)
	}
	return s, nil
}

func (s *hashicorpSystem) commit(count, inFlight int) error {
	leader := s.nodes[s.leader]
	inFlight = max(inFlight, 1)
	if len(s.ring) != inFlight {
		s.ring = make([]hashicorp.ApplyFuture, inFlight)
	}
	// The ring holds the outstanding futures, oldest at head.
	head, outstanding, submitted, completed := 0, 0, 0, 0
	for completed < count {
		for submitted < count && outstanding < inFlight {
			s.ring[(head+outstanding)%inFlight] = leader.Apply(payload(s.next), hashicorpPatience)
			s.next++
			submitted++
			outstanding++
		}
		// Error returns once the leader's FSM has applied the command.
		if err := s.ring[head].Error(); err != nil {
			return fmt.Errorf("hashicorp: apply: %w", err)
		}
		s.ring[head] = nil
		head = (head + 1) % inFlight
		completed++
		outstanding--
	}
	return nil
}

func (s *hashicorpSystem) issued() int { return s.next }

func (s *hashicorpSystem) applied() int { return s.machines[s.leader].count() }

func (s *hashicorpSystem) get(key string) (string, bool, error) {
	value, found := s.machines[s.leader].get(key)
	return value, found, nil
}

func (s *hashicorpSystem) close() error {
	var errs []error
	for _, node := range s.nodes {
		errs = append(errs, node.Shutdown().Error())
	}
	for _, transport := range s.transports {
		errs = append(errs, transport.Close())
	}
	return errors.Join(errs...)
}

// hashicorpFSM applies payloads to a state machine; it never snapshots
// (snapshots are off).
type hashicorpFSM struct{ machine *stateMachine }

func (f hashicorpFSM) Apply(log *hashicorp.Log) any {
	f.machine.apply(log.Data)
	return nil
}

func (f hashicorpFSM) Snapshot() (hashicorp.FSMSnapshot, error) {
	return nil, errors.New("snapshots are off in this benchmark")
}

func (f hashicorpFSM) Restore(io.ReadCloser) error {
	return errors.New("snapshots are off in this benchmark")
}
