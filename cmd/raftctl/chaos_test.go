package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// runBuffered runs the command tree on args with buffers.
func runBuffered(args ...string) (status int, stdout, stderr string) {
	var out, errors bytes.Buffer
	status = run(args, streams{In: strings.NewReader(""), Out: &out, Err: &errors})
	return status, out.String(), errors.String()
}

func TestChaosWithoutBugPasses(t *testing.T) {
	status, stdout, stderr := runBuffered("chaos", "--seeds", "8", "--nodes", "5")
	if status != exitOK || stderr != "" {
		t.Fatalf("status %d, stderr %q\n%s", status, stderr, stdout)
	}
	if !regexp.MustCompile(`(?m)^8 +5 +[1-9]\d* +[1-9]\d* +[1-9]\d* +[1-9]\d* +0$`).MatchString(stdout) ||
		!strings.Contains(stdout, "8 seeds in ") || !strings.Contains(stdout, "no violation") {
		t.Fatalf("no summary:\n%s", stdout)
	}
}

// TestChaosWritesScriptsThatFail: the failing seed's scripts, full and
// shrunk, fail again through `raftctl repl --script` with status 1, and
// the shrunk one is shorter.
func TestChaosWritesScriptsThatFail(t *testing.T) {
	dir := t.TempDir()
	status, stdout, _ := runBuffered("chaos", "--bug", "forget-vote", "--seeds", "1000", "--out", dir)
	if status != exitFailed {
		t.Fatalf("status %d, want 1:\n%s", status, stdout)
	}
	match := regexp.MustCompile(`(?m)^seed (\d+): line \d+: expect safe: found Election Safety`).FindStringSubmatch(stdout)
	if match == nil {
		t.Fatalf("no failing seed in:\n%s", stdout)
	}
	full := filepath.Join(dir, "chaos-seed-"+match[1]+".txt")
	shrunk := filepath.Join(dir, "chaos-seed-"+match[1]+"-shrunk.txt")
	lines := map[string]int{}
	for _, path := range []string{full, shrunk} {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		lines[path] = strings.Count(string(text), "\n")
		status, output, _ := runBuffered("repl", "--script", path)
		if status != exitFailed || !strings.Contains(output, "expect safe: found Election Safety") {
			t.Fatalf("%s: replay status %d, want 1 at an expect safe:\n%s", path, status, output)
		}
	}
	if lines[shrunk] >= lines[full] {
		t.Fatalf("shrunk to %d lines from %d", lines[shrunk], lines[full])
	}
	if !strings.Contains(stdout, "replay: raftctl repl < "+shrunk) {
		t.Fatalf("no replay line:\n%s", stdout)
	}
}

// TestChaosReportDoesNotDependOnWorkers: the same report, but for the
// time it took, with one worker or three.
func TestChaosReportDoesNotDependOnWorkers(t *testing.T) {
	timing := regexp.MustCompile(`(?m)^\d+ seeds in .*$`)
	var reports []string
	for _, workers := range []string{"1", "3"} {
		directory := t.TempDir()
		status, stdout, _ := runBuffered("chaos", "--bug", "commit-old-term", "--seeds", "50", "--workers", workers, "--out", directory)
		if status != exitFailed {
			t.Fatalf("--workers %s: status %d", workers, status)
		}
		stdout = strings.ReplaceAll(stdout, directory, "DIR")
		reports = append(reports, timing.ReplaceAllString(stdout, ""))
	}
	if reports[0] != reports[1] {
		t.Fatalf("one worker:\n%s\nthree:\n%s", reports[0], reports[1])
	}
}

func TestChaosUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--nodes", "2"}, "--nodes 2: want 3 to 9 nodes"},
		{[]string{"--nodes", "10"}, "--nodes 10: want 3 to 9 nodes"},
		{[]string{"--faults", "kill,flood"}, `unknown fault "flood"`},
		{[]string{"--faults", ""}, "no faults given"},
		{[]string{"--bug", "off-by-one"}, `unknown bug "off-by-one"`},
		{[]string{"--seeds", "0"}, "--seeds 0: want at least 1"},
		{[]string{"--seed", "0"}, "--seed 0: seeds start at 1"},
		{[]string{"--duration", "2m"}, "--duration 2m0s: want more than 0 and at most 1m0s"},
		{[]string{"--workers", "-1"}, "--workers -1"},
		{[]string{"extra"}, "unknown command"},
	} {
		status, _, stderr := runBuffered(append([]string{"chaos"}, c.args...)...)
		if status != exitInvalid || !strings.Contains(stderr, c.want) || !strings.Contains(stderr, "raftctl chaos --help") {
			t.Errorf("%v: status %d, stderr %q, want 2 and %q", c.args, status, stderr, c.want)
		}
	}
}
