package tcp

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"time"

	"raftctl/net/wire"
	"raftctl/raft"
)

// maxBatch bounds how many messages are written before a flush, so one
// flush never holds back the first message of a long burst for long.
const maxBatch = 64

// peer is the sending side of one link: a bounded queue, and one goroutine
// that keeps a connection to the peer and writes the queue to it. Each
// peer has its own goroutine and queue, so a slow or dead peer delays no
// other (no head-of-line blocking between peers).
type peer struct {
	t       *Transport
	id      raft.NodeID
	address string
	// queue holds the messages Send accepted and the goroutine has not
	// taken yet. The goroutine takes from it only while connected, so
	// while the peer is unreachable the queue fills and Send drops.
	queue  chan raft.Message
	stats  counters
	random *rand.Rand
}

func newPeer(t *Transport, id raft.NodeID, address string) *peer {
	return &peer{
		t: t, id: id, address: address,
		queue:  make(chan raft.Message, t.config.QueueSize),
		random: rand.New(rand.NewPCG(rand.Uint64(), uint64(id))),
	}
}

// run connects, writes until the connection fails, and reconnects after a
// capped exponential backoff with jitter, until the transport closes.
func (p *peer) run() {
	defer p.t.wg.Done()
	logger := p.t.logger.With("peer", p.id.String(), "address", p.address)
	attempt := 0
	lastLogged := ""
	for {
		s, err := p.connect()
		if err == nil {
			logger.Info("connected")
			lastLogged = ""
			started := time.Now()
			p.stats.connected.Store(true)
			err = p.serve(s)
			p.stats.connected.Store(false)
			p.t.untrack(s.conn)
			if p.t.ctx.Err() != nil {
				return
			}
			logger.Warn("connection lost", "reason", err.Error())
			// A connection that lasted reconnects at once; one that
			// breaks right after the handshake backs off like a failed
			// dial, so a peer that keeps closing us is not hammered.
			if time.Since(started) > p.t.config.ReconnectMax {
				attempt = 0
			}
		} else {
			if p.t.ctx.Err() != nil {
				return
			}
			// The first failure of a series is a warning; repeats of the
			// same failure while the peer stays down are debug noise.
			if message := err.Error(); message != lastLogged {
				logger.Warn("cannot connect", "reason", message)
				lastLogged = message
			} else {
				logger.Debug("cannot connect", "reason", message, "attempt", attempt)
			}
		}
		if err != nil {
			p.stats.setError(err.Error())
		}
		wait := backoff(attempt, p.t.config.ReconnectMin, p.t.config.ReconnectMax, p.random)
		attempt++
		timer := time.NewTimer(wait)
		select {
		case <-p.t.ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
	}
}

// connect dials the peer and runs the handshake as a peer connection.
func (p *peer) connect() (*session, error) {
	dialer := net.Dialer{Timeout: p.t.config.DialTimeout}
	conn, err := dialer.DialContext(p.t.ctx, "tcp", p.address)
	if err != nil {
		return nil, err
	}
	if !p.t.track(conn) {
		conn.Close()
		return nil, ErrClosed
	}
	conn.SetDeadline(time.Now().Add(p.t.config.HandshakeTimeout))
	// Small: a peer connection carries nothing back after the handshake.
	reader := bufio.NewReaderSize(conn, 1024)
	s, err := clientHandshake(conn, reader, p.t.config.Secret, peerConnection, p.t.config.ID, p.id, p.t.limits)
	if err != nil {
		p.t.untrack(conn)
		if errors.Is(err, ErrRefused) || errors.Is(err, ErrWrongSecret) {
			p.stats.setError(err.Error())
			p.stats.rejected.Add(1)
		}
		return nil, err
	}
	conn.SetDeadline(time.Time{})
	return s, nil
}

// serve writes queued messages to the connection until it fails or the
// transport closes. It returns why the connection ended.
func (p *peer) serve(s *session) error {
	// The peer never writes on this connection after the handshake; a
	// read returns only when the connection ends (or the peer breaks the
	// protocol), which tells serve to stop and reconnect.
	broken := make(chan error, 1)
	p.t.wg.Add(1)
	go func() {
		defer p.t.wg.Done()
		var one [1]byte
		_, err := s.reader.Read(one[:])
		if err == nil {
			err = errors.New("the peer sent data on a connection that only carries data to it")
		} else if errors.Is(err, io.EOF) {
			err = errors.New("the peer closed the connection")
		}
		broken <- err
		s.conn.Close()
	}()

	writer := bufio.NewWriterSize(s.conn, 64<<10)
	var buffer []byte
	for {
		var m raft.Message
		select {
		case <-p.t.ctx.Done():
			return ErrClosed
		case err := <-broken:
			return err
		case m = <-p.queue:
		}
		pending := 0
		for {
			var err error
			buffer, err = p.write(writer, s, m, buffer)
			if err != nil {
				p.stats.dropped.Add(uint64(pending) + 1)
				return p.fail(err)
			}
			if buffer != nil {
				pending++
			}
			if pending >= maxBatch {
				break
			}
			more := false
			select {
			case m = <-p.queue:
				more = true
			default:
			}
			if !more {
				break
			}
		}
		s.conn.SetWriteDeadline(time.Now().Add(p.t.config.WriteTimeout))
		if err := writer.Flush(); err != nil {
			p.stats.dropped.Add(uint64(pending))
			return p.fail(err)
		}
		p.stats.sent.Add(uint64(pending))
	}
}

// write encodes m into buffer and writes it to writer as one sequenced
// frame. A message over the limits is dropped, not sent (the peer would
// close the connection on it): write then returns a nil buffer and no
// error.
func (p *peer) write(writer *bufio.Writer, s *session, m raft.Message, buffer []byte) ([]byte, error) {
	if reason := overLimits(m, p.t.limits); reason != "" {
		p.drop(reason)
		return nil, nil
	}
	buffer = wire.AppendMessage(buffer[:0], m)
	if len(buffer) > p.t.limits.MaxMessageBytes {
		p.drop(fmt.Sprintf("message %v of %d bytes, limit MaxMessageBytes is %d", m.Type, len(buffer), p.t.limits.MaxMessageBytes))
		return nil, nil
	}
	// The deadline covers this frame even if it fills the buffer and
	// makes the writer flush.
	s.conn.SetWriteDeadline(time.Now().Add(p.t.config.WriteTimeout))
	if err := s.sender.WriteFrame(writer, p.id, buffer); err != nil {
		return nil, err
	}
	return buffer, nil
}

// overLimits says why m exceeds the limits the peer enforces, or "".
func overLimits(m raft.Message, limits wire.Limits) string {
	if len(m.Entries) > limits.MaxEntries {
		return fmt.Sprintf("message %v with %d entries, limit MaxEntries is %d", m.Type, len(m.Entries), limits.MaxEntries)
	}
	for i, entry := range m.Entries {
		if len(entry.Command) > limits.MaxCommandBytes {
			return fmt.Sprintf("message %v entry %d has a command of %d bytes, limit MaxCommandBytes is %d",
				m.Type, i, len(entry.Command), limits.MaxCommandBytes)
		}
	}
	return ""
}

// drop counts and logs a message that cannot be sent.
func (p *peer) drop(reason string) {
	p.stats.dropped.Add(1)
	p.stats.setError(reason)
	p.t.logger.Warn("message dropped", "peer", p.id.String(), "reason", reason)
}

// fail records why a connection ended.
func (p *peer) fail(err error) error {
	if p.t.ctx.Err() != nil {
		return ErrClosed
	}
	var timeout net.Error
	if errors.As(err, &timeout) && timeout.Timeout() {
		err = fmt.Errorf("the peer did not read for %v (write timeout): %w", p.t.config.WriteTimeout, err)
	}
	p.stats.setError(err.Error())
	return err
}
