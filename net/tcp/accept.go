package tcp

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"raftctl/net/wire"
	"raftctl/raft"
)

// acceptLoop accepts connections until the listener closes. Each gets a
// handshake slot or is closed at once: at most MaxHandshakes connections
// can be unauthenticated at a time, each for at most HandshakeTimeout.
func (t *Transport) acceptLoop() {
	defer t.wg.Done()
	var delay time.Duration
	for {
		conn, err := t.listener.Accept()
		if err != nil {
			if t.ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors, say: wait a little and go on, as
			// net/http does, rather than give up listening.
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			t.logger.Error("accept failed", "reason", err.Error(), "retry_in", delay.String())
			select {
			case <-t.ctx.Done():
				return
			case <-time.After(delay):
			}
			continue
		}
		delay = 0
		t.accepted.Add(1)
		select {
		case t.handshakeSlots <- struct{}{}:
		default:
			t.refuse(&t.overLimit, conn.RemoteAddr(), fmt.Errorf("%d handshakes already in progress (MaxHandshakes)", t.config.MaxHandshakes))
			conn.Close()
			continue
		}
		if !t.track(conn) {
			<-t.handshakeSlots
			conn.Close()
			return
		}
		t.wg.Add(1)
		go t.handleConnection(conn)
	}
}

// handleConnection authenticates conn and serves it by its kind.
func (t *Transport) handleConnection(conn net.Conn) {
	defer t.wg.Done()
	releaseSlot := sync.OnceFunc(func() { <-t.handshakeSlots })
	defer releaseSlot()

	conn.SetDeadline(time.Now().Add(t.config.HandshakeTimeout))
	reader := bufio.NewReader(conn)
	s, err := serverHandshake(conn, reader, t.config.Secret, t.config.ID, t.limits, t.decide)
	if err != nil {
		t.untrack(conn)
		if errors.Is(err, errHandshake) || errors.Is(err, wire.ErrTooLarge) {
			err = fmt.Errorf("garbage instead of a handshake: %w", err)
		}
		if isTimeout(err) {
			err = fmt.Errorf("no handshake within %v: %w", t.config.HandshakeTimeout, err)
		}
		t.refuse(&t.refused, conn.RemoteAddr(), err)
		return
	}
	conn.SetDeadline(time.Time{})
	releaseSlot()

	switch s.kind {
	case peerConnection:
		t.readPeer(s)
	case controlConnection:
		c := newConn(s, t.config.WriteTimeout, t.limits, func() { t.untrack(conn) })
		t.logger.Info("control connection", "remote", conn.RemoteAddr().String())
		// Not counted in wg: Close closes the connection but does not
		// wait for the Control function (see Close).
		go func() {
			defer c.Close()
			t.config.Control(c)
		}()
	}
}

// decide accepts or refuses an authentic hello (see serverHandshake): it
// returns the reason for a refusal, or "".
func (t *Transport) decide(hello clientHello) string {
	reason := t.refusalReason(hello)
	if reason != "" {
		if p := t.peers[hello.From]; p != nil && hello.Kind == peerConnection {
			p.stats.setError("refused its connection: " + reason)
			p.stats.rejected.Add(1)
		}
	}
	return reason
}

func (t *Transport) refusalReason(hello clientHello) string {
	self := t.config.ID
	switch hello.Kind {
	case peerConnection:
		switch {
		case hello.From == self:
			return fmt.Sprintf("%v cannot be its own peer (is %v's address in its own peer list under another ID?)", self, self)
		case t.peers[hello.From] == nil:
			return fmt.Sprintf("%v is not a peer of %v (peers: %s)", hello.From, self, t.peerList())
		case hello.To != self:
			return fmt.Sprintf("this is %v, not %v (check the peer addresses)", self, hello.To)
		}
		return ""
	case controlConnection:
		switch {
		case t.config.Control == nil:
			return fmt.Sprintf("%v does not accept control connections", self)
		case hello.From != raft.None || hello.To != raft.None:
			return "a control client names no node IDs"
		}
		return ""
	}
	return fmt.Sprintf("unknown connection kind %d", hello.Kind)
}

// readPeer reads messages from an authenticated peer connection and hands
// them to Receive, until the connection fails, breaks the rules, or the
// transport closes. The first bad frame closes the connection: after a
// frame that fails authentication, nothing later on the stream can be
// trusted to be framed right.
func (t *Transport) readPeer(s *session) {
	p := t.peers[s.remote]
	logger := t.logger.With("peer", s.remote.String(), "remote", s.conn.RemoteAddr().String())
	t.mu.Lock()
	if previous := t.inbound[s.remote]; previous != nil {
		// The peer reconnected: its old connection is dead or dying.
		previous.Close()
	}
	t.inbound[s.remote] = s.conn
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		if t.inbound[s.remote] == s.conn {
			delete(t.inbound, s.remote)
		}
		t.mu.Unlock()
		t.untrack(s.conn)
	}()
	logger.Debug("peer connected")

	for {
		m, err := t.readMessage(s)
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || t.ctx.Err() != nil {
				logger.Debug("peer connection closed")
				return
			}
			p.stats.setError("closed its connection: " + err.Error())
			p.stats.rejected.Add(1)
			logger.Warn("closing peer connection", "reason", err.Error())
			return
		}
		select {
		case t.receive <- m:
			p.stats.received.Add(1)
		case <-t.ctx.Done():
			return
		}
	}
}

// readMessage reads one frame from a peer connection and checks that it
// comes from the node the connection authenticated as, and is for us.
func (t *Transport) readMessage(s *session) (raft.Message, error) {
	from, payload, err := s.receiver.ReadFrame(s.reader)
	if err != nil {
		return raft.Message{}, err
	}
	if from != s.remote {
		return raft.Message{}, fmt.Errorf("a frame from %v on the connection of %v", from, s.remote)
	}
	m, err := wire.DecodeMessageWithLimits(payload, t.limits)
	if err != nil {
		return raft.Message{}, err
	}
	if m.From != s.remote {
		return raft.Message{}, fmt.Errorf("a %v message From %v on the connection authenticated as %v", m.Type, m.From, s.remote)
	}
	if m.To != t.config.ID {
		return raft.Message{}, fmt.Errorf("a %v message To %v arrived at %v", m.Type, m.To, t.config.ID)
	}
	return m, nil
}

// refuse records, counts and logs (rate-limited) a connection refused
// before it authenticated. The reason is stored before the count grows,
// so whoever sees the new count sees its reason.
func (t *Transport) refuse(counter *atomic.Uint64, remote net.Addr, err error) {
	reason := fmt.Sprintf("%v: %v", remote, err)
	t.lastRefusal.Store(&reason)
	counter.Add(1)
	if ok, suppressed := t.refusalLog.allow(time.Now()); ok {
		t.logger.Warn("connection refused", "remote", remote.String(), "reason", err.Error(), "suppressed", suppressed)
	}
}

func isTimeout(err error) bool {
	var timeout net.Error
	return errors.As(err, &timeout) && timeout.Timeout()
}
