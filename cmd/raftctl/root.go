package main

import (
	"strings"

	"github.com/spf13/cobra"
)

// run builds a fresh command tree, runs it on args, and returns the exit
// status. A fresh tree each time: cobra keeps flag values between runs of
// one tree (PITFALLS), and tests call run many times.
func run(args []string, streams streams) int {
	root := newRootCommand(streams)
	root.SetArgs(args)
	command, err := root.ExecuteC()
	if command == nil {
		command = root
	}
	return report(err, command.CommandPath(), streams.Err)
}

func newRootCommand(streams streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "raftctl",
		Short: "A Raft teaching tool",
		Long: `raftctl runs a real Raft implementation on a simulated cluster. Start it,
break it (kill n2, partition n1|n2,n3), use it (put x 1), and watch every
decision scroll by, tagged with the thesis section that justifies it.`,
		Example: `  raftctl repl
  raftctl repl --nodes 5 --seed 7
  raftctl repl < scenario.txt
  raftctl lesson prevote
  raftctl chaos --seeds 1000 --nodes 5`,
		// Errors are printed once, by report, without the usage text.
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          cobra.ArbitraryArgs,
		// SuggestionsFor reads this field as is; cobra sets its default
		// only on its own unknown-command path.
		SuggestionsMinimumDistance: 2,
		RunE: func(command *cobra.Command, args []string) error {
			if len(args) == 0 {
				return command.Help()
			}
			message := "unknown command " + `"` + args[0] + `"`
			if suggestions := command.SuggestionsFor(args[0]); len(suggestions) > 0 {
				message += "; did you mean " + strings.Join(suggestions, " or ") + "?"
			}
			return usageErrorf("%s", message)
		},
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &usageError{err: err}
	})
	root.AddCommand(newReplCommand(streams), newLessonCommand(streams), newVersionCommand())
	root.AddCommand(newBenchCommand(streams))
	root.AddCommand(newChaosCommand(streams))
	root.AddCommand(newNodeCommand(streams))
	root.AddCommand(newWebCommand(streams))
	return root
}

// noArguments is cobra.NoArgs as a usage error (exit status 2).
func noArguments(command *cobra.Command, args []string) error {
	if err := cobra.NoArgs(command, args); err != nil {
		return &usageError{err: err}
	}
	return nil
}
