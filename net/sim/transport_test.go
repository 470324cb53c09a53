package sim_test

import (
	"slices"
	"testing"
	"time"

	"raftctl/net/sim"
	"raftctl/net/transporttest"
	"raftctl/raft"
)

// The transport contract (net/transporttest), run on the simulated network
// through the adapter below: the same suite net/tcp passes on loopback.
// Everything here is deterministic; nothing waits on the wall clock.
func TestTransportContract(t *testing.T) {
	transporttest.Run(t, newSimNetwork)
}

// simNetwork puts transports on a sim.Network the way a host would: each
// sender has a bounded queue per peer that drains into the network only
// while the peer is up (as net/tcp's queue drains only while connected),
// and Flush delivers everything in flight, moving a virtual clock.
type simNetwork struct {
	network   *sim.Network
	now       time.Duration
	queueSize int
	nodes     []raft.NodeID
	running   map[raft.NodeID]*simTransport
	queues    map[[2]raft.NodeID][]raft.Message
	dropped   map[[2]raft.NodeID]uint64
}

func newSimNetwork(t *testing.T, setup transporttest.Setup) transporttest.Network {
	nodes := slices.Concat(setup.Running, setup.Absent)
	slices.Sort(nodes)
	n := &simNetwork{
		network:   sim.New(1, nodes),
		queueSize: setup.QueueSize,
		nodes:     nodes,
		running:   map[raft.NodeID]*simTransport{},
		queues:    map[[2]raft.NodeID][]raft.Message{},
		dropped:   map[[2]raft.NodeID]uint64{},
	}
	// A fixed latency and no faults: the contract's "nothing fails"
	// network, where each link delivers in order.
	if err := n.network.SetDefault(sim.LinkConfig{DelayMin: time.Millisecond, DelayMax: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	for _, id := range setup.Running {
		n.Start(id)
	}
	t.Cleanup(func() {
		for _, transport := range n.running {
			transport.Close()
		}
	})
	return n
}

func (n *simNetwork) Transport(id raft.NodeID) transporttest.Transport { return n.running[id] }

func (n *simNetwork) Start(id raft.NodeID) transporttest.Transport {
	// Big enough for every test of the suite; deliver reports overflow.
	transport := &simTransport{network: n, id: id, receive: make(chan raft.Message, 1<<12)}
	n.running[id] = transport
	return transport
}

func (n *simNetwork) Stop(id raft.NodeID) {
	n.running[id].Close()
	// What was in flight to or from the node is lost, as in a crash.
	n.network.DropNode(id)
}

func (n *simNetwork) Dropped(from, to raft.NodeID) uint64 { return n.dropped[[2]raft.NodeID{from, to}] }

func (n *simNetwork) Patience() time.Duration { return 0 }

// Flush moves every queue whose peer is up into the network, then delivers
// everything in flight in the network's order, moving the clock to each
// arrival; a message for a node that is down by then is lost.
func (n *simNetwork) Flush() {
	for _, from := range n.nodes {
		for _, to := range n.nodes {
			link := [2]raft.NodeID{from, to}
			if n.running[to] == nil || len(n.queues[link]) == 0 {
				continue
			}
			for _, m := range n.queues[link] {
				n.network.Send(n.now, m)
			}
			n.queues[link] = nil
		}
	}
	for {
		e, ok := n.network.PopNext()
		if !ok {
			return
		}
		n.now = max(n.now, e.DeliverAt)
		if receiver := n.running[e.Message.To]; receiver != nil {
			receiver.deliver(e.Message)
		}
	}
}

// simTransport is one node's transport on a simNetwork.
type simTransport struct {
	network *simNetwork
	id      raft.NodeID
	receive chan raft.Message
	closed  bool
}

func (s *simTransport) Send(m raft.Message) {
	n := s.network
	if s.closed || m.To == s.id {
		return
	}
	link := [2]raft.NodeID{s.id, m.To}
	if !slices.Contains(n.nodes, m.To) || len(n.queues[link]) >= n.queueSize {
		n.dropped[link]++
		return
	}
	n.queues[link] = append(n.queues[link], m)
}

func (s *simTransport) Receive() <-chan raft.Message { return s.receive }

func (s *simTransport) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	n := s.network
	if n.running[s.id] == s {
		delete(n.running, s.id)
	}
	// Its outgoing queues die with it.
	for _, to := range n.nodes {
		delete(n.queues, [2]raft.NodeID{s.id, to})
	}
	close(s.receive)
	return nil
}

func (s *simTransport) deliver(m raft.Message) {
	select {
	case s.receive <- m:
	default:
		panic("simTransport: receive buffer full; the suite sends more than the adapter holds")
	}
}
