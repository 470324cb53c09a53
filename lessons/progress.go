package lessons

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ProgressFile is the file, inside the state directory the caller passes,
// that lists the completed lessons: one name a line, sorted.
const ProgressFile = "lessons-completed"

// Progress is what the learner has finished.
type Progress struct {
	Completed []string // lesson names, sorted
}

// Done reports whether the lesson was completed.
func (p Progress) Done(name string) bool {
	_, found := slices.BinarySearch(p.Completed, name)
	return found
}

// LoadProgress reads the completed lessons from directory. A missing file
// is no progress yet, not an error.
func LoadProgress(directory string) (Progress, error) {
	data, err := os.ReadFile(filepath.Join(directory, ProgressFile))
	if errors.Is(err, fs.ErrNotExist) {
		return Progress{}, nil
	}
	if err != nil {
		return Progress{}, fmt.Errorf("lesson progress: %w", err)
	}
	var names []string
	scanner := bufio.NewScanner(bytes.NewReader(data))
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		names = append(names, line)
	}
	if err := scanner.Err(); err != nil {
		return Progress{}, fmt.Errorf("lesson progress %s: %w", filepath.Join(directory, ProgressFile), err)
	}
	slices.Sort(names)
	return Progress{Completed: slices.Compact(names)}, nil
}

// MarkCompleted records that the lesson was completed. It writes a new
// file next to the old one and renames it over, so a crash leaves either
// the old list or the new one. Two processes marking at the same moment
// may lose one mark; the lesson can simply be done again.
func MarkCompleted(directory, name string) error {
	if name == "" || strings.ContainsAny(name, "\n\r") {
		return fmt.Errorf("lesson progress: invalid lesson name %q", name)
	}
	progress, err := LoadProgress(directory)
	if err != nil {
		return err
	}
	if progress.Done(name) {
		return nil
	}
	names := append(progress.Completed, name)
	slices.Sort(names)
	var buffer bytes.Buffer
	buffer.WriteString("# raftctl: completed lessons, one name a line\n")
	for _, completed := range names {
		buffer.WriteString(completed + "\n")
	}
	if err := os.MkdirAll(directory, 0o700); err != nil {
		return fmt.Errorf("lesson progress: %w", err)
	}
	return writeAtomically(filepath.Join(directory, ProgressFile), buffer.Bytes())
}

// writeAtomically writes data to a temporary file in the same directory,
// syncs it and renames it over path.
func writeAtomically(path string, data []byte) (err error) {
	temporary, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("lesson progress: %w", err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(temporary.Name())
			err = fmt.Errorf("lesson progress: %w", err)
		}
	}()
	if _, err = temporary.Write(data); err != nil {
		_ = temporary.Close()
		return err
	}
	if err = temporary.Sync(); err != nil {
		_ = temporary.Close()
		return err
	}
	if err = temporary.Close(); err != nil {
		return err
	}
	if err = os.Chmod(temporary.Name(), 0o600); err != nil {
		return err
	}
	return os.Rename(temporary.Name(), path)
}
