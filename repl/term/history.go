//go:build !js

package term

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// maxHistoryLines bounds how much history is loaded into the prompt.
const maxHistoryLines = 1000

// DefaultHistoryPath is $XDG_STATE_HOME/raftctl/history, or
// ~/.local/state/raftctl/history (the XDG base directory default). It is
// empty when neither is known (no HOME, as under testscript): history then
// lives in memory only.
func DefaultHistoryPath() string {
	if directory := DefaultStateDirectory(); directory != "" {
		return filepath.Join(directory, "history")
	}
	return ""
}

// DefaultStateDirectory is where raftctl keeps what it remembers about a
// user (history, completed lessons): $XDG_STATE_HOME/raftctl, or
// ~/.local/state/raftctl; empty when neither is known.
func DefaultStateDirectory() string {
	if state := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(state) {
		return filepath.Join(state, "raftctl")
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".local", "state", "raftctl")
}

// loadHistory returns the last maxHistoryLines lines of the file at path,
// oldest first. A missing file is an empty history, not an error.
func loadHistory(path string) ([]string, error) {
	if path == "" {
		return nil, nil
	}
	file, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer file.Close()
	var lines []string
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		if line := strings.TrimSpace(scanner.Text()); line != "" {
			lines = append(lines, line)
		}
	}
	if len(lines) > maxHistoryLines {
		lines = lines[len(lines)-maxHistoryLines:]
	}
	return lines, scanner.Err()
}

// appendHistory adds one line to the file at path, creating it and its
// directory (private to the user: commands may name keys and values).
func appendHistory(path, line string) error {
	if path == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, writeErr := file.WriteString(line + "\n")
	closeErr := file.Close()
	return errors.Join(writeErr, closeErr)
}
