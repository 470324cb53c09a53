package repl

import (
	"io"
	"testing"
	"time"
)

// FuzzParseLine: no line panics, and a command that is not valid leaves the
// cluster as it was. (A line of several commands separated by `;` runs them
// in order and stops at the first invalid one: the ones before it count.)
func FuzzParseLine(f *testing.F) {
	for _, seed := range []string{"partition n1|n2,n3", "partition n1||n2", "cut n1->n2", "put x 1 @n2 async",
		"expect term n1 >=2", "set election 150ms-300ms", "net drop=0.1 delay=1ms-5ms", "deliver 3", "kill n9"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		session, err := NewSession(Options{Out: io.Discard})
		if err != nil {
			t.Fatal(err)
		}
		defer session.Close()
		// Keep valid lines quick: no command may move time by more than this.
		session.maximumAdvance = 2 * time.Second
		session.options.Settings.ClientTimeout = time.Second
		_ = session.cluster.SetSettings(session.options.Settings)
		before := snapshot(session)
		_, status := session.Exec(line)
		if status == StatusInvalid && len(splitCommands(line)) == 1 {
			if after := snapshot(session); after != before {
				t.Errorf("invalid line %q changed the cluster", line)
			}
		}
	})
}
