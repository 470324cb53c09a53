package cluster

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	mathrand "math/rand/v2"
	"slices"
	"sync"
	"time"

	"raftctl/raft"
	"raftctl/store"
)

// Host is one real node: a core, its durable storage, a transport to the
// other nodes and a wall-clock ticker; what `raftctl node` runs on a
// Raspberry Pi. One goroutine (the loop) owns the core and everything it
// touches; the control server and timers hand it work through a channel.
//
// A control client can crash and restart the core (the process stays up),
// set rules the node applies to its own traffic (partitions, cuts, loss,
// delay), make client requests and read status, logs and a stream of
// records stamped with the wall clock.
type Host struct {
	config HostConfig
	logger *slog.Logger
	now    func() time.Time

	work chan func()
	stop chan struct{}
	done chan struct{}
	// closeOnce guards Close.
	closeOnce sync.Once
	closeErr  error

	// Owned by the loop goroutine.
	core    *raft.Node // nil while crashed
	kv      *store.KV
	applied raft.Index
	// snapshots decides when the node snapshots on its own
	// (snapshot_policy.go).
	snapshots    snapshotPolicy
	restarts     uint64
	rules        LinkRules
	blockedOut   map[raft.NodeID]bool
	blockedIn    map[raft.NodeID]bool
	random       *mathrand.Rand
	proposals    map[raft.Index]*hostWaiter
	reads        map[uint64]*hostWaiter
	readsWaiting []raft.ReadState
	nextRead     uint64
	messageSeq   uint64

	// subscribers receive the node's records (host_stream.go).
	subscribersMu  sync.Mutex
	subscribers    map[int]*hostSubscriber
	nextSubscriber int
}

// HostTransport carries Raft messages between nodes: net/tcp's
// Transport, or a memory network in tests. Send must not block and must
// be safe from any goroutine.
type HostTransport interface {
	Send(raft.Message)
	Receive() <-chan raft.Message
}

// HostStorage is a node's durable state (store.Bolt).
type HostStorage interface {
	store.Storage
	// Wipe erases everything: a lost disk.
	Wipe() error
	Close() error
}

// HostConfig describes one node.
type HostConfig struct {
	ID NodeID
	// Peers lists every member, ID included.
	Peers     []NodeID
	Settings  Settings // zero value: DefaultSettings
	Storage   HostStorage
	Transport HostTransport
	Logger    *slog.Logger // nil: discard
	// Seed drives the election timeouts and the link faults; 0 draws one
	// at random (real nodes should differ).
	Seed uint64
	// Now stamps records; nil is time.Now.
	Now func() time.Time
}

// ErrHostStopped answers requests to a stopped host.
var ErrHostStopped = errors.New("the node is stopping")

// hostWaiter is a client request waiting on the loop.
type hostWaiter struct {
	answer chan controlClientAnswer // buffered: one answer
	term   raft.Term
	index  raft.Index
	key    string
}

// StartHost builds the node's core from its storage (thesis §3.8) and
// starts its loop. The host owns the storage: Close closes it.
func StartHost(config HostConfig) (*Host, error) {
	if config.Settings == (Settings{}) {
		config.Settings = DefaultSettings()
	}
	if err := config.Settings.Validate(); err != nil {
		return nil, err
	}
	if config.Storage == nil || config.Transport == nil {
		return nil, errors.New("a host needs storage and a transport")
	}
	if !slices.Contains(config.Peers, config.ID) {
		return nil, fmt.Errorf("node %v is not among the peers %v", config.ID, config.Peers)
	}
	if config.Seed == 0 {
		var seed [8]byte
		_, _ = rand.Read(seed[:])
		config.Seed = binary.LittleEndian.Uint64(seed[:]) | 1
	}
	logger := config.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	now := config.Now
	if now == nil {
		now = time.Now
	}
	h := &Host{
		config:      config,
		logger:      logger.With("node", config.ID.String()),
		now:         now,
		work:        make(chan func()),
		stop:        make(chan struct{}),
		done:        make(chan struct{}),
		random:      mathrand.New(mathrand.NewPCG(config.Seed, uint64(config.ID))),
		proposals:   map[raft.Index]*hostWaiter{},
		reads:       map[uint64]*hostWaiter{},
		blockedOut:  map[raft.NodeID]bool{},
		blockedIn:   map[raft.NodeID]bool{},
		subscribers: map[int]*hostSubscriber{},
	}
	if err := h.start(); err != nil {
		return nil, err
	}
	go h.loop()
	return h, nil
}

// ID returns the node's id.
func (h *Host) ID() NodeID { return h.config.ID }

// start builds the core from storage; the state machine starts empty and
// is rebuilt by applying the log once the node learns the commit index.
func (h *Host) start() error {
	seed := h.config.Seed ^ h.restarts*0x9e3779b97f4a7c15
	core, err := raft.NewNode(h.config.Settings.config(h.config.ID, h.config.Peers, seed), h.config.Storage)
	if err != nil {
		return err
	}
	h.core = core
	if err := h.loadStateMachine(); err != nil {
		h.core = nil
		return err
	}
	status := core.Status()
	h.logger.Info("core started", "term", uint64(status.Term), "voted_for", status.VotedFor.String(), "last_index", uint64(status.LastIndex))
	h.process()
	return nil
}

// loop is the only goroutine that touches the core.
func (h *Host) loop() {
	defer close(h.done)
	ticker := time.NewTicker(h.config.Settings.Tick)
	defer ticker.Stop()
	receive := h.config.Transport.Receive()
	for {
		select {
		case <-h.stop:
			h.crash("stopped")
			return
		case <-ticker.C:
			if h.core != nil {
				h.core.Tick()
				h.process()
			}
		case message, ok := <-receive:
			if !ok {
				receive = nil
				continue
			}
			h.receive(message)
			receive = h.drain(receive)
			h.process()
		case job := <-h.work:
			job()
			receive = h.drain(receive)
			h.process()
		}
	}
}

// maxBatch bounds how much work one batch takes in before persisting.
const maxBatch = 256

// drain takes in the messages and jobs that are already waiting, so that
// one write to storage (one fsync) covers them all, and one batch of
// messages answers them (thesis §10.2.1: batching). It returns the receive
// channel, nil once closed.
func (h *Host) drain(receive <-chan raft.Message) <-chan raft.Message {
	for range maxBatch {
		select {
		case message, ok := <-receive:
			if !ok {
				return nil
			}
			h.receive(message)
		case job := <-h.work:
			job()
		default:
			return receive
		}
	}
	return receive
}

// do runs job on the loop and waits for it.
func (h *Host) do(job func()) error {
	finished := make(chan struct{})
	select {
	case h.work <- func() { job(); close(finished) }:
	case <-h.done:
		return ErrHostStopped
	}
	<-finished
	return nil
}

// Close stops the loop, crashes the core cleanly (waiting clients are
// told) and closes the storage (bbolt).
func (h *Host) Close() error {
	h.closeOnce.Do(func() {
		close(h.stop)
		<-h.done
		h.closeErr = h.config.Storage.Close()
		h.closeSubscribers()
		h.logger.Info("stopped")
	})
	return h.closeErr
}

// Kill crashes the core: its volatile state and waiting requests are
// lost; storage survives and the process stays up.
func (h *Host) Kill() error {
	var err error
	if doErr := h.do(func() {
		if h.core == nil {
			err = fmt.Errorf("%v: %w already", h.config.ID, ErrNodeDown)
			return
		}
		h.crash("killed")
	}); doErr != nil {
		return doErr
	}
	return err
}

// Restart builds the core again from storage; with wipe, storage is
// erased first (a lost disk: unsafe, thesis §3.8).
func (h *Host) Restart(wipe bool) error {
	var err error
	if doErr := h.do(func() {
		if h.core != nil {
			err = fmt.Errorf("%v: %w (kill it first)", h.config.ID, ErrNodeUp)
			return
		}
		text := "restarted"
		if wipe {
			if err = h.config.Storage.Wipe(); err != nil {
				return
			}
			text = "restarted with a wiped disk"
		}
		h.restarts++
		h.publish(Record{Kind: RecordFault, Node: h.config.ID, Text: text})
		h.logger.Warn(text)
		err = h.start()
	}); doErr != nil {
		return doErr
	}
	return err
}

// crash drops the core and answers every waiting request.
func (h *Host) crash(text string) {
	if h.core == nil {
		return
	}
	h.core, h.kv, h.applied, h.readsWaiting = nil, nil, 0, nil
	for index, waiter := range h.proposals {
		waiter.answer <- controlClientAnswer{Kind: answerCrashed, Index: index, Text: fmt.Sprintf("%v crashed before answering", h.config.ID)}
	}
	for _, waiter := range h.reads {
		waiter.answer <- controlClientAnswer{Kind: answerCrashed, Text: fmt.Sprintf("%v crashed before answering", h.config.ID)}
	}
	clear(h.proposals)
	clear(h.reads)
	h.publish(Record{Kind: RecordFault, Node: h.config.ID, Text: text})
	h.logger.Warn("core " + text)
}

// SetRules replaces the rules the node applies to its own traffic.
func (h *Host) SetRules(rules LinkRules) error {
	if err := rules.Validate(); err != nil {
		return err
	}
	return h.do(func() {
		h.rules = rules
		clear(h.blockedOut)
		clear(h.blockedIn)
		for _, id := range rules.BlockOut {
			h.blockedOut[id] = true
		}
		for _, id := range rules.BlockIn {
			h.blockedIn[id] = true
		}
		h.logger.Info("link rules", "block_out", fmt.Sprint(rules.BlockOut), "block_in", fmt.Sprint(rules.BlockIn), "default", rules.Default.String())
	})
}

// Campaign fires the election timer now.
func (h *Host) Campaign() error {
	var err error
	if doErr := h.do(func() {
		if h.core == nil {
			err = fmt.Errorf("%v: %w", h.config.ID, ErrNodeDown)
			return
		}
		h.core.Campaign()
		h.process()
	}); doErr != nil {
		return doErr
	}
	return err
}

// status is the node's row of `status`; a crashed node shows what its
// storage holds.
func (h *Host) status() (controlStatus, error) {
	var row controlStatus
	var err error
	if doErr := h.do(func() {
		if h.core != nil {
			row = controlStatus{Status: h.core.Status(), Up: true, Applied: h.applied}
			return
		}
		var state raft.HardState
		var entries []raft.Entry
		state, entries, err = h.config.Storage.InitialState()
		row.ID, row.Term, row.VotedFor = h.config.ID, state.CurrentTerm, state.VotedFor
		row.LastIndex = raft.Index(len(entries))
		if n := len(entries); n > 0 {
			row.LastTerm = entries[n-1].Term
		}
	}); doErr != nil {
		return row, doErr
	}
	return row, err
}

// log returns a copy of the node's log (from storage while crashed).
func (h *Host) log() ([]raft.Entry, error) {
	var entries []raft.Entry
	var err error
	if doErr := h.do(func() {
		if h.core == nil {
			_, entries, err = h.config.Storage.InitialState()
			return
		}
		entries = slices.Clone(h.core.Log())
	}); doErr != nil {
		return nil, doErr
	}
	return entries, err
}

// contents returns a copy of the state machine.
func (h *Host) contents() (map[string]string, error) {
	var contents map[string]string
	var err error
	if doErr := h.do(func() {
		if h.kv == nil {
			err = fmt.Errorf("%v: %w", h.config.ID, ErrNodeDown)
			return
		}
		contents = h.kv.Snapshot()
	}); doErr != nil {
		return nil, doErr
	}
	return contents, err
}
