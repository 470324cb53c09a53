package tcp

import (
	"sync"
	"sync/atomic"
	"time"
)

// PeerStats counts what happened on the links with one peer since Listen.
type PeerStats struct {
	// Sent counts messages written to the peer's connection (handed to the
	// kernel: a message in flight when the connection breaks is lost
	// without being counted as dropped).
	Sent uint64
	// Dropped counts messages thrown away: a full queue, a write that
	// failed, a message over the limits, or no address for the node.
	Dropped uint64
	// Received counts messages from the peer handed to Receive.
	Received uint64
	// Rejected counts connections and messages from the peer refused:
	// a refused handshake, a frame that failed authentication or was
	// replayed, a message that did not decode, or a message whose From
	// is not the peer the connection authenticated as.
	Rejected uint64
	// Connected says the connection to the peer (the one this node dialed
	// and sends on) is up.
	Connected bool
	// Queued is how many messages wait in the peer's queue (an addition
	// to the agreed contract).
	Queued int
	// LastError is the most recent failure on the links with this peer,
	// "" if none.
	LastError string
}

// ListenerStats counts connections accepted by the listener, whoever they
// came from (an addition to the agreed contract: a connection refused
// before it authenticated has no peer to count it under).
type ListenerStats struct {
	// Accepted counts connections accepted.
	Accepted uint64
	// Refused counts connections closed before the handshake completed:
	// a wrong secret, garbage, a timeout, a refused hello.
	Refused uint64
	// OverLimit counts connections closed at once because MaxHandshakes
	// handshakes were already in progress.
	OverLimit uint64
	// LastRefusal says why the most recent connection was refused.
	LastRefusal string
}

// counters are a peer's statistics, updated from several goroutines.
type counters struct {
	sent, dropped, received, rejected atomic.Uint64
	connected                         atomic.Bool

	mu        sync.Mutex
	lastError string
}

func (c *counters) setError(message string) {
	c.mu.Lock()
	c.lastError = message
	c.mu.Unlock()
}

func (c *counters) snapshot() PeerStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return PeerStats{
		Sent: c.sent.Load(), Dropped: c.dropped.Load(),
		Received: c.received.Load(), Rejected: c.rejected.Load(),
		Connected: c.connected.Load(), LastError: c.lastError,
	}
}

// logLimiter lets through at most one log line per interval for one
// kind of event, so a flood of bad connections cannot flood the log; it
// counts what it held back.
type logLimiter struct {
	interval time.Duration

	mu         sync.Mutex
	last       time.Time
	suppressed int
}

// allow reports whether to log now, and how many lines were held back
// since the last one logged.
func (l *logLimiter) allow(now time.Time) (bool, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.last.IsZero() && now.Sub(l.last) < l.interval {
		l.suppressed++
		return false, 0
	}
	suppressed := l.suppressed
	l.last, l.suppressed = now, 0
	return true, suppressed
}
