package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"raftctl/lessons"
	"raftctl/repl"
	"raftctl/repl/term"
)

// lessonFlags are the flags of `raftctl lesson`.
type lessonFlags struct {
	auto  bool
	color string
	from  int
}

func newLessonCommand(streams streams) *cobra.Command {
	flags := &lessonFlags{}
	command := &cobra.Command{
		Use:   "lesson [NAME]",
		Short: "Guided lessons through the Raft thesis on a live cluster",
		Long: `Without NAME, list the lessons with their thesis section, marking the ones
you completed (kept in $XDG_STATE_HOME/raftctl). With NAME, play one: short
explanations, predictions to answer before the cluster shows the answer, and
commands to type whose effect is checked. Besides answers and commands, type
hint, skip, again, back, restart or quit. The step you reach is kept: starting
the lesson again offers to continue there; --from N starts at step N.

With --auto the lesson plays itself with the expected answers and checks
every expectation: exit status 0 when the lesson holds, 1 with the step that
failed. When stdin is not a terminal, its lines are the learner's (a blank
line is Enter).`,
		Example: `  raftctl lesson
  raftctl lesson prevote
  raftctl lesson prevote --from 4
  raftctl lesson figure8 --auto`,
		Args: func(command *cobra.Command, args []string) error {
			if err := cobra.MaximumNArgs(1)(command, args); err != nil {
				return &usageError{err: err}
			}
			return nil
		},
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			var names []string
			for _, lesson := range lessons.All() {
				names = append(names, lesson.Name)
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(command *cobra.Command, args []string) error {
			return runLessonCommand(flags, args, streams)
		},
	}
	set := command.Flags()
	set.BoolVar(&flags.auto, "auto", false, "play the lesson by itself and check every expectation")
	set.IntVar(&flags.from, "from", 0, "start at step `N` (the steps before it are played for you)")
	set.StringVar(&flags.color, "color", "auto", "colour output: auto (on a terminal, unless NO_COLOR is set), always or never")
	return command
}

func runLessonCommand(flags *lessonFlags, args []string, streams streams) error {
	color, err := useColor(flags.color, streams.Out)
	if err != nil {
		return err
	}
	options := repl.Options{Color: color, Out: streams.Out, ProgressDir: term.DefaultStateDirectory(), QuitAfterLesson: true,
		Width: terminalWidth(streams.Out)}
	if len(args) == 0 {
		if flags.auto {
			return usageErrorf("--auto needs a lesson NAME")
		}
		return listLessons(options, streams.Out)
	}
	if _, err := lessons.Find(args[0]); err != nil {
		return &usageError{err: err}
	}
	if flags.auto {
		session, err := repl.NewSession(options)
		if err != nil {
			return err
		}
		defer session.Close()
		if err := session.AutoLesson(args[0]); err != nil {
			fmt.Fprintf(streams.Err, "raftctl: %v\n", err)
			return &exitStatusError{status: exitFailed}
		}
		return nil
	}

	interactive := isTerminal(streams.In) && isTerminal(streams.Out) && hasSize(streams.Out)
	var terminalOutput *term.Output
	if interactive {
		terminalOutput = term.NewOutput(streams.Out)
		options.Out = terminalOutput
	}
	session, err := repl.NewSession(options)
	if err != nil {
		return err
	}
	defer session.Close()
	start := "lesson " + args[0]
	if flags.from > 0 {
		start += " " + strconv.Itoa(flags.from)
	}
	if quit, status := session.Exec(start); quit || status != repl.StatusOK {
		return &exitStatusError{status: int(status)}
	}
	if interactive {
		return term.Run(session, term.Options{
			Output: terminalOutput, Color: color, HistoryPath: term.DefaultHistoryPath(), Errors: streams.Err,
		})
	}
	if status := session.RunScript(streams.In, false); status != repl.StatusOK {
		return &exitStatusError{status: int(status)}
	}
	return nil
}

// listLessons prints the lessons, marking the completed ones.
func listLessons(options repl.Options, out io.Writer) error {
	session, err := repl.NewSession(options)
	if err != nil {
		return err
	}
	defer session.Close()
	fmt.Fprintln(out, "Guided lessons (✓ completed); start one with: raftctl lesson NAME")
	if _, status := session.Exec("lesson"); status != repl.StatusOK {
		return errors.New("cannot list the lessons")
	}
	return nil
}
