// Package workload measures how fast raftctl commits commands: the bare
// core (raft.Node driven by a thin loop) and cluster.Local (what the REPL,
// the lessons and chaos run), on memory and on bbolt, at several numbers
// of commands in flight. It reports throughput and p50/p99 latency as
// medians over interleaved rounds, and ratios between targets.
//
// `raftctl bench` runs the raftctl targets alone. The Go module in bench/
// adds etcd's raft and hashicorp/raft as further Targets of the same Run,
// so that the raftctl binary never links them.
//
// # The workload
//
// A 3-node cluster in one process commits 16-byte key-value puts (an
// 8-byte key out of 64, an 8-byte value). A command counts once the
// leader's state machine has applied it. The client keeps a fixed number
// of commands in flight: 1 is latency-bound, 64 and 256 are
// throughput-bound (batching and pipelining, thesis §10.2.2). Latency is
// the wall time from issuing a command to seeing it applied on the leader.
// After every round the leader must have applied exactly the commands
// issued and hold the last value written to every key, so each benchmark
// is also a correctness check.
//
// # Rounds
//
// A round starts a fresh cluster for every target, runs a warm-up, then
// times Operations commands. The targets take turns within a round (core,
// local, ..., then the next load, then the next round), so they share the
// machine's noise; figures are medians over rounds, and a ratio is the
// median of the rounds' ratios (round i of one target against round i of
// the other, measured moments apart). Cluster start-up and election are
// never timed.
//
// # What each raftctl target runs
//
//   - core: three raft.Nodes with raft.DefaultConfig (PreVote,
//     CheckQuorum, the leader no-op, conflict hints; 64 entries per
//     AppendEntries, 8 in flight per follower), each step handing every
//     node's Ready to storage (Save), queueing its messages, applying its
//     committed entries to a map and calling Advance, then delivering the
//     queued messages. Nothing ticks while commands are timed. This is
//     about as thin as a host can be: its figures are the core's own cost.
//   - local: cluster.Local with cluster.DefaultSettings: the simulated
//     network (seeded delivery queue, 1-5 ms of virtual latency that costs
//     no wall time), the safety checkers after every event, the record
//     stream, clients with leader discovery and sessions (thesis §6.3),
//     store.KV as the state machine.
//   - core-bbolt: core on one bbolt file per node (store.Bolt, two
//     fdatasyncs per Save), each step saving every node's Ready in one
//     transaction, one node after another.
//   - local-bbolt: local on one bbolt file per node (cluster.Open) with
//     DiskSettings: a write takes 10 ms of virtual time and carries every
//     entry that arrived while the disk was busy (group commit, thesis
//     §10.2.2), the leader sends its AppendEntries while it writes
//     (thesis §10.2.1), and each node's bbolt transaction runs on a
//     goroutine of its own while virtual time runs to the write's end, so
//     the three nodes' disks work at once (cluster/disk.go).
//   - fdatasync-pair: no Raft at all: two fdatasyncs of a small file in
//     series per command, the disk's floor for one durable write on the
//     leader (bbolt syncs its data pages, then its meta page).
package workload
