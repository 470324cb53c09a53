package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"raftctl/repl"
	"raftctl/repl/chaos"
)

// chaosFlags are the flags of `raftctl chaos`.
type chaosFlags struct {
	seeds     int
	firstSeed uint64
	nodes     int
	duration  time.Duration
	faults    string
	bugs      string
	out       string
	workers   int
	shrink    bool
}

func newChaosCommand(streams streams) *cobra.Command {
	flags := &chaosFlags{}
	command := &cobra.Command{
		Use:   "chaos",
		Short: "Run randomized fault campaigns and check every invariant",
		Long: `Run randomized fault campaigns on simulated clusters. Each seed writes a
script in the REPL language (a cluster with that seed, then concurrent client
requests, faults and pauses, then heal, restart, settle) and runs it. Safety
(thesis Fig. 3.2: Election Safety, Leader Append-Only, Log Matching, Leader
Completeness, State Machine Safety) is checked after every event and read
with 'expect safe' after every fault; linearizability of the clients'
history (§6.3, porcupine) is checked at the end with 'expect linearizable'.

On the first failing seed, chaos prints it, writes the script that fails
(chaos-seed-S.txt: 'raftctl repl < chaos-seed-S.txt' stops with exit status
1 at the failing expect), shrinks it by delta debugging over its lines while
it keeps failing the same way, and writes chaos-seed-S-shrunk.txt.

Faults (--faults, comma-separated):
  kill       crash a node, the leader half of the time
  restart    restart a dead node, or reboot a running one (kill; restart)
  wipe       restart with an erased disk: unsafe by design, so even
             correct code fails; not in the default list
  partition  partition the nodes, usually stranding the leader in a minority
  cut        cut one link, both ways or one way; often the leader loses a
             follower whose timer fires at once while the leader's other
             links slow down (a leader race, below)
  drop, dup, delay
             network-wide or one-link loss, duplication and delay
  campaign   fire one or two election timers early (overlapping elections)
  snapshot   in a third of the seeds, nodes compact their logs (thesis
             ch. 5), by hand and past a small threshold, so nodes that fall
             behind catch up by InstallSnapshot (Fig. 5.3); in a quarter
             of those, with kill, partition and cut allowed, the script
             ends with a client's put retried after the others restarted
             from their snapshots (sessions in snapshots, §6.3)
  transfer, membership, reconfigure
             in another third of the seeds: hand leadership to another
             voter (TimeoutNow, §3.10); add a node that is not a voter or
             remove a voter, the leader included, one server at a time
             (§4.1, §4.2.1, §4.2.2); change the voters to a random set
             through joint consensus (§4.3)

Bugs (--bug): commit-old-term (thesis Fig. 3.7), no-election-restriction
(§3.6.1), forget-vote (§3.8), lease-without-stickiness (leases trusted with
PreVote alone, §6.4.1), unsafe-membership (voters switched at once,
without joint consensus: thesis Fig. 4.2), leader-counts-unwritten (a
leader writing in parallel counts entries not yet on its disk, §10.2.1),
lease-after-transfer (a lease trusted again once a transfer is abandoned,
though its TimeoutNow may still elect the target: §3.10, §6.4.1),
leader-drops-uncommitted (a leader that loses its majority deletes its
uncommitted entries instead of stepping down: Leader Append-Only, §3.5),
skip-prev-term (the consistency check ignores PrevLogTerm, §3.5),
half-quorum (half of the voters elect a candidate, §3.4),
read-before-own-commit (a new leader serves ReadIndex reads before it has
committed an entry of its term, §6.4), accept-stale-term (a follower
takes AppendEntries from a leader of an older term, §3.3),
removed-leader-counts-self (a leader that removed itself counts its own
copy towards commitment, §4.2.2), forget-term (currentTerm left out of
what is persisted: a restarted node can vote twice in one term, §3.8),
snapshot-without-sessions (snapshots leave the client sessions out: a
retry after a restart from a snapshot executes twice, §6.3), and lazy-sync (set sync lazy: a kill loses the last second of writes).
With any of them on, the default 1000 seeds find a failure on 3 nodes and
on 5.

Half the seeds run the bare algorithm of chapter 3 (no PreVote, CheckQuorum,
leader no-op or stickiness), the other half draw each extension at random.
A quarter of the seeds run on slow disks (1-7 ms a write, one node three
times slower, group commit and the leader's parallel write each on or off:
§10.2.1, §10.2.2).
A leader that has just won is often crashed, rebooted or stranded at once.
Reads without the log (read=index, read=lease) go to the leader or to any
one node. Whenever two nodes believe they lead, a leader race writes through
the newer one and then reads the same key from the older one with a lease.
Half the transfers go over a slow link: the leader gives up before its
TimeoutNow arrives, then loses the others' answers just before it does.

Exit status: 0 when no seed failed, 1 when one did (or raftctl itself
crashed or got stuck, which is reported too), 2 when the command line is
wrong.`,
		Example: `  raftctl chaos --seeds 1000 --nodes 5
  raftctl chaos --bug commit-old-term
  raftctl chaos --faults kill,restart,partition --duration 5s
  raftctl chaos --seed 446 --seeds 1 --bug forget-vote --out /tmp
  raftctl repl < chaos-seed-446-shrunk.txt`,
		Args: noArguments,
		RunE: func(command *cobra.Command, _ []string) error {
			return runChaos(flags, streams)
		},
	}
	set := command.Flags()
	set.IntVar(&flags.seeds, "seeds", 1000, "how many seeds to run")
	set.Uint64Var(&flags.firstSeed, "seed", 1, "the first seed; seeds run from it upwards")
	set.IntVar(&flags.nodes, "nodes", 3, fmt.Sprintf("number of nodes, %d to %d", chaos.MinNodes, chaos.MaxNodes))
	set.DurationVar(&flags.duration, "duration", chaos.DefaultDuration, "virtual time under faults per seed (its pauses; a script also stops at 50 lines per second of it)")
	set.StringVar(&flags.faults, "faults", faultNames(chaos.DefaultFaults), "the faults to inject, comma-separated (see above)")
	set.StringVar(&flags.bugs, "bug", "", "switch a bug on: "+strings.Join(chaos.BugNames(), ", ")+" (comma-separated for several)")
	set.StringVar(&flags.out, "out", ".", "write the scripts of a failing seed to `DIR`")
	set.IntVar(&flags.workers, "workers", 0, "seeds run in parallel (default: one per CPU); the results do not depend on it")
	set.BoolVar(&flags.shrink, "shrink", true, "shrink the failing script (--shrink=false writes only the full one)")
	return command
}

func faultNames(faults []chaos.Fault) string {
	names := make([]string, len(faults))
	for i, fault := range faults {
		names[i] = string(fault)
	}
	return strings.Join(names, ",")
}

func runChaos(flags *chaosFlags, streams streams) error {
	if flags.nodes < chaos.MinNodes || flags.nodes > chaos.MaxNodes {
		return usageErrorf("--nodes %d: want %d to %d nodes (fewer leave no minority to break)", flags.nodes, chaos.MinNodes, chaos.MaxNodes)
	}
	if flags.seeds < 1 {
		return usageErrorf("--seeds %d: want at least 1", flags.seeds)
	}
	if flags.firstSeed < 1 {
		return usageErrorf("--seed %d: seeds start at 1", flags.firstSeed)
	}
	if flags.duration <= 0 || flags.duration > chaos.MaxDuration {
		return usageErrorf("--duration %v: want more than 0 and at most %v", flags.duration, chaos.MaxDuration)
	}
	if flags.workers < 0 {
		return usageErrorf("--workers %d: want 0 (one per CPU) or more", flags.workers)
	}
	faults, err := chaos.ParseFaults(flags.faults)
	if err != nil {
		return usageErrorf("--faults: %v", err)
	}
	bugs, err := chaos.ParseBugs(flags.bugs)
	if err != nil {
		return usageErrorf("--bug: %v", err)
	}

	progress := newProgressBar(streams.Err)
	campaign := chaos.Campaign{
		Options:   chaos.Options{Nodes: flags.nodes, Duration: flags.duration, Faults: faults, Bugs: bugs},
		FirstSeed: flags.firstSeed,
		Seeds:     flags.seeds,
		Workers:   flags.workers,
		Progress:  progress.update,
	}
	summary, err := campaign.Run()
	progress.clear()
	if err != nil {
		return err
	}
	printSummary(streams.Out, summary)
	if summary.Failure == nil {
		return nil
	}
	if err := reportFailure(streams.Out, progress, *summary.Failure, flags); err != nil {
		return err
	}
	return &exitStatusError{status: exitFailed}
}

// printSummary writes the table and the speed.
func printSummary(out io.Writer, summary chaos.Summary) {
	table := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(table, "seeds\tnodes\toperations\tacknowledged\tfaults\telections\tviolations")
	fmt.Fprintf(table, "%d\t%d\t%d\t%d\t%d\t%d\t%d\n", summary.Seeds, summary.Nodes, summary.Operations,
		summary.Acknowledged, summary.Faults, summary.Elections, summary.Violations)
	table.Flush()
	verdict := "no violation"
	if summary.Failure != nil {
		verdict = fmt.Sprintf("seed %d failed", summary.Failure.Seed)
	}
	fmt.Fprintf(out, "%d seeds in %.1fs (%.1f seeds/s): %s\n", summary.Seeds, summary.Elapsed.Seconds(), summary.SeedsPerSecond(), verdict)
}

// reportFailure prints the failing seed, writes its script and the shrunk
// one, and tells how to replay them.
func reportFailure(out io.Writer, progress *progressBar, failure chaos.Result, flags *chaosFlags) error {
	outcome := failure.Outcome
	fmt.Fprintf(out, "\nseed %d: line %d: %s\n", failure.Seed, outcome.Line, failureMessage(outcome))
	switch outcome.Status {
	case repl.StatusInvalid:
		fmt.Fprintln(out, "this is a bug of the chaos generator (it wrote a line the REPL refuses): please report it")
	case chaos.StatusPanic:
		fmt.Fprintln(out, "raftctl itself crashed on this line (raftctl repl ends with a Go panic, exit status 2): please report it")
	case chaos.StatusStuck:
		fmt.Fprintln(out, "the cluster got stuck on this line (virtual time barely moved): please report it")
	}
	if err := os.MkdirAll(flags.out, 0o755); err != nil {
		return fmt.Errorf("cannot write the scripts: %w", err)
	}
	full := filepath.Join(flags.out, fmt.Sprintf("chaos-seed-%d.txt", failure.Seed))
	if err := os.WriteFile(full, []byte(chaos.Text(failure.Script)), 0o644); err != nil {
		return fmt.Errorf("cannot write the script: %w", err)
	}
	fmt.Fprintf(out, "wrote %s (%d lines)\n", full, len(failure.Script))
	replay := full
	if flags.shrink {
		progress.message("shrinking the script of seed %d...", failure.Seed)
		shrunk, err := chaos.Shrink(failure.Script, outcome, chaos.ShrinkOptions{Workers: flags.workers})
		progress.clear()
		if err != nil {
			return err
		}
		path := filepath.Join(flags.out, fmt.Sprintf("chaos-seed-%d-shrunk.txt", failure.Seed))
		if err := os.WriteFile(path, []byte(chaos.Text(shrunk.Script)), 0o644); err != nil {
			return fmt.Errorf("cannot write the shrunk script: %w", err)
		}
		fmt.Fprintf(out, "wrote %s (%d lines, shrunk from %d in %d replays; it fails at line %d: %s)\n",
			path, len(shrunk.Script), len(failure.Script), shrunk.Replays, shrunk.Outcome.Line, failureMessage(shrunk.Outcome))
		replay = path
		fmt.Fprintln(out)
		for _, line := range shrunk.Script {
			fmt.Fprintln(out, "  "+line)
		}
		fmt.Fprintln(out)
	}
	fmt.Fprintf(out, "replay: raftctl repl < %s\n", replay)
	return nil
}

// failureMessage is an outcome's error without the "error: " prefix.
func failureMessage(outcome chaos.Outcome) string {
	return strings.TrimPrefix(outcome.Message, "error: ")
}

// progressBar draws on stderr, only when stderr is a terminal.
type progressBar struct {
	out     io.Writer
	enabled bool
	mu      sync.Mutex
	start   time.Time
	last    time.Time
}

func newProgressBar(stderr io.Writer) *progressBar {
	return &progressBar{out: stderr, enabled: isTerminal(stderr) && hasSize(stderr), start: time.Now()}
}

// update redraws the bar at most ten times a second, and at the end.
func (p *progressBar) update(done, total int) {
	if !p.enabled {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if done < total && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	const width = 30
	filled := width * done / max(total, 1)
	fmt.Fprintf(p.out, "\r\x1b[Kchaos [%s%s] %d/%d seeds, %.1fs",
		strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total, now.Sub(p.start).Seconds())
}

// message shows one line of status in place of the bar.
func (p *progressBar) message(format string, arguments ...any) {
	if !p.enabled {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.out, "\r\x1b[K"+format, arguments...)
}

// clear erases the bar.
func (p *progressBar) clear() {
	if !p.enabled {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprint(p.out, "\r\x1b[K")
}
