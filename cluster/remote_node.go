package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"sync"
)

// remoteNode is a Remote's connection to one node: requests matched to
// answers by ID, the node's records fed to the merger, and a reconnection
// loop that reports an unreachable node once, not at every attempt.
type remoteNode struct {
	remote  *Remote
	id      NodeID
	address string

	mu      sync.Mutex
	conn    ControlConn // nil while unreachable
	broken  chan struct{}
	pending map[uint64]chan remoteAnswer
	nextID  uint64
	lastErr error
	// unreachable: reported as unreachable, not yet as reachable again.
	unreachable bool
	closed      bool

	// sending serializes Send on the connection.
	sending sync.Mutex
}

// remoteAnswer is a response, or why none came.
type remoteAnswer struct {
	response controlResponse
	err      error
}

// connect dials the node, greets it and subscribes to its records.
func (n *remoteNode) connect(ctx context.Context) (*controlHello, error) {
	conn, err := n.remote.config.Dial(ctx, n.address)
	if err != nil {
		return nil, fmt.Errorf("%v at %s: %w", n.id, n.address, err)
	}
	broken := make(chan struct{})
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		conn.Close()
		return nil, errors.New("closed")
	}
	n.conn, n.broken = conn, broken
	n.mu.Unlock()
	go n.read(conn, broken)
	hello, err := n.call(controlRequest{Op: opHello, Version: ControlVersion}, n.remote.config.ConnectTimeout)
	if err == nil && hello.Error != "" {
		err = errors.New(hello.Error)
	}
	if err == nil && hello.Hello == nil {
		err = errors.New("no hello in the answer")
	}
	if err == nil {
		var subscribed controlResponse
		subscribed, err = n.call(controlRequest{Op: opSubscribe, Messages: n.remote.config.Messages}, n.remote.config.ConnectTimeout)
		if err == nil && subscribed.Error != "" {
			err = errors.New(subscribed.Error)
		}
	}
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("%v at %s: %w", n.id, n.address, err)
	}
	return hello.Hello, nil
}

// read takes the node's payloads off the connection until it breaks.
func (n *remoteNode) read(conn ControlConn, broken chan struct{}) {
	for {
		payload, err := conn.Receive()
		if err != nil {
			n.disconnected(conn, broken, err)
			return
		}
		var response controlResponse
		if err := json.Unmarshal(payload, &response); err != nil {
			n.disconnected(conn, broken, fmt.Errorf("malformed answer: %w", err))
			conn.Close()
			return
		}
		if response.ID == 0 {
			if response.Record != nil {
				n.remote.merger.add(response.Record.Time, fromControlRecord(*response.Record))
			}
			continue
		}
		n.mu.Lock()
		answer, ok := n.pending[response.ID]
		delete(n.pending, response.ID)
		n.mu.Unlock()
		if ok {
			answer <- remoteAnswer{response: response}
		}
	}
}

// disconnected forgets a broken connection and fails its requests.
func (n *remoteNode) disconnected(conn ControlConn, broken chan struct{}, err error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.conn != conn {
		return
	}
	n.conn, n.lastErr = nil, err
	for id, answer := range n.pending {
		answer <- remoteAnswer{err: fmt.Errorf("%v %w at %s: the connection broke: %v", n.id, ErrUnreachable, n.address, err)}
		delete(n.pending, id)
	}
	close(broken)
}

// call sends one request and waits up to timeout for its answer.
func (n *remoteNode) call(request controlRequest, timeout time.Duration) (controlResponse, error) {
	n.mu.Lock()
	conn := n.conn
	if conn == nil {
		err := n.lastErr
		n.mu.Unlock()
		return controlResponse{}, fmt.Errorf("%v is %w at %s: %v", n.id, ErrUnreachable, n.address, err)
	}
	n.nextID++
	request.ID = n.nextID
	answer := make(chan remoteAnswer, 1)
	n.pending[request.ID] = answer
	n.mu.Unlock()

	n.sending.Lock()
	err := conn.Send(encodeControl(request))
	n.sending.Unlock()
	if err != nil {
		n.forget(request.ID)
		return controlResponse{}, fmt.Errorf("%v is %w at %s: %v", n.id, ErrUnreachable, n.address, err)
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case result := <-answer:
		return result.response, result.err
	case <-timer.C:
		n.forget(request.ID)
		// A node answers at once, or at the timeout it was given: one that
		// stays silent is cut off (a pulled cable leaves TCP unaware for
		// minutes). Dropping the connection makes keepConnected report it
		// and reconnect when it can.
		conn.Close()
		return controlResponse{}, fmt.Errorf("%v is %w at %s: no answer to %s within %v", n.id, ErrUnreachable, n.address, request.Op, timeout)
	}
}

func (n *remoteNode) forget(id uint64) {
	n.mu.Lock()
	delete(n.pending, id)
	n.mu.Unlock()
}

// markUnreachable reports the node unreachable, once.
func (n *remoteNode) markUnreachable(err error) {
	n.mu.Lock()
	report := !n.unreachable && !n.closed
	n.unreachable = true
	if n.lastErr == nil {
		n.lastErr = err
	}
	n.mu.Unlock()
	if report {
		n.remote.publish(Record{Kind: RecordFault, Node: n.id, Text: fmt.Sprintf(
			"unreachable at %s (retrying every %v): %v", n.address, n.remote.config.RetryInterval, err)})
	}
}

// keepConnected waits for the connection to break and reconnects, until
// the Remote closes.
func (n *remoteNode) keepConnected() {
	defer n.remote.workers.Done()
	closing := n.remote.closing
	for {
		n.mu.Lock()
		conn, broken := n.conn, n.broken
		n.mu.Unlock()
		if conn != nil {
			select {
			case <-broken:
			case <-closing:
				return
			}
		}
		// Broken now, or before this loop first looked: report it (once).
		n.mu.Lock()
		err := n.lastErr
		n.mu.Unlock()
		n.markUnreachable(err)
		select {
		case <-time.After(n.remote.config.RetryInterval):
		case <-closing:
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), n.remote.config.ConnectTimeout)
		hello, err := n.connect(ctx)
		cancel()
		if err == nil && hello.ID != n.id {
			err = fmt.Errorf("%s now answers as %v, not %v", n.address, hello.ID, n.id)
			n.close()
			return
		}
		if err != nil {
			n.mu.Lock()
			n.lastErr = err
			n.mu.Unlock()
			continue
		}
		n.mu.Lock()
		wasReported := n.unreachable
		n.unreachable = false
		n.mu.Unlock()
		if wasReported {
			n.remote.publish(Record{Kind: RecordFault, Node: n.id, Text: "reachable again at " + n.address})
		}
		n.remote.pushRules(n.id)
	}
}

// close ends the connection for good.
func (n *remoteNode) close() {
	n.mu.Lock()
	n.closed = true
	conn := n.conn
	n.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
}
