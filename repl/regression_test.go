package repl

import (
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
			output, status := runScriptFile(t, path)
			if status != StatusOK {
				t.Fatalf("status %d:\n%s", status, output)
			}
		})
	}
}
