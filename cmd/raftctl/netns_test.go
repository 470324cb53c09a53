package main

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"raftctl/raft"
)

// TestNetworkNamespaces runs a cluster across hosts as the kernel sees
// them: three network namespaces, one node in each at its own address,
// joined by veth pairs to a bridge, and a fourth namespace for the REPL.
// The leader's cable is pulled (ip link set ... down); the others elect a
// new leader and commit; the cable goes back and the old leader catches
// up. Then a partition through the nodes' own rules. Nothing acknowledged
// is lost and the checks are clean. It needs root and iproute2 (CI runs as
// root; .ci/install-deps.sh installs iproute2), and skips otherwise.
func TestNetworkNamespaces(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real node processes; skipped with -short")
	}
	if os.Geteuid() != 0 {
		t.Skip("network namespaces need root: run the tests as root (CI does)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("network namespaces need the ip command (iproute2): apt-get install iproute2")
	}
	network := newNamespaceNetwork(t, 3)
	addresses := map[raft.NodeID]string{}
	for i := 1; i <= 3; i++ {
		addresses[raft.NodeID(i)] = fmt.Sprintf("%s:7400", network.address(i))
	}
	c := newProcessCluster(t, addresses)
	c.prefix = func(id raft.NodeID) []string { return []string{"ip", "netns", "exec", network.namespace(int(id))} }
	c.startAll()
	repl := func(script string) string {
		t.Helper()
		output, status := c.repl(script, "ip", "netns", "exec", network.control)
		if status != 0 {
			t.Fatalf("script exited %d:\n%s", status, output)
		}
		return output
	}
	// Wait until every node listens (a REPL needs one node to start).
	deadline := time.Now().Add(20 * time.Second)
	for {
		output, status := c.repl("status\n", "ip", "netns", "exec", network.control)
		if status == 0 && !strings.Contains(output, "unreachable") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the nodes did not all listen within 20s:\n%s", output)
		}
		time.Sleep(100 * time.Millisecond)
	}
	output := repl("wait leader timeout=15s\nput a 1\nput b 2\nstatus\n")
	puts := acknowledgedPuts(output)
	leader := leaderInStatus(t, output)

	// Pull the leader's cable: the REPL cannot reach it either.
	network.link(t, int(leader), "down")
	output = repl(fmt.Sprintf("sleep 1s\nwait leader timeout=15s\nput c 3\nput d 4 @%v\nexpect error\nstatus\n", leader))
	for key, value := range acknowledgedPuts(output) {
		puts[key] = value
	}
	if !strings.Contains(output, "unreachable") {
		t.Errorf("the isolated %v did not show as unreachable:\n%s", leader, output)
	}
	if newLeader := leaderInStatus(t, output); newLeader == leader {
		t.Errorf("no new leader while %v was cut off:\n%s", leader, output)
	}
	network.link(t, int(leader), "up")

	// A partition through the nodes' own rules, then heal.
	output = repl(fmt.Sprintf("wait up %v timeout=15s\npartition %v\nsleep 1s\nput e 5\nheal\nsleep 1s\nwait leader timeout=15s\nput f 6\nsleep 1s\nstatus\n", leader, leader))
	for key, value := range acknowledgedPuts(output) {
		puts[key] = value
	}
	if len(puts) < 4 {
		t.Errorf("only %d puts acknowledged: %v", len(puts), puts)
	}
	var expects strings.Builder
	for key, value := range puts {
		for i := 1; i <= 3; i++ {
			fmt.Fprintf(&expects, "expect value %s %s @n%d\n", key, value, i)
		}
	}
	output = repl("wait leader timeout=15s\nput g 7\nsleep 1s\n" + expects.String() + "check\nexpect safe\nexpect linearizable\n")
	if !strings.Contains(output, "OK Log Matching") {
		t.Errorf("check did not run:\n%s", output)
	}
}

// leaderInStatus finds the leader's row in a status table.
func leaderInStatus(t *testing.T, output string) raft.NodeID {
	t.Helper()
	matches := regexp.MustCompile(`(?m)^  n(\d)\s+leader\s`).FindAllStringSubmatch(output, -1)
	if len(matches) == 0 {
		t.Fatalf("no leader in the status:\n%s", output)
	}
	var id int
	fmt.Sscan(matches[len(matches)-1][1], &id)
	return raft.NodeID(id)
}

// namespaceNetwork is n node namespaces and a control namespace, each
// with a veth pair to a bridge in a namespace of its own, so nothing
// outside the test's namespaces changes.
type namespaceNetwork struct {
	prefix  string
	bridge  string
	control string
	nodes   int
}

func newNamespaceNetwork(t *testing.T, nodes int) *namespaceNetwork {
	t.Helper()
	prefix := fmt.Sprintf("rc%d", os.Getpid()%1000000)
	network := &namespaceNetwork{prefix: prefix, bridge: prefix + "-br", control: prefix + "-ctl", nodes: nodes}
	if output, err := exec.Command("ip", "netns", "add", network.bridge).CombinedOutput(); err != nil {
		t.Skipf("cannot make a network namespace (%v: %s): the tests need root with CAP_SYS_ADMIN", err, strings.TrimSpace(string(output)))
	}
	t.Cleanup(network.remove)
	network.run(t, "ip", "-n", network.bridge, "link", "add", "name", "rcbridge", "type", "bridge")
	network.run(t, "ip", "-n", network.bridge, "link", "set", "rcbridge", "up")
	for i := 1; i <= nodes+1; i++ {
		namespace := network.namespace(i)
		network.run(t, "ip", "netns", "add", namespace)
		inside, outside := fmt.Sprintf("%sv%d", prefix, i), fmt.Sprintf("%sb%d", prefix, i)
		network.run(t, "ip", "link", "add", "name", inside, "netns", namespace, "type", "veth", "peer", "name", outside, "netns", network.bridge)
		network.run(t, "ip", "-n", network.bridge, "link", "set", outside, "master", "rcbridge")
		network.run(t, "ip", "-n", network.bridge, "link", "set", outside, "up")
		network.run(t, "ip", "-n", namespace, "addr", "add", network.address(i)+"/24", "dev", inside)
		network.run(t, "ip", "-n", namespace, "link", "set", inside, "up")
		network.run(t, "ip", "-n", namespace, "link", "set", "lo", "up")
	}
	return network
}

// namespace names node i's namespace; nodes+1 is the REPL's.
func (n *namespaceNetwork) namespace(i int) string {
	if i == n.nodes+1 {
		return n.control
	}
	return fmt.Sprintf("%s-n%d", n.prefix, i)
}

func (n *namespaceNetwork) address(i int) string { return fmt.Sprintf("10.77.0.%d", i) }

// link sets node i's cable up or down.
func (n *namespaceNetwork) link(t *testing.T, i int, state string) {
	t.Helper()
	n.run(t, "ip", "-n", n.namespace(i), "link", "set", fmt.Sprintf("%sv%d", n.prefix, i), state)
}

func (n *namespaceNetwork) run(t *testing.T, arguments ...string) {
	t.Helper()
	if output, err := exec.Command(arguments[0], arguments[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(arguments, " "), err, output)
	}
}

// remove deletes the namespaces (and with them every veth and the bridge).
func (n *namespaceNetwork) remove() {
	for i := 1; i <= n.nodes+1; i++ {
		_ = exec.Command("ip", "netns", "del", n.namespace(i)).Run()
	}
	_ = exec.Command("ip", "netns", "del", n.bridge).Run()
}
