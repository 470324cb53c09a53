package lessons_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"raftctl/lessons"
)

func TestProgressIsSavedAndLoaded(t *testing.T) {
	directory := filepath.Join(t.TempDir(), "state", "raftctl")
	progress, err := lessons.LoadProgress(directory)
	if err != nil || len(progress.Completed) != 0 {
		t.Fatalf("LoadProgress of a missing directory = %+v, %v; want no progress and no error", progress, err)
	}
	for _, name := range []string{"prevote", "basics", "prevote"} {
		if err := lessons.MarkCompleted(directory, name); err != nil {
			t.Fatal(err)
		}
	}
	progress, err = lessons.LoadProgress(directory)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"basics", "prevote"}; !slices.Equal(progress.Completed, want) {
		t.Errorf("completed %q, want %q", progress.Completed, want)
	}
	if !progress.Done("basics") || progress.Done("election") {
		t.Errorf("Done(basics) = %v, Done(election) = %v; want true, false", progress.Done("basics"), progress.Done("election"))
	}
	entries, err := os.ReadDir(directory)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != lessons.ProgressFile {
		t.Errorf("state directory holds %v; want only %s (no temporary files left)", entries, lessons.ProgressFile)
	}
}

func TestMarkCompletedRefusesBadNames(t *testing.T) {
	directory := t.TempDir()
	for _, name := range []string{"", "two\nlines"} {
		if err := lessons.MarkCompleted(directory, name); err == nil {
			t.Errorf("MarkCompleted(%q) succeeded; want an error", name)
		}
	}
}

func TestLoadProgressReportsUnreadableFile(t *testing.T) {
	directory := t.TempDir()
	// A directory where the file should be cannot be read as a file.
	if err := os.Mkdir(filepath.Join(directory, lessons.ProgressFile), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := lessons.LoadProgress(directory); err == nil {
		t.Error("LoadProgress succeeded on an unreadable file; want an error")
	}
}
