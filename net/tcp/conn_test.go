package tcp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"raftctl/net/wire"
	"raftctl/raft"
)

// echoNode starts n1 with a Control function that answers every payload
// with "echo: " and the payload, until the client closes.
func echoNode(t *testing.T, served *atomic.Int32) *Transport {
	transports := startCluster(t, []raft.NodeID{1}, nil, func(config *Config) {
		config.Control = func(c *Conn) {
			if served != nil {
				served.Add(1)
			}
			for {
				payload, err := c.Receive()
				if err != nil {
					return
				}
				if err := c.Send(append([]byte("echo: "), payload...)); err != nil {
					return
				}
			}
		}
	})
	return transports[1]
}

func TestControlConnectionCarriesPayloadsBothWays(t *testing.T) {
	node := echoNode(t, nil)
	conn, err := dialControl(t, node.Addr().String(), testSecret)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if conn.NodeID() != 1 {
		t.Errorf("NodeID %v, want n1", conn.NodeID())
	}
	if conn.RemoteAddr().String() != node.Addr().String() {
		t.Errorf("RemoteAddr %v, want %v", conn.RemoteAddr(), node.Addr())
	}
	large := bytes.Repeat([]byte("0123456789"), 100_000)
	for _, payload := range [][]byte{[]byte(`{"command":"put x 1"}`), {}, large} {
		if err := conn.Send(payload); err != nil {
			t.Fatal(err)
		}
		got, err := conn.Receive()
		if err != nil {
			t.Fatal(err)
		}
		if want := append([]byte("echo: "), payload...); !bytes.Equal(got, want) {
			t.Fatalf("got %d bytes %.40q, want %d bytes %.40q", len(got), got, len(want), want)
		}
	}
}

func TestControlConnectionEnds(t *testing.T) {
	var served atomic.Int32
	node := echoNode(t, &served)
	conn, err := dialControl(t, node.Addr().String(), testSecret)
	if err != nil {
		t.Fatal(err)
	}
	// Over the limit: refused before anything is written, and the
	// connection stays usable.
	if err := conn.Send(make([]byte, wire.DefaultMaxMessageBytes+1)); !errors.Is(err, wire.ErrTooLarge) {
		t.Errorf("an oversized payload: %v, want ErrTooLarge", err)
	}
	if err := conn.Send([]byte("still here")); err != nil {
		t.Fatal(err)
	}
	if got, err := conn.Receive(); err != nil || string(got) != "echo: still here" {
		t.Fatalf("got %q, %v", got, err)
	}
	// Closing the transport closes its control connections: the client
	// sees a clean end.
	node.Close()
	if _, err := conn.Receive(); !errors.Is(err, io.EOF) {
		t.Errorf("Receive after the node closed: %v, want io.EOF", err)
	}
	conn.Close()
	if _, err := conn.Receive(); !errors.Is(err, ErrClosed) {
		t.Errorf("Receive after Close: %v, want ErrClosed", err)
	}
	if served.Load() != 1 {
		t.Errorf("Control called %d times, want 1", served.Load())
	}
}

func TestControlFunctionReturningClosesTheConnection(t *testing.T) {
	transports := startCluster(t, []raft.NodeID{1}, nil, func(config *Config) {
		config.Control = func(c *Conn) { c.Send([]byte("bye")) }
	})
	conn, err := dialControl(t, transports[1].Addr().String(), testSecret)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if got, err := conn.Receive(); err != nil || string(got) != "bye" {
		t.Fatalf("got %q, %v", got, err)
	}
	if _, err := conn.Receive(); !errors.Is(err, io.EOF) {
		t.Fatalf("got %v, want io.EOF once Control returned", err)
	}
}

func TestDialControlErrors(t *testing.T) {
	if _, err := DialControl(context.Background(), "127.0.0.1:1", []byte("short")); err == nil || !strings.Contains(err.Error(), "at least") {
		t.Errorf("a short secret: %v", err)
	}
	if _, err := dialControl(t, deadAddress(t), testSecret); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("nobody listening: %v", err)
	}
	// A listener that never answers: the context's deadline ends the wait.
	silent := freeListener(t)
	defer silent.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := DialControl(ctx, silent.Addr().String(), testSecret)
	if !errors.Is(err, ErrHandshake) || time.Since(start) > 2*time.Second {
		t.Errorf("a silent listener: %v after %v, want ErrHandshake at the deadline", err, time.Since(start))
	}
}

// Two control clients at once each get their own Control call.
func TestControlClientsAreIndependent(t *testing.T) {
	var served atomic.Int32
	node := echoNode(t, &served)
	first, err := dialControl(t, node.Addr().String(), testSecret)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	second, err := dialControl(t, node.Addr().String(), testSecret)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	second.Send([]byte("two"))
	first.Send([]byte("one"))
	if got, _ := first.Receive(); string(got) != "echo: one" {
		t.Errorf("first got %q", got)
	}
	if got, _ := second.Receive(); string(got) != "echo: two" {
		t.Errorf("second got %q", got)
	}
	if served.Load() != 2 {
		t.Errorf("Control called %d times, want 2", served.Load())
	}
}
