package store_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"raftctl/store"
)

// Tests that need a second process run this test binary again as a child:
// TestHelperProcess does nothing unless helperEnvironment names the child's
// job, and the child's settings come in further environment variables.
const (
	helperEnvironment = "RAFTCTL_STORE_HELPER"
	helperPath        = "RAFTCTL_STORE_HELPER_PATH"
	helperSeed        = "RAFTCTL_STORE_HELPER_SEED"
	helperLockTimeout = "RAFTCTL_STORE_HELPER_LOCK_TIMEOUT"
	helperNoSync      = "RAFTCTL_STORE_HELPER_NO_SYNC"
)

// TestHelperProcess is the child side of the process tests. It is skipped
// in a normal run.
func TestHelperProcess(t *testing.T) {
	switch job := os.Getenv(helperEnvironment); job {
	case "":
		t.Skip("runs only as the child process of another test")
	case "crash":
		runCrashChild(t)
	case "open":
		runOpenChild(t)
	default:
		t.Fatalf("unknown %s=%q, want crash or open", helperEnvironment, job)
	}
}

// startHelper starts this test binary as a child doing job. Its standard
// error is collected in stderr for failure messages.
func startHelper(t *testing.T, job string, environment ...string) (*exec.Cmd, io.Reader, *strings.Builder) {
	t.Helper()
	// The timeout is a backstop: a child whose parent died also dies of
	// SIGPIPE at its next line.
	child := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.timeout=2m")
	child.Env = append(os.Environ(), helperEnvironment+"="+job)
	child.Env = append(child.Env, environment...)
	stderr := new(strings.Builder)
	child.Stderr = stderr
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatalf("starting child process: %v", err)
	}
	return child, stdout, stderr
}

// runOpenChild tries to open a store that its parent holds and reports the
// outcome on stdout: "in use: true|false", "elapsed: <duration>", and
// "error: <message>".
func runOpenChild(t *testing.T) {
	timeout, err := time.ParseDuration(os.Getenv(helperLockTimeout))
	if err != nil {
		t.Fatalf("%s: %v", helperLockTimeout, err)
	}
	start := time.Now()
	bolt, err := store.OpenBolt(os.Getenv(helperPath), store.BoltOptions{LockTimeout: timeout})
	elapsed := time.Since(start)
	if err == nil {
		_ = bolt.Close()
	}
	fmt.Printf("in use: %t\nelapsed: %v\nerror: %v\n", errors.Is(err, store.ErrInUse), elapsed, err)
}

// readReport parses "name: value" lines.
func readReport(output io.Reader) map[string]string {
	report := map[string]string{}
	scanner := bufio.NewScanner(output)
	for scanner.Scan() {
		if name, value, found := strings.Cut(scanner.Text(), ": "); found {
			report[name] = value
		}
	}
	return report
}

// parseDurable reads a crash child's "durable N" line.
func parseDurable(line string) (int, bool) {
	text, found := strings.CutPrefix(line, "durable ")
	if !found {
		return 0, false
	}
	batch, err := strconv.Atoi(text)
	return batch, err == nil
}
