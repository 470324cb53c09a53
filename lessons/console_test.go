package lessons_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"raftctl/lessons"
	"raftctl/repl"
)

// sessionConsole is the lessons.Console over a real repl.Session, the way
// the REPL hosts a lesson. Run is ok when the line's status is StatusOK and
// the line printed no "error:" line (a command that cannot succeed right
// now prints one and still has StatusOK).
type sessionConsole struct {
	t       testing.TB
	session *repl.Session
	out     *errorWatcher
	invalid []string // lines the REPL refused as invalid
}

// errorWatcher passes writes on and notes lines that start with "error:".
// The session writes one line per Write call.
type errorWatcher struct {
	mutex   sync.Mutex
	buffer  *bytes.Buffer
	errored bool
}

func (w *errorWatcher) Write(data []byte) (int, error) {
	w.mutex.Lock()
	defer w.mutex.Unlock()
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "error:") {
			w.errored = true
		}
	}
	return w.buffer.Write(data)
}

func (w *errorWatcher) take() bool {
	w.mutex.Lock()
	defer w.mutex.Unlock()
	errored := w.errored
	w.errored = false
	return errored
}

func newSessionConsole(t testing.TB, buffer *bytes.Buffer) *sessionConsole {
	t.Helper()
	watcher := &errorWatcher{buffer: buffer}
	session, err := repl.NewSession(repl.Options{Out: watcher})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = session.Close() })
	return &sessionConsole{t: t, session: session, out: watcher}
}

func (c *sessionConsole) Run(line string) bool {
	c.out.take()
	_, status := c.session.Exec(line)
	if status == repl.StatusInvalid {
		c.invalid = append(c.invalid, line)
	}
	return status == repl.StatusOK && !c.out.take()
}

func (c *sessionConsole) Holds(condition string) (bool, string, error) {
	return c.session.Holds(condition)
}

var _ lessons.Console = (*sessionConsole)(nil)
