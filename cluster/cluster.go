package cluster

import (
	"errors"
	"time"

	"raftctl/check"
	"raftctl/net/sim"
	"raftctl/raft"
	"raftctl/store"
)

// Cluster is a cluster the REPL can drive: Local (simulated, in this
// process) and Remote (real nodes over TCP) both satisfy it, and the REPL
// depends on nothing else. What only a virtual clock can do (tick,
// stabilize, messages in flight, live pacing) is in Simulated.
type Cluster interface {
	// Size is the number of nodes; IDs lists them, n1 first.
	Size() int
	IDs() []NodeID
	// Now is the cluster's time: virtual for Local, wall-clock time since
	// the connection for Remote.
	Now() time.Duration
	Settings() Settings
	SetSettings(Settings) error

	// Observation.
	Status() []NodeStatus
	Log(NodeID) ([]raft.Entry, error)
	KV(NodeID) (map[string]string, error)
	// Subscribe hands f every record from now on (see Local.Subscribe).
	Subscribe(f func(Record)) (cancel func())

	// Faults.
	Kill(NodeID) error
	Restart(id NodeID, wipe bool) error
	Partition(groups [][]NodeID) error
	Cut(from, to NodeID, bothWays bool) error
	Heal()
	Network() sim.LinkConfig
	SetNetwork(sim.LinkConfig) error
	SetLink(from, to NodeID, config sim.LinkConfig, bothWays bool) error
	// Campaign fires a node's election timer now.
	Campaign(NodeID) error

	// Clients (thesis §6.2, §6.3).
	Put(key, value string, at NodeID) (*Call, error)
	Read(key string, at NodeID, mode ReadMode) (*Call, error)
	Delete(key string, at NodeID) (*Call, error)
	Submit(clientID uint64, command store.Command, at NodeID) (*Call, error)
	GetLocal(key string, at NodeID) (value string, found bool, err error)
	// Collect brings the calls of Submit that have finished up to date
	// (Done, Result, Err), on the caller's goroutine: a Call may be read
	// only after it. The REPL calls it after every command; a Remote also
	// releases the records stamped so far, so traces follow their command.
	Collect()

	// WaitFor runs (Local) or waits (Remote) until done holds for the
	// nodes' status rows, or timeout passes; it reports whether done held.
	WaitFor(done func([]NodeStatus) bool, timeout time.Duration) bool

	// Checks (package check/).
	Violations() []check.Violation
	CheckCounts() map[check.Property]int
	CheckLinearizability(timeout time.Duration) (check.LinearizabilityResult, error)

	// Interrupt stops a running wait (Ctrl-C); Interrupted reports and
	// clears it.
	Interrupt()
	Interrupted() bool
	Close() error
}

// Simulated is what only a cluster on a virtual clock can do.
type Simulated interface {
	Cluster
	Tick(n int)
	Advance(time.Duration)
	Stabilize() (delivered int, err error)
	InFlight() []sim.Envelope
	DeliverMessage(id uint64) error
	DropMessage(id uint64) error
	DeliverLink(from, to NodeID, count int) (int, error)
	DropLink(from, to NodeID, count int) (int, error)
	StartLive(speed float64) (stop func(), err error)
	HoldLive() (release func())
	Live() (on bool, speed float64, paused bool)
	Pause() error
	Resume() error
	SetSpeed(float64) error
}

// ErrWallClock answers a command that needs the virtual clock on a real
// cluster.
var ErrWallClock = errors.New("a real cluster runs on wall-clock time: there is no virtual clock to move and no message queue to inspect")

var (
	_ Simulated = (*Local)(nil)
	_ Cluster   = (*Remote)(nil)
)

// WaitFor runs the cluster until done holds for the status rows or
// timeout passes.
func (c *Local) WaitFor(done func([]NodeStatus) bool, timeout time.Duration) bool {
	return c.RunUntil(func(view View) bool { return done(view.Status()) }, timeout)
}

// Collect does nothing: a Local call is brought up to date while the
// cluster runs, on the caller's goroutine.
func (c *Local) Collect() {}
