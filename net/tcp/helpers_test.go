package tcp

import (
	"bytes"
	"context"
	"log/slog"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"raftctl/raft"
)

// testSecret is a cluster secret for tests: 32 bytes, like a real one.
var testSecret = []byte("raftctl tcp test secret, not me!")

// testLogger returns a logger that writes into the test's log only when
// the test fails (or with -v), so a refused connection's reason is there
// to read.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// logBuffer collects log lines for tests that assert a reason was logged.
type logBuffer struct {
	mu     sync.Mutex
	buffer bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buffer.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buffer.String()
}

// freeListener listens on a free loopback port.
func freeListener(t testing.TB) net.Listener {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return listener
}

// deadAddress returns a loopback address nobody listens on (a port that
// was just free), so dialing it is refused at once.
func deadAddress(t testing.TB) string {
	listener := freeListener(t)
	address := listener.Addr().String()
	listener.Close()
	return address
}

// fastConfig is a Config with timings for tests: quick reconnects, and
// handshakes that give up within a second.
func fastConfig(t testing.TB, id raft.NodeID, listener net.Listener, peers map[raft.NodeID]string) Config {
	return Config{
		ID: id, Listener: listener, Peers: peers, Secret: testSecret,
		Logger:           testLogger(t),
		HandshakeTimeout: time.Second, WriteTimeout: time.Second, DialTimeout: time.Second,
		ReconnectMin: 5 * time.Millisecond, ReconnectMax: 50 * time.Millisecond,
	}
}

// startCluster starts a transport for each id on loopback, all peers of
// each other; extra adds peers that have an address but no transport.
func startCluster(t testing.TB, ids []raft.NodeID, extra map[raft.NodeID]string, adjust func(*Config)) map[raft.NodeID]*Transport {
	t.Helper()
	listeners := map[raft.NodeID]net.Listener{}
	peers := map[raft.NodeID]string{}
	for _, id := range ids {
		listeners[id] = freeListener(t)
		peers[id] = listeners[id].Addr().String()
	}
	for id, address := range extra {
		peers[id] = address
	}
	transports := map[raft.NodeID]*Transport{}
	for _, id := range ids {
		config := fastConfig(t, id, listeners[id], peers)
		if adjust != nil {
			adjust(&config)
		}
		transport, err := Listen(config)
		if err != nil {
			t.Fatal(err)
		}
		transports[id] = transport
		t.Cleanup(func() { transport.Close() })
	}
	return transports
}

// eventually polls condition until it holds, failing after a few seconds.
// Only tests of the real network use it: they wait on the kernel.
func eventually(t testing.TB, what string, condition func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !condition() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// receiveOne waits for one message at transport.
func receiveOne(t testing.TB, transport *Transport) raft.Message {
	t.Helper()
	select {
	case m, ok := <-transport.Receive():
		if !ok {
			t.Fatal("Receive closed")
		}
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("no message within 5s")
	}
	return raft.Message{}
}

func heartbeat(from, to raft.NodeID, term raft.Term) raft.Message {
	return raft.Message{Type: raft.MsgAppendEntries, From: from, To: to, Term: term, LeaderCommit: 1}
}

// dialControl dials a control connection with a test deadline.
func dialControl(t testing.TB, address string, secret []byte) (*Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return DialControl(ctx, address, secret)
}

// newTestRand returns a seeded source for tests that draw.
func newTestRand() *rand.Rand {
	return rand.New(rand.NewPCG(7, 7))
}
