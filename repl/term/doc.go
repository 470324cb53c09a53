//go:build !js

// Package term is the interactive terminal front end of raftctl: a prompt
// with tab completion and a history file, around a repl.Session.
//
// # Why go-prompt, and how asynchronous output stays off the prompt line
//
// go-prompt (github.com/c-bata/go-prompt v0.2.6) is the project's chosen
// line editor: it gives the completion menu learners see while they type.
// It has no API for output that arrives while the prompt is on screen (its
// issues #18 and #255): a trace line written from another goroutine lands in
// the middle of the prompt line. golang.org/x/term's Terminal would solve
// that with its redrawing Write, but has no completion menu, so we keep
// go-prompt and work around the gap with its own extension points:
//
//   - The session writes to an Output (output.go). While a command runs, the
//     terminal is in cooked mode below the echoed command line, and Output
//     writes straight through. While the prompt is on screen, Output holds
//     the lines back.
//
//   - A ConsoleParser wrapper (wake.go) answers go-prompt's input polling
//     with a private key sequence whenever held lines are waiting. go-prompt
//     feeds it to an ASCII code binding (flush.go) on its own goroutine, which
//     moves to the start of the prompt, erases it, prints the held lines, and
//     puts the cursor back where go-prompt believes it is; go-prompt then
//     redraws the prompt below the new lines, as after any keystroke.
//
//   - A second wrapper (lines.go) cuts each read at line ends, so text and
//     Enter that arrive together, or a pasted block, run line by line.
//
// So trace lines appear above the prompt within about 20 ms (go-prompt polls
// input every 10 ms), whether or not the user is typing, and the line being
// edited is never torn. One visible side effect: a completion that was
// selected with Tab is accepted when lines arrive, as if a key were typed.
//
// # Leaving cleanly
//
// go-prompt leaves the terminal raw and its signal handlers installed after
// Run, and on SIGINT, SIGTERM or SIGQUIT it calls os.Exit itself, skipping
// every deferred close (PITFALLS). Run therefore saves the terminal state
// first and restores it on every path, runs go-prompt on its own goroutine
// behind a recover, resets the signal handlers afterwards, and handles those
// signals before go-prompt can: it closes a gate in front of go-prompt's
// output so that go-prompt's exit path parks instead of exiting, and returns
// a *SignalError so the caller's deferred closes run.
package term
