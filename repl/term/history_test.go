//go:build !js

package term

import (
	"path/filepath"
	"slices"
	"testing"
)

func TestHistoryRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "raftctl", "history")
	if lines, err := loadHistory(path); err != nil || len(lines) != 0 {
		t.Fatalf("missing file: %v, %v", lines, err)
	}
	for _, line := range []string{"put x 1", "get x"} {
		if err := appendHistory(path, line); err != nil {
			t.Fatal(err)
		}
	}
	lines, err := loadHistory(path)
	if err != nil || !slices.Equal(lines, []string{"put x 1", "get x"}) {
		t.Fatalf("loadHistory = %v, %v", lines, err)
	}
}

// TestHistoryWithoutHome: testscript runs with HOME=/no-home, and a user may
// have no HOME at all; history is then kept in memory only.
func TestHistoryWithoutHome(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("HOME", "")
	if path := DefaultHistoryPath(); path != "" {
		t.Fatalf("DefaultHistoryPath = %q without HOME, want empty", path)
	}
	if err := appendHistory("", "put x 1"); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_STATE_HOME", "/state")
	if path := DefaultHistoryPath(); path != "/state/raftctl/history" {
		t.Fatalf("DefaultHistoryPath = %q", path)
	}
}
