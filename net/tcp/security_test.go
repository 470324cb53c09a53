package tcp

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"raftctl/net/wire"
	"raftctl/raft"
)

// Attacks on a real listener on loopback. Each test checks the three
// things that matter: the bad connection is closed with a reason in the
// log, nothing it sent is delivered, and the node goes on serving its good
// peers.

// victim is n1 of a two-node cluster whose log is kept for inspection.
type victim struct {
	n1, n2 *Transport
	log    *logBuffer
	// marker is the term of n2's latest genuine heartbeat.
	marker raft.Term
}

func newVictim(t *testing.T, adjust func(*Config)) *victim {
	log := &logBuffer{}
	// n3 is a member with no transport of its own: the attacks that hold
	// the secret authenticate as n3, so they never disturb n2's genuine
	// connection (a newer connection from a peer replaces the older). At
	// n3's address a listener takes n1's connection and holds it, so n1's
	// errors for n3 are the attacks' only.
	transports := startCluster(t, []raft.NodeID{1, 2}, map[raft.NodeID]string{3: stuckPeer(t, 3)}, func(config *Config) {
		if config.ID == 1 {
			config.Logger = slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))
			config.HandshakeTimeout = 500 * time.Millisecond
		}
		if adjust != nil {
			adjust(config)
		}
	})
	v := &victim{n1: transports[1], n2: transports[2], log: log}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("n1's log:\n%s", log)
		}
	})
	v.checkGoodPeer(t)
	return v
}

// checkGoodPeer has n2 send a heartbeat of a new term and expects it to
// be the next message n1 delivers: anything an attacker slipped in would
// come first.
func (v *victim) checkGoodPeer(t *testing.T) {
	t.Helper()
	v.marker++
	v.n2.Send(heartbeat(2, 1, v.marker))
	v.expectNext(t, 2, v.marker)
}

// expectNext expects the next message n1 delivers to be from `from` with
// term.
func (v *victim) expectNext(t *testing.T, from raft.NodeID, term raft.Term) {
	t.Helper()
	if m := receiveOne(t, v.n1); m.From != from || m.Term != term {
		t.Fatalf("n1 delivered %+v, want %v's message of term %d", m, from, term)
	}
}

func (v *victim) address() string { return v.n1.Addr().String() }

// expectClosed reads from conn until the node closes it, and fails if it
// does not within a few seconds. It returns how long that took.
func expectClosed(t *testing.T, conn net.Conn) time.Duration {
	t.Helper()
	start := time.Now()
	conn.SetReadDeadline(start.Add(5 * time.Second))
	_, err := io.Copy(io.Discard, conn)
	if isTimeout(err) {
		t.Fatal("the node kept the connection open")
	}
	return time.Since(start)
}

// rawDial opens a plain TCP connection to address.
func rawDial(t *testing.T, address string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", address)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// peerSession runs a genuine handshake as node from against the node at
// address, on a raw connection the test can then abuse.
func peerSession(t *testing.T, address string, from, to raft.NodeID) *session {
	t.Helper()
	conn := rawDial(t, address)
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	s, err := clientHandshake(conn, bufio.NewReader(conn), testSecret, peerConnection, from, to, wire.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPeerWithWrongSecretIsRefused(t *testing.T) {
	v := newVictim(t, nil)
	// An impostor claiming to be n2, with another secret, sending votes.
	impostor, err := Listen(Config{
		ID: 2, Listener: freeListener(t), Peers: map[raft.NodeID]string{1: v.address()},
		Secret: []byte("another cluster's secret, 32 by!"), Logger: testLogger(t),
		ReconnectMin: 5 * time.Millisecond, ReconnectMax: 20 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer impostor.Close()
	impostor.Send(raft.Message{Type: raft.MsgRequestVote, From: 2, To: 1, Term: 666})
	eventually(t, "n1 refused the impostor a few times", func() bool { return v.n1.ListenerStats().Refused >= 3 })

	if stats := impostor.Stats()[1]; stats.Connected || stats.Sent != 0 || !strings.Contains(stats.LastError, "secret") {
		t.Errorf("impostor's view of n1: %+v; want never connected, nothing sent, an error naming the secret", stats)
	}
	if last := v.n1.ListenerStats().LastRefusal; !strings.Contains(last, "authentication") {
		t.Errorf("n1's last refusal %q, want a failed authentication", last)
	}
	if !strings.Contains(v.log.String(), "connection refused") {
		t.Error("n1 did not log the refusal")
	}
	v.checkGoodPeer(t)
}

func TestControlClientWithWrongSecretIsRefused(t *testing.T) {
	var calls atomic.Int32
	v := newVictim(t, func(config *Config) {
		config.Control = func(*Conn) { calls.Add(1) }
	})
	_, err := dialControl(t, v.address(), []byte("another cluster's secret, 32 by!"))
	if !errors.Is(err, ErrHandshake) || !strings.Contains(err.Error(), "secret") {
		t.Fatalf("got %v, want a failed handshake naming the secret", err)
	}
	eventually(t, "n1 counted the refusal", func() bool { return v.n1.ListenerStats().Refused == 1 })
	if calls.Load() != 0 {
		t.Errorf("Control was called %d times for an unauthenticated client", calls.Load())
	}
	v.checkGoodPeer(t)
}

func TestControlRefusedWhenDisabled(t *testing.T) {
	v := newVictim(t, nil)
	_, err := dialControl(t, v.address(), testSecret)
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "does not accept control connections") {
		t.Fatalf("got %v, want ErrRefused saying control connections are off", err)
	}
}

// Hostile bytes before any handshake: each closes its connection, with a
// reason, and nothing else.
func TestGarbageBeforeTheHandshakeClosesTheConnection(t *testing.T) {
	v := newVictim(t, nil)
	random := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	var hello bytes.Buffer
	wire.WriteFrame(&hello, testSecret, clientHello{Version: handshakeVersion, Kind: peerConnection, From: 2, To: 1, Nonce: freshNonce()}.encode())
	badTag := bytes.Clone(hello.Bytes())
	badTag[len(badTag)-1] ^= 1
	for _, attack := range []struct {
		name   string
		data   []byte
		reason string
	}{
		{"random bytes", random, "too large"},
		{"1 GiB length prefix", binary.BigEndian.AppendUint32(nil, 1<<30), "too large"},
		{"a bad tag", badTag, "authentication"},
		{"a truncated hello, then silence", hello.Bytes()[:20], "no handshake within"},
		{"a hello, then silence", hello.Bytes(), "no handshake within"},
		{"nothing at all", nil, "no handshake within"},
	} {
		t.Run(attack.name, func(t *testing.T) {
			before := v.n1.ListenerStats().Refused
			conn := rawDial(t, v.address())
			conn.Write(attack.data)
			took := expectClosed(t, conn)
			eventually(t, "n1 counted the refusal", func() bool { return v.n1.ListenerStats().Refused == before+1 })
			if last := v.n1.ListenerStats().LastRefusal; !strings.Contains(last, attack.reason) {
				t.Errorf("refusal %q, want it to mention %q", last, attack.reason)
			}
			if attack.reason == "no handshake within" && took < 400*time.Millisecond {
				t.Errorf("an idle connection was closed after %v, before the 500ms handshake timeout", took)
			}
			v.checkGoodPeer(t)
		})
	}
}

// A handshake recorded on the wire and played again: the node's fresh nonce
// makes the recorded proof worthless.
func TestReplayedHandshakeOnTheWireIsRefused(t *testing.T) {
	v := newVictim(t, nil)
	conn := rawDial(t, v.address())
	recorder := &recordingConn{Conn: conn}
	if _, err := clientHandshake(recorder, bufio.NewReader(conn), testSecret, peerConnection, 3, 1, wire.Limits{}); err != nil {
		t.Fatal(err)
	}
	replay := rawDial(t, v.address())
	replay.Write(recorder.written.Bytes())
	expectClosed(t, replay)
	eventually(t, "n1 refused the replay", func() bool {
		return strings.Contains(v.n1.ListenerStats().LastRefusal, "replayed or forged handshake")
	})
	v.checkGoodPeer(t)
}

// Abuse after a genuine handshake: each closes that connection and counts
// a rejection under the peer, and nothing of it is delivered.
func TestBadFramesAfterTheHandshakeCloseTheConnection(t *testing.T) {
	v := newVictim(t, nil)
	frame := func(s *session, m raft.Message) []byte {
		var buffer bytes.Buffer
		s.sender.WriteFrame(&buffer, 1, wire.EncodeMessage(m))
		return buffer.Bytes()
	}
	earlier := peerSession(t, v.address(), 3, 1)
	recorded := frame(earlier, heartbeat(3, 1, 500))

	for _, attack := range []struct {
		name string
		// data returns what to send on a fresh authenticated session.
		data   func(s *session) []byte
		reason string
	}{
		{"a replayed frame", func(s *session) []byte {
			once := frame(s, heartbeat(3, 1, 500))
			return append(bytes.Clone(once), once...)
		}, "replayed frame"},
		{"a frame from another connection", func(*session) []byte { return recorded }, "authentication"},
		{"a message From another node", func(s *session) []byte { return frame(s, heartbeat(2, 1, 500)) }, "From n2 on the connection authenticated as n3"},
		{"a message To another node", func(s *session) []byte { return frame(s, heartbeat(3, 2, 500)) }, "To n2"},
		{"a 1 GiB length prefix", func(*session) []byte { return binary.BigEndian.AppendUint32(nil, 1<<30) }, "too large"},
		{"garbage", func(*session) []byte { return bytes.Repeat([]byte{0x00, 0x00, 0x00, 0x05, 0xff}, 20) }, "authentication"},
		{"a truncated frame", func(s *session) []byte { return frame(s, heartbeat(3, 1, 500))[:10] }, "unexpected EOF"},
	} {
		t.Run(attack.name, func(t *testing.T) {
			before := v.n1.Stats()[3].Rejected
			s := peerSession(t, v.address(), 3, 1)
			s.conn.Write(attack.data(s))
			if attack.name == "a truncated frame" {
				s.conn.(*net.TCPConn).CloseWrite()
			}
			expectClosed(t, s.conn)
			eventually(t, "n1 rejected the connection", func() bool { return v.n1.Stats()[3].Rejected == before+1 })
			if last := v.n1.Stats()[3].LastError; !strings.Contains(last, attack.reason) {
				t.Errorf("n1's last error for n2 %q, want it to mention %q", last, attack.reason)
			}
			// The replayed frame's first copy is genuine and is delivered;
			// nothing else of any attack may be.
			if attack.name == "a replayed frame" {
				v.expectNext(t, 3, 500)
			}
			v.checkGoodPeer(t)
		})
	}
}

// Connections claiming 1 GiB frames, before and after the handshake, and
// frames within the limit of which only the length arrives, cost the node
// kilobytes each, not what they claim.
func TestHugeLengthPrefixesDoNotAllocate(t *testing.T) {
	v := newVictim(t, nil)
	const rounds = 40
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	refusedBefore, rejectedBefore := v.n1.ListenerStats().Refused, v.n1.Stats()[3].Rejected
	for range rounds {
		conn := rawDial(t, v.address())
		conn.Write(binary.BigEndian.AppendUint32(nil, 1<<30))
		expectClosed(t, conn)

		s := peerSession(t, v.address(), 3, 1)
		s.conn.Write(binary.BigEndian.AppendUint32(nil, 1<<30))
		expectClosed(t, s.conn)

		// Within the limit (4 MiB), but only 100 bytes ever arrive.
		s = peerSession(t, v.address(), 3, 1)
		s.conn.Write(binary.BigEndian.AppendUint32(nil, 4<<20-100))
		s.conn.Write(make([]byte, 100))
		s.conn.(*net.TCPConn).CloseWrite()
		expectClosed(t, s.conn)
	}
	eventually(t, "n1 refused every connection", func() bool {
		return v.n1.ListenerStats().Refused >= refusedBefore+rounds && v.n1.Stats()[3].Rejected == rejectedBefore+2*rounds
	})
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d connections claiming 1 GiB or 4 MiB each: %d KiB allocated in all", 3*rounds, allocated>>10)
	// Allocating what the 4 MiB frames claim would alone pass 160 MiB.
	if limit := uint64(64 << 20); allocated > limit {
		t.Errorf("allocated %d MiB during the attack, want under %d MiB", allocated>>20, limit>>20)
	}
	v.checkGoodPeer(t)
}

func TestHandshakeSlotsAreBounded(t *testing.T) {
	v := newVictim(t, func(config *Config) {
		if config.ID == 1 {
			config.MaxHandshakes = 2
			config.HandshakeTimeout = 5 * time.Second
		}
	})
	// Two idle connections hold both slots.
	before := v.n1.ListenerStats().Accepted
	idle := []net.Conn{rawDial(t, v.address()), rawDial(t, v.address())}
	eventually(t, "n1 accepted both", func() bool { return v.n1.ListenerStats().Accepted == before+2 })
	// The third is closed at once, long before the handshake timeout.
	third := rawDial(t, v.address())
	if took := expectClosed(t, third); took > 2*time.Second {
		t.Errorf("the connection over the limit was closed after %v", took)
	}
	if stats := v.n1.ListenerStats(); stats.OverLimit != 1 || !strings.Contains(stats.LastRefusal, "MaxHandshakes") {
		t.Errorf("listener stats %+v, want one connection over the limit", stats)
	}
	// The established link is not affected.
	v.checkGoodPeer(t)
	// Freeing the slots lets new connections in again.
	for _, conn := range idle {
		conn.Close()
	}
	eventually(t, "n1 released the slots", func() bool { return v.n1.ListenerStats().Refused >= 2 })
	s := peerSession(t, v.address(), 3, 1)
	s.conn.Close()
}
