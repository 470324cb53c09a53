package tcp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"raftctl/net/wire"
	"raftctl/raft"
)

// Conn is an authenticated, framed, bidirectional control connection
// carrying opaque payloads (cluster.Remote puts JSON in them). Send and
// Receive may be used from different goroutines; each is safe for one
// goroutine at a time (Send is in fact safe for several). Every payload is
// a sequenced frame under the connection's own session key: it cannot be
// altered, replayed, reordered or moved to another connection unnoticed.
type Conn struct {
	session      *session
	writeTimeout time.Duration
	limits       wire.Limits
	onClose      func()

	sendMu    sync.Mutex
	closeOnce sync.Once
}

func newConn(s *session, writeTimeout time.Duration, limits wire.Limits, onClose func()) *Conn {
	return &Conn{session: s, writeTimeout: writeTimeout, limits: limits, onClose: onClose}
}

// DialControl connects to the node at address as a control client and
// runs the handshake, within ctx's deadline or DefaultHandshakeTimeout,
// whichever is sooner. Payloads are bounded by net/wire's default
// MaxMessageBytes in both directions.
//
// A node with another secret fails with an error wrapping ErrWrongSecret
// (when the node answers at all: a node that cannot verify our hello
// closes the connection, which wraps ErrHandshake); a node that refuses
// control connections fails with one wrapping ErrRefused.
func DialControl(ctx context.Context, address string, secret []byte) (*Conn, error) {
	if len(secret) < wire.MinKeyBytes {
		return nil, fmt.Errorf("tcp: the secret has %d bytes, want at least %d", len(secret), wire.MinKeyBytes)
	}
	ctx, cancel := context.WithTimeout(ctx, DefaultHandshakeTimeout)
	defer cancel()
	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", address)
	if err != nil {
		return nil, fmt.Errorf("tcp: control connection to %s: %w", address, err)
	}
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	// Closing the connection when ctx ends interrupts the handshake.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	limits := limitsWithDefaults(wire.Limits{})
	s, err := clientHandshake(conn, bufio.NewReader(conn), secret, controlConnection, raft.None, raft.None, limits)
	if !stop() || err != nil {
		conn.Close()
		if err == nil || ctx.Err() != nil {
			err = fmt.Errorf("%w: %w", ErrHandshake, context.Cause(ctx))
		}
		return nil, fmt.Errorf("tcp: control connection to %s: %w", address, err)
	}
	conn.SetDeadline(time.Time{})
	return newConn(s, DefaultWriteTimeout, limits, func() { conn.Close() }), nil
}

// Send writes payload as one frame. It fails if payload is over the
// limit, or if the other side does not read within the write timeout.
func (c *Conn) Send(payload []byte) error {
	if len(payload) > c.limits.MaxMessageBytes {
		return fmt.Errorf("tcp: payload of %d bytes, limit MaxMessageBytes is %d: %w", len(payload), c.limits.MaxMessageBytes, wire.ErrTooLarge)
	}
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	c.session.conn.SetWriteDeadline(time.Now().Add(c.writeTimeout))
	if err := c.session.sender.WriteFrame(c.session.conn, c.session.remote, payload); err != nil {
		return fmt.Errorf("tcp: control send to %v: %w", c.session.conn.RemoteAddr(), err)
	}
	return nil
}

// Receive waits for the next payload. It returns io.EOF when the other
// side closed the connection cleanly, and an error wrapping ErrClosed
// after Close. Any frame that fails authentication, is replayed, or comes
// from someone else closes the connection with an error.
func (c *Conn) Receive() ([]byte, error) {
	from, payload, err := c.session.receiver.ReadFrame(c.session.reader)
	switch {
	case errors.Is(err, io.EOF):
		return nil, io.EOF
	case errors.Is(err, net.ErrClosed):
		return nil, fmt.Errorf("tcp: control connection: %w", ErrClosed)
	case err != nil:
		c.Close()
		return nil, fmt.Errorf("tcp: control receive from %v: %w", c.session.conn.RemoteAddr(), err)
	case from != c.session.remote:
		c.Close()
		return nil, fmt.Errorf("tcp: control receive: a frame from %v on a connection with %v", from, c.session.remote)
	}
	return payload, nil
}

// RemoteAddr returns the address of the other side.
func (c *Conn) RemoteAddr() net.Addr {
	return c.session.conn.RemoteAddr()
}

// NodeID returns the node at the other side: the node a control client
// dialed, or raft.None on the node's side (a control client has no ID).
// An addition to the agreed contract.
func (c *Conn) NodeID() raft.NodeID {
	return c.session.remote
}

// Close closes the connection; a Receive in progress returns. Close is
// idempotent.
func (c *Conn) Close() error {
	c.closeOnce.Do(c.onClose)
	return nil
}
