package workload

// Targets are raftctl's own targets: the bare core and cluster.Local, on
// memory and on bbolt, and the disk's floor.
func Targets() []Target {
	return []Target{CoreTarget(false), LocalTarget(false), CoreTarget(true), LocalTarget(true), FdatasyncPairTarget()}
}

// Comparisons are raftctl's own ratios, with the goals of the performance
// work (docs/performance.md): cluster.Local at two thirds of the bare
// core or better, and a durable put one at a time within 1.5x of two
// fdatasyncs in series.
func Comparisons() []Comparison {
	return []Comparison{
		{Of: "local", Over: "core", Goal: 0.67},
		{Of: "local-bbolt", Over: "core-bbolt"},
		{Of: "local-bbolt", Over: "fdatasync-pair", Goal: 1 / 1.5, GoalInFlight: []int{1}},
	}
}
