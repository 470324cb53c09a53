package repl

import (
	"strings"
	"testing"
)

// Each teaching bug breaks one rule that a lesson or a help text claims.
// Its script shows the checkers catching the violation, and the same
// situation without the bug shows the rule holding: the claim has a test
// that can fail.
func TestTeachingBugScriptsAreCaught(t *testing.T) {
	for _, test := range []struct {
		bug string
		// script runs with the bug on; its output must hold every want.
		script string
		want   []string
		// correct run without it: no violation, and every correctWant.
		correct     []string
		correctWant []string
	}{{
		// The parallel write (thesis §10.2.1): the leader counts itself
		// only once its own write is done.
		bug:    "leader-counts-unwritten",
		script: "leader_counts_unwritten_bug.txt",
		want: []string{
			"ok put x=2 (index 3, n1,",
			"violation of Leader Completeness: n1 saw index 3 term 1 (x=2) committed in term 1",
		},
		correct: []string{"leader_counts_written.txt"},
	}, {
		// A lease is not trusted across a transfer (thesis §3.10, §6.4.1).
		bug:         "lease-after-transfer",
		script:      "lease_after_transfer_bug.txt",
		want:        []string{"error: not linearizable"},
		correct:     []string{"lease_after_late_timeoutnow.txt", "lease_after_abandoned_transfer.txt"},
		correctWant: []string{"no lease for the rest of this term"},
	}, {
		// A leader never deletes entries in its log (thesis §3.5).
		bug:     "leader-drops-uncommitted",
		script:  "leader_drops_uncommitted_bug.txt",
		want:    []string{"violation of Leader Append-Only: n1, leader of term 1, deleted indexes 3 to 4"},
		correct: []string{"leader_steps_down_when_cut_off.txt"},
	}} {
		t.Run(test.bug, func(t *testing.T) {
			output := runRegression(t, test.script)
			if !strings.Contains(output, "bug="+test.bug) {
				t.Fatalf("%s does not switch %s on", test.script, test.bug)
			}
			for _, want := range test.want {
				if !strings.Contains(output, want) {
					t.Errorf("%s: the output lacks %q:\n%s", test.script, want, output)
				}
			}
			for _, script := range test.correct {
				output := runRegression(t, script)
				if strings.Contains(output, "violation") || strings.Contains(output, "bug=") {
					t.Errorf("%s, without the bug:\n%s", script, output)
				}
				for _, want := range test.correctWant {
					if !strings.Contains(output, want) {
						t.Errorf("%s: the output lacks %q:\n%s", script, want, output)
					}
				}
			}
		})
	}
}

// runRegression runs a script of testdata/regressions, which must pass
// its own expect lines, and returns its output.
func runRegression(t *testing.T, name string) string {
	t.Helper()
	output, status := runScriptFile(t, "testdata/regressions/"+name)
	if status != StatusOK {
		t.Fatalf("%s: status %d:\n%s", name, status, output)
	}
	return string(output)
}
