package store_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"raftctl/store"
)

// lockTimeout is short so the tests are quick; the default is 1s.
const lockTimeout = 200 * time.Millisecond

// lockSlack allows for a loaded machine (and -race) on top of the timeout.
const lockSlack = 3 * time.Second

// Two writers on one bbolt file would corrupt it, so a second node started
// on the same data dir must fail fast and say why (PITFALLS.md: bbolt
// waits forever without Options.Timeout, even inside one process).
func TestBoltSecondOpenInProcessIsInUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "node.db")
	openTestBolt(t, path)

	start := time.Now()
	second, err := store.OpenBolt(path, store.BoltOptions{LockTimeout: lockTimeout})
	elapsed := time.Since(start)
	if err == nil {
		_ = second.Close()
		t.Fatal("second OpenBolt on a held file = nil error, want ErrInUse")
	}
	if !errors.Is(err, store.ErrInUse) {
		t.Errorf("second OpenBolt error = %v, want an error wrapping ErrInUse", err)
	}
	want := "data dir " + filepath.Dir(path) + " is in use by another raftctl process"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("second OpenBolt error = %q, want it to say %q", err, want)
	}
	if elapsed > lockTimeout+lockSlack {
		t.Errorf("second OpenBolt took %v, want about the lock timeout %v", elapsed, lockTimeout)
	}
}

func TestBoltOpenInAnotherProcessIsInUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "node.db")
	openTestBolt(t, path)

	child, stdout, stderr := startHelper(t, "open", helperPath+"="+path, helperLockTimeout+"="+lockTimeout.String())
	report := readReport(stdout)
	if err := child.Wait(); err != nil {
		t.Fatalf("child process: %v\nstderr:\n%s", err, stderr)
	}
	if report["in use"] != "true" {
		t.Fatalf("child's OpenBolt error = %q, want an error wrapping ErrInUse", report["error"])
	}
	want := "data dir " + filepath.Dir(path) + " is in use by another raftctl process"
	if !strings.Contains(report["error"], want) {
		t.Errorf("child's OpenBolt error = %q, want it to say %q", report["error"], want)
	}
	elapsed, err := time.ParseDuration(report["elapsed"])
	if err != nil {
		t.Fatalf("child reported elapsed %q: %v", report["elapsed"], err)
	}
	if elapsed > lockTimeout+lockSlack {
		t.Errorf("child's OpenBolt took %v, want about the lock timeout %v", elapsed, lockTimeout)
	}
}

// Closing releases the lock at once: a restarted node does not wait.
func TestBoltReopenAfterCloseIsNotInUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "node.db")
	first := openTestBolt(t, path)
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	openTestBolt(t, path)
}
