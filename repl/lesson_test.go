package repl

import (
	"bytes"
	"strings"
	"testing"

	"raftctl/lessons"
)

// TestEveryLessonPlaysItself: every lesson, played by the session the way
// `raftctl lesson NAME --auto` plays it, holds, twice, byte for byte.
func TestEveryLessonPlaysItself(t *testing.T) {
	for _, lesson := range lessons.All() {
		t.Run(lesson.Name, func(t *testing.T) {
			var transcripts [2]string
			for i := range transcripts {
				var out bytes.Buffer
				session, err := NewSession(Options{Out: &out})
				if err != nil {
					t.Fatal(err)
				}
				if err := session.AutoLesson(lesson.Name); err != nil {
					t.Fatalf("%v\n%s", err, out.String())
				}
				session.Close()
				transcripts[i] = out.String()
			}
			if transcripts[0] != transcripts[1] {
				t.Fatal("two runs of the lesson differ")
			}
			if !strings.Contains(transcripts[0], "Lesson "+lesson.Name+" complete.") {
				t.Fatalf("the lesson did not complete:\n%s", transcripts[0])
			}
		})
	}
}

// TestLessonModeInAScript: inside a session, a lesson takes the lines
// until it ends, then the REPL has them again.
func TestLessonModeInAScript(t *testing.T) {
	var out bytes.Buffer
	session, err := NewSession(Options{Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()
	script := "lesson prevote\n\nb\nquit\nstatus\n"
	if status := session.RunScript(strings.NewReader(script), false); status != StatusOK {
		t.Fatalf("status %d\n%s", status, out.String())
	}
	text := out.String()
	for _, want := range []string{"step 2/7", "Right: b)", "Left lesson prevote at step 3/7; starting it again offers to continue from there.", "> status\n  node  role"} {
		if !strings.Contains(text, want) {
			t.Errorf("the transcript lacks %q", want)
		}
	}
	if prompt := session.Prompt(); prompt != "" {
		t.Errorf("after the lesson the prompt is %q", prompt)
	}
}
