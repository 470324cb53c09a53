package main

import (
	"errors"
	"fmt"
	"io"

	"raftctl/repl/term"
)

// Exit statuses, as for scripts (COMMANDS.md): 1 is a failure, 2 is a
// command line that does not make sense.
const (
	exitOK      = 0
	exitFailed  = 1
	exitInvalid = 2
)

// usageError is a command line that cannot be run as written: exit status 2,
// with a pointer to --help.
type usageError struct {
	err error
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, arguments ...any) error {
	return &usageError{err: fmt.Errorf(format, arguments...)}
}

// exitStatusError ends the program with a status and no message, because
// the reason was already printed (a script's own error line).
type exitStatusError struct {
	status int
}

func (e *exitStatusError) Error() string { return fmt.Sprintf("exit status %d", e.status) }

// report prints err, if any, and returns the exit status it stands for.
func report(err error, commandPath string, stderr io.Writer) int {
	var usage *usageError
	var exitStatus *exitStatusError
	var signal *term.SignalError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &exitStatus):
		return exitStatus.status
	case errors.As(err, &signal):
		return signal.ExitStatus()
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "raftctl: %v\nRun '%s --help' for usage.\n", err, commandPath)
		return exitInvalid
	default:
		fmt.Fprintf(stderr, "raftctl: %v\n", err)
		return exitFailed
	}
}
