package repl

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestRegressions runs each script of testdata/regressions, which
// reproduce mistakes found in earlier versions and end with the `expect`
// lines that the mistakes broke: each must run to the end with status 0.
func TestRegressions(t *testing.T) {
	paths, err := filepath.Glob("testdata/regressions/*.txt")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			script, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			session, err := NewSession(Options{Out: &out})
			if err != nil {
				t.Fatal(err)
			}
			defer session.Close()
			if status := session.RunScript(bytes.NewReader(script), false); status != StatusOK {
				t.Fatalf("status %d:\n%s", status, out.String())
			}
		})
	}
}
