package repl

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// runWithoutBug runs a regression script of a teaching bug with the bug
// switched off (" bug=NAME" taken out of its header) and its closing
// `expect error` turned into `expect safe`: the same steps on correct code
// must break no invariant.
func runWithoutBug(t *testing.T, path, bug string) ([]byte, Status) {
	t.Helper()
	script, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(script)
	if !strings.Contains(text, " bug="+bug) || !strings.HasSuffix(text, "check\nexpect error\n") {
		t.Fatalf("%s: want a header with bug=%s and a script ending in check, expect error", path, bug)
	}
	text = strings.Replace(text, " bug="+bug, "", 1)
	text = strings.TrimSuffix(text, "expect error\n") + "expect safe\n"
	var out bytes.Buffer
	session, err := NewSession(Options{Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()
	status := session.RunScript(strings.NewReader(text), false)
	return out.Bytes(), status
}

// requireCaught runs a teaching bug's regression script and requires each
// of the violations named in want; the same script without the bug must
// stay safe and linearizable.
func requireCaught(t *testing.T, path, bug string, want ...string) {
	t.Helper()
	output, status := runScriptFile(t, path)
	if status != StatusOK {
		t.Fatalf("status %d:\n%s", status, output)
	}
	for _, violation := range want {
		if !strings.Contains(string(output), violation) {
			t.Errorf("the checkers did not report %q:\n%s", violation, output)
		}
	}
	output, status = runWithoutBug(t, path, bug)
	if status != StatusOK || strings.Contains(string(output), "violation") || strings.Contains(string(output), "not linearizable") {
		t.Fatalf("without %s: status %d:\n%s", bug, status, output)
	}
}

// The claim of the replication and log-repair lessons (thesis §3.5): the
// consistency check on PrevLogTerm keeps logs matching. With the teaching
// bug skip-prev-term, Log Matching and State Machine Safety must fail.
func TestSkipPrevTermBugIsCaught(t *testing.T) {
	requireCaught(t, "testdata/regressions/skip_prev_term_bug.txt", "skip-prev-term",
		"error: Log Matching (§3.5): n1 and n2 both hold index 4 term 3 but differ at index 2",
		"error: State Machine Safety (§3.6.3): n2 applied index 2 term 2 (no-op) but n1 applied index 2 term 1 (x=1)")
}

// The claim of the election lesson (thesis §3.4): a candidate needs a
// majority of the whole cluster, so a term has at most one leader. With
// the teaching bug half-quorum, Election Safety must fail.
func TestHalfQuorumBugIsCaught(t *testing.T) {
	requireCaught(t, "testdata/regressions/half_quorum_bug.txt", "half-quorum",
		"error: Election Safety (§3.4): n3 and n1 both leaders in term 1")
}

// The claim of the reads lesson (thesis §6.4 step 1): a new leader serves
// ReadIndex reads only once it has committed an entry of its term. With
// the teaching bug read-before-own-commit, n2 reads x=1 at its lagging
// commit index after x=2 was acknowledged, and linearizability must fail.
func TestReadBeforeOwnCommitBugIsCaught(t *testing.T) {
	requireCaught(t, "testdata/regressions/read_before_own_commit_bug.txt", "read-before-own-commit",
		"x=1 (read index 2, n2, read=index",
		"error: not linearizable: no order of the operations on key x matches one copy of the data")
}

// The claim of the basics lesson (thesis §3.3): a server rejects requests
// of a stale term, so a deposed leader cannot overwrite what its successor
// committed. With the teaching bug accept-stale-term, Leader Completeness
// and State Machine Safety must fail.
func TestAcceptStaleTermBugIsCaught(t *testing.T) {
	requireCaught(t, "testdata/regressions/accept_stale_term_bug.txt", "accept-stale-term",
		"error: Leader Completeness (§3.6): n2 saw index 3 term 2 (x=2) committed in term 2, but n3, leader of term 3",
		"error: State Machine Safety (§3.6.3): n2 applied index 2 term 2 (no-op) but n1 applied index 2 term 1 (x=1)")
}
