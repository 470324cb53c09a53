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
		// correct run without the bug: no violation, and every
		// correctWant. Without them, the script itself runs with the bug
		// taken out of its header and its closing `expect error` turned
		// into `expect safe`.
		correct     []string
		correctWant []string
	}{{
		// The consistency check on PrevLogTerm keeps logs matching (the
		// replication and log-repair lessons, thesis §3.5).
		bug:    "skip-prev-term",
		script: "skip_prev_term_bug.txt",
		want: []string{
			"error: Log Matching (§3.5): n1 and n2 both hold index 4 term 3 but differ at index 2",
			"error: State Machine Safety (§3.6.3): n2 applied index 2 term 2 (no-op) but n1 applied index 2 term 1 (x=1)",
		},
	}, {
		// A candidate needs a majority of the whole cluster, so a term
		// has at most one leader (the election lesson, thesis §3.4).
		bug:    "half-quorum",
		script: "half_quorum_bug.txt",
		want:   []string{"error: Election Safety (§3.4): n3 and n1 both leaders in term 1"},
	}, {
		// A new leader serves ReadIndex reads only once it has committed
		// an entry of its term (the reads lesson, thesis §6.4 step 1).
		bug:    "read-before-own-commit",
		script: "read_before_own_commit_bug.txt",
		want: []string{
			"x=1 (read index 2, n2, read=index",
			"error: not linearizable: no order of the operations on key x matches one copy of the data",
		},
	}, {
		// A server rejects requests of a stale term, so a deposed leader
		// cannot overwrite what its successor committed (the basics
		// lesson, thesis §3.3).
		bug:    "accept-stale-term",
		script: "accept_stale_term_bug.txt",
		want: []string{
			"error: Leader Completeness (§3.6): n2 saw index 3 term 2 (x=2) committed in term 2, but n3, leader of term 3",
			"error: State Machine Safety (§3.6.3): n2 applied index 2 term 2 (no-op) but n1 applied index 2 term 1 (x=1)",
		},
	}, {
		// The parallel write: the leader counts itself only once its own
		// write is done (the parallel-disk-write lesson, thesis §10.2.1).
		bug:    "leader-counts-unwritten",
		script: "leader_counts_unwritten_bug.txt",
		want: []string{
			"ok put x=2 (index 3, n1,",
			"violation of Leader Completeness: n1 saw index 3 term 1 (x=2) committed in term 1",
		},
		correct: []string{"leader_counts_written.txt"},
	}, {
		// A lease is not trusted across a transfer (the leader-transfer
		// lesson, thesis §3.10, §6.4.1).
		bug:         "lease-after-transfer",
		script:      "lease_after_transfer_bug.txt",
		want:        []string{"error: not linearizable"},
		correct:     []string{"lease_after_late_timeoutnow.txt", "lease_after_abandoned_transfer.txt"},
		correctWant: []string{"no lease for the rest of this term"},
	}, {
		// A leader never deletes entries in its log (the check-quorum
		// lesson, thesis §3.5).
		bug:     "leader-drops-uncommitted",
		script:  "leader_drops_uncommitted_bug.txt",
		want:    []string{"violation of Leader Append-Only: n1, leader of term 1, deleted indexes 3 to 4"},
		correct: []string{"leader_steps_down_when_cut_off.txt"},
	}, {
		// A removed leader leads on without counting itself (the
		// remove-leader lesson, thesis §4.2.2).
		bug:    "removed-leader-counts-self",
		script: "removed_leader_counts_self_bug.txt",
		want: []string{
			"n1 leader -> follower, term 1: removed from the configuration",
			"error: Commit Quorum (§4.1): n1, leader of term 1, committed index 2 (term 1), held by only n2 of the voters n2,n3",
		},
	}, {
		// currentTerm is persistent, so a restart never lets a server
		// vote twice in one term (the persistence lesson, thesis §3.8).
		bug:    "forget-term",
		script: "forget_term_bug.txt",
		want: []string{
			"n2    follower  0     n1",
			"error: Election Safety (§3.4): n1 and n3 both leaders in term 1",
		},
	}, {
		// Sessions are in every snapshot, so a retry is answered from
		// its session after a restart too (the sessions lesson, thesis
		// §6.3).
		bug:    "snapshot-without-sessions",
		script: "snapshot_without_sessions_bug.txt",
		want: []string{
			"ok put y=1 (index 9, n2,",
			"error: not linearizable: no order of the operations on key y matches one copy of the data",
		},
	}} {
		t.Run(test.bug, func(t *testing.T) {
			text := readScript(t, "testdata/regressions/"+test.script)
			if !strings.Contains(text, " bug="+test.bug) {
				t.Fatalf("%s does not switch %s on", test.script, test.bug)
			}
			output := runPassing(t, test.script, text)
			for _, want := range test.want {
				if !strings.Contains(output, want) {
					t.Errorf("%s: the output lacks %q:\n%s", test.script, want, output)
				}
			}
			correct := map[string]string{}
			for _, name := range test.correct {
				correct[name] = readScript(t, "testdata/regressions/"+name)
			}
			if len(correct) == 0 {
				correct[test.script+" without the bug"] = withoutBug(t, text, test.bug)
			}
			for name, script := range correct {
				output := runPassing(t, name, script)
				if strings.Contains(output, "violation") || strings.Contains(output, "not linearizable") || strings.Contains(output, " bug=") {
					t.Errorf("%s, without the bug:\n%s", name, output)
				}
				for _, want := range test.correctWant {
					if !strings.Contains(output, want) {
						t.Errorf("%s: the output lacks %q:\n%s", name, want, output)
					}
				}
			}
		})
	}
}

// withoutBug is a bug's script with the bug taken out of its header and
// its closing `expect error` turned into `expect safe`: the same steps on
// correct code.
func withoutBug(t *testing.T, script, bug string) string {
	t.Helper()
	if !strings.HasSuffix(script, "check\nexpect error\n") {
		t.Fatalf("a script of %s should end in check, expect error", bug)
	}
	script = strings.Replace(script, " bug="+bug, "", 1)
	return strings.TrimSuffix(script, "expect error\n") + "expect safe\n"
}

// runPassing runs a script that must pass its own expect lines, and
// returns its output.
func runPassing(t *testing.T, name, script string) string {
	t.Helper()
	output, status := runScript(t, script, false)
	if status != StatusOK {
		t.Fatalf("%s: status %d:\n%s", name, status, output)
	}
	return string(output)
}
