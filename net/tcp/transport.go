package tcp

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"raftctl/net/wire"
	"raftctl/raft"
)

// Transport is one node's endpoint: it sends Raft messages to its peers,
// one connection and one goroutine per peer, and delivers the messages its
// peers send, from connections it accepts; it also accepts control
// connections. All methods are safe for concurrent use.
type Transport struct {
	config Config
	// limits are config.Limits with the defaults filled in.
	limits   wire.Limits
	logger   *slog.Logger
	listener net.Listener
	// peers is fixed at Listen: one entry per other node of Config.Peers.
	peers   map[raft.NodeID]*peer
	receive chan raft.Message
	// handshakeSlots holds one token per connection in its handshake.
	handshakeSlots chan struct{}

	// ctx is cancelled by Close; every goroutine watches it.
	ctx    context.Context
	cancel context.CancelFunc
	closed atomic.Bool

	mu sync.Mutex
	// conns are the open connections of every kind, so Close can close
	// them. Invariant: once closing is set, nothing is added.
	conns   map[net.Conn]struct{}
	closing bool
	// inbound is each peer's current accepted connection: a newer one
	// from the same peer replaces it.
	inbound map[raft.NodeID]net.Conn
	// unknown counts sends to nodes that have no address.
	unknown map[raft.NodeID]*counters

	accepted, refused, overLimit atomic.Uint64
	lastRefusal                  atomic.Pointer[string]
	refusalLog                   logLimiter

	// wg counts the transport's own goroutines (not Control functions).
	wg        sync.WaitGroup
	closeOnce sync.Once
}

// Listen starts node config.ID's endpoint: it listens on config.Listen
// (or config.Listener) and starts one sending goroutine per peer, which
// connects in the background and reconnects whenever the connection fails.
func Listen(config Config) (*Transport, error) {
	config, err := config.withDefaults()
	if err != nil {
		return nil, err
	}
	listener := config.Listener
	if listener == nil {
		listener, err = net.Listen("tcp", config.Listen)
		if err != nil {
			return nil, fmt.Errorf("tcp: node %v cannot listen: %w", config.ID, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	t := &Transport{
		config:         config,
		limits:         limitsWithDefaults(config.Limits),
		logger:         config.Logger.With("node", config.ID.String()),
		listener:       listener,
		peers:          map[raft.NodeID]*peer{},
		receive:        make(chan raft.Message, config.QueueSize),
		handshakeSlots: make(chan struct{}, config.MaxHandshakes),
		ctx:            ctx,
		cancel:         cancel,
		conns:          map[net.Conn]struct{}{},
		inbound:        map[raft.NodeID]net.Conn{},
		unknown:        map[raft.NodeID]*counters{},
		refusalLog:     logLimiter{interval: 100 * time.Millisecond},
	}
	for id, address := range config.Peers {
		if id != config.ID {
			t.peers[id] = newPeer(t, id, address)
		}
	}
	t.logger.Info("listening", "address", listener.Addr().String(), "peers", t.peerList())
	t.wg.Add(1 + len(t.peers))
	go t.acceptLoop()
	for _, p := range t.peers {
		go p.run()
	}
	return t, nil
}

// Addr returns the address the transport listens on.
func (t *Transport) Addr() net.Addr {
	return t.listener.Addr()
}

// Send queues m for m.To; it never blocks. A full queue drops the message
// and counts it (a slow or dead peer never grows memory). A message to
// this node itself is ignored, as on net/sim; one to a node with no
// address, or whose From is not this node, is dropped and counted.
//
// The message is encoded later, in the peer's goroutine: m.Entries must
// not be modified after Send (the core never modifies its log's entries).
func (t *Transport) Send(m raft.Message) {
	if t.closed.Load() || m.To == t.config.ID {
		return
	}
	p := t.peers[m.To]
	if p == nil {
		t.dropUnknown(m)
		return
	}
	if m.From != t.config.ID {
		p.drop(fmt.Sprintf("message %v From %v, but this node is %v", m.Type, m.From, t.config.ID))
		return
	}
	select {
	case p.queue <- m:
	default:
		// Logged by count, not per message: a dead peer fills its queue
		// in a second and would flood the log otherwise.
		p.stats.dropped.Add(1)
	}
}

// Receive delivers authenticated messages from peers, From already checked
// against the identity the connection authenticated as. It is closed by
// Close. If nobody reads it, the connections from peers stop reading too,
// and the peers' writes time out: a slow reader loses messages, not
// memory.
func (t *Transport) Receive() <-chan raft.Message {
	return t.receive
}

// Stats returns the counters of every peer, and of any node that messages
// were sent to without an address.
func (t *Transport) Stats() map[raft.NodeID]PeerStats {
	stats := map[raft.NodeID]PeerStats{}
	for id, p := range t.peers {
		s := p.stats.snapshot()
		s.Queued = len(p.queue)
		stats[id] = s
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for id, c := range t.unknown {
		stats[id] = c.snapshot()
	}
	return stats
}

// ListenerStats returns the counters of the listener (an addition to the
// agreed contract).
func (t *Transport) ListenerStats() ListenerStats {
	stats := ListenerStats{Accepted: t.accepted.Load(), Refused: t.refused.Load(), OverLimit: t.overLimit.Load()}
	if last := t.lastRefusal.Load(); last != nil {
		stats.LastRefusal = *last
	}
	return stats
}

// Close stops everything: the listener, every connection, every goroutine
// of the transport; then it closes Receive's channel. Messages still
// queued are lost. Control connections are closed, but Close does not wait
// for Control functions to return (a Control function may itself call
// Close). Close is idempotent.
func (t *Transport) Close() error {
	var err error
	t.closeOnce.Do(func() {
		t.closed.Store(true)
		t.cancel()
		t.mu.Lock()
		t.closing = true
		conns := slices.Collect(maps.Keys(t.conns))
		t.mu.Unlock()
		err = t.listener.Close()
		for _, conn := range conns {
			conn.Close()
		}
		t.wg.Wait()
		close(t.receive)
		t.logger.Info("closed")
	})
	return err
}

// track records an open connection so Close can close it; it reports
// false (and the caller must close conn) once the transport is closing.
func (t *Transport) track(conn net.Conn) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closing {
		return false
	}
	t.conns[conn] = struct{}{}
	return true
}

// untrack closes conn and forgets it.
func (t *Transport) untrack(conn net.Conn) {
	conn.Close()
	t.mu.Lock()
	delete(t.conns, conn)
	t.mu.Unlock()
}

func (t *Transport) dropUnknown(m raft.Message) {
	t.mu.Lock()
	c := t.unknown[m.To]
	if c == nil {
		c = &counters{}
		t.unknown[m.To] = c
	}
	t.mu.Unlock()
	c.dropped.Add(1)
	reason := fmt.Sprintf("no address for %v (peers: %s)", m.To, t.peerList())
	c.setError(reason)
	if ok, suppressed := t.refusalLog.allow(time.Now()); ok {
		t.logger.Warn("message dropped", "type", m.Type.String(), "to", m.To.String(), "reason", reason, "suppressed", suppressed)
	}
}

// peerList names the peers for logs and errors: "n2 n3".
func (t *Transport) peerList() string {
	ids := slices.Sorted(maps.Keys(t.peers))
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = id.String()
	}
	return strings.Join(names, " ")
}

// limitsWithDefaults fills zero fields of limits as net/wire does, so the
// sender can check a message against the limits its peers enforce.
func limitsWithDefaults(limits wire.Limits) wire.Limits {
	if limits.MaxMessageBytes <= 0 {
		limits.MaxMessageBytes = wire.DefaultMaxMessageBytes
	}
	limits.MaxMessageBytes = min(limits.MaxMessageBytes, 1<<30)
	if limits.MaxEntries <= 0 {
		limits.MaxEntries = wire.DefaultMaxEntries
	}
	if limits.MaxCommandBytes <= 0 {
		limits.MaxCommandBytes = wire.DefaultMaxCommandBytes
	}
	return limits
}
