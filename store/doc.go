// Package store holds what a host keeps next to a Raft core: storage for the
// core's persistent state (thesis §3.8) and the key-value state machine that
// committed entries are applied to, with client sessions (thesis §6.3).
//
//   - Memory implements raft.Storage in memory. It survives a simulated
//     crash (the simulator keeps the object) and can be wiped to model a
//     lost disk.
//   - Bolt implements raft.Storage on a bbolt file, one per node: one
//     transaction (one fsync) per batch of work from the core.
//   - KV is the replicated state machine. Every replica applies the same
//     committed entries in the same order and so reaches the same state
//     (thesis §2.1, replicated state machines).
//   - Command is the client request that an entry carries, with its compact
//     binary encoding.
//
// The contract every raft.Storage must meet is the test suite in
// store/storagetest, run against each implementation.
package store
