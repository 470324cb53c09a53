package cluster

import (
	"fmt"
	"time"

	"raftctl/raft"
	"raftctl/store"
)

// Clients (thesis §6.2, §6.3): a client finds the leader, following the
// hints of followers, and retries elsewhere when a node crashes or stays
// silent. Every request carries the client's id and a sequence number, so
// the state machine executes a retried command only once.

// Call is one client request, finished when Done is set.
type Call struct {
	Command store.Command
	// At, when set, is the only node the client asks (`put k v @n2`).
	At NodeID
	// Read is how a get is served: through the log, or confirmed by the
	// leader without it (read.go).
	Read ReadMode

	Done   bool
	Result store.Result
	Err    error
	// ServedBy is the leader that committed the request.
	ServedBy NodeID
	// Invoked and Returned are virtual times, for linearizability checks;
	// the stamps order calls and returns that share an instant (history.go).
	Invoked, Returned           time.Duration
	invokedStamp, returnedStamp uint64

	encoded []byte
	// request numbers a read for the leader's ReadIndex.
	request uint64
	target  NodeID
	// While waiting for its entry: the node, index and term it occupies.
	waitingOn      NodeID
	index          raft.Index
	term           raft.Term
	attemptEnds    time.Duration
	deadline       time.Duration
	wakeAt         time.Duration
	hintsFollowed  int
	lastRejections string
	// slot is the call's place in the list of calls in flight (callList).
	slot int
}

// retryDelay is how long a client waits before asking again when no node
// knows a leader (an election is probably running).
const retryDelay = 20 * time.Millisecond

// pendingKey finds the call waiting on a node: a write (or a read through
// the log) by the index of its entry, a read without the log by its
// request number.
type pendingKey struct {
	node    NodeID
	index   raft.Index
	request uint64
}

// key is where the call waits now.
func (call *Call) key() pendingKey {
	if call.Read != ReadThroughLog {
		return pendingKey{node: call.waitingOn, request: call.request}
	}
	return pendingKey{node: call.waitingOn, index: call.index}
}

type clients struct {
	sequences map[uint64]uint64
	calls     callList
	pending   map[pendingKey]*Call
	// leaderGuess is where the next request goes first.
	leaderGuess NodeID
	// nextRequest numbers reads without the log.
	nextRequest uint64
	// base makes client ids unique across reopenings of a durable cluster:
	// the state machine remembers old sessions, and a new process that
	// numbered its requests from 1 again would look like a stale client.
	base uint64
}

func (cl *clients) init() {
	cl.sequences = map[uint64]uint64{}
	cl.pending = map[pendingKey]*Call{}
	cl.leaderGuess = 1
}

// Submit starts a request for client clientID and returns at once; the
// request progresses as time advances. Use it to keep many requests in
// flight; Put, Get and Delete wait for one.
func (c *Local) Submit(clientID uint64, command store.Command, at NodeID) (*Call, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.submit(clientID, command, at)
}

func (c *Local) submit(clientID uint64, command store.Command, at NodeID) (*Call, error) {
	if at != raft.None {
		if _, err := c.node(at); err != nil {
			return nil, err
		}
	}
	if clientID != 0 && !c.settings.SessionsOff {
		c.clients.sequences[clientID]++
		command.ClientID, command.Sequence = c.clients.base|clientID, c.clients.sequences[clientID]
	}
	call := &Call{Command: command, At: at, encoded: store.EncodeCommand(command)}
	c.launch(call)
	return call, nil
}

// launch starts a call now: its deadline, its first target, its first
// attempt.
func (c *Local) launch(call *Call) {
	call.Invoked, call.invokedStamp = c.now, c.nextStamp()
	call.deadline = c.now + c.settings.ClientTimeout
	call.target = call.At
	if call.At == raft.None {
		call.target = c.clients.leaderGuess
	}
	c.clients.calls.add(call)
	c.clients.attempt(c, call)
}

// Wait runs the cluster until call finishes.
func (c *Local) Wait(call *Call) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.runUntil(func() bool { return call.Done }, call.deadline)
	c.finishInterrupted(call)
}

// Do submits a request and waits for it.
func (c *Local) Do(clientID uint64, command store.Command, at NodeID) (*Call, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	call, err := c.submit(clientID, command, at)
	if err != nil {
		return nil, err
	}
	c.runUntil(func() bool { return call.Done }, call.deadline)
	c.finishInterrupted(call)
	return call, nil
}

// attempt asks the call's current target to take the request.
func (cl *clients) attempt(c *Local, call *Call) {
	if call.Done {
		return
	}
	if c.now >= call.deadline {
		cl.finish(c, call, fmt.Errorf("%w after %v%s", ErrTimeout, c.settings.ClientTimeout, call.lastRejections))
		return
	}
	node, _ := c.node(call.target)
	if node.core == nil {
		if call.At != raft.None {
			cl.finish(c, call, fmt.Errorf("%v: %w", call.At, ErrNodeDown))
			return
		}
		call.lastRejections = fmt.Sprintf(" (last tried %v: down)", node.id)
		cl.tryNext(c, call, raft.None)
		return
	}
	if node.core.Role() != raft.Leader {
		hint := node.core.Leader()
		if call.At != raft.None {
			cl.finish(c, call, fmt.Errorf("%v is %w (hint: %v)", node.id, ErrNotLeader, hint))
			return
		}
		call.lastRejections = fmt.Sprintf(" (last tried %v: not the leader, hint: %v)", node.id, hint)
		cl.tryNext(c, call, hint)
		return
	}
	if call.Read != ReadThroughLog {
		cl.askRead(c, node, call)
		return
	}
	index, term, err := node.core.Propose(call.encoded)
	if err != nil {
		// A leader handing over its role refuses requests (thesis §3.10):
		// ask again shortly, at whoever leads then.
		if call.At != raft.None {
			cl.finish(c, call, fmt.Errorf("%v: %w", node.id, err))
			return
		}
		call.lastRejections = fmt.Sprintf(" (last tried %v: %v)", node.id, err)
		cl.tryNext(c, call, raft.None)
		return
	}
	call.index, call.term = index, term
	cl.waitOn(c, node, call)
}

// waitOn makes call wait for node's answer, for a while.
func (cl *clients) waitOn(c *Local, node *localNode, call *Call) {
	call.waitingOn = node.id
	// A leader that cannot commit within a few election timeouts is
	// probably cut off: ask someone else (the session makes it safe).
	call.attemptEnds = c.now + 4*c.settings.ElectionMax
	call.wakeAt = min(call.attemptEnds, call.deadline)
	if call.At != raft.None {
		call.wakeAt = call.deadline
	}
	cl.pending[call.key()] = call
	c.processProposal(node)
}

// tryNext moves to the hinted leader at once, or to the next node after a
// pause.
func (cl *clients) tryNext(c *Local, call *Call, hint NodeID) {
	if hint != raft.None && hint != call.target && call.hintsFollowed < len(c.nodes) {
		call.hintsFollowed++
		call.target = hint
		cl.attempt(c, call)
		return
	}
	call.hintsFollowed = 0
	call.target = call.target%NodeID(len(c.nodes)) + 1
	call.wakeAt = min(c.now+retryDelay, call.deadline)
}

// applied is called for every entry a node applies.
func (cl *clients) applied(c *Local, node NodeID, entry raft.Entry, result store.Result, err error) {
	key := pendingKey{node: node, index: entry.Index}
	call, ok := cl.pending[key]
	if !ok {
		return
	}
	delete(cl.pending, key)
	call.waitingOn = raft.None
	if entry.Term != call.term {
		// Our entry was overwritten by a new leader's: ask again.
		call.target = node
		cl.attempt(c, call)
		return
	}
	call.Result, call.ServedBy = result, node
	cl.leaderGuess = node
	cl.finish(c, call, err)
}

// nodeDown abandons the attempts waiting on a crashed node.
func (cl *clients) nodeDown(c *Local, id NodeID) {
	for _, call := range cl.calls.active() {
		if call.waitingOn == id {
			delete(cl.pending, call.key())
			call.waitingOn = raft.None
			if call.At != raft.None {
				cl.finish(c, call, fmt.Errorf("%v crashed before answering", id))
				continue
			}
			call.wakeAt = c.now
		}
	}
}

// nextWake returns when the earliest call needs attention.
func (cl *clients) nextWake() (time.Duration, bool) {
	found, earliest := false, time.Duration(0)
	for _, call := range cl.calls.slots {
		if call != nil && (!found || call.wakeAt < earliest) {
			found, earliest = true, call.wakeAt
		}
	}
	return earliest, found
}

// wake handles the calls that are due.
func (cl *clients) wake(c *Local) {
	for _, call := range cl.calls.active() {
		if call.Done || call.wakeAt > c.now {
			continue
		}
		if call.waitingOn != raft.None {
			delete(cl.pending, call.key())
			call.lastRejections = fmt.Sprintf(" (last tried %v: leader could not commit)", call.waitingOn)
			if call.Read != ReadThroughLog {
				call.lastRejections = fmt.Sprintf(" (last tried %v: leader could not confirm the read)", call.waitingOn)
			}
			call.waitingOn = raft.None
			if call.At == raft.None {
				call.target = call.target%NodeID(len(c.nodes)) + 1
			}
		}
		cl.attempt(c, call)
	}
}

// finish completes a call and forgets it.
func (cl *clients) finish(c *Local, call *Call, err error) {
	if call.waitingOn != raft.None {
		delete(cl.pending, call.key())
		call.waitingOn = raft.None
	}
	call.Done, call.Err, call.Returned, call.returnedStamp = true, err, c.now, c.nextStamp()
	cl.calls.remove(call)
	c.recordCall(call)
	text := call.Command.Op.String() + " " + call.Command.Key
	c.publish(Record{Kind: RecordClient, Node: call.ServedBy, Text: text, Err: err})
}

// ReplClientID is the session id of the interactive client.
const ReplClientID = 1

// Put writes key = value through the leader (or only through at).
func (c *Local) Put(key, value string, at NodeID) (*Call, error) {
	return c.Do(ReplClientID, store.Command{Op: store.OpPut, Key: key, Value: value}, at)
}

// Get reads key linearizably, through the log (thesis §6.3: a read is a
// command like any other).
func (c *Local) Get(key string, at NodeID) (*Call, error) {
	return c.Do(ReplClientID, store.Command{Op: store.OpGet, Key: key}, at)
}

// Delete removes key through the leader (or only through at).
func (c *Local) Delete(key string, at NodeID) (*Call, error) {
	return c.Do(ReplClientID, store.Command{Op: store.OpDelete, Key: key}, at)
}

// GetLocal reads key from one node's state machine without asking anyone:
// fast, and possibly stale (thesis §6.4 explains why).
func (c *Local) GetLocal(key string, at NodeID) (string, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	node, err := c.runningNode(at)
	if err != nil {
		return "", false, err
	}
	value, found := node.kv.Get(key)
	c.recordLocalRead(key, value, found)
	return value, found, nil
}
