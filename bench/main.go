// Command bench runs raftctl next to etcd's raft and hashicorp/raft in the
// same run: the same 16-byte puts on in-process 3-node clusters, the
// implementations taking turns in interleaved rounds, medians and ratios
// against the targets of the performance work. It is a Go module of its
// own so that the raftctl binary never links the other implementations.
//
//	cd bench && go run .
//	cd bench && go run . --in-flight 64 --rounds 9 --json
//
// docs/performance.md holds a run's table and the profiles behind it.
//
// # What differs between the setups
//
// The ratios compare the code each implementation runs, not identical
// harnesses. raftctl's targets are described in package workload.
//
//   - etcd-8, etcd-256: etcd raft v3.7.0 (RawNode, MemoryStorage, a map as
//     the state machine), driven by the same thin deterministic loop as
//     raftctl's core target: each step handles every node's Ready (append
//     entries, save the hard state, queue messages, apply committed
//     entries, Advance), then delivers the queued messages by pointer.
//     Nothing ticks while commands are timed. CheckQuorum and PreVote on,
//     MaxSizePerMsg 1 MiB; MaxInflightMsgs 8 (raftctl's window) or 256
//     (etcd's server default).
//   - hashicorp, hashicorp-boltdb: hashicorp/raft v1.7.3 on connected
//     InmemTransports, with InmemStore or raft-boltdb v2 (one bbolt file
//     per node, synced on every commit): goroutines per node, per
//     follower's replication and per pipeline, on wall-clock timers
//     (heartbeat, election and lease timeouts of 100 ms; snapshots off;
//     null logger). The client runs as many goroutines as commands in
//     flight, each calling Apply and waiting for its future, which returns
//     once the leader's FSM applied the command. It can use both cores,
//     which the single-goroutine loops cannot; its figures include
//     goroutine hand-offs and background work (heartbeats, go-metrics),
//     and the FSM's note of which commands it applied (for the check).
//     v1.7.3, not v1.8.0: raft-boltdb v2.3.1 imports go-metrics/compat,
//     which the go-metrics v0.7.0 that raft v1.8.0 requires no longer has.
//
// None writes to disk except the -bbolt, -boltdb and fdatasync-pair
// targets; none serializes messages to bytes. The harness (building each
// command, stamping, counting) is in every target's figures.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"raftctl/workload"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
}

func run(arguments []string, stdout, stderr io.Writer) error {
	var names []string
	for _, target := range targets() {
		names = append(names, target.Name)
	}
	set := flag.NewFlagSet("bench", flag.ContinueOnError)
	set.SetOutput(stderr)
	rounds := set.Int("rounds", 5, "rounds per target and load")
	operations := set.Int("operations", 10000, "commands timed per round on a target in memory")
	durableOperations := set.Int("durable-operations", 1000, "commands timed per round on a target on disk (at least 4 times the load)")
	warmup := set.Float64("warmup", 0.2, "commands run untimed before each round's, as a fraction of them")
	inFlight := set.String("in-flight", "1,64,256", "loads: commands kept in flight, comma-separated")
	only := set.String("targets", strings.Join(names, ","), "targets to measure, comma-separated")
	dir := set.String("dir", "", "where the targets on disk write (default the system's temporary directory)")
	asJSON := set.Bool("json", false, "print the report as JSON (every round, latencies in nanoseconds)")
	set.Usage = func() {
		fmt.Fprintf(stderr, "usage: go run . [flags]\n\nraftctl, etcd's raft and hashicorp/raft side by side. Targets: %s.\n\n", strings.Join(names, ", "))
		set.PrintDefaults()
	}
	if err := set.Parse(arguments); err != nil {
		return err
	}
	if set.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q: bench takes flags only", set.Arg(0))
	}
	if *rounds < 1 || *operations < 1 || *durableOperations < 1 {
		return fmt.Errorf("--rounds, --operations and --durable-operations must be at least 1")
	}
	options := workload.Options{Rounds: *rounds, Operations: *operations, DurableOperations: *durableOperations,
		Warmup: *warmup, Dir: *dir, Progress: stderr}
	if *warmup <= 0 {
		options.Warmup = -1 // none
	}
	for _, field := range strings.Split(*inFlight, ",") {
		load, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || load < 1 {
			return fmt.Errorf("--in-flight %q: want numbers of 1 or more, comma-separated", *inFlight)
		}
		options.InFlight = append(options.InFlight, load)
	}
	var chosen []workload.Target
	for _, name := range strings.Split(*only, ",") {
		i := slices.Index(names, strings.TrimSpace(name))
		if i < 0 {
			return fmt.Errorf("--targets: unknown target %q (targets: %s)", name, strings.Join(names, ", "))
		}
		chosen = append(chosen, targets()[i])
	}
	report, err := workload.Run(chosen, comparisons(), options)
	if err != nil {
		return err
	}
	if *asJSON {
		return report.WriteJSON(stdout)
	}
	fmt.Fprintln(stderr)
	return report.Write(stdout)
}
