//go:build !js

package term

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"

	"raftctl/repl"
)

// Prompt is what the terminal shows before each command.
const Prompt = "raftctl> "

// Options configure Run.
type Options struct {
	// Output is the writer the session was created with, from NewOutput.
	// Nil means the session writes to the terminal itself, and output that
	// arrives while the prompt is on screen may tear the prompt line.
	Output *Output
	// Color turns the prompt's colours on; off, every colour is the
	// terminal's default (NO_COLOR: go-prompt ignores it by itself).
	Color bool
	// HistoryPath is the history file, loaded at start and appended to after
	// each command; empty means history in memory only. See
	// DefaultHistoryPath.
	HistoryPath string
	// Errors receives warnings that do not stop the terminal, such as an
	// unreadable history file. Nil means os.Stderr.
	Errors io.Writer
	// Execute runs a line in place of the session's Exec, for fault
	// injection in tests (a command that panics); nil means Exec.
	Execute func(line string) (quit bool)
}

// SignalError is returned when SIGINT, SIGTERM or SIGQUIT ended the
// terminal. The caller should close what it opened and exit with
// ExitStatus.
type SignalError struct {
	Signal syscall.Signal
}

func (e *SignalError) Error() string {
	return fmt.Sprintf("stopped by signal: %v", e.Signal)
}

// ExitStatus is the shell convention for a process ended by a signal.
func (e *SignalError) ExitStatus() int {
	return 128 + int(e.Signal)
}

// PanicError is returned when the prompt loop or a command panicked; the
// terminal was restored first.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("internal error: %v\n%s", e.Value, e.Stack)
}

// Run reads commands from the terminal and runs them on session until
// Ctrl-D or `quit` (nil error) or a signal (*SignalError). Ctrl-C clears the
// line being edited, or interrupts the command that is running. Run must only be called when stdin and stdout are
// terminals with a non-zero size: go-prompt panics otherwise.
func Run(session *repl.Session, options Options) error {
	if options.Errors == nil {
		options.Errors = os.Stderr
	}
	stdin := int(os.Stdin.Fd())
	saved, err := term.GetState(stdin)
	if err != nil {
		return fmt.Errorf("cannot read the terminal's state: %w", err)
	}
	// Deferred calls also run while a panic of this goroutine unwinds.
	defer func() { _ = term.Restore(stdin, saved) }()

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGQUIT)
	defer func() {
		signal.Stop(signals)
		// go-prompt never undoes its signal.Notify.
		signal.Reset(syscall.SIGINT, syscall.SIGTERM, syscall.SIGQUIT, syscall.SIGWINCH)
	}()

	loop := newLoop(session, options)
	finished := make(chan error, 1)
	go func() { finished <- loop.run(stdin, saved) }()

	for {
		select {
		case err := <-finished:
			err = restoreAndRelease(stdin, saved, loop, err)
			if err == nil && !loop.quit {
				// Ctrl-D: a lesson says where the learner left off, as
				// after quit.
				session.LeaveLesson()
			}
			return err
		case received := <-signals:
			if received == syscall.SIGINT && !loop.executing.TryLock() {
				// Ctrl-C while a command runs (go-prompt has put the
				// terminal back in cooked mode, so the key became
				// SIGINT): stop the command, keep the terminal.
				session.Interrupt()
				continue
			}
			if received == syscall.SIGINT {
				loop.executing.Unlock()
			}
			loop.writer.close()
			// Stop a running command, and let it return before the
			// caller closes the session. Never unlocked: the loop is over.
			session.Interrupt()
			loop.executing.Lock()
			return restoreAndRelease(stdin, saved, loop, &SignalError{Signal: received.(syscall.Signal)})
		}
	}
}

// restoreAndRelease puts the terminal back and writes out whatever the
// session wrote while the prompt was last on screen.
func restoreAndRelease(stdin int, saved *term.State, loop *loop, err error) error {
	_ = term.Restore(stdin, saved)
	if loop.output != nil {
		// Whatever the session wrote while the prompt was last on screen.
		if releaseErr := loop.output.release(); err == nil {
			err = releaseErr
		}
	}
	return err
}
