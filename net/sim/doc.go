// Package sim is the simulated network that cluster.Local runs its nodes on.
//
// Raft must stay safe "under all non-Byzantine conditions, including network
// delays, partitions, and packet loss, duplication, and reordering" (paper
// §2). This package produces each of those on purpose, so a learner can
// watch the algorithm survive them:
//
//   - delay: every message draws a latency in [DelayMin, DelayMax];
//   - reordering: falls out of random latency, since the queue delivers by
//     arrival time, not by send order;
//   - loss and duplication: per-link probabilities;
//   - partitions and one-way cuts: links that drop whatever crosses them.
//
// Nothing moves on its own. The network has no clock and no goroutines: the
// host sends at a virtual time, asks for the next arrival time, and pops what
// is due. Every random choice comes from one PCG source seeded by New, and the
// in-flight messages are ordered by (DeliverAt, ID), never by map iteration,
// so the same seed and the same calls give the same envelopes, byte for byte.
//
// A Network is not safe for concurrent use; the cluster serializes access.
package sim
