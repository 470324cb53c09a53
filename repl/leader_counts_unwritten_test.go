package repl

import (
	"strings"
	"testing"
)

// The safety claim of the parallel-disk-write lesson and of `set
// parallel-write` (thesis §10.2.1): the leader may send before its own
// write ends because it counts itself only once that write is done. With
// the teaching bug leader-counts-unwritten the checkers must catch the
// committed entry the leader's crash loses; without it, the same script
// must stay safe.
func TestLeaderCountsUnwrittenBugIsCaught(t *testing.T) {
	output, status := runScriptFile(t, "testdata/regressions/leader_counts_unwritten_bug.txt")
	if status != StatusOK {
		t.Fatalf("status %d:\n%s", status, output)
	}
	for _, want := range []string{
		"ok put x=2 (index 3, n1,",
		"violation of Leader Completeness: n1 saw index 3 term 1 (x=2) committed in term 1",
	} {
		if !strings.Contains(string(output), want) {
			t.Errorf("the output lacks %q:\n%s", want, output)
		}
	}

	output, status = runScriptFile(t, "testdata/regressions/leader_counts_written.txt")
	if status != StatusOK {
		t.Fatalf("without the bug: status %d:\n%s", status, output)
	}
	if strings.Contains(string(output), "violation") {
		t.Errorf("without the bug the checkers report a violation:\n%s", output)
	}
}
