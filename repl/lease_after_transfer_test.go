package repl

import (
	"strings"
	"testing"
)

// The safety claim of the leader-transfer lesson (thesis §3.10, §6.4.1):
// a lease is not trusted across a transfer. With the teaching bug
// lease-after-transfer the linearizability check must catch the stale
// lease read; without it, the lease read is refused and the history stays
// linearizable.
func TestLeaseAfterTransferBugIsCaught(t *testing.T) {
	output, status := runScriptFile(t, "testdata/regressions/lease_after_transfer_bug.txt")
	if status != StatusOK {
		t.Fatalf("status %d:\n%s", status, output)
	}
	if !strings.Contains(string(output), "error: not linearizable") {
		t.Errorf("the checker did not catch the stale lease read:\n%s", output)
	}
	for _, path := range []string{
		"testdata/regressions/lease_after_late_timeoutnow.txt",
		"testdata/regressions/lease_after_abandoned_transfer.txt",
	} {
		output, status := runScriptFile(t, path)
		if status != StatusOK {
			t.Fatalf("%s: status %d:\n%s", path, status, output)
		}
		if !strings.Contains(string(output), "no lease for the rest of this term") {
			t.Errorf("%s: the lease read was not refused for the TimeoutNow:\n%s", path, output)
		}
	}
}
