package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"raftctl/cluster"
	"raftctl/net/tcp"
)

// remoteFlags are the flags of `raftctl repl` for a real cluster.
type remoteFlags struct {
	cluster, clusterFile, secretFile string
	spawn                            int
}

func addRemoteFlags(set *pflag.FlagSet, flags *remoteFlags) {
	set.StringVar(&flags.cluster, "cluster", "", "drive real nodes instead of a simulation: n1=HOST:PORT,n2=HOST:PORT,... (with --secret-file)")
	set.StringVar(&flags.clusterFile, "cluster-file", "", "read the --cluster list from `FILE`, one NODE=HOST:PORT per line")
	set.StringVar(&flags.secretFile, "secret-file", "", "`FILE` with the cluster secret (raftctl node init writes one)")
	set.IntVar(&flags.spawn, "spawn", 0, "start N real nodes on 127.0.0.1 (processes of this program, TCP, bbolt in a temporary dir) and drive them; they stop when the REPL ends")
}

// spawnStartTimeout bounds how long spawned nodes may take to listen.
const spawnStartTimeout = 20 * time.Second

// connectRemote connects to the real cluster the flags name, if any; the
// returned function disconnects (and stops spawned nodes). A nil cluster
// means a simulated one.
func connectRemote(flags *remoteFlags, streams streams) (cluster.Cluster, func(), error) {
	nothing := func() {}
	given := 0
	for _, set := range []bool{flags.cluster != "", flags.clusterFile != "", flags.spawn != 0} {
		if set {
			given++
		}
	}
	switch {
	case given == 0:
		if flags.secretFile != "" {
			return nil, nothing, usageErrorf("--secret-file goes with --cluster or --cluster-file")
		}
		return nil, nothing, nil
	case given > 1:
		return nil, nothing, usageErrorf("give one of --cluster, --cluster-file and --spawn")
	}
	if flags.spawn != 0 {
		if flags.secretFile != "" {
			return nil, nothing, usageErrorf("--spawn makes its own secret: leave out --secret-file")
		}
		return spawnCluster(flags.spawn, streams)
	}
	nodes, err := readNodeList(flags)
	if err != nil {
		return nil, nothing, err
	}
	if flags.secretFile == "" {
		return nil, nothing, usageErrorf("--secret-file is required with a real cluster (the file raftctl node init wrote)")
	}
	secret, err := tcp.ReadSecretFile(flags.secretFile)
	if err != nil {
		return nil, nothing, err
	}
	remote, err := cluster.DialTCP(context.Background(), nodes, secret, true)
	if err != nil {
		return nil, nothing, fmt.Errorf("cannot reach the cluster: %w", err)
	}
	return remote, func() { remote.Close() }, nil
}

func readNodeList(flags *remoteFlags) (map[cluster.NodeID]string, error) {
	if flags.clusterFile != "" {
		return readClusterFile(flags.clusterFile)
	}
	return parseNodeAddresses("--cluster", flags.cluster)
}

// spawnedNode is one child process of --spawn.
type spawnedNode struct {
	command *exec.Cmd
	stdin   io.WriteCloser
	logPath string
}

// spawnCluster starts n `raftctl node` processes of this very program on
// loopback and connects to them. Each child's stdin is a pipe from this
// process: when the REPL ends in any way (even killed), the pipe closes and
// the children stop; the stop function also stops them with SIGTERM and
// removes their temporary directory.
func spawnCluster(n int, streams streams) (cluster.Cluster, func(), error) {
	nothing := func() {}
	if n < 1 || n > cluster.MaxNodes {
		return nil, nothing, usageErrorf("--spawn %d: want 1 to %d nodes", n, cluster.MaxNodes)
	}
	executable, err := os.Executable()
	if err != nil {
		return nil, nothing, fmt.Errorf("cannot find this program to spawn nodes: %w", err)
	}
	directory, err := os.MkdirTemp("", "raftctl-spawn-")
	if err != nil {
		return nil, nothing, err
	}
	secret, err := tcp.GenerateSecret()
	if err != nil {
		os.RemoveAll(directory)
		return nil, nothing, err
	}
	secretFile := filepath.Join(directory, "cluster.secret")
	if err := tcp.WriteSecretFile(secretFile, secret); err != nil {
		os.RemoveAll(directory)
		return nil, nothing, err
	}
	addresses, err := freeLoopbackAddresses(n)
	if err != nil {
		os.RemoveAll(directory)
		return nil, nothing, err
	}
	peers := make([]string, n)
	nodes := map[cluster.NodeID]string{}
	for i, address := range addresses {
		peers[i] = fmt.Sprintf("n%d=%s", i+1, address)
		nodes[cluster.NodeID(i+1)] = address
	}
	var children []*spawnedNode
	stop := func() {
		for _, child := range children {
			child.stop()
		}
		os.RemoveAll(directory)
	}
	for i, address := range addresses {
		id := fmt.Sprintf("n%d", i+1)
		child, err := startNodeProcess(executable, directory, id, address, strings.Join(peers, ","), secretFile)
		if err != nil {
			stop()
			return nil, nothing, err
		}
		children = append(children, child)
	}
	fmt.Fprintf(streams.Err, "spawned %d nodes on %s (logs and data in %s)\n", n, strings.Join(addresses, " "), directory)
	remote, err := dialWhenReady(nodes, secret)
	if err != nil {
		stop()
		return nil, nothing, err
	}
	return remote, func() { remote.Close(); stop() }, nil
}

// startNodeProcess starts one child node; its stderr goes to a log file.
func startNodeProcess(executable, directory, id, address, peers, secretFile string) (*spawnedNode, error) {
	logPath := filepath.Join(directory, id+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	command := exec.Command(executable, "node", "--id", id, "--listen", address, "--peers", peers,
		"--data", filepath.Join(directory, id), "--secret-file", secretFile, "--exit-with-stdin")
	command.Stdout, command.Stderr = logFile, logFile
	stdin, err := command.StdinPipe()
	if err != nil {
		return nil, err
	}
	if err := command.Start(); err != nil {
		return nil, fmt.Errorf("cannot start node %s: %w", id, err)
	}
	return &spawnedNode{command: command, stdin: stdin, logPath: logPath}, nil
}

// stop closes the child's stdin (it stops by itself), then asks with
// SIGTERM, then kills it.
func (child *spawnedNode) stop() {
	child.stdin.Close()
	exited := make(chan struct{})
	go func() {
		_ = child.command.Wait()
		close(exited)
	}()
	select {
	case <-exited:
		return
	case <-time.After(3 * time.Second):
	}
	_ = child.command.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(3 * time.Second):
		_ = child.command.Process.Kill()
		<-exited
	}
}

// freeLoopbackAddresses finds n free ports on 127.0.0.1.
func freeLoopbackAddresses(n int) ([]string, error) {
	var listeners []net.Listener
	defer func() {
		for _, listener := range listeners {
			listener.Close()
		}
	}()
	addresses := make([]string, n)
	for i := range addresses {
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("no free port on 127.0.0.1: %w", err)
		}
		listeners = append(listeners, listener)
		addresses[i] = listener.Addr().String()
	}
	return addresses, nil
}

// dialWhenReady connects once every spawned node listens.
func dialWhenReady(nodes map[cluster.NodeID]string, secret []byte) (*cluster.Remote, error) {
	deadline := time.Now().Add(spawnStartTimeout)
	for {
		ready := true
		var lastErr error
		for _, address := range nodes {
			conn, err := net.DialTimeout("tcp", address, time.Second)
			if err != nil {
				ready, lastErr = false, err
				break
			}
			conn.Close()
		}
		if ready {
			return cluster.DialTCP(context.Background(), nodes, secret, true)
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the spawned nodes did not listen within %v: %w", spawnStartTimeout, errors.Join(lastErr))
		}
		time.Sleep(50 * time.Millisecond)
	}
}
