package cluster

import (
	"fmt"

	"raftctl/raft"
	"raftctl/store"
)

// Reads without the log (thesis §6.4): the client asks the leader to
// confirm a read (ReadIndex: a round of heartbeats; lease: no round while
// the lease holds), and the leader answers from its state machine once it
// has applied up to the read index.

// ReadMode is how a get is served.
type ReadMode uint8

const (
	// ReadThroughLog: the get is a command in the log (thesis §6.3).
	ReadThroughLog ReadMode = iota
	// ReadIndex: confirmed by a majority answering a heartbeat round
	// (thesis §6.4).
	ReadIndex
	// ReadLease: confirmed by the leader's lease (thesis §6.4.1).
	ReadLease
)

func (m ReadMode) String() string {
	switch m {
	case ReadIndex:
		return "index"
	case ReadLease:
		return "lease"
	}
	return "log"
}

// Read gets key with the given mode, through the leader (or only at).
func (c *Local) Read(key string, at NodeID, mode ReadMode) (*Call, error) {
	if mode == ReadThroughLog {
		return c.Get(key, at)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if at != raft.None {
		if _, err := c.node(at); err != nil {
			return nil, err
		}
	}
	call := c.submitRead(key, at, mode)
	c.runUntil(func() bool { return call.Done }, call.deadline)
	c.finishInterrupted(call)
	return call, nil
}

// submitRead starts a read without the log and returns at once.
func (c *Local) submitRead(key string, at NodeID, mode ReadMode) *Call {
	c.clients.nextRequest++
	call := &Call{Command: store.Command{Op: store.OpGet, Key: key}, At: at, Read: mode, request: c.clients.nextRequest}
	c.launch(call)
	return call
}

// askRead asks a leader to confirm call's read.
func (cl *clients) askRead(c *Local, node *localNode, call *Call) {
	if err := node.core.ReadIndex(call.request, call.Read == ReadLease); err != nil {
		cl.finish(c, call, fmt.Errorf("%v: %w", node.id, err))
		c.process(node)
		return
	}
	cl.waitOn(c, node, call)
}

// serveReads answers the confirmed reads whose index the node has applied.
func (c *Local) serveReads(node *localNode) {
	waiting := node.readsWaiting[:0]
	for _, state := range node.readsWaiting {
		if state.Index > node.applied {
			waiting = append(waiting, state)
			continue
		}
		key := pendingKey{node: node.id, request: state.Request}
		call, ok := c.clients.pending[key]
		if !ok {
			continue // the client gave up on it
		}
		delete(c.clients.pending, key)
		call.waitingOn = raft.None
		value, found := node.kv.Get(call.Command.Key)
		call.Result = store.Result{Value: value, Found: found, Index: state.Index}
		call.ServedBy = node.id
		c.clients.leaderGuess = node.id
		c.clients.finish(c, call, nil)
	}
	node.readsWaiting = waiting
}
