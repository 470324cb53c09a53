package repl

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"raftctl/cluster"
	"raftctl/lessons"
)

// memoryProgress is a ProgressKeeper in memory, as the browser's
// localStorage is one outside files.
type memoryProgress struct{ completed []string }

func (p *memoryProgress) Load() (lessons.Progress, error) {
	return lessons.Progress{Completed: slices.Sorted(slices.Values(p.completed))}, nil
}

func (p *memoryProgress) MarkCompleted(name string) error {
	p.completed = append(p.completed, name)
	return nil
}

func TestProgressKeeperRecordsCompletedLessons(t *testing.T) {
	keeper := &memoryProgress{}
	var out bytes.Buffer
	session, err := NewSession(Options{Out: &out, Progress: keeper})
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()
	if err := session.AutoLesson("basics"); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keeper.completed, []string{"basics"}) {
		t.Fatalf("completed = %v, want [basics]", keeper.completed)
	}
	out.Reset()
	session.Exec("lesson")
	if !strings.Contains(out.String(), "✓  basics") && !strings.Contains(out.String(), "✓ basics") {
		t.Fatalf("the lesson list does not mark basics done:\n%s", out.String())
	}
}

func TestOpenClusterBuildsEveryCluster(t *testing.T) {
	var firsts []bool
	open := func(nodes int, seed uint64, settings cluster.Settings, first bool) (*cluster.Local, error) {
		firsts = append(firsts, first)
		return cluster.New(nodes, seed, settings)
	}
	session, err := NewSession(Options{OpenCluster: open})
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()
	session.Exec("reset")
	session.Exec("cluster 5 seed=3")
	if !slices.Equal(firsts, []bool{true, false, false}) {
		t.Fatalf("OpenCluster calls: first = %v, want [true false false]", firsts)
	}
	if size := session.LocalCluster().Size(); size != 5 {
		t.Fatalf("cluster size %d, want 5", size)
	}
}

// TestScriptReplaysTheSession: the script of a session, run in a new one,
// gives the same cluster: same output for the same lines.
func TestScriptReplaysTheSession(t *testing.T) {
	var first bytes.Buffer
	session, err := NewSession(Options{Out: &first, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()
	for _, line := range []string{"wait leader", "put x 1", "kill n1", "sleep 1s", "status"} {
		session.Exec(line)
	}
	script := session.Script()
	if !strings.HasPrefix(script[0], "cluster 3 seed=4") {
		t.Fatalf("script starts with %q, want the session's cluster", script[0])
	}
	var second bytes.Buffer
	replay, err := NewSession(Options{Out: &second})
	if err != nil {
		t.Fatal(err)
	}
	defer replay.Close()
	second.Reset()
	for _, line := range script {
		replay.Exec(line)
	}
	// The replay prints the cluster line first; the rest is the same.
	_, replayed, _ := strings.Cut(second.String(), "\n")
	if replayed != first.String() {
		t.Fatalf("the replay differs:\n--- session\n%s\n--- replay\n%s", first.String(), replayed)
	}
	if on, _, _ := replay.LocalCluster().Live(); on {
		t.Fatal("a replay is live before StartLive")
	}
	if err := replay.StartLive(1); err != nil {
		t.Fatal(err)
	}
	if on, speed, _ := replay.LocalCluster().Live(); !on || speed != 1 {
		t.Fatalf("after StartLive: live %v at speed %v", on, speed)
	}
	if err := replay.StartLive(1); err == nil {
		t.Fatal("StartLive twice: no error")
	}
	if events := replay.RecentEvents(); len(events) == 0 {
		t.Fatal("no recent events after a replay")
	}
}
