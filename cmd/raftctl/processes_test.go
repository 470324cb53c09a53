package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"raftctl/check"
	"raftctl/cluster"
	"raftctl/net/tcp"
	"raftctl/raft"
)

// chaosScript kills, restarts, partitions and writes, on wall-clock time.
const chaosScript = `wait leader timeout=10s
put a 1
put b 2
kill n1
wait leader timeout=10s
put c 3
restart n1
kill n2
wait leader timeout=10s
put d 4
restart n2
partition n3
put e 5
get e read=index
heal
kill n3
put f 6
restart n3
partition n1|n2,n3
sleep 500ms
put g 7
get g
heal
cut n1->n2
put h 8
heal
link n1-n2 drop=0.3 delay=1ms-5ms
put i 9
heal
wait leader timeout=10s
put j 10
tick
expect error
check
expect safe
expect linearizable
`

// TestProcessesChaosThroughRepl: three `raftctl node` processes on
// loopback; a chaos script through `raftctl repl --cluster` (kills,
// restarts, partitions, cuts, lossy links, puts); then the node process
// holding the most is killed with SIGKILL mid-load and started again. No
// acknowledged put is lost, every node agrees, and the checks are clean.
func TestProcessesChaosThroughRepl(t *testing.T) {
	c := newProcessCluster(t, loopbackAddresses(t, 3))
	c.startAll()
	remote := c.remote()
	output, status := c.repl(chaosScript)
	if status != 0 {
		t.Fatalf("the chaos script exited %d:\n%s", status, output)
	}
	puts := acknowledgedPuts(output)
	if len(puts) < 8 {
		t.Errorf("only %d puts acknowledged (want at least 8 of 10):\n%s", len(puts), output)
	}
	for _, want := range []string{"OK Election Safety", "OK Log Matching", "OK State Machine Safety", "OK linearizability",
		"error: tick needs the simulator: a real cluster runs on wall-clock time"} {
		if !strings.Contains(output, want) {
			t.Errorf("the script's output lacks %q:\n%s", want, output)
		}
	}

	// SIGKILL the leader's process while clients write, then start it again.
	leader := waitForLeader(t, remote)
	var mu sync.Mutex
	stop := make(chan struct{})
	var writers sync.WaitGroup
	for client := range 4 {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				key, value := fmt.Sprintf("w%d-%d", client, i), fmt.Sprint(i)
				call, err := remote.Do(uint64(100+client), storePut(key, value), raft.None)
				if err == nil && call.Err == nil {
					mu.Lock()
					puts[key] = value
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	c.signal(leader, syscall.SIGKILL)
	time.Sleep(700 * time.Millisecond)
	c.start(leader)
	time.Sleep(700 * time.Millisecond)
	close(stop)
	writers.Wait()

	waitAgreement(t, remote, 20*time.Second)
	checkEveryNodeHolds(t, remote, puts)
	if violations := remote.Violations(); len(violations) > 0 {
		t.Errorf("violations: %v", violations)
	}
	result, err := remote.CheckLinearizability(10 * time.Second)
	if err != nil || result.Outcome != check.Linearizable {
		t.Errorf("linearizability of the writers' history: %+v %v", result, err)
	}
	t.Logf("%d acknowledged puts, all on every node", len(puts))
	if !strings.Contains(c.log(leader), "core started") {
		t.Errorf("%v's log has no structured start line:\n%s", leader, c.log(leader))
	}
}

// waitForLeader waits for a running leader.
func waitForLeader(t testing.TB, remote cluster.Cluster) raft.NodeID {
	t.Helper()
	var leader raft.NodeID
	if !remote.WaitFor(func(rows []cluster.NodeStatus) bool {
		leader = raft.None
		for _, row := range rows {
			if row.Up && row.Role == raft.Leader {
				leader = row.ID
			}
		}
		return leader != raft.None
	}, 10*time.Second) {
		t.Fatalf("no leader: %+v", remote.Status())
	}
	return leader
}

// TestNodeStopsCleanlyOnSIGTERM: SIGTERM closes the bbolt file, so the
// node starts again at once on the same data (a file still locked would
// make it wait and fail).
func TestNodeStopsCleanlyOnSIGTERM(t *testing.T) {
	c := newProcessCluster(t, loopbackAddresses(t, 1))
	c.start(1)
	remote := c.remote()
	if call, err := remote.Put("x", "1", raft.None); err != nil || call.Err != nil {
		t.Fatalf("put: %v %+v", err, call)
	}
	remote.Close()
	c.signal(1, syscall.SIGTERM)
	if log := c.log(1); !strings.Contains(log, "stopped") {
		t.Errorf("no clean stop in the log:\n%s", log)
	}
	c.start(1)
	again := c.remote()
	waitAgreement(t, again, 10*time.Second)
	checkEveryNodeHolds(t, again, map[string]string{"x": "1"})
}

// TestControlWithWrongSecretRefused: a control client with another
// cluster's secret is refused, by the REPL and by the protocol, and the
// node is as it was.
func TestControlWithWrongSecretRefused(t *testing.T) {
	c := newProcessCluster(t, loopbackAddresses(t, 1))
	c.start(1)
	remote := c.remote()
	before := remote.Status()[0]

	wrong, err := tcp.GenerateSecret()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tcp.DialControl(context.Background(), c.addresses[1], wrong); err == nil {
		t.Fatal("a control connection with the wrong secret was accepted")
	}
	if _, err := cluster.DialTCP(context.Background(), c.addresses, wrong, false); err == nil {
		t.Fatal("a Remote with the wrong secret connected")
	}
	wrongFile := c.directory + "/wrong.secret"
	if err := tcp.WriteSecretFile(wrongFile, wrong); err != nil {
		t.Fatal(err)
	}
	command := exec.Command(c.binary, "repl", "--cluster", c.peers, "--secret-file", wrongFile)
	command.Stdin = strings.NewReader("kill n1\n")
	output, err := command.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || !strings.Contains(string(output), "cannot reach the cluster") {
		t.Errorf("raftctl repl with the wrong secret: %v\n%s", err, output)
	}
	after := remote.Status()[0]
	if !after.Up || after.Term < before.Term || after.LastIndex != before.LastIndex {
		t.Errorf("the node changed: before %+v, after %+v", before, after)
	}
}

// TestSpawnStopsNodesWhenReplIsKilled: `raftctl repl --spawn 3` starts
// three node processes; killing the REPL with SIGKILL (no chance to clean
// up) still stops them, because their stdin pipe closes.
func TestSpawnStopsNodesWhenReplIsKilled(t *testing.T) {
	binary := raftctlBinary(t)
	command := exec.Command(binary, "repl", "--spawn", "3")
	stdin, err := command.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := command.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := command.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := command.Start(); err != nil {
		t.Fatal(err)
	}
	defer command.Process.Kill()
	line, err := bufio.NewReader(stderr).ReadString('\n')
	if err != nil {
		t.Fatalf("no spawn line: %v", err)
	}
	if directory := regexp.MustCompile(`logs and data in (\S+)\)`).FindStringSubmatch(line); directory != nil {
		// Killed, the REPL cannot remove it.
		t.Cleanup(func() { os.RemoveAll(directory[1]) })
	}
	addresses := regexp.MustCompile(`127\.0\.0\.1:\d+`).FindAllString(line, -1)
	if len(addresses) != 3 {
		t.Fatalf("spawn line %q: want three addresses", line)
	}
	// The REPL works on them.
	if _, err := stdin.Write([]byte("wait leader timeout=10s\nput x 1\n")); err != nil {
		t.Fatal(err)
	}
	reader := bufio.NewReader(stdout)
	for {
		text, err := reader.ReadString('\n')
		if err != nil {
			t.Fatalf("the REPL ended before put x 1 answered: %v", err)
		}
		if strings.HasPrefix(text, "ok put x=1") {
			break
		}
	}
	_ = command.Process.Signal(syscall.SIGKILL)
	_ = command.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for _, address := range addresses {
		for {
			conn, err := net.DialTimeout("tcp", address, time.Second)
			if err != nil {
				break
			}
			conn.Close()
			if time.Now().After(deadline) {
				t.Fatalf("%s still listens 10s after the REPL was killed", address)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}
