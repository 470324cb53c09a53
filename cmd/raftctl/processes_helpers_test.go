package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"raftctl/cluster"
	"raftctl/net/tcp"
	"raftctl/raft"
	"raftctl/store"
)

// Helpers for tests that run real `raftctl node` processes on loopback:
// the binary built from this package, real TCP, bbolt files.

// raftctlBinary builds this package into the test's temporary directory
// (the build cache makes every build after the first one quick).
func raftctlBinary(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("starts real node processes; skipped with -short")
	}
	binary := filepath.Join(t.TempDir(), "raftctl")
	if output, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, output)
	}
	return binary
}

// processCluster is n `raftctl node` processes on 127.0.0.1.
type processCluster struct {
	t          testing.TB
	binary     string
	directory  string
	secretFile string
	secret     []byte
	addresses  map[raft.NodeID]string
	peers      string
	// prefix runs each node inside something (ip netns exec NAME).
	prefix func(id raft.NodeID) []string

	mu        sync.Mutex
	processes map[raft.NodeID]*exec.Cmd
}

// newProcessCluster writes a secret with `raftctl node init` and picks the
// addresses; start runs the nodes.
func newProcessCluster(t testing.TB, addresses map[raft.NodeID]string) *processCluster {
	t.Helper()
	binary := raftctlBinary(t)
	directory := t.TempDir()
	c := &processCluster{t: t, binary: binary, directory: directory, secretFile: filepath.Join(directory, "cluster.secret"),
		addresses: addresses, processes: map[raft.NodeID]*exec.Cmd{}}
	if output, err := exec.Command(binary, "node", "init", "--secret-file", c.secretFile).CombinedOutput(); err != nil {
		t.Fatalf("raftctl node init: %v\n%s", err, output)
	}
	secret, err := tcp.ReadSecretFile(c.secretFile)
	if err != nil {
		t.Fatal(err)
	}
	c.secret = secret
	var peers []string
	for i := 1; i <= len(addresses); i++ {
		peers = append(peers, fmt.Sprintf("n%d=%s", i, addresses[raft.NodeID(i)]))
	}
	c.peers = strings.Join(peers, ",")
	t.Cleanup(c.stopAll)
	return c
}

// loopbackAddresses picks n free ports on 127.0.0.1.
func loopbackAddresses(t testing.TB, n int) map[raft.NodeID]string {
	t.Helper()
	list, err := freeLoopbackAddresses(n)
	if err != nil {
		t.Fatal(err)
	}
	addresses := map[raft.NodeID]string{}
	for i, address := range list {
		addresses[raft.NodeID(i+1)] = address
	}
	return addresses
}

// start runs node id's process (again, after a stop or a SIGKILL: same
// data directory).
func (c *processCluster) start(id raft.NodeID) {
	c.t.Helper()
	logFile, err := os.OpenFile(filepath.Join(c.directory, id.String()+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		c.t.Fatal(err)
	}
	defer logFile.Close()
	arguments := []string{c.binary, "node", "--id", id.String(), "--listen", c.addresses[id], "--peers", c.peers,
		"--data", filepath.Join(c.directory, id.String()), "--secret-file", c.secretFile, "--log-level", "debug"}
	if c.prefix != nil {
		arguments = append(c.prefix(id), arguments...)
	}
	command := exec.Command(arguments[0], arguments[1:]...)
	command.Stdout, command.Stderr = logFile, logFile
	if err := command.Start(); err != nil {
		c.t.Fatal(err)
	}
	c.mu.Lock()
	c.processes[id] = command
	c.mu.Unlock()
}

func (c *processCluster) startAll() {
	for id := range c.addresses {
		c.start(id)
	}
}

// signal sends sig to node id's process and waits for it to exit.
func (c *processCluster) signal(id raft.NodeID, sig os.Signal) {
	c.t.Helper()
	c.mu.Lock()
	command := c.processes[id]
	delete(c.processes, id)
	c.mu.Unlock()
	if command == nil {
		return
	}
	_ = command.Process.Signal(sig)
	done := make(chan error, 1)
	go func() { done <- command.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = command.Process.Kill()
		<-done
		c.t.Errorf("%v did not stop within 10s of %v", id, sig)
	}
}

func (c *processCluster) stopAll() {
	for id := range c.addresses {
		c.signal(id, os.Interrupt)
	}
}

// log returns what node id logged.
func (c *processCluster) log(id raft.NodeID) string {
	data, _ := os.ReadFile(filepath.Join(c.directory, id.String()+".log"))
	return string(data)
}

// remote connects a Remote to the nodes, once they all listen.
func (c *processCluster) remote() *cluster.Remote {
	c.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for _, address := range c.addresses {
		for {
			conn, err := net.DialTimeout("tcp", address, time.Second)
			if err == nil {
				conn.Close()
				break
			}
			if time.Now().After(deadline) {
				c.t.Fatalf("%s never listened: %v", address, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	remote, err := cluster.DialTCP(context.Background(), c.addresses, c.secret, false)
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { remote.Close() })
	return remote
}

// repl runs `raftctl repl --cluster` on a script and returns its output
// and exit status.
func (c *processCluster) repl(script string, prefix ...string) (string, int) {
	c.t.Helper()
	arguments := append(prefix, c.binary, "repl", "--cluster", c.peers, "--secret-file", c.secretFile)
	command := exec.Command(arguments[0], arguments[1:]...)
	command.Stdin = strings.NewReader(script)
	var output bytes.Buffer
	command.Stdout, command.Stderr = &output, &output
	err := command.Run()
	status := 0
	if exit, ok := err.(*exec.ExitError); ok {
		status = exit.ExitCode()
	} else if err != nil {
		c.t.Fatal(err)
	}
	return output.String(), status
}

// acknowledgedPuts finds the puts a REPL's output reports as done.
func acknowledgedPuts(output string) map[string]string {
	puts := map[string]string{}
	for _, match := range regexp.MustCompile(`(?m)^ok put (\S+)=(\S+) `).FindAllStringSubmatch(output, -1) {
		puts[match[1]] = match[2]
	}
	return puts
}

// waitAgreement waits until every node is up and has applied the same log.
func waitAgreement(t testing.TB, remote cluster.Cluster, timeout time.Duration) {
	t.Helper()
	if !remote.WaitFor(func(rows []cluster.NodeStatus) bool {
		for _, row := range rows {
			if !row.Up || row.LastApplied != row.LastIndex || row.LastIndex != rows[0].LastIndex {
				return false
			}
		}
		return true
	}, timeout) {
		t.Fatalf("the nodes did not agree within %v: %+v", timeout, remote.Status())
	}
}

// checkEveryNodeHolds checks that every node's state machine holds every
// acknowledged put.
func checkEveryNodeHolds(t testing.TB, remote cluster.Cluster, puts map[string]string) {
	t.Helper()
	for _, id := range remote.IDs() {
		contents, err := remote.KV(id)
		if err != nil {
			t.Errorf("kv %v: %v", id, err)
			continue
		}
		for key, value := range puts {
			if contents[key] != value {
				t.Errorf("%v lost the acknowledged put %s=%s (holds %q)", id, key, value, contents[key])
			}
		}
	}
}

// storePut is a put command.
func storePut(key, value string) store.Command {
	return store.Command{Op: store.OpPut, Key: key, Value: value}
}
