//go:build !js

package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"time"

	"raftctl/net/tcp"
	"raftctl/store"
)

// NodeOptions describe one real node on TCP: what `raftctl node` runs.
type NodeOptions struct {
	ID NodeID
	// Listen is the address to listen on ("host:port"; ":0" picks a port).
	Listen string
	// Peers gives every node's address, ID included.
	Peers map[NodeID]string
	// DataDir holds the node's bbolt file (nID.db).
	DataDir  string
	Secret   []byte
	Settings Settings // zero value: DefaultSettings
	Logger   *slog.Logger
}

// TCPNode is a Host on net/tcp with bbolt storage.
type TCPNode struct {
	Host      *Host
	transport *tcp.Transport
}

// StartNode opens the node's storage, listens for peers and control
// clients on one address (both authenticated with the cluster secret) and
// starts the node.
func StartNode(options NodeOptions) (*TCPNode, error) {
	if options.Logger == nil {
		options.Logger = slog.New(slog.DiscardHandler)
	}
	peers := make([]NodeID, 0, len(options.Peers))
	for id := range options.Peers {
		peers = append(peers, id)
	}
	slices.Sort(peers)
	if _, ok := options.Peers[options.ID]; !ok {
		return nil, fmt.Errorf("--peers does not name this node (%v): list every node, this one included", options.ID)
	}
	for i, id := range peers {
		if id != NodeID(i+1) {
			return nil, fmt.Errorf("nodes must be named n1..n%d without gaps, got %v", len(peers), peers)
		}
	}
	if err := os.MkdirAll(options.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir %s: %w", options.DataDir, err)
	}
	path := filepath.Join(options.DataDir, options.ID.String()+".db")
	bolt, err := store.OpenBolt(path, store.BoltOptions{LockTimeout: time.Second})
	if err != nil {
		return nil, err
	}
	// Control connections may arrive before the host exists: they wait.
	var host atomic.Pointer[Host]
	ready := make(chan struct{})
	transport, err := tcp.Listen(tcp.Config{
		ID: options.ID, Listen: options.Listen, Peers: options.Peers, Secret: options.Secret, Logger: options.Logger,
		Control: func(conn *tcp.Conn) {
			<-ready
			if h := host.Load(); h != nil {
				h.ServeControl(conn)
			}
		},
	})
	if err != nil {
		close(ready)
		bolt.Close()
		return nil, err
	}
	started, err := StartHost(HostConfig{ID: options.ID, Peers: peers, Settings: options.Settings,
		Storage: bolt, Transport: transport, Logger: options.Logger})
	if err != nil {
		close(ready)
		transport.Close()
		bolt.Close()
		return nil, err
	}
	host.Store(started)
	close(ready)
	options.Logger.Info("node listening", "node", options.ID.String(), "address", transport.Addr().String(), "data", path)
	return &TCPNode{Host: started, transport: transport}, nil
}

// Addr is the address the node listens on.
func (n *TCPNode) Addr() net.Addr { return n.transport.Addr() }

// Stats returns the transport's counters per peer.
func (n *TCPNode) Stats() map[NodeID]tcp.PeerStats { return n.transport.Stats() }

// Close stops the transport, then the node (its bbolt file is closed).
func (n *TCPNode) Close() error {
	return errors.Join(n.transport.Close(), n.Host.Close())
}

// DialTCP connects a Remote to real nodes with the cluster secret.
func DialTCP(ctx context.Context, nodes map[NodeID]string, secret []byte, messages bool) (*Remote, error) {
	return Connect(ctx, RemoteConfig{
		Nodes: nodes, Messages: messages,
		Dial: func(ctx context.Context, address string) (ControlConn, error) {
			return tcp.DialControl(ctx, address, secret)
		},
	})
}
