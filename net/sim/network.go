package sim

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"raftctl/raft"
)

// networkStream is the PCG stream of the network's random source. The raft
// core seeds node n with stream n (see raft.NewNode), so a stream no node
// can have keeps the network's draws independent of the nodes' draws even
// when they share a seed. 0x6e6574 is "net" in ASCII.
const networkStream = 0x6e6574

// forever is a delivery deadline that every envelope meets.
const forever = time.Duration(math.MaxInt64)

// Network is a simulated network between a fixed set of nodes.
type Network struct {
	random *rand.Rand
	// nodes are the members, sorted, for error messages.
	nodes []raft.NodeID
	// size is one more than the largest member's ID; known, group and links
	// are indexed by NodeID. Clusters have at most 9 nodes, so these stay
	// tiny, but nothing here depends on that limit.
	size  int
	known []bool
	// group is each node's partition group; all zero when there is no
	// partition. Invariant: with a partition, every member has a group >= 1.
	group []int
	// links[from*size+to] is the directed link from -> to.
	links         []link
	defaultConfig LinkConfig
	queue         queue
	// lastID is the ID of the most recent envelope; IDs start at 1.
	lastID uint64
	stats  Stats
	onDrop func(e Envelope, reason DropReason)
}

// link is the state of one directed link that is not the partition's.
type link struct {
	// cut is set by Cut and cleared only by Heal.
	cut bool
	// custom says config overrides the network default.
	custom bool
	config LinkConfig
}

// New builds a network between nodes, with every link open and configured
// by DefaultLinkConfig. seed drives every random choice of the network.
// It panics on raft.None or a node named twice: the cluster builds the list,
// so either is a bug in the caller, not a user mistake.
func New(seed uint64, nodes []raft.NodeID) *Network {
	sorted := slices.Clone(nodes)
	slices.Sort(sorted)
	for i, id := range sorted {
		if id == raft.None {
			panic("sim.New: node ID 0 is raft.None, not a node")
		}
		if i > 0 && sorted[i-1] == id {
			panic(fmt.Sprintf("sim.New: node %v is named twice", id))
		}
	}
	size := 1
	if len(sorted) > 0 {
		size = int(sorted[len(sorted)-1]) + 1
	}
	n := &Network{
		random:        rand.New(rand.NewPCG(seed, networkStream)),
		nodes:         sorted,
		size:          size,
		known:         make([]bool, size),
		group:         make([]int, size),
		links:         make([]link, size*size),
		defaultConfig: DefaultLinkConfig(),
	}
	for _, id := range sorted {
		n.known[id] = true
	}
	return n
}

// Send puts m on the wire at virtual time now. The message is lost at once
// if its link is cut or partitioned, or by the link's Drop probability;
// otherwise it arrives after a random latency, and by the Duplicate
// probability a second copy arrives after a latency of its own.
// Messages to oneself never touch a network and are ignored. Send returns
// the message's ID (0 for a message to oneself).
func (n *Network) Send(now time.Duration, m raft.Message) uint64 {
	if m.From == m.To {
		return 0
	}
	n.stats.Sent++
	config := n.Link(m.From, m.To)
	// Every send makes the same four draws, whatever the link's state and
	// config, so a change to one link (a cut, a loss rate) shifts no random
	// choice of any other message: the rest of a run stays comparable.
	lossDraw := n.random.Float64()
	delay := n.drawDelay(config)
	duplicateDraw := n.random.Float64()
	duplicateDelay := n.drawDelay(config)

	e := Envelope{ID: n.nextID(), Message: m, SentAt: now, DeliverAt: now + delay}
	if reason, blocked := n.blocked(m.From, m.To); blocked {
		n.drop(e, reason)
		return e.ID
	}
	// Float64 is in [0, 1): Drop 0 never fires and Drop 1 always does.
	if lossDraw < config.Drop {
		n.drop(e, DropLoss)
		return e.ID
	}
	n.queue.push(e)
	if duplicateDraw < config.Duplicate {
		duplicate := e
		duplicate.ID = n.nextID()
		duplicate.DeliverAt = now + duplicateDelay
		n.stats.Duplicated++
		n.queue.push(duplicate)
	}
	return e.ID
}

// drawDelay draws a latency uniformly in [DelayMin, DelayMax] from exactly
// one 64-bit draw (the high half of a 64x64 product, Lemire's method without
// the rejection step: the bias is below span/2^64, far below anything a
// simulation can observe).
func (n *Network) drawDelay(c LinkConfig) time.Duration {
	span := uint64(c.DelayMax-c.DelayMin) + 1
	offset, _ := bits.Mul64(n.random.Uint64(), span)
	return c.DelayMin + time.Duration(offset)
}

func (n *Network) nextID() uint64 {
	n.lastID++
	return n.lastID
}

// NextDeliveryTime returns the earliest DeliverAt in flight, so the host can
// move its clock straight there. It includes envelopes whose link has been
// cut since they were sent: popping at that time drops them.
func (n *Network) NextDeliveryTime() (time.Duration, bool) {
	return n.queue.peek()
}

// PopDue removes and returns the envelope with the smallest (DeliverAt, ID)
// if it is due at now. An envelope whose link was cut while it was in
// flight is dropped on arrival (counted and reported) and skipped.
func (n *Network) PopDue(now time.Duration) (Envelope, bool) {
	return n.popUntil(now)
}

// PopNext is PopDue without the deadline: it takes the next envelope in
// delivery order however far in the future it is due. "stabilize" uses it
// to deliver everything without moving the clock.
func (n *Network) PopNext() (Envelope, bool) {
	return n.popUntil(forever)
}

func (n *Network) popUntil(deadline time.Duration) (Envelope, bool) {
	for {
		deliverAt, ok := n.queue.peek()
		if !ok || deliverAt > deadline {
			return Envelope{}, false
		}
		e := n.queue.pop()
		if reason, blocked := n.blocked(e.Message.From, e.Message.To); blocked {
			n.drop(e, reason)
			continue
		}
		n.stats.Delivered++
		return e, true
	}
}

// InFlight returns copies of the envelopes on the wire in delivery order.
func (n *Network) InFlight() []Envelope {
	return n.queue.sorted()
}

// Len returns how many envelopes are in flight.
func (n *Network) Len() int {
	return n.queue.len()
}

// Stats returns the counters so far.
func (n *Network) Stats() Stats {
	return n.stats
}

// OnDrop sets the observer told of every dropped envelope (nil: nobody).
// It is called synchronously, after the network has updated its state, so
// it may call back into the network.
func (n *Network) OnDrop(f func(e Envelope, reason DropReason)) {
	n.onDrop = f
}

func (n *Network) drop(e Envelope, reason DropReason) {
	n.stats.Dropped++
	if n.onDrop != nil {
		n.onDrop(e, reason)
	}
}

// knows reports whether id is a member of the network.
func (n *Network) knows(id raft.NodeID) bool {
	return int(id) < n.size && n.known[id]
}

// nodeList renders the members for error messages: "n1 n2 n3".
func (n *Network) nodeList() string {
	names := make([]string, len(n.nodes))
	for i, id := range n.nodes {
		names[i] = id.String()
	}
	return strings.Join(names, " ")
}

func (n *Network) unknownNode(id raft.NodeID) error {
	return fmt.Errorf("%w %v (nodes: %s)", ErrUnknownNode, id, n.nodeList())
}
