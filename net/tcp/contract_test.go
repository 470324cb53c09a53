package tcp

import (
	"net"
	"testing"
	"time"

	"raftctl/net/transporttest"
	"raftctl/raft"
)

// The transport contract (net/transporttest) on loopback: the same suite
// net/sim passes.
func TestTransportContract(t *testing.T) {
	transporttest.Run(t, newLoopbackNetwork)
}

// loopbackNetwork runs a Transport per node on 127.0.0.1. Every node,
// running or absent, has its own port from the start, so a node can stop
// and start again at the same address.
type loopbackNetwork struct {
	t         *testing.T
	queueSize int
	peers     map[raft.NodeID]string
	running   map[raft.NodeID]*Transport
}

func newLoopbackNetwork(t *testing.T, setup transporttest.Setup) transporttest.Network {
	n := &loopbackNetwork{t: t, queueSize: setup.QueueSize, peers: map[raft.NodeID]string{}, running: map[raft.NodeID]*Transport{}}
	listeners := map[raft.NodeID]net.Listener{}
	for _, id := range setup.Running {
		listeners[id] = freeListener(t)
		n.peers[id] = listeners[id].Addr().String()
	}
	for _, id := range setup.Absent {
		n.peers[id] = deadAddress(t)
	}
	for _, id := range setup.Running {
		n.start(id, listeners[id])
	}
	t.Cleanup(func() {
		for _, transport := range n.running {
			transport.Close()
		}
	})
	return n
}

func (n *loopbackNetwork) start(id raft.NodeID, listener net.Listener) *Transport {
	config := fastConfig(n.t, id, listener, n.peers)
	config.QueueSize = n.queueSize
	transport, err := Listen(config)
	if err != nil {
		n.t.Fatal(err)
	}
	n.running[id] = transport
	return transport
}

func (n *loopbackNetwork) Transport(id raft.NodeID) transporttest.Transport { return n.running[id] }

func (n *loopbackNetwork) Start(id raft.NodeID) transporttest.Transport {
	listener, err := net.Listen("tcp", n.peers[id])
	if err != nil {
		n.t.Fatalf("restarting %v at %s: %v", id, n.peers[id], err)
	}
	return n.start(id, listener)
}

func (n *loopbackNetwork) Stop(id raft.NodeID) {
	n.running[id].Close()
	delete(n.running, id)
}

func (n *loopbackNetwork) Dropped(from, to raft.NodeID) uint64 {
	return n.running[from].Stats()[to].Dropped
}

func (n *loopbackNetwork) Flush() {}

func (n *loopbackNetwork) Patience() time.Duration { return 5 * time.Second }
