// Package cluster hosts Raft cores. Local runs N nodes in one process on
// the simulated network and a virtual clock: same seed and same
// operations, same history.
package cluster

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"raftctl/check"
	"raftctl/net/sim"
	"raftctl/raft"
	"raftctl/store"
)

// NodeID names a node (n1..n9).
type NodeID = raft.NodeID

// MaxNodes is the largest cluster: nodes are named n1..n9.
const MaxNodes = 9

// Errors a caller can test for.
var (
	ErrUnknownNode = errors.New("unknown node")
	ErrNodeDown    = errors.New("node is down")
	ErrNodeUp      = errors.New("node is running")
	ErrTimeout     = errors.New("timed out")
	ErrNotLeader   = errors.New("not the leader")
)

// Local is a cluster of N nodes in one process. All methods are safe for
// concurrent use; the simulation itself runs on the caller's goroutine.
type Local struct {
	mu       sync.Mutex
	seed     uint64
	ids      []raft.NodeID
	settings Settings
	now      time.Duration
	nodes    []*localNode
	network  *sim.Network
	checker  *check.Checker
	clients  clients
	random   *rand.Rand

	subscribers subscribers
	recordSeq   uint64
	// violations found so far, in order.
	violations []check.Violation

	sending           bool
	dropsWhileSending []Record

	// live is the pacer while live pacing is on (nil: manual pacing).
	live *livePacer
	// history is every finished client request (history.go).
	history historyLog
	// stamp counts client calls and returns (history.go, nextStamp).
	stamp          uint64
	historyDropped int
	// interrupt is set by Interrupt (Ctrl-C) and stops the clock's loops.
	interrupt atomic.Bool
	// decoded shares decoded commands between the nodes (apply_decoded.go).
	decoded decodedCommands
	// disk: proposals and messages waiting for disk writes (disk.go).
	disk diskState
}

// localNode is one server: a core while it runs, and what survives a
// crash (its storage).
type localNode struct {
	id      raft.NodeID
	core    *raft.Node // nil while the node is down
	storage nodeStorage
	kv      *store.KV
	// nextTick is when the node's clock next ticks; nodes tick at the same
	// rate with different phases, as real servers do.
	nextTick time.Duration
	restarts uint64
	// unchanged: the checker has seen entries 1..unchanged as they are.
	unchanged raft.Index
	// applied is the last index applied to kv; readsWaiting are confirmed
	// reads waiting for it to reach their index (read.go).
	applied      raft.Index
	readsWaiting []raft.ReadState
	// unsynced: batches in the disk's cache under lazy sync (lazysync.go).
	unsynced []unsyncedSave
	// writing is the write in flight on the node's disk, nil when it is
	// idle; lastWrite is the last one started on the real disk, which may
	// still run after its virtual end (disk.go).
	writing, lastWrite *diskWrite
	// joining: the node was added to a running cluster and starts with no
	// configuration (membership.go, thesis §4.4).
	joining bool
	// snapshots decides when the node snapshots on its own
	// (snapshot_policy.go).
	snapshots snapshotPolicy
	// clockRate is how fast the node's clock runs against real time; 0
	// means 1, a correct clock (clock_drift.go).
	clockRate float64
}

// New builds a cluster of n nodes (1 to 9), all followers in term 0.
func New(n int, seed uint64, settings Settings) (*Local, error) {
	if n < 1 || n > MaxNodes {
		return nil, fmt.Errorf("cluster size %d: want 1 to %d nodes", n, MaxNodes)
	}
	storages := make([]nodeStorage, n)
	for i := range storages {
		storages[i] = memoryStorage{store.NewMemory()}
	}
	return build(n, seed, settings, storages)
}

// build assembles a cluster on the given storages, one per node.
func build(n int, seed uint64, settings Settings, storages []nodeStorage) (*Local, error) {
	if n < 1 || n > MaxNodes {
		return nil, fmt.Errorf("cluster size %d: want 1 to %d nodes", n, MaxNodes)
	}
	if err := settings.Validate(); err != nil {
		return nil, err
	}
	ids := make([]raft.NodeID, n)
	for i := range ids {
		ids[i] = raft.NodeID(i + 1)
	}
	c := &Local{
		seed:     seed,
		ids:      ids,
		settings: settings,
		network:  sim.New(seed, ids),
		checker:  check.New(check.WithCommandFormat(formatCommand), check.WithBootstrapConfiguration(ids)),
		random:   rand.New(rand.NewPCG(seed, 0x636c7573746572)),
	}
	c.clients.init()
	c.network.OnDrop(func(envelope sim.Envelope, reason sim.DropReason) {
		drop := Record{Kind: RecordDrop, Node: envelope.Message.From, Message: envelope.Message, MessageID: envelope.ID, Text: reason.String()}
		if c.sending {
			// Lost as it was sent: report it after the send.
			c.dropsWhileSending = append(c.dropsWhileSending, drop)
			return
		}
		c.publish(drop)
	})
	for _, id := range ids {
		node := &localNode{id: id, storage: storages[id-1]}
		// A phase in (0, tick]: no two nodes tick at the same instant.
		node.nextTick = time.Duration(1 + c.random.Int64N(int64(settings.Tick)))
		c.nodes = append(c.nodes, node)
		if err := c.start(node); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Size returns the number of nodes.
func (c *Local) Size() int { return len(c.nodes) }

// Seed returns the seed the cluster was built with.
func (c *Local) Seed() uint64 { return c.seed }

// Now returns the virtual time.
func (c *Local) Now() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// IDs returns the node ids, n1 first.
func (c *Local) IDs() []raft.NodeID { return append([]raft.NodeID(nil), c.ids...) }

func (c *Local) node(id raft.NodeID) (*localNode, error) {
	if id < 1 || int(id) > len(c.nodes) {
		return nil, fmt.Errorf("%w %v (nodes: n1..n%d)", ErrUnknownNode, id, len(c.nodes))
	}
	return c.nodes[id-1], nil
}

// start builds a node's core from its storage (thesis §3.8). The state
// machine is volatile: it starts from the stored snapshot (empty without
// one) and is rebuilt by applying the log after it again once the node
// learns the commit index (compaction.go).
func (c *Local) start(node *localNode) error {
	seed := c.seed ^ uint64(node.id)<<56 ^ node.restarts*0x9e3779b97f4a7c15
	core, err := raft.NewNode(c.coreConfig(node, seed), node.storage)
	if err != nil {
		return err
	}
	node.core = core
	if err := c.loadStateMachine(node); err != nil {
		node.core = nil
		return err
	}
	node.unchanged = 0 // storage may have changed while down (a wipe)
	c.process(node)
	return nil
}

// Kill crashes a node: its volatile state and the messages in flight to
// and from it are lost; its storage survives.
func (c *Local) Kill(id raft.NodeID) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	node, err := c.node(id)
	if err != nil {
		return err
	}
	if node.core == nil {
		return fmt.Errorf("%v: %w already", id, ErrNodeDown)
	}
	c.crash(node)
	return nil
}

// crash stops a running node.
func (c *Local) crash(node *localNode) {
	c.loseVolatileState(node)
	c.publish(Record{Kind: RecordFault, Node: node.id, Text: "killed"})
}

// loseVolatileState is what a crash does to a running node: a write in
// flight ends (disk.go), the disk's cache is lost under lazy sync, the
// core, its state machine and the reads it was serving are gone, and so
// are the messages in flight to and from it.
func (c *Local) loseVolatileState(node *localNode) {
	c.crashDuringWrite(node)
	c.loseUnsynced(node)
	node.readsWaiting, node.applied = nil, 0
	node.core = nil
	node.kv = nil
	c.network.DropNode(node.id)
	c.clients.nodeDown(c, node.id)
}

// Restart starts a crashed node again from its storage; with wipe, the
// storage is erased first (a lost disk: unsafe, thesis §3.8).
func (c *Local) Restart(id raft.NodeID, wipe bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	node, err := c.node(id)
	if err != nil {
		return err
	}
	if node.core != nil {
		return fmt.Errorf("%v: %w (kill it first)", id, ErrNodeUp)
	}
	text := "restarted"
	if wipe {
		if err := node.storage.Wipe(); err != nil {
			return err
		}
		text = "restarted with a wiped disk"
	}
	node.restarts++
	c.publish(Record{Kind: RecordFault, Node: id, Text: text})
	return c.start(node)
}

// Settings returns the current settings.
func (c *Local) Settings() Settings {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.settings
}

// SetSettings changes the settings of every node, running or not.
func (c *Local) SetSettings(settings Settings) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := settings.Validate(); err != nil {
		return err
	}
	if settings.Tick != c.settings.Tick {
		return fmt.Errorf("the tick length cannot change in a running cluster (start a new one)")
	}
	c.settings = settings
	for _, node := range c.nodes {
		if node.core != nil {
			// Cannot fail: Validate checked the same configuration.
			_ = node.core.UpdateConfig(settings.config(node.id, c.ids, 0))
		}
	}
	return nil
}

// Violations returns the safety violations found so far.
func (c *Local) Violations() []check.Violation {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]check.Violation(nil), c.violations...)
}

// CheckCounts returns how many checks of each property have run.
func (c *Local) CheckCounts() map[check.Property]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.checker.Counts()
}

// formatCommand shows a command in a violation's evidence as `x=2`.
func formatCommand(data []byte) string {
	command, err := store.DecodeCommand(data)
	if err != nil {
		if configuration, err := raft.DecodeConfiguration(data); err == nil {
			return "config " + configuration.String()
		}
		return fmt.Sprintf("%x", data)
	}
	switch command.Op {
	case store.OpPut:
		return command.Key + "=" + command.Value
	default:
		return command.Op.String() + " " + command.Key
	}
}
