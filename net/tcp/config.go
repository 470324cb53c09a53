package tcp

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"raftctl/net/wire"
	"raftctl/raft"
)

// Defaults of the Config fields left at zero.
const (
	DefaultQueueSize        = 1024
	DefaultMaxHandshakes    = 64
	DefaultHandshakeTimeout = 5 * time.Second
	DefaultWriteTimeout     = 5 * time.Second
	DefaultDialTimeout      = 3 * time.Second
	DefaultReconnectMin     = 50 * time.Millisecond
	DefaultReconnectMax     = 5 * time.Second
)

// ErrConfig is wrapped by every error Listen returns for a bad Config.
var ErrConfig = errors.New("invalid transport config")

// Config of one node's endpoint. One listener serves both kinds of
// connection: peers (Raft messages) and control clients (the REPL).
type Config struct {
	ID raft.NodeID
	// Listen is the address to listen on, "host:port"; ":0" picks a free
	// port (Addr tells which).
	Listen string
	// Peers is the address of every node, ID included (its own entry is
	// ignored).
	Peers map[raft.NodeID]string
	// Secret is the cluster secret, at least wire.MinKeyBytes long; it
	// authenticates every connection (GenerateSecret makes one).
	Secret []byte
	// QueueSize bounds each peer's outgoing queue (default 1024), and the
	// channel Receive returns.
	QueueSize int
	// Limits bound what a peer or control client may send; zero fields
	// take net/wire's defaults. Every node of a cluster should use the same.
	Limits wire.Limits
	// Logger gets structured logs; nil discards them.
	Logger *slog.Logger
	// Control is called, in its own goroutine, for each authenticated
	// control connection; the connection is closed when it returns.
	// nil refuses control connections.
	Control func(*Conn)

	// The fields below are additions to the agreed contract, for tests
	// and unusual networks; zero means the default.

	// Listener, if set, is used instead of listening on Listen; the
	// transport owns it from then on and closes it on Close.
	Listener net.Listener
	// MaxHandshakes bounds the connections that have not finished their
	// handshake yet; further connections are closed at once (default 64).
	MaxHandshakes int
	// HandshakeTimeout bounds a handshake, on both sides (default 5 s):
	// an idle unauthenticated connection is closed when it runs out.
	HandshakeTimeout time.Duration
	// WriteTimeout bounds each write to a peer or control client (default
	// 5 s): a peer that stops reading loses its connection, not ours.
	WriteTimeout time.Duration
	// DialTimeout bounds one connection attempt (default 3 s).
	DialTimeout time.Duration
	// ReconnectMin and ReconnectMax bound the wait between connection
	// attempts to a peer; it doubles per failure, with jitter (defaults
	// 50 ms and 5 s).
	ReconnectMin, ReconnectMax time.Duration
}

// withDefaults checks c and fills zero fields with the defaults.
func (c Config) withDefaults() (Config, error) {
	if c.ID == raft.None {
		return c, fmt.Errorf("%w: ID is %v; give the node's ID, 1 or more", ErrConfig, c.ID)
	}
	if len(c.Secret) < wire.MinKeyBytes {
		return c, fmt.Errorf("%w: the secret has %d bytes, want at least %d (GenerateSecret makes one of 32)",
			ErrConfig, len(c.Secret), wire.MinKeyBytes)
	}
	for id, address := range c.Peers {
		if id == raft.None {
			return c, fmt.Errorf("%w: peer ID %v (address %q); node IDs start at 1", ErrConfig, id, address)
		}
		if address == "" && id != c.ID {
			return c, fmt.Errorf("%w: peer %v has no address; want host:port", ErrConfig, id)
		}
	}
	if c.Listener == nil && c.Listen == "" {
		return c, fmt.Errorf("%w: no Listen address; want host:port, or :0 for any free port", ErrConfig)
	}
	for name, value := range map[string]int{"QueueSize": c.QueueSize, "MaxHandshakes": c.MaxHandshakes} {
		if value < 0 {
			return c, fmt.Errorf("%w: %s is %d; want 0 for the default or a positive bound", ErrConfig, name, value)
		}
	}
	if c.ReconnectMin < 0 || c.ReconnectMax < 0 || (c.ReconnectMax > 0 && c.ReconnectMin > c.ReconnectMax) {
		return c, fmt.Errorf("%w: reconnect wait %v..%v; want 0 <= min <= max", ErrConfig, c.ReconnectMin, c.ReconnectMax)
	}
	c.QueueSize = orDefault(c.QueueSize, DefaultQueueSize)
	c.MaxHandshakes = orDefault(c.MaxHandshakes, DefaultMaxHandshakes)
	c.HandshakeTimeout = orDefault(c.HandshakeTimeout, DefaultHandshakeTimeout)
	c.WriteTimeout = orDefault(c.WriteTimeout, DefaultWriteTimeout)
	c.DialTimeout = orDefault(c.DialTimeout, DefaultDialTimeout)
	c.ReconnectMin = orDefault(c.ReconnectMin, DefaultReconnectMin)
	c.ReconnectMax = orDefault(c.ReconnectMax, max(DefaultReconnectMax, c.ReconnectMin))
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

func orDefault[T int | time.Duration](value, fallback T) T {
	if value <= 0 {
		return fallback
	}
	return value
}
