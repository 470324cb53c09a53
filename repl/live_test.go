package repl

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"raftctl/cluster"
)

// lockedBuffer collects a session's output, written from the pacer's
// goroutine too.
type lockedBuffer struct {
	mu      sync.Mutex
	builder strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.builder.Write(p)
}

func (b *lockedBuffer) take() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	text := b.builder.String()
	b.builder.Reset()
	return text
}

// TestLivePacingControls runs a session paced by the wall clock (run it
// with -race: the pacer renders records while commands run). It asserts
// what the controls answer and how the virtual clock moves, never how long
// anything took.
func TestLivePacingControls(t *testing.T) {
	out := &lockedBuffer{}
	session, err := NewSession(Options{Out: out, LiveSpeed: 50})
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()

	run := func(line, want string) string {
		t.Helper()
		if _, status := session.Exec(line); status != StatusOK {
			t.Fatalf("%s: status %d\n%s", line, status, out.take())
		}
		text := out.take()
		if !strings.Contains(text, want) {
			t.Fatalf("%s: output lacks %q:\n%s", line, want, text)
		}
		return text
	}
	// At speed 50 the cluster elects a leader by itself while we wait.
	run("wait leader", "leader after")
	run("put x 1", "ok put x=1")
	run("trace all", "")
	run("speed", "speed 50")
	run("pause", "paused at")
	run("speed 0.5", "speed 0.5 (paused)")
	before := session.cluster.Now()
	run("sleep 200ms", "")
	if moved := session.cluster.Now() - before; moved.Milliseconds() != 200 {
		t.Fatalf("sleep 200ms on a paused clock moved it by %v", moved)
	}
	run("resume", "running at speed 0.5")
	run("speed 20", "speed 20")
	before = session.cluster.Now()
	run("sleep 100ms", "")
	if moved := session.cluster.Now() - before; moved.Milliseconds() < 100 {
		t.Fatalf("sleep 100ms under live pacing moved the clock by %v", moved)
	}
	run("events 3", "")
	run("trace off", "")
	run("reset", "reset: cluster of 3 nodes")
	if on, speed, _ := session.cluster.(cluster.Simulated).Live(); !on || speed != 50 {
		t.Fatalf("after reset: live %v at speed %g, want live at 50", on, speed)
	}
	run("cluster 5", "cluster of 5 nodes")
	if on, _, _ := session.cluster.(cluster.Simulated).Live(); !on {
		t.Fatal("a new cluster is not paced live")
	}

	if _, status := session.Exec("speed 0"); status != StatusInvalid {
		t.Fatalf("speed 0: status %d, want invalid", status)
	}
	if text := out.take(); !strings.Contains(text, "want a number from 0.001 to 100") {
		t.Fatalf("speed 0 answered:\n%s", text)
	}
}

// interruptingWriter interrupts the session at the first trace line it
// sees after armed is set, as Ctrl-C from another goroutine would.
type interruptingWriter struct {
	lockedBuffer
	session *Session
	armed   bool
}

func (w *interruptingWriter) Write(p []byte) (int, error) {
	if w.armed && strings.Contains(string(p), "heartbeat") {
		w.armed = false
		go w.session.Interrupt()
	}
	return w.lockedBuffer.Write(p)
}

// TestInterruptStopsALongCommand: `sleep 24h` of virtual time would take
// minutes of wall time; an interrupt ends it where it is, and the session
// goes on.
func TestInterruptStopsALongCommand(t *testing.T) {
	out := &interruptingWriter{}
	session, err := NewSession(Options{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()
	out.session = session
	session.Exec("wait leader; trace all")
	out.armed = true
	_, status := session.Exec("sleep 24h; put x 1")
	text := out.take()
	if status != StatusFailed || !strings.Contains(text, "error: interrupted (the clock stopped at ") {
		t.Fatalf("sleep 24h, interrupted: status %d, output ends:\n%s", status, text[max(0, len(text)-500):])
	}
	if strings.Contains(text, "put x=1") {
		t.Fatal("the rest of the line ran after the interrupt")
	}
	if now := session.cluster.Now(); now.Hours() >= 24 {
		t.Fatalf("the clock reached %v", now)
	}
	if _, status := session.Exec("trace off; put x 1"); status != StatusOK || !strings.Contains(out.take(), "ok put x=1") {
		t.Fatal("the session did not go on after the interrupt")
	}
}

// TestRecordReplaysALiveSession: a session paced by the wall clock, where
// time passes between commands, is saved by record; replaying the script
// in a manual session ends in the same cluster, byte for byte.
func TestRecordReplaysALiveSession(t *testing.T) {
	out := &lockedBuffer{}
	live, err := NewSession(Options{Out: out, LiveSpeed: 20, Nodes: 5, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	for _, line := range []string{"set noop off", "wait leader", "put x 1", "kill n1", "put y 2 async", "sleep 300ms",
		"partition n2|n3,n4,n5", "put z 3", "sleep 200ms", "heal", "restart n1", "wait leader",
		// Freeze the clock, and let the last changes settle by hand: both
		// sessions then end at the same instant.
		"pause", "sleep 1s"} {
		if _, status := live.Exec(line); status != StatusOK {
			t.Fatalf("%s: status %d\n%s", line, status, out.take())
		}
	}
	path := t.TempDir() + "/session.txt"
	live.Exec("record " + path)
	if text := out.take(); !strings.Contains(text, "wrote "+path) {
		t.Fatalf("record answered:\n%s", text)
	}
	script, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	replay, err := NewSession(Options{Out: &lockedBuffer{}})
	if err != nil {
		t.Fatal(err)
	}
	defer replay.Close()
	if status := replay.RunScript(strings.NewReader(string(script)), false); status != StatusOK {
		t.Fatalf("the replay failed with status %d:\n%s", status, script)
	}
	if live.cluster.Now() != replay.cluster.Now() {
		t.Errorf("the live session ended at %v, the replay at %v", live.cluster.Now(), replay.cluster.Now())
	}
	for _, id := range live.cluster.IDs() {
		want, _ := live.cluster.Log(id)
		got, _ := replay.cluster.Log(id)
		if fmt.Sprint(want) != fmt.Sprint(got) {
			t.Errorf("%v log: live %v, replay %v\nscript:\n%s", id, want, got, script)
		}
	}
	if fmt.Sprint(live.cluster.Status()) != fmt.Sprint(replay.cluster.Status()) {
		t.Errorf("status: live %v\nreplay %v", live.cluster.Status(), replay.cluster.Status())
	}
}
