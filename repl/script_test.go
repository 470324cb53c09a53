package repl

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/scripts and docs/commands.md")

// runScriptFile runs one script on a fresh session and returns its output
// and status. A script's first line may be "# keep-going".
func runScriptFile(t *testing.T, path string) ([]byte, Status) {
	t.Helper()
	script := readScript(t, path)
	return runScript(t, script, strings.HasPrefix(script, "# keep-going"))
}

// readScript returns the text of a script file.
func readScript(t *testing.T, path string) string {
	t.Helper()
	script, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(script)
}

// runScript runs a script's text on a fresh session and returns its output
// and status.
func runScript(t *testing.T, script string, keepGoing bool) ([]byte, Status) {
	t.Helper()
	var out bytes.Buffer
	session, err := NewSession(Options{Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()
	status := session.RunScript(strings.NewReader(script), keepGoing)
	return out.Bytes(), status
}

// runGolden runs one script and returns its output followed by its status.
func runGolden(t *testing.T, path string) []byte {
	t.Helper()
	output, status := runScriptFile(t, path)
	return append(output, "status "+string(rune('0'+status))+"\n"...)
}

// TestScripts runs every script in testdata/scripts twice: the output must
// be byte-identical both times and equal the .golden file.
func TestScripts(t *testing.T) {
	paths, err := filepath.Glob("testdata/scripts/*.txt")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			first := runGolden(t, path)
			second := runGolden(t, path)
			if !bytes.Equal(first, second) {
				t.Fatalf("two runs differ:\n%s\n---\n%s", first, second)
			}
			golden := strings.TrimSuffix(path, ".txt") + ".golden"
			if *update {
				if err := os.WriteFile(golden, first, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./repl -update)", err)
			}
			if !bytes.Equal(first, want) {
				t.Errorf("output differs from %s (run go test ./repl -update and review the diff):\n%s", golden, first)
			}
		})
	}
}

// TestEveryCommandIsDocumentedAndUsed: every command has a summary, an
// example, and a golden script that uses it.
func TestEveryCommandIsDocumentedAndUsed(t *testing.T) {
	paths, _ := filepath.Glob("testdata/scripts/*.txt")
	used := map[string]bool{}
	for _, path := range paths {
		script, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(script), "\n") {
			for _, part := range splitCommands(line) {
				if words := strings.Fields(part); len(words) > 0 {
					used[words[0]] = true
				}
			}
		}
	}
	for _, command := range commands {
		if command.Summary == "" {
			t.Errorf("%s has no summary", command.Name)
		}
		if command.Example == "" {
			t.Errorf("%s has no example", command.Name)
		}
		if !strings.HasPrefix(command.Example, command.Name) {
			t.Errorf("%s: example %q does not use it", command.Name, command.Example)
		}
		if !used[command.Name] {
			t.Errorf("%s is used by no script in testdata/scripts", command.Name)
		}
	}
}

// TestReference keeps docs/commands.md equal to Reference().
func TestReference(t *testing.T) {
	path := filepath.Join("..", "docs", "commands.md")
	if *update {
		if err := os.WriteFile(path, []byte(Reference()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./repl -update)", err)
	}
	if string(got) != Reference() {
		t.Error("docs/commands.md differs from Reference() (run go test ./repl -update)")
	}
}
