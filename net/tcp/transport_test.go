package tcp

import (
	"bufio"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"raftctl/net/wire"
	"raftctl/raft"
)

// Behaviour of net/tcp beyond the shared contract (contract_test.go).

// stuckPeer listens at an address, completes the handshake as node id on
// every connection, and then never reads: a peer whose process hangs.
func stuckPeer(t *testing.T, id raft.NodeID) string {
	listener := freeListener(t)
	t.Cleanup(func() { listener.Close() })
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { conn.Close() })
			conn.SetDeadline(time.Now().Add(5 * time.Second))
			serverHandshake(conn, bufio.NewReader(conn), testSecret, id, wire.Limits{}, func(clientHello) string { return "" })
			conn.SetDeadline(time.Time{})
		}
	}()
	return listener.Addr().String()
}

// A peer that accepts and stops reading fills the kernel's buffers, then
// its write deadline fires: its connection is dropped, its messages
// counted, and the other peer's link never notices.
func TestStuckPeerDoesNotBlockOthers(t *testing.T) {
	transports := startCluster(t, []raft.NodeID{1, 2}, map[raft.NodeID]string{3: stuckPeer(t, 3)}, func(config *Config) {
		config.WriteTimeout = 200 * time.Millisecond
		config.QueueSize = 64
	})
	n1, n2 := transports[1], transports[2]
	eventually(t, "n1 connected to the stuck n3", func() bool { return n1.Stats()[3].Connected })
	big := raft.Message{Type: raft.MsgAppendEntries, From: 1, To: 3, Term: 1,
		Entries: []raft.Entry{{Index: 1, Term: 1, Command: make([]byte, 1<<20)}}}
	for range 64 {
		n1.Send(big)
	}
	// While n1's writer to n3 is blocked, n2 hears from n1 at once.
	for term := raft.Term(1); term <= 20; term++ {
		n1.Send(heartbeat(1, 2, term))
		if got := receiveOne(t, n2); got.Term != term {
			t.Fatalf("n2 got term %d, want %d", got.Term, term)
		}
	}
	eventually(t, "n1 gave up on the stuck n3", func() bool {
		return strings.Contains(n1.Stats()[3].LastError, "write timeout")
	})
	if stats := n1.Stats()[3]; stats.Dropped == 0 {
		t.Errorf("n1's stats for n3 %+v, want messages counted as dropped", stats)
	}
}

func TestStatsCountTheLinks(t *testing.T) {
	transports := startCluster(t, []raft.NodeID{1, 2}, nil, nil)
	n1, n2 := transports[1], transports[2]
	for term := range raft.Term(5) {
		n1.Send(heartbeat(1, 2, term))
	}
	for range 5 {
		receiveOne(t, n2)
	}
	eventually(t, "n1 counted its sends", func() bool { return n1.Stats()[2].Sent == 5 })
	if stats := n1.Stats()[2]; !stats.Connected || stats.Dropped != 0 || stats.Queued != 0 {
		t.Errorf("n1's stats for n2: %+v", stats)
	}
	// The count follows the hand-over to Receive, so it may trail the
	// message the test has already taken.
	eventually(t, "n2 counted what it received", func() bool { return n2.Stats()[1].Received == 5 })
	if stats := n2.Stats()[1]; stats.Rejected != 0 {
		t.Errorf("n2's stats for n1: %+v, want nothing rejected", stats)
	}
	// A message that does not claim to be from n1 never leaves it.
	n1.Send(heartbeat(3, 2, 9))
	if stats := n1.Stats()[2]; stats.Dropped != 1 || !strings.Contains(stats.LastError, "From n3") {
		t.Errorf("after a message From n3: %+v, want it dropped with a reason", stats)
	}
}

// A message over the limits is dropped at the sender, with a reason,
// instead of making the receiver close the connection.
func TestMessageOverTheLimitsIsDroppedAtTheSender(t *testing.T) {
	limits := wire.Limits{MaxCommandBytes: 1024}
	transports := startCluster(t, []raft.NodeID{1, 2}, nil, func(config *Config) { config.Limits = limits })
	n1, n2 := transports[1], transports[2]
	n1.Send(raft.Message{Type: raft.MsgAppendEntries, From: 1, To: 2, Term: 1,
		Entries: []raft.Entry{{Index: 1, Term: 1, Command: make([]byte, 2048)}}})
	n1.Send(heartbeat(1, 2, 2))
	if got := receiveOne(t, n2); got.Term != 2 {
		t.Fatalf("n2 got %+v, want the heartbeat after the dropped message", got)
	}
	if stats := n1.Stats()[2]; stats.Dropped != 1 || !strings.Contains(stats.LastError, "MaxCommandBytes") {
		t.Errorf("n1's stats for n2: %+v, want one drop naming MaxCommandBytes", stats)
	}
	if stats := n2.Stats()[1]; stats.Rejected != 0 {
		t.Errorf("n2 rejected %d connections from n1, want 0", stats.Rejected)
	}
}

// A node that dials an address where another node answers is refused, and
// says so.
func TestWrongPeerAddressIsReported(t *testing.T) {
	transports := startCluster(t, []raft.NodeID{1, 2}, nil, nil)
	// n4 believes n3 lives at n2's address.
	n4, err := Listen(fastConfig(t, 4, freeListener(t), map[raft.NodeID]string{3: transports[2].Addr().String()}))
	if err != nil {
		t.Fatal(err)
	}
	defer n4.Close()
	eventually(t, "n4 reports the refusal", func() bool {
		stats := n4.Stats()[3]
		return stats.Rejected > 0 && strings.Contains(stats.LastError, "not a peer of n2")
	})
	if stats := n4.Stats()[3]; stats.Connected || stats.Sent != 0 {
		t.Errorf("n4's stats for n3: %+v", stats)
	}
}

func TestListenRejectsBadConfig(t *testing.T) {
	good := Config{ID: 1, Listen: "127.0.0.1:0", Secret: testSecret}
	for name, test := range map[string]struct {
		change func(*Config)
		want   string
	}{
		"no ID":          {func(c *Config) { c.ID = raft.None }, "ID"},
		"short secret":   {func(c *Config) { c.Secret = []byte("short") }, "at least 16"},
		"peer zero":      {func(c *Config) { c.Peers = map[raft.NodeID]string{0: "x:1"} }, "node IDs start at 1"},
		"no address":     {func(c *Config) { c.Peers = map[raft.NodeID]string{2: ""} }, "no address"},
		"no listen":      {func(c *Config) { c.Listen = "" }, "no Listen address"},
		"negative queue": {func(c *Config) { c.QueueSize = -1 }, "QueueSize"},
		"backoff":        {func(c *Config) { c.ReconnectMin, c.ReconnectMax = time.Second, time.Millisecond }, "reconnect"},
	} {
		config := good
		test.change(&config)
		_, err := Listen(config)
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), test.want) {
			t.Errorf("%s: got %v, want ErrConfig mentioning %q", name, err, test.want)
		}
	}
	if _, err := Listen(Config{ID: 1, Listen: "256.0.0.1:0", Secret: testSecret}); err == nil || !strings.Contains(err.Error(), "cannot listen") {
		t.Errorf("a bad listen address: got %v", err)
	}
}

// Close does not wait out a handshake that hangs: peer n2 accepts the
// connection and never answers, and the handshake timeout is a minute.
func TestCloseIsPromptDuringAHandshake(t *testing.T) {
	silent := freeListener(t)
	defer silent.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		conn, err := silent.Accept()
		if err == nil {
			accepted <- conn
		}
	}()
	transports := startCluster(t, []raft.NodeID{1}, map[raft.NodeID]string{2: silent.Addr().String()}, func(config *Config) {
		config.HandshakeTimeout = time.Minute
	})
	transports[1].Send(heartbeat(1, 2, 1))
	select {
	case conn := <-accepted:
		defer conn.Close()
	case <-time.After(5 * time.Second):
		t.Fatal("n1 never dialed n2")
	}
	start := time.Now()
	transports[1].Close()
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Close took %v during a handshake", took)
	}
	if _, ok := <-transports[1].Receive(); ok {
		t.Error("Receive still open after Close")
	}
}

func TestBackoffDoublesWithJitterUpToTheCap(t *testing.T) {
	random := newTestRand()
	for attempt, want := range []time.Duration{10, 20, 40, 80, 100, 100, 100} {
		want *= time.Millisecond
		for range 50 {
			got := backoff(attempt, 10*time.Millisecond, 100*time.Millisecond, random)
			if got < want/2 || got > want {
				t.Fatalf("attempt %d: %v, want %v..%v", attempt, got, want/2, want)
			}
		}
	}
	if got := backoff(1000, time.Second, time.Hour, random); got > time.Hour {
		t.Errorf("a thousand attempts: %v, over the cap", got)
	}
}

// Addr is the listener's address, usable to dial.
func TestAddrIsDialable(t *testing.T) {
	transports := startCluster(t, []raft.NodeID{1}, nil, nil)
	conn, err := net.Dial("tcp", transports[1].Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
}
