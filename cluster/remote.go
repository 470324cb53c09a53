package cluster

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"raftctl/check"
	"raftctl/net/sim"
	"raftctl/raft"
)

// Remote controls a cluster of real nodes (Hosts, each a `raftctl node`)
// through their control endpoints: the same words as a Local, on
// wall-clock time. Records stream from every node and are merged in time
// order; a node that cannot be reached is reported once and retried in
// the background.
type Remote struct {
	config   RemoteConfig
	ids      []NodeID
	settings Settings
	started  time.Time
	nodes    map[NodeID]*remoteNode

	// rules is the wanted state of partitions, cuts and link faults
	// (a sim.Network used as a model only: nothing travels through it);
	// each node is told its share (remote_rules.go).
	rulesMu sync.Mutex
	rules   *sim.Network

	merger  *recordMerger
	clients remoteClients
	// checkerMu guards the checker and what the stream found
	// (remote_check.go).
	checkerMu        sync.Mutex
	checker          *check.Checker
	leaders          map[raft.Term]NodeID
	streamViolations []check.Violation
	electionChecks   int

	interrupt atomic.Bool
	closing   chan struct{}
	closeOnce sync.Once
	workers   sync.WaitGroup
}

// RemoteConfig describes the nodes to control.
type RemoteConfig struct {
	// Nodes gives every node's control address (host:port).
	Nodes map[NodeID]string
	// Dial opens an authenticated control connection (net/tcp's
	// DialControl with the cluster secret).
	Dial func(ctx context.Context, address string) (ControlConn, error)
	// Messages streams every message sent, dropped and delivered too (for
	// trace rpc and all); without it only decisions, applies and faults.
	Messages bool
	// ConnectTimeout bounds the first connection to each node (default 5s).
	ConnectTimeout time.Duration
	// RetryInterval is how often an unreachable node is tried again
	// (default 1s).
	RetryInterval time.Duration
}

// ErrUnreachable is the error of a request to a node that cannot be
// reached.
var ErrUnreachable = errors.New("unreachable")

// Connect reaches every node, checks that they form the cluster described
// (ids and peers agree) and starts streaming their records. Nodes that do
// not answer yet are retried in the background; at least one must answer.
func Connect(ctx context.Context, config RemoteConfig) (*Remote, error) {
	if len(config.Nodes) == 0 || len(config.Nodes) > MaxNodes {
		return nil, fmt.Errorf("a remote cluster needs 1 to %d nodes, got %d", MaxNodes, len(config.Nodes))
	}
	if config.Dial == nil {
		return nil, errors.New("a remote cluster needs a way to dial its nodes")
	}
	if config.ConnectTimeout <= 0 {
		config.ConnectTimeout = 5 * time.Second
	}
	if config.RetryInterval <= 0 {
		config.RetryInterval = time.Second
	}
	r := &Remote{config: config, started: time.Now(), nodes: map[NodeID]*remoteNode{}, closing: make(chan struct{})}
	for id := range config.Nodes {
		r.ids = append(r.ids, id)
	}
	slices.Sort(r.ids)
	for i, id := range r.ids {
		if id != NodeID(i+1) {
			return nil, fmt.Errorf("nodes must be named n1..n%d without gaps, got %v", len(r.ids), r.ids)
		}
	}
	r.rules = sim.New(1, r.ids)
	_ = r.rules.SetDefault(sim.LinkConfig{})
	r.merger = newRecordMerger(r.started)
	r.clients.init()
	r.checker = check.New(check.WithCommandFormat(formatCommand))
	r.leaders = map[raft.Term]NodeID{}
	r.merger.subscribe(r.watch)
	for _, id := range r.ids {
		r.nodes[id] = &remoteNode{remote: r, id: id, address: config.Nodes[id], pending: map[uint64]chan remoteAnswer{}}
	}
	// First contact, in parallel.
	var wait sync.WaitGroup
	errs := make([]error, len(r.ids))
	hellos := make([]*controlHello, len(r.ids))
	for i, id := range r.ids {
		wait.Add(1)
		go func() {
			defer wait.Done()
			attempt, cancel := context.WithTimeout(ctx, config.ConnectTimeout)
			defer cancel()
			hellos[i], errs[i] = r.nodes[id].connect(attempt)
		}()
	}
	wait.Wait()
	reached := 0
	for i, id := range r.ids {
		if errs[i] != nil {
			continue
		}
		hello := hellos[i]
		if hello.ID != id {
			r.Close()
			return nil, fmt.Errorf("%s answers as %v, not %v: check the --cluster list", config.Nodes[id], hello.ID, id)
		}
		if !slices.Equal(hello.Peers, r.ids) {
			r.Close()
			return nil, fmt.Errorf("%v knows the peers %v, but the --cluster list names %v", id, hello.Peers, r.ids)
		}
		if reached == 0 {
			r.settings = hello.Settings
		}
		reached++
	}
	if reached == 0 {
		r.Close()
		return nil, fmt.Errorf("no node answered: %w", errors.Join(errs...))
	}
	for i, id := range r.ids {
		node := r.nodes[id]
		if errs[i] != nil {
			node.markUnreachable(errs[i])
		}
		r.workers.Add(1)
		go node.keepConnected()
	}
	r.workers.Add(1)
	go func() {
		defer r.workers.Done()
		r.merger.run(r.closing)
	}()
	return r, nil
}

// Size returns the number of nodes.
func (r *Remote) Size() int { return len(r.ids) }

// IDs returns the node ids, n1 first.
func (r *Remote) IDs() []NodeID { return slices.Clone(r.ids) }

// Now returns the wall-clock time since Connect.
func (r *Remote) Now() time.Duration { return time.Since(r.started) }

// Settings returns the settings the nodes run with (the first node's).
func (r *Remote) Settings() Settings { return r.settings }

// SetSettings is refused: a real node's settings are its flags.
func (r *Remote) SetSettings(Settings) error {
	return errors.New("the settings of a real cluster are fixed when its nodes start (raftctl node flags)")
}

// Subscribe hands f every merged record from now on, on the merger's
// goroutine.
func (r *Remote) Subscribe(f func(Record)) (cancel func()) { return r.merger.subscribe(f) }

// Interrupt stops a running wait or client request at its next step.
func (r *Remote) Interrupt() { r.interrupt.Store(true) }

// Interrupted reports and clears an interrupt.
func (r *Remote) Interrupted() bool { return r.interrupt.Swap(false) }

// Close ends every connection and stops streaming.
func (r *Remote) Close() error {
	r.closeOnce.Do(func() {
		close(r.closing)
		for _, node := range r.nodes {
			node.close()
		}
		r.workers.Wait()
	})
	return nil
}

// node returns a known node.
func (r *Remote) node(id NodeID) (*remoteNode, error) {
	node, ok := r.nodes[id]
	if !ok {
		return nil, fmt.Errorf("%w %v (nodes: n1..n%d)", ErrUnknownNode, id, len(r.ids))
	}
	return node, nil
}

// request sends one request to a node and waits for its answer.
func (r *Remote) request(id NodeID, request controlRequest, timeout time.Duration) (controlResponse, error) {
	node, err := r.node(id)
	if err != nil {
		return controlResponse{}, err
	}
	response, err := node.call(request, timeout)
	if err != nil {
		return response, err
	}
	if response.Error != "" {
		return response, errorFromText(response.Error)
	}
	return response, nil
}

// requestTimeout bounds a request that does not wait for the cluster.
const requestTimeout = 3 * time.Second

// Status returns one row per node; an unreachable node shows as such.
func (r *Remote) Status() []NodeStatus {
	rows := make([]NodeStatus, len(r.ids))
	var wait sync.WaitGroup
	for i, id := range r.ids {
		wait.Add(1)
		go func() {
			defer wait.Done()
			rows[i] = r.nodeStatus(id)
		}()
	}
	wait.Wait()
	r.rulesMu.Lock()
	partitioned := false
	for _, id := range r.ids {
		if r.rules.Group(id) > 0 {
			partitioned = true
		}
	}
	if partitioned {
		for i, id := range r.ids {
			rows[i].Group = r.rules.Group(id)
		}
	}
	r.rulesMu.Unlock()
	return rows
}

func (r *Remote) nodeStatus(id NodeID) NodeStatus {
	response, err := r.request(id, controlRequest{Op: opStatus}, requestTimeout)
	if err != nil || response.Status == nil {
		return NodeStatus{Status: raft.Status{ID: id}, Unreachable: true}
	}
	status := response.Status
	status.ID = id
	row := NodeStatus{Status: status.Status, Up: status.Up}
	row.LastApplied = status.Applied
	return row
}

// Log returns a node's log (from its storage while it is down).
func (r *Remote) Log(id NodeID) ([]raft.Entry, error) {
	var entries []raft.Entry
	for {
		response, err := r.request(id, controlRequest{Op: opLog, From: raft.Index(len(entries) + 1)}, requestTimeout)
		if err != nil {
			return nil, err
		}
		entries = append(entries, response.Log...)
		if !response.More || len(response.Log) == 0 {
			return entries, nil
		}
	}
}

// KV returns a running node's state machine.
func (r *Remote) KV(id NodeID) (map[string]string, error) {
	response, err := r.request(id, controlRequest{Op: opKV}, requestTimeout)
	if response.KV == nil && err == nil {
		response.KV = map[string]string{}
	}
	return response.KV, err
}

// Kill crashes a node's core; its process stays up and its storage
// survives.
func (r *Remote) Kill(id NodeID) error {
	_, err := r.request(id, controlRequest{Op: opKill}, requestTimeout)
	return nodeStateError(err)
}

// Restart builds a node's core again from its storage (wiped first with
// wipe).
func (r *Remote) Restart(id NodeID, wipe bool) error {
	_, err := r.request(id, controlRequest{Op: opRestart, Wipe: wipe}, requestTimeout)
	return nodeStateError(err)
}

// Campaign fires a node's election timer now.
func (r *Remote) Campaign(id NodeID) error {
	_, err := r.request(id, controlRequest{Op: opCampaign}, requestTimeout)
	return nodeStateError(err)
}

// nodeStateError turns a node's "is down" or "is running" text back into
// the errors the REPL explains ("n2: node is down already").
func nodeStateError(err error) error {
	var remote *remoteError
	if !errors.As(err, &remote) {
		return err
	}
	for _, known := range []error{ErrNodeDown, ErrNodeUp} {
		if before, after, found := strings.Cut(remote.text, known.Error()); found {
			return fmt.Errorf("%s%w%s", before, known, after)
		}
	}
	return err
}

// WaitFor polls the nodes' status until done holds or timeout passes.
func (r *Remote) WaitFor(done func([]NodeStatus) bool, timeout time.Duration) bool {
	const poll = 50 * time.Millisecond
	deadline := time.Now().Add(timeout)
	for {
		if r.interrupt.Load() {
			return false
		}
		remaining := time.Until(deadline)
		if remaining <= 0 {
			return done(r.Status())
		}
		// A pure sleep needs no status.
		if done(r.Status()) {
			return true
		}
		r.sleep(min(poll, remaining))
	}
}

// sleep waits d, or less when interrupted or closed.
func (r *Remote) sleep(d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-r.closing:
	}
}

// Violations runs the safety checker (package check/) on what the nodes
// report now: roles, terms, logs and commit indexes, and the entries each
// has applied; with what the record stream showed so far (remote_check.go).
// The checker is kept between calls, so a changed committed entry seen at
// any check is caught.
func (r *Remote) Violations() []check.Violation {
	views := make([]check.NodeView, 0, len(r.ids))
	applied := map[NodeID][]raft.Entry{}
	for _, id := range r.ids {
		response, err := r.request(id, controlRequest{Op: opStatus}, requestTimeout)
		if err != nil || response.Status == nil {
			continue
		}
		log, err := r.Log(id)
		if err != nil {
			continue
		}
		status := response.Status
		views = append(views, check.NodeView{ID: id, Role: status.Role, Term: status.Term, Log: log, CommitIndex: status.CommitIndex})
		if status.Up && int(status.Applied) <= len(log) {
			applied[id] = log[:status.Applied]
		}
	}
	r.checkerMu.Lock()
	defer r.checkerMu.Unlock()
	for _, view := range views {
		r.checker.ObserveNode(view)
		for _, entry := range applied[view.ID] {
			r.checker.ObserveApply(view.ID, entry)
		}
	}
	return r.allViolations()
}

// CheckCounts returns how many checks of each property have run.
func (r *Remote) CheckCounts() map[check.Property]int {
	r.checkerMu.Lock()
	defer r.checkerMu.Unlock()
	return r.streamCounts(r.checker.Counts())
}

// publish stamps a record made here (a fault, a client result) with the
// wall clock and merges it into the stream.
func (r *Remote) publish(record Record) {
	r.merger.add(time.Now().UnixNano(), record)
}

// newClientBase draws the high bits of this REPL's client ids: the nodes'
// state machines remember every session, so two REPLs (or one started
// twice) must never share an id.
func newClientBase() uint64 {
	var random [4]byte
	_, _ = rand.Read(random[:])
	return uint64(binary.LittleEndian.Uint32(random[:])|1) << 32
}
