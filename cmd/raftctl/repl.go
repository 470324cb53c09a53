package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"raftctl/cluster"
	"raftctl/repl"
	"raftctl/repl/term"
)

// replFlags are the flags of `raftctl repl`.
type replFlags struct {
	nodes                            int
	seed                             uint64
	preVote, checkQuorum, noop, hint bool
	script                           string
	keepGoing                        bool
	color                            string
	dataDir                          string
	speed                            float64
	remote                           remoteFlags
}

func newReplCommand(streams streams) *cobra.Command {
	defaults := cluster.DefaultSettings()
	flags := &replFlags{}
	command := &cobra.Command{
		Use:   "repl",
		Short: "Start a local cluster and type commands at it",
		Long: `Start a simulated local cluster and read commands in the REPL language
(type 'help' at the prompt).

On a terminal, raftctl shows a prompt with tab completion and history
(saved in $XDG_STATE_HOME/raftctl/history). When stdin or stdout is not a
terminal, or with --script, it runs a script instead: each command is
echoed as '> command' followed by its output, and the exit status is 0 if
all went well, 1 if an expect or wait failed, 2 if a line is not a valid
command.`,
		Example: `  raftctl repl --nodes 5
  raftctl repl --script chaos.txt --keep-going
  echo 'put x 1' | raftctl repl`,
		Args: noArguments,
		RunE: func(command *cobra.Command, _ []string) error {
			return runRepl(flags, streams)
		},
	}
	set := command.Flags()
	set.IntVar(&flags.nodes, "nodes", 3, "number of nodes, 1 to 9")
	set.Uint64Var(&flags.seed, "seed", 1, "seed of every random choice: same seed and commands, same output")
	set.BoolVar(&flags.preVote, "prevote", defaults.PreVote, "PreVote before elections (thesis §9.6)")
	set.BoolVar(&flags.checkQuorum, "checkquorum", defaults.CheckQuorum, "leaders step down without a quorum (thesis §6.2)")
	set.BoolVar(&flags.noop, "noop", defaults.LeaderNoop, "new leaders append a no-op entry (thesis §6.4)")
	set.BoolVar(&flags.hint, "hint", defaults.ConflictHint, "conflict hints for fast log repair (thesis §3.5)")
	set.StringVar(&flags.script, "script", "", "run the commands in `FILE` as a script")
	set.BoolVar(&flags.keepGoing, "keep-going", false, "in a script, run on after a failed expect or wait (exit status 1 at the end)")
	set.StringVar(&flags.dataDir, "data", "", "keep each node's state in `DIR` (one bbolt file per node); the same DIR later brings the cluster back")
	set.Float64Var(&flags.speed, "speed", 1, "on a terminal, how fast the virtual clock follows the wall clock (0.1 is slow motion); 0 moves time only with commands")
	set.StringVar(&flags.color, "color", "auto", "colour output: auto (on a terminal, unless NO_COLOR is set), always or never")
	addRemoteFlags(set, &flags.remote)
	return command
}

func runRepl(flags *replFlags, streams streams) error {
	if flags.nodes < 1 || flags.nodes > 9 {
		return usageErrorf("--nodes %d: want 1 to 9 nodes", flags.nodes)
	}
	if flags.speed < 0 || flags.speed > 100 || flags.speed != flags.speed {
		return usageErrorf("--speed %g: want 0 (manual) or a speed up to 100", flags.speed)
	}
	color, err := useColor(flags.color, streams.Out)
	if err != nil {
		return err
	}
	settings := cluster.DefaultSettings()
	settings.PreVote = flags.preVote
	settings.CheckQuorum = flags.checkQuorum
	settings.LeaderNoop = flags.noop
	settings.ConflictHint = flags.hint

	interactive := flags.script == "" &&
		isTerminal(streams.In) && isTerminal(streams.Out) && hasSize(streams.Out)
	var output io.Writer = streams.Out
	var terminalOutput *term.Output
	if interactive {
		terminalOutput = term.NewOutput(streams.Out)
		output = terminalOutput
	}
	// Live pacing on a terminal; a script is paced by its commands, so the
	// same seed replays byte for byte.
	liveSpeed := 0.0
	if interactive {
		liveSpeed = flags.speed
	}
	remote, stopRemote, err := connectRemote(&flags.remote, streams)
	if err != nil {
		return err
	}
	defer stopRemote()
	session, err := repl.NewSession(repl.Options{
		Nodes: flags.nodes, Seed: flags.seed, Settings: settings, Color: color, Out: output,
		DataDir: flags.dataDir, LiveSpeed: liveSpeed, Cluster: remote,
	})
	if err != nil {
		return fmt.Errorf("cannot start the cluster: %w", err)
	}
	defer session.Close()

	if interactive {
		return term.Run(session, term.Options{
			Output:      terminalOutput,
			Color:       color,
			HistoryPath: term.DefaultHistoryPath(),
			Errors:      streams.Err,
			Execute:     faultInjection(session),
		})
	}
	return runScript(session, flags, streams)
}

// runScript runs stdin, or --script FILE, in script mode.
func runScript(session *repl.Session, flags *replFlags, streams streams) error {
	input := streams.In
	if flags.script != "" {
		file, err := os.Open(flags.script)
		if err != nil {
			return fmt.Errorf("cannot read the script: %w", err)
		}
		defer file.Close()
		input = file
	}
	if status := session.RunScript(input, flags.keepGoing); status != repl.StatusOK {
		return &exitStatusError{status: int(status)}
	}
	return nil
}

// useColor decides --color: auto means colour only on a terminal, and only
// when NO_COLOR is unset or empty (https://no-color.org).
func useColor(mode string, stdout io.Writer) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto":
		return isTerminal(stdout) && os.Getenv("NO_COLOR") == "", nil
	default:
		return false, usageErrorf("--color %q: want auto, always or never", mode)
	}
}
