package repl

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"raftctl/cluster"
)

// wallClockCluster hides everything but the Cluster interface of a Local,
// so the session treats it as a real cluster (no Simulated methods), while
// the test stays deterministic.
type wallClockCluster struct{ cluster.Cluster }

func newWallClockSession(t *testing.T) (*Session, *bytes.Buffer) {
	t.Helper()
	local, err := cluster.New(3, 1, cluster.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	session, err := NewSession(Options{Out: &out, Cluster: wallClockCluster{local}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { session.Close() })
	return session, &out
}

// TestVirtualClockCommandsOnARealCluster: on a cluster without a virtual
// clock, the commands that need one answer with an error that says why and
// what to type instead (a script goes on), and the cluster cannot be
// replaced.
func TestVirtualClockCommandsOnARealCluster(t *testing.T) {
	tests := []struct{ line, want string }{
		{"tick 5", "error: tick needs the simulator: a real cluster runs on wall-clock time: there is no virtual clock to move and no message queue to inspect (use sleep DURATION or wait COND)"},
		{"stabilize", "error: stabilize needs the simulator: a real cluster runs on wall-clock time: there is no virtual clock to move and no message queue to inspect (use wait COND, e.g. wait leader)"},
		{"msgs", "error: msgs needs the simulator: a real cluster runs on wall-clock time: there is no virtual clock to move and no message queue to inspect (messages go over TCP at once; trace rpc shows them)"},
		{"deliver n1->n2", "error: deliver needs the simulator: a real cluster runs on wall-clock time: there is no virtual clock to move and no message queue to inspect (messages go over TCP at once; use cut, partition or link A-B drop=P)"},
		{"drop 7", "error: drop needs the simulator: a real cluster runs on wall-clock time: there is no virtual clock to move and no message queue to inspect (messages go over TCP at once; use cut, partition or link A-B drop=P)"},
		{"pause", "error: pause needs the simulator: a real cluster runs on wall-clock time: there is no virtual clock to move and no message queue to inspect (real time cannot be paused)"},
		{"speed 2", "error: speed needs the simulator: a real cluster runs on wall-clock time: there is no virtual clock to move and no message queue to inspect (real time runs at speed 1)"},
		{"cluster 5", "error: this session drives a real cluster, which cannot be replaced: a real cluster runs on wall-clock time: there is no virtual clock to move and no message queue to inspect"},
	}
	for _, test := range tests {
		t.Run(test.line, func(t *testing.T) {
			session, out := newWallClockSession(t)
			if _, status := session.Exec(test.line); status != StatusOK {
				t.Errorf("status %v, want StatusOK (the script goes on)", status)
			}
			if got := strings.TrimSpace(out.String()); got != test.want {
				t.Errorf("%s printed\n%s\nwant\n%s", test.line, got, test.want)
			}
		})
	}
}

// TestRealClusterSessionWorks: the words that do not need the virtual
// clock work through the interface alone: wait, sleep, campaign, faults,
// clients, status and check; help marks the simulator-only commands.
func TestRealClusterSessionWorks(t *testing.T) {
	session, out := newWallClockSession(t)
	script := "campaign n1\nwait leader n1\nput x 1\nget x read=index\nkill n2\nsleep 1s\nput y 2\nrestart n2\npartition n3\nheal\nwait committed n2 >=3\nstatus\ncheck\nexpect safe\nexpect linearizable\n"
	if status := session.RunScript(strings.NewReader(script), false); status != StatusOK {
		t.Fatalf("script status %v:\n%s", status, out)
	}
	for _, want := range []string{"ok put x=1", "x=1 (read index", "ok put y=2", "OK linearizability"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out.Reset()
	session.Exec("help")
	for _, line := range strings.Split(out.String(), "\n") {
		marked := strings.Contains(line, "[simulator only]")
		name := strings.Fields(line + " x")[0]
		_, simulatorOnly := wallClockAdvice[name]
		if (simulatorOnly || name == "cluster" || name == "reset") != marked && strings.HasPrefix(line, "  ") {
			t.Errorf("help line %q: marked %v, want %v", line, marked, !marked)
		}
	}
	out.Reset()
	session.Exec("help tick")
	if !strings.Contains(out.String(), "simulator only (a real cluster runs on wall-clock time) (use sleep DURATION or wait COND)") {
		t.Errorf("help tick does not say why it cannot run here:\n%s", out)
	}
}

// TestRecordOnARealCluster: a recording of a real-cluster session names no
// simulated cluster to build.
func TestRecordOnARealCluster(t *testing.T) {
	session, out := newWallClockSession(t)
	path := filepath.Join(t.TempDir(), "session.txt")
	session.Exec("put x 1")
	session.Exec("record " + path)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if strings.Contains(string(data), "\ncluster ") || !strings.Contains(string(data), "--cluster") || !strings.Contains(string(data), "put x 1") {
		t.Errorf("recording:\n%s", data)
	}
}
