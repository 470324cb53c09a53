package chaos

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"raftctl/repl"
)

// Outcome is how a script ran.
type Outcome struct {
	// Status is repl.StatusOK when every line ran; StatusFailed when an
	// expect failed (a violation); StatusInvalid when a line is not a
	// command (a bug of the generator).
	Status repl.Status
	// Line is the 1-based line that stopped the script (0 when it passed),
	// the number `raftctl repl < script` prints; Command is its text.
	Line    int
	Command string
	// Message is the line's error, such as
	// "error: expect safe: found Leader Completeness (§3.6): ...".
	Message string
	// Output is everything the session printed, kept only on a failure.
	Output string
}

// Outcomes beyond the script statuses of repl.
const (
	// StatusPanic: the line crashed the code under test (the Go runtime
	// ends `raftctl repl` with status 2 then).
	StatusPanic repl.Status = 3
	// StatusStuck: the line ran longer than lineTimeout of wall time (the
	// cluster livelocked: virtual time barely moves) and was interrupted.
	// The only outcome that depends on the machine's speed.
	StatusStuck repl.Status = 4
)

// lineTimeout bounds the wall time of one line, so that a livelocked
// cluster cannot hang a campaign. A script line takes milliseconds.
const lineTimeout = 30 * time.Second

// Failed reports whether the script stopped early.
func (o Outcome) Failed() bool { return o.Status != repl.StatusOK }

// Signature names the failure without its evidence: the condition that
// failed and the property, such as "expect safe: Leader Completeness".
// Shrinking keeps it, so a shrunk script fails for the same reason.
func (o Outcome) Signature() string {
	if !o.Failed() {
		return ""
	}
	switch o.Status {
	case repl.StatusInvalid:
		return "invalid: " + o.Command
	case StatusPanic:
		return o.Message
	case StatusStuck:
		return "stuck"
	}
	expected, found, ok := strings.Cut(strings.TrimPrefix(o.Message, "error: "), ": found ")
	if !ok {
		return o.Message
	}
	for _, separator := range []string{" (§", ":"} {
		if i := strings.Index(found, separator); i >= 0 {
			found = found[:i]
		}
	}
	return expected + ": " + found
}

// recorder is a session's output: kept in memory, read for elections and
// client results, thrown away unless the run fails.
type recorder struct {
	buffer bytes.Buffer
	// elections counts the "candidate -> leader" lines the trace printed.
	elections int
}

func (r *recorder) Write(p []byte) (int, error) {
	r.elections += bytes.Count(p, []byte(" -> leader, term "))
	return r.buffer.Write(p)
}

// execution is one script running through a fresh repl.Session, exactly
// as `raftctl repl < script` runs it, one line at a time.
type execution struct {
	session  *repl.Session
	output   *recorder
	lines    []string
	outcome  Outcome
	panicked bool
}

func newExecution() (*execution, error) {
	output := &recorder{}
	session, err := repl.NewSession(repl.Options{Out: output})
	if err != nil {
		return nil, err
	}
	return &execution{session: session, output: output}, nil
}

// exec appends line to the script and runs it; it reports false, and
// records the outcome, when the line stops the script.
func (e *execution) exec(line string) bool {
	if e.outcome.Failed() {
		return false
	}
	e.lines = append(e.lines, line)
	start := e.output.buffer.Len()
	watchdog := time.AfterFunc(lineTimeout, e.session.Interrupt)
	quit, status, crash := e.execSafely(line)
	if !watchdog.Stop() && crash == nil {
		e.outcome = Outcome{Status: StatusStuck, Line: len(e.lines), Command: strings.TrimSpace(line),
			Message: fmt.Sprintf("stuck: the line ran for more than %v of wall time and was interrupted", lineTimeout),
			Output:  e.output.buffer.String()}
		return false
	}
	if crash != nil {
		e.panicked = true
		e.outcome = Outcome{Status: StatusPanic, Line: len(e.lines), Command: strings.TrimSpace(line),
			Message: fmt.Sprintf("panic: %v", crash), Output: e.output.buffer.String()}
		return false
	}
	if status == repl.StatusOK && !quit {
		return true
	}
	e.outcome = Outcome{Status: status, Line: len(e.lines), Command: strings.TrimSpace(line)}
	if status == repl.StatusOK {
		// quit: the generator never writes it; a script that ends early is
		// an invalid one.
		e.outcome.Status = repl.StatusInvalid
		e.outcome.Message = "error: the script quit before its end"
	}
	printed := strings.Split(strings.TrimRight(e.output.buffer.String()[start:], "\n"), "\n")
	for i := len(printed) - 1; i >= 0; i-- {
		if strings.HasPrefix(printed[i], "error: ") {
			e.outcome.Message = printed[i]
			break
		}
	}
	e.outcome.Output = e.output.buffer.String()
	return false
}

// execSafely runs a line and catches a panic of the code under test: an
// invariant the core checks itself (raft.mustHold) is a failure to
// report, not a reason to stop the campaign.
func (e *execution) execSafely(line string) (quit bool, status repl.Status, crash any) {
	defer func() { crash = recover() }()
	quit, status = e.session.Exec(line)
	return quit, status, nil
}

// holds evaluates an expect condition without printing anything.
func (e *execution) holds(condition string) bool {
	holds, _, err := e.session.Holds(condition)
	return err == nil && holds
}

// close releases the session; after a panic its locks may be held, so it
// is left to the garbage collector.
func (e *execution) close() {
	if !e.panicked {
		_ = e.session.Close()
	}
}

// Replay runs a script in a fresh session, line by line as
// `raftctl repl < script` does, and stops at the first line that fails.
func Replay(lines []string) (Outcome, error) {
	e, err := newExecution()
	if err != nil {
		return Outcome{}, err
	}
	defer e.close()
	for _, line := range lines {
		if !e.exec(line) {
			break
		}
	}
	return e.outcome, nil
}

// Text is a script as a file: one line each, newline-terminated.
func Text(lines []string) string {
	return strings.Join(lines, "\n") + "\n"
}

// describe is the one-line account of an outcome.
func (o Outcome) describe() string {
	message := strings.TrimPrefix(o.Message, "error: ")
	switch o.Status {
	case repl.StatusInvalid:
		return fmt.Sprintf("line %d is not a valid command (a bug of the chaos generator): %s: %s", o.Line, o.Command, message)
	case StatusPanic:
		return fmt.Sprintf("line %d crashed raftctl: %s", o.Line, message)
	case StatusStuck:
		return fmt.Sprintf("line %d: %s", o.Line, message)
	}
	return fmt.Sprintf("line %d: %s", o.Line, message)
}
