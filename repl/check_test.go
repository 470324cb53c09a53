package repl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckWritesVisualization: check --html FILE writes porcupine's page
// with the session's operations; a bad path is an error, not a crash.
func TestCheckWritesVisualization(t *testing.T) {
	out := &lockedBuffer{}
	session, err := NewSession(Options{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()
	path := filepath.Join(t.TempDir(), "history.html")
	for _, line := range []string{"put x 1", "put y 2 async", "tick 20", "get x", "check --html " + path} {
		if _, status := session.Exec(line); status != StatusOK {
			t.Fatalf("%s: status %d\n%s", line, status, out.take())
		}
	}
	text := out.take()
	if !strings.Contains(text, "OK linearizability (§6.3): 3 operations on 2 keys") || !strings.Contains(text, "wrote "+path) {
		t.Fatalf("check answered:\n%s", text)
	}
	page, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "<html") || !strings.Contains(string(page), "put x 1") {
		t.Fatalf("the page lacks the history (%d bytes)", len(page))
	}

	session.Exec("check --html " + filepath.Join(path, "no", "such", "dir.html"))
	if text := out.take(); !strings.Contains(text, "error: cannot write the visualization") {
		t.Fatalf("a bad path answered:\n%s", text)
	}
	if _, status := session.Exec("check --pdf x"); status != StatusInvalid {
		t.Fatalf("check --pdf: status %d, want invalid", status)
	}
}
