package cluster

import (
	"context"
	"errors"
	"io"
	"slices"
	"sync"
	"testing"
	"time"

	"raftctl/raft"
	"raftctl/store"
)

// An in-memory stand-in for net/tcp, so Host and Remote can be tested
// without sockets: a network of inboxes for Raft messages, and pipes for
// control connections.

type memoryNetwork struct {
	mu      sync.Mutex
	inboxes map[raft.NodeID]chan raft.Message
	// sent is called for every message before it is delivered.
	sent func(raft.Message)
}

func newMemoryNetwork(ids []raft.NodeID) *memoryNetwork {
	network := &memoryNetwork{inboxes: map[raft.NodeID]chan raft.Message{}}
	for _, id := range ids {
		network.inboxes[id] = make(chan raft.Message, 4096)
	}
	return network
}

type memoryEndpoint struct {
	network *memoryNetwork
	id      raft.NodeID
}

func (n *memoryNetwork) endpoint(id raft.NodeID) memoryEndpoint {
	return memoryEndpoint{network: n, id: id}
}

// Send copies the message, as a real transport would, and never blocks.
func (e memoryEndpoint) Send(message raft.Message) {
	message.Entries = slices.Clone(message.Entries)
	for i := range message.Entries {
		message.Entries[i].Command = slices.Clone(message.Entries[i].Command)
	}
	e.network.mu.Lock()
	sent, inbox := e.network.sent, e.network.inboxes[message.To]
	e.network.mu.Unlock()
	if sent != nil {
		sent(message)
	}
	select {
	case inbox <- message:
	default:
	}
}

func (e memoryEndpoint) Receive() <-chan raft.Message { return e.network.inboxes[e.id] }

// pipeEnd is one end of an in-memory control connection.
type pipeEnd struct {
	in     chan []byte
	out    chan []byte
	closed chan struct{}
	once   *sync.Once
}

func newPipe() (client, server pipeEnd) {
	a, b := make(chan []byte, 256), make(chan []byte, 256)
	closed, once := make(chan struct{}), &sync.Once{}
	return pipeEnd{in: a, out: b, closed: closed, once: once}, pipeEnd{in: b, out: a, closed: closed, once: once}
}

// Once either end closes, both ends fail at once, as a reset TCP
// connection does: nothing buffered is delivered any more.
func (p pipeEnd) Send(payload []byte) error {
	if p.isClosed() {
		return io.ErrClosedPipe
	}
	select {
	case p.out <- slices.Clone(payload):
		return nil
	case <-p.closed:
		return io.ErrClosedPipe
	}
}

func (p pipeEnd) Receive() ([]byte, error) {
	if p.isClosed() {
		return nil, io.EOF
	}
	select {
	case payload := <-p.in:
		if p.isClosed() {
			return nil, io.EOF
		}
		return payload, nil
	case <-p.closed:
		return nil, io.EOF
	}
}

func (p pipeEnd) isClosed() bool {
	select {
	case <-p.closed:
		return true
	default:
		return false
	}
}

func (p pipeEnd) Close() error {
	p.once.Do(func() { close(p.closed) })
	return nil
}

// memoryCluster is n Hosts on a memory network, with their storages.
type memoryCluster struct {
	t        *testing.T
	ids      []raft.NodeID
	network  *memoryNetwork
	storages map[raft.NodeID]*store.Memory
	hosts    map[raft.NodeID]*Host

	mu sync.Mutex
	// refused: nodes whose control endpoint refuses connections.
	refused map[raft.NodeID]bool
	// conns: every server end, to break them.
	conns map[raft.NodeID][]pipeEnd
}

// testHostSettings are the defaults with a short client timeout, so a
// request to a cut-off node fails fast, and stickiness for lease reads.
func testHostSettings() Settings {
	settings := DefaultSettings()
	settings.ClientTimeout = 2 * time.Second
	// Lease reads need stickiness (thesis §4.2.3, §6.4.1).
	settings.Stickiness = true
	return settings
}

func startMemoryCluster(t *testing.T, n int) *memoryCluster {
	t.Helper()
	ids := make([]raft.NodeID, n)
	for i := range ids {
		ids[i] = raft.NodeID(i + 1)
	}
	c := &memoryCluster{t: t, ids: ids, network: newMemoryNetwork(ids), storages: map[raft.NodeID]*store.Memory{},
		hosts: map[raft.NodeID]*Host{}, refused: map[raft.NodeID]bool{}, conns: map[raft.NodeID][]pipeEnd{}}
	for _, id := range ids {
		c.storages[id] = store.NewMemory()
		host, err := StartHost(HostConfig{ID: id, Peers: ids, Settings: testHostSettings(),
			Storage: memoryStorage{c.storages[id]}, Transport: c.network.endpoint(id), Seed: uint64(id) * 7919})
		if err != nil {
			t.Fatal(err)
		}
		c.hosts[id] = host
	}
	t.Cleanup(func() {
		for _, host := range c.hosts {
			host.Close()
		}
	})
	return c
}

// dial is a RemoteConfig.Dial over pipes; addresses are node names.
func (c *memoryCluster) dial(ctx context.Context, address string) (ControlConn, error) {
	for _, id := range c.ids {
		if id.String() != address {
			continue
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.refused[id] {
			return nil, errors.New("connection refused")
		}
		client, server := newPipe()
		c.conns[id] = append(c.conns[id], server)
		host := c.hosts[id]
		go func() {
			host.ServeControl(server)
			server.Close()
		}()
		return client, nil
	}
	return nil, errors.New("no such host " + address)
}

// cutControl breaks every control connection to id and refuses new ones
// (the node looks unreachable) until restoreControl.
func (c *memoryCluster) cutControl(id raft.NodeID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refused[id] = true
	for _, conn := range c.conns[id] {
		conn.Close()
	}
	c.conns[id] = nil
}

func (c *memoryCluster) restoreControl(id raft.NodeID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refused[id] = false
}

// connect builds a Remote on the memory cluster.
func (c *memoryCluster) connect() *Remote {
	c.t.Helper()
	nodes := map[raft.NodeID]string{}
	for _, id := range c.ids {
		nodes[id] = id.String()
	}
	remote, err := Connect(context.Background(), RemoteConfig{Nodes: nodes, Dial: c.dial, Messages: true, RetryInterval: 50 * time.Millisecond})
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { remote.Close() })
	return remote
}

// waitLeader waits for one running leader and returns it.
func waitLeader(t *testing.T, remote Cluster) raft.NodeID {
	t.Helper()
	var leader raft.NodeID
	if !remote.WaitFor(func(rows []NodeStatus) bool {
		leader = raft.None
		var top raft.Term
		for _, row := range rows {
			if row.Up && row.Role == raft.Leader && row.Term >= top {
				leader, top = row.ID, row.Term
			}
		}
		return leader != raft.None
	}, 10*time.Second) {
		t.Fatalf("no leader within 10s: %v", remote.Status())
	}
	return leader
}

// waitLogsAgree waits until every reachable, running node has applied the
// same log.
func waitLogsAgree(t *testing.T, remote Cluster) {
	t.Helper()
	if !remote.WaitFor(func(rows []NodeStatus) bool {
		for _, row := range rows {
			if !row.Up || row.LastApplied != rows[0].LastApplied || row.LastIndex != rows[0].LastIndex || row.LastApplied != row.LastIndex {
				return false
			}
		}
		return true
	}, 10*time.Second) {
		t.Fatalf("logs did not converge within 10s: %v", remote.Status())
	}
}
