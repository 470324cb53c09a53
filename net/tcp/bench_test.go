package tcp

import (
	"testing"
	"time"

	"raftctl/raft"
)

// Messages per second from one transport to another on loopback, with at
// most window messages in flight (Send drops past the queue's bound, so an
// unpaced sender would measure drops). Compare with the in-process
// cluster's benchmarks (make bench).
//
//	go test ./net/tcp/ -run XXX -bench Loopback
func BenchmarkLoopback(b *testing.B) {
	entries := make([]raft.Entry, 64)
	for i := range entries {
		entries[i] = raft.Entry{Index: raft.Index(i + 1), Term: 1, Command: []byte("put key-00000 value-0000")}
	}
	for _, shape := range []struct {
		name    string
		message raft.Message
	}{
		{"Heartbeat", heartbeat(1, 2, 1)},
		{"AppendEntries64", raft.Message{Type: raft.MsgAppendEntries, From: 1, To: 2, Term: 1, LeaderCommit: 1, Entries: entries}},
	} {
		b.Run(shape.name, func(b *testing.B) { benchmarkLoopback(b, shape.message) })
	}
}

func benchmarkLoopback(b *testing.B, message raft.Message) {
	const window = 512
	transports := startCluster(b, []raft.NodeID{1, 2}, nil, func(config *Config) {
		config.Logger = nil
		config.QueueSize = 2 * window
	})
	sender, receiver := transports[1], transports[2]
	// Warm up: the first message waits for the connection.
	sender.Send(message)
	receiveOne(b, receiver)

	credits := make(chan struct{}, window)
	for range window {
		credits <- struct{}{}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range b.N {
			if _, ok := <-receiver.Receive(); !ok {
				return
			}
			credits <- struct{}{}
		}
	}()
	b.ReportAllocs()
	start := time.Now()
	b.ResetTimer()
	for range b.N {
		<-credits
		sender.Send(message)
	}
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		b.Fatalf("messages lost: %+v", sender.Stats()[2])
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
	if dropped := sender.Stats()[2].Dropped; dropped != 0 {
		b.Fatalf("%d messages dropped", dropped)
	}
}
