// Package compare measures raftctl's simulated cluster next to
// hashicorp/raft and etcd's raft, in the same process and the same run, so
// that speed and memory are read as ratios rather than absolute times on a
// shared, noisy machine.
//
// Each implementation runs a 3-node cluster with in-memory storage and an
// in-memory transport, and commits the same workload: 16-byte key-value
// puts (an 8-byte key out of 64, an 8-byte value), each counted once the
// leader's state machine has applied it. Two workloads: one command in
// flight at a time (latency-bound) and a pipeline of many outstanding
// commands (throughput-bound). One operation is one committed and applied
// command. Every run checks afterwards that the leader applied exactly the
// commands issued and holds the last value written to every key.
//
// Entry points: BenchmarkCompare/<workload>/<implementation> for `go test
// -bench`, and Run for a `raftctl bench` command, which interleaves the
// implementations in rounds (raftctl, hashicorp, etcd, raftctl, ...) so they
// share the machine's noise, and reports ratios.
//
// # What differs between the three setups
//
// The ratios compare the code each implementation runs, not three
// identical harnesses. Read them with these differences in mind:
//
//   - raftctl (cluster.Local, default settings): one goroutine; a virtual
//     clock, so the simulated network latency (1-5 ms per message) and the
//     heartbeats cost no wall time, only the work of scheduling them.
//     Every message goes through net/sim's seeded delivery queue; every
//     decision is published as a Record and checked against the safety
//     invariants of package check; the client finds the leader, tracks its
//     call and carries a session (client id and sequence number, thesis
//     §6.3), so the encoded command is longer than 16 bytes; the state
//     machine is store.KV with sessions. PreVote, CheckQuorum and the
//     leader no-op are on. We count applied entries with a Subscribe
//     callback, a small cost charged to raftctl.
//   - hashicorp/raft v1.8.0 (InmemStore, InmemSnapshotStore, connected
//     InmemTransports, a map as the FSM): goroutines per node, per
//     follower's replication and per pipeline, talking over channels, on
//     wall-clock timers (heartbeat, election and lease timeouts of 100 ms;
//     snapshots off; null logger). Its time includes goroutine hand-offs,
//     which dominate the one-in-flight workload, and it can use several
//     cores at once, which the others cannot. Its allocations include
//     background work during the measurement (heartbeats, go-metrics).
//     The client issues Apply futures from one goroutine and waits on the
//     oldest; a command counts when its future returns, after the leader's
//     FSM applied it.
//   - etcd raft v3.7.0 (RawNode, MemoryStorage, a map as the state
//     machine): our own deterministic loop on one goroutine. It ticks only
//     to elect a leader; while commands are measured nothing ticks, so
//     there are no heartbeats at all. Each step handles every node's Ready
//     (append entries, save the hard state, queue messages, apply
//     committed entries, Advance) and then delivers the queued messages by
//     pointer. This loop is about as thin as a host can be: the figures are
//     close to the library's own cost. CheckQuorum and PreVote are on;
//     MaxInflightMsgs is 256 and MaxSizePerMsg 1 MiB, etcd's server
//     defaults. With that window the leader sends each proposal to the
//     followers in a message of its own, where raftctl (at most 8
//     AppendEntries in flight, 64 entries each) and hashicorp (64 entries
//     per AppendEntries) batch: each library's defaults, compared as they
//     ship.
//
// None of the three writes to disk or serializes messages to bytes. The
// harness (building each command, waiting, counting) is included in every
// implementation's figures, at one allocation per command for all three.
// Cluster start-up and election are not measured.
package compare
