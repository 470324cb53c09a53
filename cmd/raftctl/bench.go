package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"raftctl/cluster/compare"
)

// benchFlags are the flags of `raftctl bench`.
type benchFlags struct {
	operations, rounds, pipeline int
}

func newBenchCommand(streams streams) *cobra.Command {
	flags := &benchFlags{}
	command := &cobra.Command{
		Use:   "bench",
		Short: "Measure raftctl next to hashicorp/raft and etcd's raft, in the same run",
		Long: `Commit the same small commands on three in-process 3-node clusters with
in-memory storage and transport: raftctl's, hashicorp/raft's and etcd's raft.
Two workloads: one command in flight, and --pipeline in flight. The
implementations take turns (raftctl, hashicorp, etcd, raftctl, ...) so that
they share the machine's noise, and the report gives raftctl's ratios
against each: speed above 1 means raftctl is faster, allocations and bytes
below 1 mean it allocates less. Absolute figures on a shared machine mean
little; the ratios are the point.`,
		Example: `  raftctl bench
  raftctl bench --operations 20000 --rounds 8`,
		Args: noArguments,
		RunE: func(command *cobra.Command, _ []string) error {
			if flags.operations < 1 || flags.rounds < 1 || flags.pipeline < 1 {
				return usageErrorf("--operations, --rounds and --pipeline must be at least 1")
			}
			if flags.operations < flags.rounds {
				return usageErrorf("--operations %d: want at least one per round (--rounds %d)", flags.operations, flags.rounds)
			}
			fmt.Fprintf(streams.Err, "committing %d commands per workload on each implementation, in %d rounds...\n", flags.operations, flags.rounds)
			report, err := compare.Run(compare.Options{Operations: flags.operations, Rounds: flags.rounds, Pipeline: flags.pipeline})
			if err != nil {
				return err
			}
			return report.Write(streams.Out)
		},
	}
	set := command.Flags()
	set.IntVar(&flags.operations, "operations", 2000, "commands per workload and implementation")
	set.IntVar(&flags.rounds, "rounds", 4, "turns per implementation and workload")
	set.IntVar(&flags.pipeline, "pipeline", compare.DefaultPipeline, "commands in flight in the pipelined workload")
	return command
}
