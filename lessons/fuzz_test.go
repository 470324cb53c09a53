package lessons

import (
	"io"
	"io/fs"
	"testing"
)

// FuzzParseLesson feeds the parser arbitrary files: it must never panic,
// and neither may Validate or Auto on whatever it accepts.
func FuzzParseLesson(f *testing.F) {
	names, err := fs.Glob(files, "files/*.lesson")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range names {
		data, err := fs.ReadFile(files, name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lesson, err := Parse("fuzz.lesson", data)
		if err != nil {
			if lesson != nil {
				t.Fatal("Parse returned a lesson and an error")
			}
			return
		}
		if lesson.Validate() != nil {
			return
		}
		// A valid lesson must play to an end on any console: here one on
		// which nothing ever holds.
		_ = Auto(lesson, nothingHolds{}, io.Discard)
		runner := Start(lesson, nothingHolds{}, io.Discard)
		for _, line := range []string{"", "a", "1", "hint", "back", "skip", "status", "restart", "skip", "quit"} {
			runner.Prompt()
			runner.Input(line)
		}
		if !runner.Done() {
			t.Fatal("the runner is not done after quit")
		}
	})
}

// nothingHolds is a console on which every command runs and no condition
// holds.
type nothingHolds struct{}

func (nothingHolds) Run(string) bool { return true }

func (nothingHolds) Holds(string) (bool, string, error) { return false, "nothing", nil }
