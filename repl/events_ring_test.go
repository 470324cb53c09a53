package repl_test

import (
	"io"
	"slices"
	"testing"

	"raftctl/repl"
)

// TestEventsDoNotDependOnTheTraceLevel: `events` shows the last lines at
// the rpc level whatever the trace level, so a session that renders them
// as they happen (trace rpc) and one that renders them only when asked
// (trace off, trace state) keep the same lines.
func TestEventsDoNotDependOnTheTraceLevel(t *testing.T) {
	lines := []string{"put x 1", "kill n1", "put y 2", "get x", "restart n1", "put x 3", "tick 30"}
	recent := map[string][]string{}
	for _, level := range []string{"rpc", "state", "off", "all"} {
		session, err := repl.NewSession(repl.Options{Nodes: 3, Seed: 7, Out: io.Discard})
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range append([]string{"trace " + level}, lines...) {
			if _, status := session.Exec(line); status != repl.StatusOK {
				t.Fatalf("trace %s: %q: status %v", level, line, status)
			}
			recent[level] = append(recent[level], session.RecentEvents()...)
		}
		session.Close()
	}
	if len(recent["rpc"]) == 0 {
		t.Fatal("trace rpc: no events at all")
	}
	for _, level := range []string{"state", "off", "all"} {
		if !slices.Equal(recent[level], recent["rpc"]) {
			t.Errorf("trace %s: events differ from trace rpc's (%d lines against %d)", level, len(recent[level]), len(recent["rpc"]))
		}
	}
}
