package lessons

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// StepsFile is the file, inside the state directory the caller passes,
// that keeps where the learner is in each unfinished lesson: one
// "name step" a line.
const StepsFile = "lessons-steps"

// LoadSteps reads the step (1-based) reached in each unfinished lesson. A
// missing file is an empty map, not an error; a malformed line is skipped.
func LoadSteps(directory string) (map[string]int, error) {
	steps := map[string]int{}
	data, err := os.ReadFile(filepath.Join(directory, StepsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return steps, nil
	}
	if err != nil {
		return steps, fmt.Errorf("lesson progress: %w", err)
	}
	scanner := bufio.NewScanner(bytes.NewReader(data))
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		if len(fields) != 2 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if step, err := strconv.Atoi(fields[1]); err == nil && step > 0 {
			steps[fields[0]] = step
		}
	}
	return steps, scanner.Err()
}

// SaveStep records the step (1-based) the learner reached in a lesson; 0
// forgets the lesson (completed). The file is replaced atomically.
func SaveStep(directory, name string, step int) error {
	if !namePattern.MatchString(name) {
		return fmt.Errorf("lesson progress: invalid lesson name %q", name)
	}
	steps, err := LoadSteps(directory)
	if err != nil {
		return err
	}
	if steps[name] == step || (step <= 0 && steps[name] == 0) {
		return nil
	}
	if step > 0 {
		steps[name] = step
	} else {
		delete(steps, name)
	}
	var buffer bytes.Buffer
	buffer.WriteString("# raftctl: the step reached in each unfinished lesson\n")
	for _, lesson := range slices.Sorted(maps.Keys(steps)) {
		fmt.Fprintf(&buffer, "%s %d\n", lesson, steps[lesson])
	}
	if err := os.MkdirAll(directory, 0o700); err != nil {
		return fmt.Errorf("lesson progress: %w", err)
	}
	return writeAtomically(filepath.Join(directory, StepsFile), buffer.Bytes())
}
