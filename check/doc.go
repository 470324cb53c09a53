// Package check watches a running cluster and reports every breach of the
// five safety properties of thesis Fig. 3.2:
//
//   - Election Safety (thesis §3.4)
//   - Leader Append-Only (thesis §3.5)
//   - Log Matching (thesis §3.5)
//   - Leader Completeness (thesis §3.6)
//   - State Machine Safety (thesis §3.6.3)
//
// It also checks that what the clients saw is linearizable (thesis §6.3;
// see Linearizability below).
//
// The cluster host calls Checker.ObserveNode after every batch of work a
// node processes and Checker.ObserveApply for every entry a node applies.
// The checker remembers what it needs for the whole run (the leader of
// every term, a compact copy of every node's latest log after its
// snapshot, the entries seen committed and the entries applied), so a
// violation is found even when its two halves are thousands of events
// apart, or when one half is on a node that has since crashed: storage
// survives a crash (thesis §3.8), so a crashed node's last log still
// counts.
//
// The checker never trusts the core it checks. It does not assume, for
// instance, that an entry whose term is unchanged still carries the same
// command: an in-place overwrite within one term is exactly the kind of bug
// a teaching tool must be able to show.
//
// # Cost per observation
//
// With n the length of the observed log, c the number of entries that
// changed since that node's previous observation (truncated or appended),
// N the number of nodes and K the number of committed indexes kept:
//
//   - finding the changed suffix: O(n) comparisons of a term, a kind and the
//     command bytes against the stored copy, with no allocation (a few
//     nanoseconds an entry), or O(c) when the host vouches for the entries
//     that did not change (NodeView.Unchanged); copying it: O(c), into
//     pages and an arena that are never copied as they grow.
//   - Election Safety and Leader Append-Only: O(1) beyond the above.
//   - Log Matching: O(N·c) amortized. For every pair of nodes the checker
//     keeps the length of their verified common prefix, so only the changed
//     suffix is compared again.
//   - Leader Completeness: O(c) to record newly committed entries, plus
//     O(N) per newly committed entry to compare it with the current
//     leaders; O(K) once per leader and term (when a node is first seen
//     leading a term), then O(c) while it stays leader.
//   - State Machine Safety: O(1) per applied entry plus the length of its
//     command.
//
// # Memory
//
// The checker keeps what the nodes keep and what its checks can still
// need, no more: a copy of each node's log after the node's snapshot (the
// entries a snapshot covers are dropped from the copy when the node drops
// them, thesis §5.1), and one record per index of the entry seen committed
// and the entry first applied there, from the lowest snapshot of any node
// on (records below it are forgotten: no node can apply those indexes
// again and no leader holds them; see forgetRecords for the reasoning,
// property by property). With snapshots on, the checker's memory is flat
// under a steady load (BenchmarkCheckerMemoryLongRun); without them it is
// O(N·n) for the log copies plus O(K) for the records. Records and copies
// lie in pages and arenas without pointers, so the garbage collector does
// not scan them.
//
// A Checker is safe for concurrent use; the hosts that drive real nodes
// observe them from several goroutines.
//
// # Linearizability
//
// The five properties are about servers. What a client sees is checked on
// its own: CheckLinearizability takes the history of client operations
// (put, get and del, each with its call and return time on one monotonic
// clock and what the client learned) and reports whether it is
// linearizable, the guarantee Raft gives its clients (thesis §6.3): each
// operation appears to take effect at one instant between its call and its
// return, exactly once. A stale read served by an isolated old leader
// (thesis §6.4) is the classic breach. The search is done by the porcupine
// checker, one key at a time; a search that runs out of time is reported
// as inconclusive, never as a pass, and LinearizabilityResult's
// WriteVisualization draws the history as an HTML page.
package check
