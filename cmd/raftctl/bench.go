package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"raftctl/workload"
)

// benchFlags are the flags of `raftctl bench`.
type benchFlags struct {
	rounds, operations, durableOperations int
	inFlight                              []int
	targets                               []string
	warmup                                float64
	dir                                   string
	json                                  bool
}

func newBenchCommand(streams streams) *cobra.Command {
	flags := &benchFlags{}
	var names []string
	for _, target := range workload.Targets() {
		names = append(names, target.Name)
	}
	command := &cobra.Command{
		Use:   "bench",
		Short: "Measure how fast raftctl commits: the bare core and the simulated cluster, in memory and on bbolt",
		Long: `Commit 16-byte puts on in-process 3-node clusters and report throughput and
p50/p99 latency (from issuing a command to its being applied on the leader).

Targets:
  core            three raft.Nodes in a thin loop, storage in memory: the core's own cost
  local           cluster.Local, what the REPL, lessons and chaos run: the simulated
                  network, the safety checkers, records and clients with sessions
  core-bbolt      core with one bbolt file per node (durable: two fdatasyncs per save)
  local-bbolt     local with one bbolt file per node and the disk switches on: writes of
                  10 ms virtual time, group commit, the parallel leader write
  fdatasync-pair  no Raft: two fdatasyncs in series, the disk's floor for a durable put

Each load (--in-flight: commands the client keeps outstanding) is measured in
--rounds rounds; a round starts a fresh cluster per target, runs a warm-up,
then times --operations commands (--durable-operations on disk). The targets
take turns within a round, so they share the machine's noise. Figures are
medians over the rounds; a ratio is the median of the rounds' ratios. After
every round the leader must hold exactly the commands issued.

This measures raftctl alone. The same run next to etcd's raft and
hashicorp/raft is the Go module in bench/ of the source tree (see
docs/performance.md): the raftctl binary does not link them.`,
		Example: `  raftctl bench
  raftctl bench --targets core,local --in-flight 64 --rounds 9
  raftctl bench --json > bench.json`,
		Args: noArguments,
		RunE: func(command *cobra.Command, _ []string) error {
			if flags.rounds < 1 || flags.operations < 1 || flags.durableOperations < 1 {
				return usageErrorf("--rounds, --operations and --durable-operations must be at least 1")
			}
			if flags.warmup < 0 {
				return usageErrorf("--warmup %v: want a fraction of 0 or more (0.2 runs a fifth of a round's commands first)", flags.warmup)
			}
			for _, load := range flags.inFlight {
				if load < 1 {
					return usageErrorf("--in-flight %d: want at least 1 command in flight", load)
				}
			}
			var targets []workload.Target
			for _, name := range flags.targets {
				i := slices.IndexFunc(workload.Targets(), func(target workload.Target) bool { return target.Name == name })
				if i < 0 {
					return usageErrorf("--targets: unknown target %q (targets: %s)", name, strings.Join(names, ", "))
				}
				targets = append(targets, workload.Targets()[i])
			}
			options := workload.Options{
				Rounds: flags.rounds, Operations: flags.operations, DurableOperations: flags.durableOperations,
				Warmup: flags.warmup, InFlight: flags.inFlight, Dir: flags.dir, Progress: streams.Err,
			}
			if flags.warmup == 0 {
				options.Warmup = -1 // none
			}
			report, err := workload.Run(targets, workload.Comparisons(), options)
			if err != nil {
				return err
			}
			if flags.json {
				return report.WriteJSON(streams.Out)
			}
			fmt.Fprintln(streams.Err)
			return report.Write(streams.Out)
		},
	}
	set := command.Flags()
	set.IntVar(&flags.rounds, "rounds", 5, "rounds per target and load")
	set.IntVar(&flags.operations, "operations", 10000, "commands timed per round on a target in memory")
	set.IntVar(&flags.durableOperations, "durable-operations", 1000, "commands timed per round on a target on disk (at least 4 times the load)")
	set.Float64Var(&flags.warmup, "warmup", 0.2, "commands run untimed before each round's, as a fraction of them")
	set.IntSliceVar(&flags.inFlight, "in-flight", workload.DefaultInFlight, "loads: commands the client keeps in flight")
	set.StringSliceVar(&flags.targets, "targets", names, "targets to measure")
	set.StringVar(&flags.dir, "dir", "", "where the bbolt targets write (default the system's temporary directory)")
	set.BoolVar(&flags.json, "json", false, "print the report as JSON (every round, latencies in nanoseconds)")
	return command
}
