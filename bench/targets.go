package main

import "raftctl/workload"

// targets are every implementation of the side-by-side run, in the order
// they take turns: raftctl's core and cluster.Local next to etcd's
// RawNode at raftctl's window and at its own default, and hashicorp/raft;
// then the same on disk.
func targets() []workload.Target {
	return []workload.Target{
		workload.CoreTarget(false),
		workload.LocalTarget(false),
		etcdTarget(8),
		etcdTarget(256),
		hashicorpTarget(false),
		workload.CoreTarget(true),
		workload.LocalTarget(true),
		hashicorpTarget(true),
		workload.FdatasyncPairTarget(),
	}
}

// comparisons are the ratios of the performance issue, each with its
// target where the issue sets one (docs/performance.md).
func comparisons() []workload.Comparison {
	return []workload.Comparison{
		// The bare core at least as fast as etcd at the same window, at
		// every load, and a p99 at 64 in flight no worse than etcd's.
		{Of: "core", Over: "etcd-8", Goal: 1},
		{Of: "core", Over: "etcd-8", Quantity: workload.P99, Goal: 1, GoalInFlight: []int{64}},
		{Of: "core", Over: "etcd-256"},
		// cluster.Local, checkers on, at two thirds of the bare core,
		// hence 0.8x etcd at its default window.
		{Of: "local", Over: "core", Goal: 0.67},
		{Of: "local", Over: "etcd-256", Goal: 0.8},
		{Of: "local", Over: "hashicorp"},
		// On disk: 2.5x hashicorp/raft with raft-boltdb at 64 in flight,
		// and one put at a time within 1.5x of two fdatasyncs in series.
		{Of: "local-bbolt", Over: "hashicorp-boltdb", Goal: 2.5, GoalInFlight: []int{64}},
		{Of: "core-bbolt", Over: "hashicorp-boltdb"},
		{Of: "local-bbolt", Over: "fdatasync-pair", Goal: 1 / 1.5, GoalInFlight: []int{1}},
	}
}
