// Package transporttest is the contract every raftctl transport keeps,
// written once as a test suite and run against each transport: net/sim
// (through a small adapter in its tests) and net/tcp on loopback. A host
// written against one transport then behaves the same on the other.
//
// The contract, one test each:
//
//   - messages arrive intact and in order on each link, when nothing fails;
//   - every message type, with entries, arrives equal to what was sent;
//   - a dead peer blocks no sends to other peers;
//   - a peer's queue is bounded: past the bound, Send drops the newest
//     message and counts it; what was queued goes out, oldest first, once
//     the peer is up;
//   - after a peer restarts, messages reach it again;
//   - messages to oneself are ignored, and to an unknown node dropped,
//     without disturbing anything else;
//   - Close returns even with a full queue to a dead peer and a full
//     receive channel, closes Receive's channel, and later Sends are
//     harmless.
package transporttest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"raftctl/raft"
)

// Transport is what the suite needs of a transport: the shape of
// tcp.Transport.
type Transport interface {
	// Send queues m for m.To and never blocks.
	Send(m raft.Message)
	// Receive delivers the messages sent to this node.
	Receive() <-chan raft.Message
	// Close stops the transport and closes Receive's channel.
	Close() error
}

// Setup is the network a test asks for.
type Setup struct {
	// Running nodes have a transport from the start.
	Running []raft.NodeID
	// Absent nodes are known to every running node (they have an address)
	// but have no transport until Start: a dead peer.
	Absent []raft.NodeID
	// QueueSize bounds each peer's outgoing queue.
	QueueSize int
}

// Network is one transport implementation under test, set up as asked.
// Its constructor registers the cleanup (closing every transport) with t.
type Network interface {
	// Transport returns the running transport of node id.
	Transport(id raft.NodeID) Transport
	// Start starts an absent or stopped node and returns its transport.
	Start(id raft.NodeID) Transport
	// Stop closes node id's transport: it is dead until Start.
	Stop(id raft.NodeID)
	// Dropped returns how many messages from -> to the sender dropped.
	Dropped(from, to raft.NodeID) uint64
	// Flush lets messages move. A simulated network delivers everything
	// that can be delivered; a real one has nothing to do.
	Flush()
	// Patience is how long a message may take to arrive after Flush: zero
	// for a simulated network (after Flush it has arrived, or it never
	// will), a few seconds for a real one.
	Patience() time.Duration
}

// NewNetwork builds a network for one test.
type NewNetwork func(t *testing.T, setup Setup) Network

// Run runs the whole contract against the transport newNetwork builds.
func Run(t *testing.T, newNetwork NewNetwork) {
	tests := []struct {
		name string
		test func(*testing.T, NewNetwork)
	}{
		{"InOrderAndIntact", testInOrderAndIntact},
		{"EveryMessageTypeRoundTrips", testEveryMessageTypeRoundTrips},
		{"DeadPeerDoesNotBlockOthers", testDeadPeerDoesNotBlockOthers},
		{"QueueBoundDropsNewestAndCounts", testQueueBound},
		{"PeerRestart", testPeerRestart},
		{"SelfAndUnknownNode", testSelfAndUnknownNode},
		{"CloseUnblocksEverything", testCloseUnblocksEverything},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) { test.test(t, newNetwork) })
	}
}

// numbered is a message that carries its sequence number in PrevLogIndex
// and its route in an entry's command, so a receiver can check order and
// content.
func numbered(from, to raft.NodeID, sequence int) raft.Message {
	return raft.Message{
		Type: raft.MsgAppendEntries, From: from, To: to, Term: 7,
		PrevLogIndex: raft.Index(sequence), PrevLogTerm: 6, LeaderCommit: raft.Index(sequence / 2),
		Entries: []raft.Entry{{Index: raft.Index(sequence + 1), Term: 7, Command: fmt.Appendf(nil, "%v->%v #%d", from, to, sequence)}},
	}
}

// receive waits for count messages at transport (the network flushed
// first) and fails the test if they do not come within the network's
// patience.
func receive(t *testing.T, network Network, transport Transport, count int) []raft.Message {
	t.Helper()
	network.Flush()
	var got []raft.Message
	var timeout <-chan time.Time
	if patience := network.Patience(); patience > 0 {
		timer := time.NewTimer(patience)
		defer timer.Stop()
		timeout = timer.C
	}
	for len(got) < count {
		if timeout == nil {
			// A simulated network: everything has arrived or never will.
			select {
			case m, ok := <-transport.Receive():
				if !ok {
					t.Fatalf("Receive closed after %d of %d messages", len(got), count)
				}
				got = append(got, m)
				continue
			default:
			}
		} else {
			select {
			case m, ok := <-transport.Receive():
				if !ok {
					t.Fatalf("Receive closed after %d of %d messages", len(got), count)
				}
				got = append(got, m)
				continue
			case <-timeout:
			}
		}
		t.Fatalf("received %d of %d messages; the last: %s", len(got), count, describe(got))
	}
	return got
}

// tryReceive flushes and returns a message if one arrives at transport
// soon: at once on a simulated network, within a millisecond on a real one.
func tryReceive(network Network, transport Transport) (raft.Message, bool) {
	network.Flush()
	if network.Patience() == 0 {
		select {
		case m := <-transport.Receive():
			return m, true
		default:
			return raft.Message{}, false
		}
	}
	select {
	case m := <-transport.Receive():
		return m, true
	case <-time.After(time.Millisecond):
		return raft.Message{}, false
	}
}

// expectNothing fails if a message is waiting at transport. On a real
// network it cannot prove that nothing will come; tests use it where the
// order of the link already rules that out.
func expectNothing(t *testing.T, transport Transport) {
	t.Helper()
	select {
	case m := <-transport.Receive():
		t.Fatalf("unexpected message %v %v->%v", m.Type, m.From, m.To)
	default:
	}
}

func describe(messages []raft.Message) string {
	if len(messages) == 0 {
		return "none"
	}
	m := messages[len(messages)-1]
	return fmt.Sprintf("%v %v->%v #%d", m.Type, m.From, m.To, m.PrevLogIndex)
}

// testInOrderAndIntact: three nodes each send a stream to each other;
// every receiver gets every stream complete, in order, and equal.
func testInOrderAndIntact(t *testing.T, newNetwork NewNetwork) {
	nodes := []raft.NodeID{1, 2, 3}
	const count = 300
	network := newNetwork(t, Setup{Running: nodes, QueueSize: 1024})
	for sequence := 1; sequence <= count; sequence++ {
		for _, from := range nodes {
			for _, to := range nodes {
				if from != to {
					network.Transport(from).Send(numbered(from, to, sequence))
				}
			}
		}
	}
	for _, to := range nodes {
		got := receive(t, network, network.Transport(to), count*(len(nodes)-1))
		next := map[raft.NodeID]int{}
		for _, m := range got {
			next[m.From]++
			if want := numbered(m.From, to, next[m.From]); !reflect.DeepEqual(m, want) {
				t.Fatalf("at %v, message %d from %v:\n got %+v\nwant %+v", to, next[m.From], m.From, m, want)
			}
		}
	}
	for _, to := range nodes {
		expectNothing(t, network.Transport(to))
	}
}

// everyType returns one message of each type with every field set and
// entries of each kind (a command, a no-op, a large command).
func everyType(from, to raft.NodeID) []raft.Message {
	large := make([]byte, 64<<10)
	for i := range large {
		large[i] = byte(i * 7)
	}
	var messages []raft.Message
	for messageType := raft.MsgRequestVote; messageType <= raft.MsgTimeoutNow; messageType++ {
		value := uint64(messageType)
		messages = append(messages, raft.Message{
			Type: messageType, From: from, To: to, Term: raft.Term(1<<40 + value),
			LastLogIndex: raft.Index(value + 1), LastLogTerm: raft.Term(value + 2),
			PrevLogIndex: raft.Index(value + 3), PrevLogTerm: raft.Term(value + 4),
			Entries: []raft.Entry{
				{Index: raft.Index(value + 4), Term: raft.Term(value + 4), Kind: raft.EntryCommand, Command: []byte("put x 1")},
				{Index: raft.Index(value + 5), Term: raft.Term(value + 4), Kind: raft.EntryNoop},
				{Index: raft.Index(value + 6), Term: raft.Term(value + 4), Kind: raft.EntryCommand, Command: large},
			},
			LeaderCommit: raft.Index(value + 5), VoteGranted: true, Success: true,
			MatchIndex: raft.Index(value + 6), ConflictTerm: raft.Term(value + 7),
			ConflictIndex: raft.Index(value + 8), LogLength: raft.Index(value + 9),
			HintGiven: true, ReadRound: 1<<63 + value,
		})
	}
	// And one without entries.
	return append(messages, raft.Message{Type: raft.MsgAppendEntries, From: from, To: to, Term: 1, LeaderCommit: 3})
}

func testEveryMessageTypeRoundTrips(t *testing.T, newNetwork NewNetwork) {
	network := newNetwork(t, Setup{Running: []raft.NodeID{1, 2}, QueueSize: 64})
	sent := everyType(1, 2)
	for _, m := range sent {
		network.Transport(1).Send(m)
	}
	got := receive(t, network, network.Transport(2), len(sent))
	for i := range sent {
		if !reflect.DeepEqual(got[i], sent[i]) {
			t.Errorf("%v arrived changed:\n got %+v\nwant %+v", sent[i].Type, got[i], sent[i])
		}
	}
}

// testDeadPeerDoesNotBlockOthers: n1 keeps sending to a dead n3, far past
// its queue's bound, and every message to n2 still arrives, in order.
func testDeadPeerDoesNotBlockOthers(t *testing.T, newNetwork NewNetwork) {
	const queueSize, rounds, toDeadPerRound = 8, 50, 3
	network := newNetwork(t, Setup{Running: []raft.NodeID{1, 2}, Absent: []raft.NodeID{3}, QueueSize: queueSize})
	sender, receiver := network.Transport(1), network.Transport(2)
	for round := 1; round <= rounds; round++ {
		for range toDeadPerRound {
			sender.Send(numbered(1, 3, round))
		}
		sender.Send(numbered(1, 2, round))
		got := receive(t, network, receiver, 1)
		if want := numbered(1, 2, round); !reflect.DeepEqual(got[0], want) {
			t.Fatalf("round %d: n2 got %+v, want %+v", round, got[0], want)
		}
	}
	if got, want := network.Dropped(1, 3), uint64(rounds*toDeadPerRound-queueSize); got != want {
		t.Errorf("dropped to dead n3: %d, want %d (all but the %d queued)", got, want, queueSize)
	}
	if got := network.Dropped(1, 2); got != 0 {
		t.Errorf("dropped to live n2: %d, want 0", got)
	}
}

// testQueueBound: past the queue's bound, the newest messages are dropped
// and counted; once the peer starts, the queued ones arrive, oldest first.
func testQueueBound(t *testing.T, newNetwork NewNetwork) {
	const queueSize, extra = 4, 6
	network := newNetwork(t, Setup{Running: []raft.NodeID{1}, Absent: []raft.NodeID{2}, QueueSize: queueSize})
	for sequence := 1; sequence <= queueSize+extra; sequence++ {
		network.Transport(1).Send(numbered(1, 2, sequence))
	}
	network.Flush()
	if got := network.Dropped(1, 2); got != extra {
		t.Fatalf("dropped %d, want %d: a queue of %d and %d messages", got, extra, queueSize, queueSize+extra)
	}
	receiver := network.Start(2)
	got := receive(t, network, receiver, queueSize)
	for i, m := range got {
		if want := numbered(1, 2, i+1); !reflect.DeepEqual(m, want) {
			t.Fatalf("queued message %d: got %+v, want %+v", i+1, m, want)
		}
	}
	// After the queued ones, the link works like any other.
	network.Transport(1).Send(numbered(1, 2, 100))
	if got := receive(t, network, receiver, 1); got[0].PrevLogIndex != 100 {
		t.Fatalf("after the queue drained: got #%d, want #100", got[0].PrevLogIndex)
	}
	if got := network.Dropped(1, 2); got != extra {
		t.Errorf("dropped %d after the peer started, want still %d", got, extra)
	}
}

// testPeerRestart: n2 stops and starts again; n1's messages reach the new
// n2. A message sent while the old connection is dying may be lost (that
// is what Raft's retries are for), so n1 sends until one arrives, and what
// arrives must be in order.
func testPeerRestart(t *testing.T, newNetwork NewNetwork) {
	network := newNetwork(t, Setup{Running: []raft.NodeID{1, 2}, QueueSize: 64})
	network.Transport(1).Send(numbered(1, 2, 1))
	receive(t, network, network.Transport(2), 1)
	network.Stop(2)
	receiver := network.Start(2)

	deadline := time.Now().Add(max(network.Patience(), time.Second))
	for sequence := 2; ; sequence++ {
		network.Transport(1).Send(numbered(1, 2, sequence))
		if m, ok := tryReceive(network, receiver); ok {
			if m.PrevLogIndex > raft.Index(sequence) || m.PrevLogIndex < 2 {
				t.Fatalf("after the restart got #%d, sent #2..#%d", m.PrevLogIndex, sequence)
			}
			// The link is back: the next message must arrive, after any
			// still on the way.
			network.Transport(1).Send(numbered(1, 2, 1000))
			for previous := m.PrevLogIndex; ; {
				next := receive(t, network, receiver, 1)[0]
				if next.PrevLogIndex <= previous {
					t.Fatalf("#%d arrived after #%d", next.PrevLogIndex, previous)
				}
				if next.PrevLogIndex == 1000 {
					return
				}
				previous = next.PrevLogIndex
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no message reached the restarted n2 in %d tries", sequence-1)
		}
	}
}

// testSelfAndUnknownNode: a message to oneself is ignored and one to an
// unknown node dropped; the link to a real peer is untouched.
func testSelfAndUnknownNode(t *testing.T, newNetwork NewNetwork) {
	network := newNetwork(t, Setup{Running: []raft.NodeID{1, 2}, QueueSize: 16})
	network.Transport(1).Send(numbered(1, 1, 1))
	network.Transport(1).Send(numbered(1, 9, 2))
	network.Transport(1).Send(numbered(1, 2, 3))
	if got := receive(t, network, network.Transport(2), 1); got[0].PrevLogIndex != 3 {
		t.Fatalf("n2 got #%d, want #3", got[0].PrevLogIndex)
	}
	// n2's reply comes after anything n1 could have sent itself, had it
	// been delivered: n1 must receive the reply first.
	network.Transport(2).Send(numbered(2, 1, 4))
	got := receive(t, network, network.Transport(1), 1)
	if got[0].From != 2 || got[0].PrevLogIndex != 4 {
		t.Fatalf("n1 got %+v, want n2's #4 (a message to oneself must not be delivered)", got[0])
	}
	expectNothing(t, network.Transport(1))
	if got := network.Dropped(1, 9); got != 1 {
		t.Errorf("dropped to unknown n9: %d, want 1", got)
	}
}

// testCloseUnblocksEverything: n1 has a full queue to a dead peer and a
// full receive channel it never reads; Close still returns, closes the
// channel, and Sends afterwards neither block nor panic.
func testCloseUnblocksEverything(t *testing.T, newNetwork NewNetwork) {
	const queueSize = 4
	network := newNetwork(t, Setup{Running: []raft.NodeID{1, 2}, Absent: []raft.NodeID{3}, QueueSize: queueSize})
	closing, other := network.Transport(1), network.Transport(2)
	for sequence := range 3 * queueSize {
		closing.Send(numbered(1, 3, sequence))
	}
	// Fill n1's receive side: n2 sends more than it can hold, paced so
	// that n2's own queue does not drop them.
	for sequence := range 3 * queueSize {
		other.Send(numbered(2, 1, sequence))
		if sequence%queueSize == queueSize-1 {
			network.Flush()
		}
	}
	network.Flush()

	closed := make(chan error, 1)
	if network.Patience() == 0 {
		closed <- closing.Close()
	} else {
		go func() { closed <- closing.Close() }()
	}
	select {
	case <-closed:
	case <-time.After(max(network.Patience(), time.Second)):
		t.Fatal("Close did not return")
	}
	// Drain: the channel must end.
	for range closing.Receive() {
	}
	closing.Send(numbered(1, 2, 99))
	closing.Close()
}
