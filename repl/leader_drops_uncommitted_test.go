package repl

import (
	"strings"
	"testing"
)

// Leader Append-Only (thesis §3.5) is caught on a real bug: with
// leader-drops-uncommitted, a leader that loses its majority deletes its
// uncommitted entries instead of stepping down, and the checker reports
// it; the same script without the bug steps n1 down and stays safe.
func TestLeaderDropsUncommittedBugIsCaught(t *testing.T) {
	output, status := runScriptFile(t, "testdata/regressions/leader_drops_uncommitted_bug.txt")
	if status != StatusOK {
		t.Fatalf("status %d:\n%s", status, output)
	}
	if !strings.Contains(string(output), "violation of Leader Append-Only: n1, leader of term 1, deleted indexes 3 to 4") {
		t.Errorf("the checker did not catch the deleted entries:\n%s", output)
	}
	script := strings.Replace(readScript(t, "testdata/regressions/leader_drops_uncommitted_bug.txt"), " bug=leader-drops-uncommitted", "", 1)
	script = strings.Replace(script, "expect role n1 leader", "expect role n1 follower", 1)
	script = strings.Replace(script, "expect error", "expect safe", 1)
	output, status = runScript(t, script, false)
	if status != StatusOK || strings.Contains(string(output), "violation") {
		t.Errorf("without the bug: status %d:\n%s", status, output)
	}
}
